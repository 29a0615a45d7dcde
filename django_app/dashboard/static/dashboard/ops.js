// The operations page: polls /api/ops every 10 seconds. Alarm reasons are set as text only.
;(() => {
  const $ = (id) => document.getElementById(id)
  const charts = {}
  const lines = {
    errors: ['errors', 'throttles'],
    dynamodb_units: ['dynamodb_read_units', 'dynamodb_write_units'],
    dynamodb_throttles: ['dynamodb_read_throttles', 'dynamodb_write_throttles'],
  }

  function texts(id, items, line) {
    $(id).replaceChildren(...items.map((item) => {
      const li = document.createElement('li')
      li.textContent = line(item)
      return li
    }))
  }

  function draw(data) {
    const labels = data.minutes.map((m) => new Date(m * 1000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }))
    for (const canvas of document.querySelectorAll('canvas')) {
      const keys = lines[canvas.id] || [canvas.id]
      const datasets = keys.map((key) => ({ label: key, data: data.series[key] }))
      if (!charts[canvas.id]) {
        charts[canvas.id] = new Chart(canvas, { type: 'line', data: { labels, datasets },
          options: { animation: false, responsive: true, scales: { y: { beginAtZero: true } } } })
      } else {
        charts[canvas.id].data = { labels, datasets }
        charts[canvas.id].update()
      }
    }
    $('alarms').replaceChildren(...data.alarms.map((alarm) => {
      const li = document.createElement('li')
      const state = document.createElement('b')
      state.textContent = alarm.state
      state.className = alarm.state.toLowerCase()
      li.append(state, ` ${alarm.name} · ${alarm.metric} · since ${new Date(alarm.updated).toLocaleTimeString()} · ${alarm.reason}`)
      return li
    }))
    texts('alarm_history', data.alarm_history, (c) => `${c.at} ${c.alarm}: ${c.from || ''} → ${c.to || ''} ${c.reason}`)
    texts('notifications', data.notifications, (n) => `${n.at} ${n.type} ${n.subject}`)
    texts('faults', data.faults, (f) => `#${f.id} ${f.target} ${JSON.stringify(f)}`)
    texts('hot_keys', data.hot_keys, (k) =>
      `${k.table} ${k.key}: ${k.write_units_per_s} WCU/s, ${k.read_units_per_s} RCU/s, ${k.largest_item_bytes} B`)
    $('updated').textContent = new Date().toLocaleTimeString()
  }

  async function poll() {
    try {
      const answer = await fetch($('ops').dataset.api, { credentials: 'same-origin' })
      if (answer.ok) draw(await answer.json())
      else $('updated').textContent = `error ${answer.status}`
    } catch {
      $('updated').textContent = 'unreachable'
    }
  }

  document.addEventListener('DOMContentLoaded', () => {
    poll()
    setInterval(poll, 10000)
  })
})()
