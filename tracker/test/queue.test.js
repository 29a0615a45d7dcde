import assert from 'node:assert/strict'
import { test } from 'node:test'
import { allValid, open } from './page.js'

test('the page view leaves at once; later events wait for the interval and leave together', async () => {
  const page = await open()
  assert.equal(page.requests.length, 1)
  const [first] = page.requests
  assert.equal(first.url, 'https://api.example/events')
  assert.equal(first.init.keepalive, true)
  assert.equal(first.init.headers, undefined) // a string body is text/plain: no preflight
  assert.deepEqual(first.body.events.map((e) => e.type), ['page_view'])
  page.window.liveinsight.track('signup_shown', { variant: 'b' })
  page.window.liveinsight.conversion('signup')
  await page.tick(4000)
  assert.equal(page.requests.length, 1)
  await page.tick(1000)
  assert.deepEqual(page.requests[1].body.events.map((e) => e.type), ['custom', 'conversion'])
  assert.equal(new Set(page.events().map((e) => e.event_id)).size, 3)
  assert.equal(allValid(page), true)
  await page.close()
})

test('ten waiting events leave at once, in batches of at most ten', async () => {
  const page = await open()
  for (let i = 0; i < 12; i++) page.window.liveinsight.conversion('goal' + i, { value: i, currency: 'EUR' })
  await page.settle()
  assert.equal(page.requests.length, 2)
  assert.equal(page.requests[1].body.events.length, 10)
  await page.tick(5000)
  assert.equal(page.events().length, 13)
  assert.equal(allValid(page), true)
  await page.close()
})

test('a failed send is retried with backoff and nothing is lost or sent twice once it succeeds', async () => {
  const outcomes = [503, 0, 429, 200]
  const page = await open({ status: (n) => outcomes[n - 1] ?? 200 })
  assert.equal(page.requests.length, 1) // 503: wait 1 s
  await page.tick(4999)
  assert.equal(page.requests.length, 1) // the interval comes at 5 s
  await page.tick(1) // network down: wait 2 s
  await page.tick(5000) // 429: wait 4 s
  await page.tick(5000) // 200
  assert.equal(page.requests.length, 4)
  assert.equal(new Set(page.requests.map((r) => r.body.events[0].event_id)).size, 1)
  assert.ok(!JSON.parse(page.storage().li_q).some((e) => e.type == 'page_view'))
  await page.close()
})

test('backoff doubles up to a minute', async () => {
  const page = await open({ status: () => 503 })
  await page.tick(10 * 60_000)
  const gaps = page.requests.map((r, i, all) => (i ? r.body.events[0].ts - all[i - 1].body.events[0].ts : 0))
  assert.ok(page.requests.length < 20, `${page.requests.length} sends in 10 minutes`)
  assert.equal(new Set(page.requests.map((r) => r.body.events[0].event_id)).size, 1)
  assert.deepEqual(gaps, gaps.map(() => 0)) // always the oldest event first
  await page.close()
})

test('a 4xx that no retry can mend drops the batch', async () => {
  const page = await open({ status: () => 400 })
  await page.tick(60_000)
  const ids = page.events().map((e) => e.event_id)
  assert.equal(new Set(ids).size, ids.length) // nothing was sent twice
  await page.close()
})

test('the offline queue survives a reload and is sent first by the next page', async () => {
  const first = await open({ status: () => 0 })
  first.window.liveinsight.conversion('purchase', { value: 10 })
  await first.tick(5000)
  const left = JSON.parse(first.storage().li_q)
  assert.deepEqual(left.map((e) => e.type), ['page_view', 'conversion'])
  const second = await open({ storage: first.storage() })
  const sent = second.requests[0].body.events
  assert.deepEqual(sent.slice(0, 2).map((e) => e.event_id), left.map((e) => e.event_id))
  assert.equal(sent[2].type, 'page_view')
  await first.close()
  await second.close()
})

test('the offline queue is bounded', async () => {
  const page = await open({ status: () => 0 })
  for (let i = 0; i < 300; i++) page.window.liveinsight.track('e' + i)
  await page.settle()
  assert.equal(JSON.parse(page.storage().li_q).length, 200)
  await page.close()
})

test('hiding the page sends what waits at once, with the engaged time', async () => {
  const page = await open()
  page.window.liveinsight.track('read_more')
  await page.tick(3000)
  Object.defineProperty(page.window.document, 'hidden', { value: true, configurable: true })
  page.window.document.dispatchEvent(new page.window.Event('visibilitychange', { bubbles: true }))
  await page.settle()
  assert.deepEqual(page.requests[1].body.events.map((e) => e.type), ['custom', 'heartbeat'])
  assert.equal(page.requests[1].body.events[1].engaged_ms, 3000)
  assert.equal(allValid(page), true)
  await page.close()
})

test('leaving the page hands the whole queue to beacons, ten events each', async () => {
  const page = await open({ status: () => 503 })
  for (let i = 0; i < 14; i++) page.window.liveinsight.track('e' + i)
  await page.tick(2000)
  page.window.dispatchEvent(new page.window.Event('pagehide'))
  await page.settle()
  assert.deepEqual(page.beacons.map((b) => b.events.length), [10, 6]) // 15 waiting, plus the engaged time
  assert.equal(page.beacons[1].events.at(-1).type, 'heartbeat')
  assert.equal(allValid(page), true)
  await page.close()
})
