"""Exact unique visitors over any range of days, from per-day counters.

Each visitor has a small state: the days and hours they were seen on that may
still change, plus the last older day (`anchor`). A visitor seen on day d counts
on that day's item as `vn` if it is their first day, else as `v#<gap>`, where
gap is the days since they were last seen. Visitors in days [a, b] are then

    sum over d in [a, b] of  vn(d) + sum of v#g(d) for g > d - a

because a visitor counts once, on their first day within the range: the day
whose previous visit lies before a. Hours count `hHH#vi` once per visitor and hour.

Event times are never more than the clock skew from the time they arrive
(enrich.record), so days and hours older than that are final and leave the
state; only the last such day is kept, as the anchor of the next gap.
"""

from __future__ import annotations

from typing import Any

from .rollups import Deltas, difference, new_deltas

DAY_MS, HOUR_MS = 86_400_000, 3_600_000


def empty() -> dict[str, Any]:
    return {"anchor": None, "days": [], "hours": []}


def key(visitor_id: str) -> str:
    """The visitor's item in the Sessions table; session items are "<visitor>#<session>"."""
    return f"~{visitor_id}"


def settle(state: dict[str, Any], now: int, skew_ms: int) -> dict[str, Any]:
    """Drop the days and hours no event can reach any more."""
    first_day, first_hour = (now - skew_ms - HOUR_MS) // DAY_MS, (now - skew_ms - HOUR_MS) // HOUR_MS
    old = [d for d in state["days"] if d < first_day]
    anchor = max(old + ([state["anchor"]] if state["anchor"] is not None else []), default=None)
    return {"anchor": anchor, "days": [d for d in state["days"] if d >= first_day],
            "hours": [h for h in state["hours"] if h >= first_hour]}


def seen(state: dict[str, Any], times: list[int]) -> dict[str, Any]:
    return {"anchor": state["anchor"],
            "days": sorted(set(state["days"]) | {t // DAY_MS for t in times}),
            "hours": sorted(set(state["hours"]) | {t // HOUR_MS for t in times})}


def _contribution(state: dict[str, Any]) -> Deltas:
    out = new_deltas()
    previous = state["anchor"]
    for day in state["days"]:
        out[f"d#{day}"]["vn" if previous is None else f"v#{day - previous}"] += 1
        previous = day
    for hour in state["hours"]:
        out[f"d#{hour // 24}"][f"h{hour % 24:02d}#vi"] += 1
    return out


def deltas(before: dict[str, Any], after: dict[str, Any], into: Deltas) -> None:
    difference(_contribution(before), _contribution(after), into)


def unique(days: dict[int, dict[str, float]], first: int, last: int) -> int:
    """Visitors in [first, last], from the day items' counters."""
    total = 0.0
    for day in range(first, last + 1):
        counters = days.get(day, {})
        total += counters.get("vn", 0)
        total += sum(v for k, v in counters.items() if k.startswith("v#") and int(k[2:]) > day - first)
    return int(total)
