"""One visit as the tracker would report it: page views, heartbeats while the page is
visible, clicks on marked elements, outbound and download links, and conversions."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from .personas import SOURCES, Persona, pick
from .sitemap import LANDINGS, ORIGIN, PAGES

HEARTBEAT_MS = 15_000  # tracker/src/engagement.js


@dataclass
class Rates:
    """How a visit goes: the chance to leave at once, and the funnel's conversion rates."""

    bounce: float = 0.35
    purchase: float = 0.6  # of visits that reach checkout
    signup: float = 0.25  # of purchases, a newsletter signup too
    dwell_median_s: float = 20.0


@dataclass
class Visit:
    persona: Persona
    session_id: str
    returning: bool
    events: list[dict[str, Any]] = field(default_factory=list)  # each with "at": ms after the visit starts
    pages: list[str] = field(default_factory=list)
    conversions: dict[str, int] = field(default_factory=dict)

    @property
    def bounce(self) -> bool:
        interactions = sum(1 for e in self.events if e["type"] in ("click", "conversion", "custom"))
        return len(self.pages) == 1 and interactions == 0


def dwell_ms(rng: random.Random, rates: Rates) -> int:
    """Heavy-tailed time on a page: mostly short, now and then very long (Pareto, alpha 1.6)."""
    return int(min(rng.paretovariate(1.6) * rates.dwell_median_s * 0.65, 600) * 1000)


def plan(rng: random.Random, persona: Persona, returning: bool, site: str, rates: Rates,
         campaign: dict[str, str] | None = None) -> Visit:
    visit = Visit(persona, uuid.UUID(int=rng.getrandbits(128)).hex[:20], returning)
    path, at, referrer = pick(rng, LANDINGS), 0, SOURCES[persona.source][1]
    utm = (campaign or SOURCES["campaign"][2]) if persona.source == "campaign" else None
    bouncing = rng.random() < rates.bounce  # leaves the landing page without a click
    while True:
        page = PAGES[path]
        query = "?" + "&".join(f"{k}={v}" for k, v in utm.items()) if utm and not visit.pages else ""
        base = {"site_id": site, "visitor_id": persona.visitor_id, "session_id": visit.session_id,
                "url": f"{ORIGIN}{path}{query}"}
        extra = {"title": page.title, "language": persona.language, "time_zone": persona.time_zone,
                 "screen": persona.screen, **({"referrer": referrer} if referrer else {})}
        visit.events.append(_event(rng, "page_view", at, {**base, **extra}))
        visit.pages.append(path)
        stay = dwell_ms(rng, rates)
        if not persona.bot:
            _engagement(rng, visit, base, at, stay, [] if bouncing else page.clicks)
            if path == "/demo/checkout/" and rng.random() < rates.purchase:
                _convert(rng, visit, base, at + stay // 2, rates)
        at += stay
        if bouncing:
            break
        following = dict(page.next)
        following["leave"] = max(0.0, 1 - sum(following.values()))
        path = pick(rng, following)
        if path == "leave" or len(visit.pages) >= 12:
            break
        referrer = f"{ORIGIN}{page.path}"
    visit.events.sort(key=lambda e: e["at"])
    return visit


def cut(visit: Visit, count: int) -> Visit:
    """The visit as far as its first `count` events went: a tab closed part way."""
    if count >= len(visit.events):
        return visit
    events = visit.events[:count]
    pages = [urlsplit(e["url"]).path for e in events if e["type"] == "page_view"]
    conversions: dict[str, int] = {}
    for e in events:
        if e["type"] == "conversion":
            conversions[e["goal"]] = conversions.get(e["goal"], 0) + 1
    return Visit(visit.persona, visit.session_id, visit.returning, events, pages, conversions)


def _convert(rng: random.Random, visit: Visit, base: dict[str, Any], at: int, rates: Rates) -> None:
    value = round(rng.uniform(14, 250), 2)
    visit.events.append(_event(rng, "conversion", at, {**base, "goal": "purchase", "value": value, "currency": "EUR"}))
    visit.conversions["purchase"] = visit.conversions.get("purchase", 0) + 1
    if rng.random() < rates.signup:
        visit.events.append(_event(rng, "conversion", at + 1, {**base, "goal": "signup"}))
        visit.conversions["signup"] = visit.conversions.get("signup", 0) + 1


def _engagement(rng: random.Random, visit: Visit, base: dict[str, Any], at: int, stay: int,
                clicks: list[dict[str, Any]]) -> None:
    """Heartbeats every 15 s of visible time, and the clicks made on the page."""
    for beat in range(HEARTBEAT_MS, stay, HEARTBEAT_MS):
        visit.events.append(_event(rng, "heartbeat", at + beat, {**base, "engaged_ms": HEARTBEAT_MS}))
    for click in clicks:
        if rng.random() < float(click["weight"]):
            target = {k: v for k, v in click.items() if k in ("tag", "text", "href", "name", "outbound", "download")}
            visit.events.append(_event(rng, "click", at + rng.randrange(max(stay, 1)), {**base, "target": target}))


def _event(rng: random.Random, kind: str, at: int, fields: dict[str, Any]) -> dict[str, Any]:
    return {"event_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)), "type": kind, "at": at, **fields}
