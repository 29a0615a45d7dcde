"""The ground truth of a run: what each session did, and the totals the dashboard must show."""

from __future__ import annotations

from collections import Counter
from typing import Any
from urllib.parse import urlsplit

from .journey import Visit


def source(visit: Visit) -> str:
    """As the ingest names it: UTM source, else the referring site (not the shop), else direct."""
    first = visit.events[0]
    query = dict(p.split("=", 1) for p in urlsplit(first["url"]).query.split("&") if "=" in p)
    if query.get("utm_source"):
        return query["utm_source"]
    host = (urlsplit(first.get("referrer", "")).hostname or "").removeprefix("www.")
    return host if host and host != urlsplit(first["url"]).hostname else "direct"


def session(visit: Visit) -> dict[str, Any]:
    return {"visitor": visit.persona.visitor_id, "session": visit.session_id, "bot": visit.persona.bot,
            "pages": visit.pages, "bounce": visit.bounce, "conversions": visit.conversions,
            "source": source(visit), "events": len(visit.events)}


def totals(sessions: list[dict[str, Any]]) -> dict[str, Any]:
    people = [s for s in sessions if not s["bot"]]
    goals: Counter[str] = Counter()
    pages: Counter[str] = Counter()
    for s in people:
        goals.update(s["conversions"])
        pages.update(s["pages"])
    bounces = sum(s["bounce"] for s in people)
    return {
        "visitors": len({s["visitor"] for s in people}),
        "sessions": len(people),
        "pageviews": sum(len(s["pages"]) for s in people),
        "bounces": bounces,
        "bounce_rate": round(bounces / len(people), 4) if people else 0.0,
        "goals": dict(sorted(goals.items())),
        "pages": dict(pages.most_common()),
        "entry_pages": dict(Counter(s["pages"][0] for s in people).most_common()),
        "referrers": dict(Counter(s["source"] for s in people).most_common()),
        "bot_sessions": len(sessions) - len(people),
    }
