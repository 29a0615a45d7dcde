"""The demo shop as visitors see it: pages, what can be clicked there, and where people go next."""

from __future__ import annotations

import runpy
from dataclasses import dataclass, field
from pathlib import Path

# the shop's own catalogue (plain data), read without importing Django
_CATALOG = Path(__file__).resolve().parent.parent / "django_app" / "demo" / "catalog.py"
PRODUCTS = [p["slug"] for p in runpy.run_path(str(_CATALOG))["PRODUCTS"]]
ORIGIN = "http://127.0.0.1:8000"


@dataclass(frozen=True)
class Page:
    path: str
    title: str
    next: dict[str, float]  # path -> weight; what is left to 1.0 is leaving the site
    clicks: list[dict[str, object]] = field(default_factory=list)  # marked elements, outbound, downloads


def _product(slug: str) -> Page:
    others = {f"/demo/products/{o}/": 0.06 for o in PRODUCTS if o != slug}
    return Page(f"/demo/products/{slug}/", slug.replace("-", " ").title() + " · Demo shop",
                {"/demo/cart/": 0.35, "/demo/products/": 0.12, **others},
                [{"tag": "button", "text": "Add to cart", "name": "add-to-cart", "weight": 0.5},
                 {"tag": "a", "text": "Datasheet", "href": f"{ORIGIN}/demo/files/datasheet.pdf", "download": True,
                  "weight": 0.08}])


PAGES: dict[str, Page] = {p.path: p for p in [
    Page("/demo/", "Demo shop", {"/demo/products/": 0.45, **{f"/demo/products/{s}/": 0.08 for s in PRODUCTS}},
         [{"tag": "a", "text": "Our blog", "href": "https://blog.example.org/", "outbound": True, "weight": 0.05}]),
    Page("/demo/products/", "Products · Demo shop", {f"/demo/products/{s}/": 0.17 for s in PRODUCTS}),
    *[_product(s) for s in PRODUCTS],
    Page("/demo/cart/", "Cart · Demo shop", {"/demo/checkout/": 0.55, "/demo/products/": 0.15}),
    Page("/demo/checkout/", "Checkout · Demo shop", {}),
]}
LANDINGS = {"/demo/": 0.5, "/demo/products/": 0.2, **{f"/demo/products/{s}/": 0.075 for s in PRODUCTS}}
