// The demo shop's cart, kept in localStorage; checkout reports the conversions.
;(() => {
  const read = () => JSON.parse(localStorage.getItem('demo_cart') || '[]')
  const write = (items) => localStorage.setItem('demo_cart', JSON.stringify(items))
  const total = (items) => items.reduce((sum, item) => sum + item.price, 0)
  const tracker = () => window.liveinsight || { conversion() {} }

  document.addEventListener('DOMContentLoaded', () => {
    const count = document.getElementById('cart-count')
    if (count) count.textContent = read().length

    const add = document.getElementById('add-to-cart')
    if (add) {
      add.addEventListener('click', () => {
        write([...read(), { slug: add.dataset.slug, price: parseFloat(add.dataset.price) }])
        count.textContent = read().length
        add.textContent = 'Added'
      })
    }

    const reviews = document.getElementById('show-reviews')
    if (reviews) {
      reviews.addEventListener('click', () => {
        document.getElementById('reviews').hidden = false
        history.pushState({}, '', '?tab=reviews') // an in-app navigation: a page view, no reload
      })
    }

    const list = document.getElementById('cart-items')
    if (list) {
      for (const item of read()) {
        const li = document.createElement('li')
        li.textContent = `${item.slug} — €${item.price.toFixed(2)}`
        list.appendChild(li)
      }
      document.getElementById('cart-total').textContent = total(read()).toFixed(2)
    }

    const form = document.getElementById('checkout-form')
    if (form) {
      form.addEventListener('submit', (event) => {
        event.preventDefault()
        const items = read()
        tracker().conversion('purchase', { value: Math.round(total(items) * 100) / 100, currency: 'EUR' })
        if (document.getElementById('newsletter').checked) tracker().conversion('signup')
        write([])
        form.hidden = true
        document.getElementById('thanks').hidden = false
        history.pushState({}, '', '?done=1') // a single-page step: the tracker sees a page view
      })
    }
  })
})()
