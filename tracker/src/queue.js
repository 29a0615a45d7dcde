import { guard, nav, now } from './globals.js'
import { load, save } from './storage.js'

export const BATCH = 10
export const INTERVAL = 5e3
const KEEP = 200 // the offline queue's bound

// Events wait in a queue kept in localStorage, so a reload or a lost connection
// loses none. A batch leaves every INTERVAL, as soon as BATCH events wait, and
// everything by beacon when the page hides; an event leaves the queue only once
// the server answered.
// After a failure, sends back off from 1 s to 60 s. Every event carries its
// event_id, so a resend is stored and counted once.
export function queue(url) {
  let items = load('li_q') || []
  let busy
  let delay = 0
  let next = 0
  const keep = () => save('li_q', (items = items.slice(-KEEP)))
  const body = (from = 0) => JSON.stringify({ events: items.slice(from, from + BATCH) })

  const flush = guard(() => {
    if (busy || !items[0] || now() < next) return
    const batch = items.slice(0, BATCH)
    busy = fetch(url, { method: 'POST', body: body(), keepalive: true })
      .then((response) => {
        if (response.status == 429 || response.status > 499) throw 0
        items = items.filter((e) => !batch.includes(e)) // 2xx, or a 4xx no retry can mend
        keep()
        delay = 0
      })
      .catch(() => (next = now() + (delay = Math.min(delay * 2 || 1e3, 6e4))))
      .finally(() => (busy = 0))
  })
  setInterval(flush, INTERVAL)

  return {
    flush,
    add(event) {
      items.push(event)
      keep()
      items[BATCH - 1] && flush()
    },
    // The page is going away: hand the whole queue to the browser, a batch per
    // beacon. It stays queued, so if a beacon is lost the next page sends it again
    // (a fetch cut short by leaving the page never reports success either).
    beacon: guard(() => {
      for (let i = 0; i < items.length; i += BATCH) nav.sendBeacon(url, body(i))
    }),
  }
}
