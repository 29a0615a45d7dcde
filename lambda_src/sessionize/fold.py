"""One visitor's new events folded into their item's state, as pure functions.

The state changes only in what the counters and "active now" read, so most heartbeats
change nothing: a session's latest event matters to the minute. Sessions no event can
reach any more leave the state as `ended`: those the timeout plus the clock skew behind
the write's earliest arrival (a visitor's events arrive in order; an event's time is
never more than the skew from its arrival); so do the oldest, when a visitor holds more
than MAX_SESSIONS.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from layout import funnels, recent, uniques
from layout.visitors import MAX_ENDED, MAX_SESSIONS, Session, sessions

from . import sessions as logic


@dataclass
class Folded:
    state: dict[str, Any]
    changed: bool  # whether the item must be written
    summaries: list[list[Any]]  # sessions this write changed, for "active now" (no bots)


def _material(session_dicts: list[dict[str, Any]], u: dict[str, Any]) -> Any:
    """What a write is for: sessions with their latest event to the minute, and the
    visitor's settled days and hours."""
    return ([{**s, "last": s["last"] // 60000} for s in session_dicts],
            {k: u[k] for k in ("anchor", "days", "hours")})


def fold(state: dict[str, Any], visitor_id: str, records: list[dict[str, Any]], timeout_ms: int,
         skew_ms: int, site_funnels: list[dict[str, Any]]) -> Folded:
    newest = max(r["received_at"] for r in records)
    earliest = min(r["received_at"] for r in records)
    marker = (lambda rec: funnels.marks(rec["type"], rec["path"], rec.get("goal"), site_funnels)) \
        if site_funnels else None
    groups: dict[str, list[Session]] = defaultdict(list)
    for session in sessions(state):
        groups[session.sid].append(session)
    by_sid: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for rec in records:
        by_sid[rec["session_id"]].append(rec)
    for sid, recs in by_sid.items():
        groups[sid] = logic.apply(groups[sid], recs, timeout_ms, marker)
    live = sorted((s for group in groups.values() for s in group), key=lambda s: s.last, reverse=True)
    final = earliest - skew_ms - timeout_ms - 60_000
    kept = [s for s in live if s.last >= final][:MAX_SESSIONS]
    ended = [s.to_dict() for s in live if s not in kept][:MAX_ENDED]
    edge = uniques.horizon(newest, skew_ms)
    u = uniques.settle(state["u"], edge)
    times = [r["ts"] for r in records if not r["bot"]]
    if times:
        u = uniques.seen(u, times)
    new: dict[str, Any] = {"s": [s.to_dict() for s in sorted(kept, key=lambda s: (s.sid, s.start))],
                           "u": {**u, "edge": edge}, "ended": ended}
    old_material = _material(state["s"], uniques.settle(state["u"], edge))
    changed = bool(ended) or _material(new["s"], new["u"]) != old_material
    before = {s["sid"] + str(s["start"]): s for s in state["s"]}
    summaries = [recent.summary(s.id, visitor_id, s.start, s.last, s.exit, s.pageviews, s.src, s.device)
                 for s in kept if not s.bot and before.get(s.sid + str(s.start)) != s.to_dict()]
    return Folded(new, changed, summaries if changed else [])
