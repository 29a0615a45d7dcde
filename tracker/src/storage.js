// Values kept as JSON in localStorage; in a plain object instead where storage is
// disabled, or when told to keep nothing (cookieless): tracking then lasts one page.
let disk
try {
  disk = localStorage
} catch (e) {
  disk = {}
}

export const memoryOnly = () => (disk = {})

export const load = (key) => {
  try {
    return JSON.parse(disk[key])
  } catch (e) {
    // missing (undefined is not JSON) or unreadable: nothing kept
  }
}

export const save = (key, value) => {
  try {
    disk[key] = JSON.stringify(value)
  } catch (e) {
    // storage is full: the value lives on in the caller's memory only
  }
  return value
}
