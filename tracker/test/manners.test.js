import assert from 'node:assert/strict'
import { test } from 'node:test'
import { open } from './page.js'

const api = { site: 'demo', api: 'https://api.example' }

for (const [name, options] of [
  ['Do-Not-Track', { navigator: { doNotTrack: '1' } }],
  ['Global Privacy Control', { navigator: { globalPrivacyControl: true } }],
  ['an opt-out', { storage: { li_o: '1' } }],
  ['localhost', { url: 'http://localhost:8000/' }],
  ['an automated browser', { data: api }],
]) {
  test(`${name} stops tracking, and the API still answers`, async () => {
    const page = await open({ data: { automation: '', ...api }, ...options })
    page.window.liveinsight.conversion('purchase', { value: 1 })
    page.window.liveinsight.track('x')
    await page.tick(60_000)
    assert.equal(page.requests.length, 0)
    assert.deepEqual(page.errors, [])
    await page.close()
  })
}

test('localhost is tracked when told to', async () => {
  const page = await open({ url: 'http://127.0.0.1:8000/', data: { ...api, automation: '', local: '' } })
  await page.tick(5000)
  assert.equal(page.events().length, 1)
  await page.close()
})

test('optOut stops the next page from tracking', async () => {
  const page = await open()
  page.window.liveinsight.optOut()
  const next = await open({ storage: page.storage() })
  await next.tick(10_000)
  assert.equal(next.requests.length, 0)
  await page.close()
  await next.close()
})

test('no exception reaches the page, even when the browser misbehaves', async () => {
  const page = await open({ status: () => 200 })
  page.window.fetch = () => {
    throw new Error('fetch exploded')
  }
  page.window.liveinsight.conversion(null, null)
  page.window.liveinsight.track({}, 5)
  page.window.document.dispatchEvent(new page.window.MouseEvent('click', { bubbles: true }))
  page.window.history.pushState({}, '', '/next')
  await page.tick(20_000)
  assert.deepEqual(page.errors, [])
  assert.match(page.console(), /liveinsight: Error: fetch exploded/)
  await page.close()
})
