// Short local names for the globals the tracker uses most; the minifier then
// writes each as one letter.
export const doc = document
export const nav = navigator
export const loc = location
export const now = Date.now
export const on = (type, listener, target = window) => target.addEventListener(type, listener, true)

// No exception ever reaches the host page: each entry point is wrapped, and a
// failure is reported on the console instead.
export const guard =
  (fn) =>
  (...args) => {
    try {
      fn(...args)
    } catch (e) {
      console.warn('liveinsight:', e)
    }
  }
