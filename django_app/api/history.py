"""A site's history over a range of UTC days, as plain data, from the Stats table's
minute and day counters (layout/counters.py). Nothing here reads Events or Sessions.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import stack

from layout import counters as layout_counters
from layout import uniques

from . import counters

EPOCH = dt.date(1970, 1, 1)

# dimension -> (counter prefix, what is counted); each is its own item per day, bounded
DIMENSIONS = {
    "pages": ("p", "pageviews"),
    "entry_pages": ("en", "sessions"),
    "exit_pages": ("ex", "sessions"),
    "referrers": ("r", "sessions"),
    "utm_source": ("us", "sessions"),
    "utm_medium": ("um", "sessions"),
    "utm_campaign": ("uc", "sessions"),
    "browsers": ("b", "sessions"),
    "os": ("o", "sessions"),
    "devices": ("dv", "sessions"),
    "goals": ("g", "conversions"),
}


def day_number(day: dt.date) -> int:
    return (day - EPOCH).days


def _read(site_id: str, suffixes: list[str]) -> dict[str, dict[str, float]]:
    return layout_counters.read(stack.dynamodb(), stack.table("StatsTableName"), site_id, suffixes)


def _days(site_id: str, first: dt.date, last: dt.date, part: str = "") -> dict[int, dict[str, float]]:
    """Day items; days before yesterday no longer change (a session would have to last a day
    to reach back), so they are kept (counters.py) and a 30-day answer reads two items."""
    numbers = range(day_number(first), day_number(last) + 1)
    closed_before = day_number(dt.datetime.now(dt.UTC).date()) - 1
    found = counters.read(site_id, [f"d#{n}{part}" for n in numbers],
                          closed=lambda suffix: int(suffix.split("#")[1]) < closed_before)
    return {n: found[f"d#{n}{part}"] for n in numbers}


def _rate(part: float, whole: float) -> float:
    return round(part / whole, 4) if whole else 0.0


def summary(site_id: str, first: dt.date, last: dt.date) -> dict[str, Any]:
    days = _days(site_id, first, last)
    totals = counters.total(days.values())
    sessions = totals["se"]
    goals = {k: int(v) for k, v in sorted(layout_counters.names(_dimension_totals(site_id, first, last, "g"),
                                                                 "g").items()) if v}
    return {
        "visitors": uniques.unique(days, day_number(first), day_number(last)),
        "sessions": int(sessions),
        "pageviews": int(totals["pv"]),
        "bounces": int(totals["bo"]),
        "bounce_rate": _rate(totals["bo"], sessions),
        "avg_engaged_seconds": round(totals["eng"] / sessions / 1000, 1) if sessions else 0.0,
        "conversions": int(totals["cv"]),
        "converted_sessions": int(totals["cs"]),
        "conversion_rate": _rate(totals["cs"], sessions),
        "conversion_value": round(totals["cvv"], 2),
        "goals": goals,
    }


def _dimension_totals(site_id: str, first: dt.date, last: dt.date, prefix: str) -> Counter[str]:
    return counters.total(_days(site_id, first, last, f"#{prefix}").values())


def _rows(totals: Counter[str], dimension: str, limit: int) -> dict[str, Any]:
    prefix, counted = DIMENSIONS[dimension]
    mine = {k: v for k, v in layout_counters.names(totals, prefix).items() if v}
    rows = sorted(mine.items(), key=lambda kv: (kv[0] == layout_counters.OTHER, -kv[1], kv[0]))
    return {"dimension": dimension, "counts": counted, "total": int(sum(mine.values())),
            "rows": [{"name": name, "count": int(count)} for name, count in rows[:limit]]}


def breakdown(site_id: str, first: dt.date, last: dt.date, dimension: str, limit: int) -> dict[str, Any]:
    return _rows(_dimension_totals(site_id, first, last, DIMENSIONS[dimension][0]), dimension, limit)


def breakdowns(site_id: str, first: dt.date, last: dt.date, limit: int) -> list[dict[str, Any]]:
    """Every dimension at once."""
    return [breakdown(site_id, first, last, dimension, limit) for dimension in DIMENSIONS]


SERIES = {"pageviews": "pv", "sessions": "se", "bounces": "bo", "conversions": "cv"}


def series(site_id: str, first: dt.date, last: dt.date, interval: str) -> list[dict[str, Any]]:
    """Points from the start of `first` to the end of `last`: per minute, hour or day.
    A point's visitors are the visitors seen in it (per minute: sessions seen in it)."""
    if interval == "minute":
        numbers = list(range(day_number(first) * 1440, (day_number(last) + 1) * 1440))
        found = _read(site_id, [f"m#{n}" for n in numbers])
        return [_point(n * 60, found[f"m#{n}"], "", int(found[f"m#{n}"].get("vi", 0))) for n in numbers]
    days = _days(site_id, first, last)
    if interval == "day":
        return [_point(n * 86400, c, "", uniques.unique({n: c}, n, n)) for n, c in days.items()]
    return [_point(n * 86400 + h * 3600, c, f"h{h:02d}#", int(c.get(f"h{h:02d}#vi", 0)))
            for n, c in days.items() for h in range(24)]


def _point(start: int, counters: dict[str, float], prefix: str, seen: int) -> dict[str, Any]:
    return {"start": start, **{name: int(counters.get(prefix + key, 0)) for name, key in SERIES.items()},
            "visitors": seen}


def funnel(site_id: str, first: dt.date, last: dt.date, definition: dict[str, Any]) -> dict[str, Any]:
    totals = counters.total(_days(site_id, first, last).values())
    steps, previous = [], totals["se"]
    for number, step in enumerate(definition["steps"], start=1):
        reached = int(totals[f"f#{definition['name']}#{number}"])
        steps.append({"name": step["name"], "page": step.get("page"), "goal": step.get("goal"),
                      "sessions": reached, "from_previous": _rate(reached, previous),
                      "from_start": _rate(reached, totals["se"])})
        previous = reached
    return {"funnel": definition["name"], "sessions": int(totals["se"]), "steps": steps}
