"""Per-minute realtime counters, as deltas to ADD to the Stats table.

Event counters (pv, ev, cv, ...) grow with each new event. Session counters
(sessions started, visitors per minute, sessions by source) are the
difference between a session's contribution after the batch and before it,
so a session that merges or starts earlier moves its counts instead of
counting twice.

Counter names: pv page views, ev events, cv conversions, cvv conversion value,
bot bot events, se sessions started, vi visitors (sessions with an event in the
minute), p#<path> page views by path, g#<goal> conversions by goal,
r#<source> sessions started by source.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from .sessions import Session, minute

Deltas = dict[int, dict[str, float]]  # minute -> counter -> amount


def event_deltas(records: list[dict[str, Any]], into: Deltas) -> None:
    for rec in records:
        bucket = into[minute(rec["ts"])]
        if rec["bot"]:
            bucket["bot"] = bucket.get("bot", 0) + 1
            continue
        bucket["ev"] = bucket.get("ev", 0) + 1
        kind = rec["type"]
        if kind == "page_view":
            bucket["pv"] = bucket.get("pv", 0) + 1
            key = f"p#{rec['path'][:200]}"
            bucket[key] = bucket.get(key, 0) + 1
        elif kind == "conversion":
            bucket["cv"] = bucket.get("cv", 0) + 1
            key = f"g#{rec['goal']}"
            bucket[key] = bucket.get(key, 0) + 1
            if rec.get("value"):
                bucket["cvv"] = bucket.get("cvv", 0) + rec["value"]


def _contribution(sessions: list[Session]) -> Deltas:
    out: Deltas = defaultdict(dict)
    for s in sessions:
        if s.bot:
            continue
        start = out[minute(s.start)]
        start["se"] = start.get("se", 0) + 1
        key = f"r#{s.src[:200]}"
        start[key] = start.get(key, 0) + 1
        for m in s.minutes:
            out[m]["vi"] = out[m].get("vi", 0) + 1
    return out


def session_deltas(before: list[Session], after: list[Session], into: Deltas) -> None:
    old, new = _contribution(before), _contribution(after)
    for m in set(old) | set(new):
        for key in set(old.get(m, {})) | set(new.get(m, {})):
            change = new.get(m, {}).get(key, 0) - old.get(m, {}).get(key, 0)
            if change:
                into[m][key] = into[m].get(key, 0) + change


def new_deltas() -> Deltas:
    return defaultdict(dict)
