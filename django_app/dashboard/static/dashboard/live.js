// The live page: one Server-Sent Events stream, drawn with textContent and Chart.js.
// Tracked strings (pages, sources) come from strangers: they are only ever set as
// text, never as HTML.
;(() => {
  const $ = (id) => document.getElementById(id)
  const number = new Intl.NumberFormat()

  function list(element, items, render) {
    element.replaceChildren(
      ...items.map((item) => {
        const li = document.createElement('li')
        render(li, item)
        return li
      }),
    )
  }

  function named(li, item) {
    const name = document.createElement('span')
    name.textContent = item.name
    const count = document.createElement('b')
    count.textContent = number.format(item.count)
    li.append(name, ' ', count)
  }

  function activity(li, item) {
    const when = new Date(item.last).toLocaleTimeString()
    li.textContent = `${when} · ${item.page} · ${item.src} · ${item.device}`
  }

  let chart
  function draw(perMinute) {
    const labels = perMinute.map((m) => new Date(m.minute * 1000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }))
    const series = [
      { label: 'Page views', data: perMinute.map((m) => m.pageviews) },
      { label: 'Visitors', data: perMinute.map((m) => m.visitors) },
    ]
    if (!chart) {
      chart = new Chart($('per-minute'), {
        type: 'bar',
        data: { labels, datasets: series },
        options: { animation: false, responsive: true, aspectRatio: 3, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
      })
      return
    }
    chart.data.labels = labels
    chart.data.datasets.forEach((set, i) => (set.data = series[i].data))
    chart.update()
  }

  // the big screen shows only some of the live page's parts
  function text(id, value) {
    if ($(id)) $(id).textContent = value
  }

  function listed(id, items, render) {
    if ($(id)) list($(id), items, render)
  }

  function show(data) {
    text('active-visitors', number.format(data.active_visitors))
    text('today-pageviews', number.format(data.today.pageviews))
    text('today-sessions', number.format(data.today.sessions))
    text('today-conversions', number.format(data.today.conversions))
    text('today-value', data.today.conversion_value ? `value ${data.today.conversion_value}` : '')
    listed('top-pages', data.top_pages, named)
    listed('top-sources', data.top_sources, named)
    listed('latest', data.latest, activity)
    $('updated').textContent = new Date(data.at).toLocaleTimeString()
    $('updated').dateTime = new Date(data.at).toISOString()
    draw(data.per_minute)
  }

  document.addEventListener('DOMContentLoaded', () => {
    const stream = new EventSource($('site').dataset.stream)
    stream.addEventListener('realtime', (event) => show(JSON.parse(event.data)))
    stream.onerror = () => ($('updated').textContent = 'reconnecting…')
    // the server ends a stream after its lifetime (the browser reconnects), at sign-out, or
    // when a shared link is revoked
    stream.addEventListener('end', (event) => {
      if (JSON.parse(event.data).reason !== 'lifetime') {
        stream.close()
        window.location.reload() // the page then asks to sign in, or is gone
      }
    })
  })
})()
