// The operations page: polls /api/ops every 10 seconds. Alarm reasons are set as text only.
;(() => {
  const $ = (id) => document.getElementById(id)
  const charts = {}
  const lines = { errors: ['errors', 'throttles'] }

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
