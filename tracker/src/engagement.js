import { doc, now, on } from './globals.js'

export const HEARTBEAT = 15e3

// A heartbeat every 15 s while the page is visible, carrying the engaged (visible)
// time since the one before. When the page hides, the rest of that time is sent
// at once (keepalive fetch); when it goes away for good, by beacon.
export function watchEngagement(send, outbox) {
  let since = now()
  const beat = () => {
    const ms = since && now() - since
    since = !doc.hidden && now()
    ms > 999 && send('heartbeat', { engaged_ms: ms })
  }
  setInterval(() => since && beat(), HEARTBEAT)
  on('visibilitychange', () => (since ? (beat(), outbox.flush()) : (since = now())))
  on('pagehide', () => (beat(), outbox.beacon())) // leaving for another page fires only this one
}
