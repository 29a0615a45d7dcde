"""The demo shop's products: plain data, no database."""

PRODUCTS = [
    {"slug": "trail-runner", "name": "Trail Runner", "price": "89.00", "blurb": "Light shoes for rough paths."},
    {"slug": "rain-shell", "name": "Rain Shell", "price": "129.00", "blurb": "A jacket that packs into its pocket."},
    {"slug": "day-pack", "name": "Day Pack 20L", "price": "59.00", "blurb": "Room for a day on the hill."},
    {"slug": "camp-mug", "name": "Camp Mug", "price": "14.50", "blurb": "Enamel, and it keeps its dents."},
]
BY_SLUG = {p["slug"]: p for p in PRODUCTS}
