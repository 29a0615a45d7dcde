import { loc, on } from './globals.js'

// A page_view on load and on each single-page-app navigation.
export function watchPages(config, pageview) {
  let last
  const check = () => {
    const url = config.hash == null ? loc.href.split('#')[0] : loc.href
    if (url != last) pageview(last, (last = url))
  }
  for (const name of ['pushState', 'replaceState']) {
    const original = history[name]
    history[name] = function () {
      original.apply(this, arguments) // both return undefined
      check()
    }
  }
  on('popstate', check)
  config.hash == null || on('hashchange', check)
  check()
}
