import { loc, nav } from './globals.js'
import { load } from './storage.js'

// Settings from the script tag's data- attributes: data-site and data-api, and the
// switches data-cookieless (a new visitor id per page load, nothing stored),
// data-hash (hash changes are page views), data-local (track on localhost) and
// data-automation (track automated browsers).
export const settings = (script) => script.dataset

// Do-Not-Track, Global Privacy Control, an opt-out, localhost (and any IPv6 literal
// host) and automation stop tracking.
export const blocked = (config) =>
  !config.site ||
  nav.doNotTrack == 1 ||
  nav.globalPrivacyControl ||
  load('li_o') ||
  (config.local == null && /^(localhost|127\.|\[)/.test(loc.hostname)) ||
  (config.automation == null && nav.webdriver)
