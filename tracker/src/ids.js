import { load, save } from './storage.js'

export const SESSION_IDLE = 18e5 // 30 minutes, as the server's session rule

// Browsers offer crypto.randomUUID on secure pages (HTTPS and localhost); on
// others the tracker stays off (the guard reports why on the console).
export const uuid = () => crypto.randomUUID()

// The visitor id, kept until storage is cleared (one per page load when cookieless).
export const visitor = () => load('li_v') || save('li_v', uuid())

// The session id: a new one after 30 idle minutes.
export const session = (now) => {
  let current = load('li_s')
  if (!current || now - current[1] > SESSION_IDLE) current = [uuid()]
  current[1] = now
  return save('li_s', current)[0]
}
