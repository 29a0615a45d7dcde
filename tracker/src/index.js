import { doc, guard, loc, nav, now } from './globals.js'
import { watchClicks } from './clicks.js'
import { blocked, settings } from './config.js'
import { watchEngagement } from './engagement.js'
import { session, uuid, visitor } from './ids.js'
import { watchPages } from './pages.js'
import { queue } from './queue.js'
import { memoryOnly, save } from './storage.js'

const start = (config) => {
  let send = () => {}
  // The API is there even when tracking is off, so calling it never throws.
  // JSON leaves out fields that are undefined, and the server ignores unknown ones.
  window.liveinsight = {
    optOut: () => save('li_o', 1),
    conversion: (goal, options) => send('conversion', { goal, ...options }),
    track: (name, props) => send('custom', { name, props }),
  }
  if (blocked(config)) return
  config.cookieless == null || memoryOnly()
  const outbox = queue(config.api + '/events')
  const visitorId = visitor()
  let referrer = doc.referrer

  send = guard((type, fields) =>
    outbox.add({
      event_id: uuid(),
      type,
      site_id: config.site,
      visitor_id: visitorId,
      session_id: session(now()),
      ts: now(),
      url: loc.href,
      referrer,
      title: doc.title,
      language: nav.language,
      time_zone: Intl.DateTimeFormat().resolvedOptions().timeZone,
      screen: screen.width + 'x' + screen.height,
      ...fields,
    }),
  )

  watchPages(config, guard((previous) => {
    if (previous) referrer = previous // in-app navigation: the previous page refers
    send('page_view')
  }))
  watchClicks(send)
  watchEngagement(send, outbox)
  outbox.flush() // what an earlier page left queued
}

guard(() => start(settings(document.currentScript)))()
