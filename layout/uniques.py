"""Exact unique visitors over any range of days, from per-day counters.

Each visitor's item keeps the days and hours they were seen on that may still change,
plus the last older day (`anchor`). A visitor seen on day d counts on that day's item
as `vn` if it is their first day, else as `v#<gap>`, where gap is the days since they
were last seen. Visitors in days [a, b] are then

    sum over d in [a, b] of  vn(d) + sum of v#g(d) for g > d - a

because a visitor counts once, on their first day within the range: the day whose
previous visit lies before a. Hours count `hHH#vi` once per visitor and hour.

Event times are never more than the clock skew from the time they arrive, so days and
hours older than that are final and leave the state (`settle`); only the last such day
is kept, as the anchor of the next gap. The horizon a write settled at is kept with the
state, so the counters can take the same step from the old image.
"""

from __future__ import annotations

from typing import Any

DAY_MS, HOUR_MS = 86_400_000, 3_600_000
Deltas = dict[str, dict[str, float]]  # item suffix -> counter -> amount


def horizon(now_ms: int, skew_ms: int) -> list[int]:
    """The first day and hour that events arriving from now on can still reach."""
    edge = now_ms - skew_ms - HOUR_MS
    return [edge // DAY_MS, edge // HOUR_MS]


def settle(state: dict[str, Any], edge: list[int]) -> dict[str, Any]:
    """Drop the days and hours before the horizon `edge` ([first day, first hour])."""
    first_day, first_hour = edge
    old = [d for d in state["days"] if d < first_day]
    anchor = max(old + ([state["anchor"]] if state["anchor"] is not None else []), default=None)
    return {"anchor": anchor, "days": [d for d in state["days"] if d >= first_day],
            "hours": [h for h in state["hours"] if h >= first_hour]}


def seen(state: dict[str, Any], times: list[int]) -> dict[str, Any]:
    return {"anchor": state["anchor"],
            "days": sorted(set(state["days"]) | {t // DAY_MS for t in times}),
            "hours": sorted(set(state["hours"]) | {t // HOUR_MS for t in times})}


def contribution(state: dict[str, Any], into: Deltas, sign: int) -> None:
    """Add (sign 1) or take away (-1) what a visitor's state counts, per day item."""
    previous = state["anchor"]
    for day in state["days"]:
        name = "vn" if previous is None else f"v#{day - previous}"
        into[f"d#{day}"][name] += sign
        previous = day
    for hour in state["hours"]:
        into[f"d#{hour // 24}"][f"h{hour % 24:02d}#vi"] += sign


def unique(days: dict[int, dict[str, float]], first: int, last: int) -> int:
    """Visitors in [first, last], from the day items' counters."""
    total = 0.0
    for day in range(first, last + 1):
        counters = days.get(day, {})
        total += counters.get("vn", 0)
        total += sum(v for k, v in counters.items() if k.startswith("v#") and int(k[2:]) > day - first)
    return int(total)
