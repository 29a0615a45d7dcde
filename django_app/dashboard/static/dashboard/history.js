// The history page's chart; everything else on the page is rendered by the server.
;(() => {
  document.addEventListener('DOMContentLoaded', () => {
    const { interval, points } = JSON.parse(document.getElementById('series-data').textContent)
    const label = (p) => {
      const at = new Date(p.start * 1000)
      return interval === 'day' ? at.toISOString().slice(0, 10) : at.toISOString().slice(5, 16).replace('T', ' ')
    }
    new Chart(document.getElementById('series'), {
      type: 'line',
      data: {
        labels: points.map(label),
        datasets: ['pageviews', 'visitors', 'sessions', 'conversions'].map((key) => ({ label: key, data: points.map((p) => p[key]) })),
      },
      options: { animation: false, responsive: true, aspectRatio: 3, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
    })
  })
})()
