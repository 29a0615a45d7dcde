import { doc, now, on } from './globals.js'

export const HEARTBEAT = 15e3

// A heartbeat every 15 s while the page is visible, carrying the engaged (visible)
// time since the one before; when the page hides, the rest goes with the beacon.
export function watchEngagement(send, hidden) {
  let since = now()
  const beat = () => {
    const ms = since && now() - since
    since = !doc.hidden && now()
    ms > 999 && send('heartbeat', { engaged_ms: ms })
  }
  setInterval(() => since && beat(), HEARTBEAT)
  // visibilitychange is the last event browsers reliably fire as a page goes away
  on('visibilitychange', () => (since ? (beat(), hidden()) : (since = now())))
}
