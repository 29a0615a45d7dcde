import { doc, guard, loc, on } from './globals.js'

// Clicks on elements marked data-li-event, and on outbound or download links.
export function watchClicks(send) {
  on(
    'click',
    guard((e) => {
      const el = e.target.closest('[data-li-event],a[href]')
      if (!el) return
      const link = el.closest('a[href]')
      const name = el.getAttribute('data-li-event')
      const outbound = !!link && link.host != loc.host
      const download = !!link && (link.hasAttribute('download') || /\.(pdf|zip|dmg|exe|docx?|xlsx?|csv|mp[34])$/i.test(link.pathname))
      const target = { tag: el.tagName, text: el.textContent.trim(), outbound, download }
      if (link) target.href = link.href
      if (name) target.name = name
      if (name || outbound || download) send('click', { target })
    }),
    doc,
  )
}
