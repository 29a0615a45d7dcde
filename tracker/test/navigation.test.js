import assert from 'node:assert/strict'
import { test } from 'node:test'
import { allValid, open } from './page.js'

test('a page_view on load and on pushState, replaceState and popstate, with the previous page as referrer', async () => {
  const page = await open({ url: 'https://shop.example/' })
  page.window.history.pushState({}, '', '/products')
  page.window.history.replaceState({}, '', '/products?sort=price')
  page.window.history.replaceState({}, '', '/products?sort=price') // same url: no page view
  page.window.history.back()
  page.window.dispatchEvent(new page.window.PopStateEvent('popstate'))
  await page.tick(5000)
  const views = page.events().filter((e) => e.type == 'page_view')
  assert.deepEqual(views.map((e) => new URL(e.url).pathname + new URL(e.url).search),
    ['/', '/products', '/products?sort=price', '/'])
  assert.equal(views[1].referrer, 'https://shop.example/')
  assert.equal(allValid(page), true)
  await page.close()
})

test('hash changes are page views only when asked', async () => {
  for (const [data, expected] of [[{}, 1], [{ hash: '' }, 2]]) {
    const page = await open({ data: { site: 'demo', api: 'https://api.example', automation: '', ...data } })
    page.window.location.hash = '#reviews'
    page.window.dispatchEvent(new page.window.HashChangeEvent('hashchange'))
    await page.tick(5000)
    assert.equal(page.events().filter((e) => e.type == 'page_view').length, expected)
    await page.close()
  }
})

test('clicks on marked elements, outbound links and downloads; other clicks are not events', async () => {
  const html = `
    <button id="cart" data-li-event="add-to-cart">Add <b>to cart</b></button>
    <a id="out" href="https://partner.example/offer">Partner</a>
    <a id="pdf" href="/files/datasheet.pdf">Datasheet</a>
    <a id="in" href="/about">About</a>`
  const page = await open({ html })
  for (const id of ['cart', 'pdf', 'in', 'out']) /* the outbound link navigates away: last */ {
    page.window.document.getElementById(id).dispatchEvent(new page.window.MouseEvent('click', { bubbles: true }))
  }
  await page.tick(5000)
  const clicks = page.everything().filter((e) => e.type == 'click').map((e) => e.target)
  assert.deepEqual(clicks, [
    { tag: 'BUTTON', text: 'Add to cart', outbound: false, download: false, name: 'add-to-cart' },
    { tag: 'A', text: 'Datasheet', outbound: false, download: true, href: 'https://shop.example/files/datasheet.pdf' },
    { tag: 'A', text: 'Partner', outbound: true, download: false, href: 'https://partner.example/offer' },
  ])
  assert.equal(allValid(page), true)
  await page.close()
})

test('heartbeats every 15 s while visible carry the engaged time, and pause while hidden', async () => {
  const page = await open()
  const beats = () => page.everything().filter((e) => e.type == 'heartbeat').map((e) => e.engaged_ms)
  await page.tick(30_000)
  assert.deepEqual(beats(), [15_000, 15_000])
  await page.tick(5_000)
  Object.defineProperty(page.window.document, 'hidden', { value: true, configurable: true })
  page.window.document.dispatchEvent(new page.window.Event('visibilitychange', { bubbles: true }))
  await page.tick(60_000)
  assert.deepEqual(beats(), [15_000, 15_000, 5_000]) // the engaged rest, sent on hiding; then nothing
  Object.defineProperty(page.window.document, 'hidden', { value: false, configurable: true })
  page.window.document.dispatchEvent(new page.window.Event('visibilitychange', { bubbles: true }))
  await page.tick(15_000)
  assert.equal(beats().length, 4)
  await page.close()
})
