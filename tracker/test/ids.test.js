import assert from 'node:assert/strict'
import { test } from 'node:test'
import { allValid, open } from './page.js'

test('the visitor id survives a reload; the session id lasts until 30 idle minutes', async () => {
  const first = await open()
  const [view] = first.events()
  const kept = first.storage()
  await first.close()

  const clock = { now: view.ts + 29 * 60_000 }
  const again = await open({ storage: kept, clock })
  const [second] = again.events()
  assert.equal(second.visitor_id, view.visitor_id)
  assert.equal(second.session_id, view.session_id)

  const later = await open({ storage: again.storage(), clock: { now: clock.now + 31 * 60_000 } })
  const [third] = later.events()
  assert.equal(third.visitor_id, view.visitor_id)
  assert.notEqual(third.session_id, view.session_id)
  assert.equal(allValid(later), true)
  await again.close()
  await later.close()
})

test('cookieless mode stores nothing and gives each page load a new visitor', async () => {
  const data = { site: 'demo', api: 'https://api.example', automation: '', cookieless: '' }
  const first = await open({ data })
  assert.deepEqual(first.storage(), {})
  const second = await open({ data, storage: first.storage() })
  assert.notEqual(first.events()[0].visitor_id, second.events()[0].visitor_id)
  await first.close()
  await second.close()
})
