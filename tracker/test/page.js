// A page in happy-dom that loads the built tracker as the browser would, with a
// controllable clock and network, and the protocol schema to check what it sends.
import Ajv from 'ajv'
import { Window } from 'happy-dom'
import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
const code = readFileSync(resolve(root, 'django_app', 'dashboard', 'static', 'liveinsight-tracker.js'), 'utf8')
const schema = (name) => JSON.parse(readFileSync(resolve(root, 'protocol', 'v1', name), 'utf8'))
const ajv = new Ajv({ strict: false })
export const validRequest = ajv.compile(schema('request.schema.json'))
export const validEvent = ajv.compile(schema('event.schema.json'))
export const T0 = 1_800_000_000_000

export async function open({
  url = 'https://shop.example/',
  data = { site: 'demo', api: 'https://api.example', automation: '' },
  storage = {},
  navigator = {},
  status = () => 200,
  html = '',
  clock = { now: T0 },
} = {}) {
  const window = new Window({
    url,
    settings: { enableJavaScriptEvaluation: true, suppressInsecureJavaScriptEnvironmentWarning: true },
  })
  const timers = []
  const requests = []
  const beacons = []
  const errors = []
  window.Date.now = () => clock.now
  window.setInterval = (fn, ms) => timers.push({ fn, ms, at: clock.now + ms })
  window.fetch = async (target, init) => {
    const body = JSON.parse(init.body)
    requests.push({ url: target, body, init })
    const code = status(requests.length)
    if (code == 0) throw new TypeError('network down')
    return { status: code }
  }
  for (const [key, value] of Object.entries(navigator)) Object.defineProperty(window.navigator, key, { value })
  window.navigator.sendBeacon = (target, body) => beacons.push(JSON.parse(body)) > 0
  window.addEventListener('error', (e) => errors.push(e.error || e.message))
  for (const [key, value] of Object.entries(storage)) window.localStorage.setItem(key, value)
  window.document.body.innerHTML = html
  const script = window.document.createElement('script')
  Object.assign(script.dataset, data)
  script.textContent = code
  window.document.body.appendChild(script)
  await settle()

  async function tick(ms) {
    const until = clock.now + ms
    for (;;) {
      const due = timers.filter((t) => t.at <= until).sort((a, b) => a.at - b.at)[0]
      if (!due) break
      clock.now = due.at
      due.at += due.ms
      due.fn()
      await settle()
    }
    clock.now = until
    await settle()
  }

  return {
    window,
    clock,
    requests,
    beacons,
    errors,
    tick,
    settle,
    events: () => requests.flatMap((r) => r.body.events),
    // sent, beaconed or still queued, once each
    everything: () => {
      const queued = JSON.parse(window.localStorage.getItem('li_q') || '[]')
      const all = [...requests.flatMap((r) => r.body.events), ...beacons.flatMap((b) => b.events), ...queued]
      return [...new Map(all.map((e) => [e.event_id, e])).values()]
    },
    storage: () => ({ ...window.localStorage }),
    console: () => window.happyDOM.virtualConsolePrinter.readAsString(),
    close: () => window.happyDOM.close(),
  }
}

export async function settle() {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r))
}

// Every body the tracker sent, beacon or fetch, against the protocol schema.
export function allValid(page) {
  const bodies = [...page.requests.map((r) => r.body), ...page.beacons]
  const bad = bodies.filter((b) => !validRequest(b) || !b.events.every((e) => validEvent(e)))
  return bad.length == 0 || JSON.stringify({ bad, errors: validEvent.errors })
}
