"""Session logic, as pure functions over plain data.

A session is a run of one visitor's events (under one client session id) with no gap
longer than the timeout. Events may arrive in any order, within a batch or across
batches: an event joins every session it is within the timeout of, merging them, so
the result depends only on the set of events, never on their order.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from layout.funnels import merge_marks
from layout.visitors import MINUTES_KEPT, Session

Marker = Callable[[dict[str, Any]], list[str]]  # an event's funnel marks
INTERACTIONS = ("click", "conversion", "custom")
PATH_KEPT, SOURCE_KEPT = 200, 100  # entry and exit pages, and sources, as long as the counters name them
_NO_VIEW = 1 << 62


def minute(ts: int) -> int:
    return ts // 60000


def source(rec: dict[str, Any]) -> str:
    """Where a session came from: its UTM source, else the referring site, else direct."""
    return rec.get("utm_source") or rec.get("referrer_host") or "direct"


def _new(rec: dict[str, Any], marker: Marker | None) -> Session:
    ts, path, kind = rec["ts"], rec["path"][:PATH_KEPT], rec["type"]
    is_view = kind == "page_view"
    return Session(
        sid=rec["session_id"], start=ts, last=ts,
        # a session without a page view enters and leaves on its first event's page
        entry=path, entry_ts=ts if is_view else _NO_VIEW,
        exit=path, exit_ts=ts if is_view else -_NO_VIEW,
        src=source(rec)[:SOURCE_KEPT], device=rec["device"], browser=rec["browser"], os=rec["os"], bot=rec["bot"],
        utm={k: rec[k][:SOURCE_KEPT] for k in ("utm_source", "utm_medium", "utm_campaign") if k in rec},
        pageviews=int(is_view), interacted=kind in INTERACTIONS, converted=kind == "conversion",
        minutes=[minute(ts)], marks=[[ts, m] for m in (marker(rec) if marker else [])],
    )


def merge(a: Session, b: Session) -> Session:
    """One session from two; commutative and associative."""
    first = a if (a.start, a.entry) <= (b.start, b.entry) else b
    entry_from = a if (a.entry_ts, a.entry) <= (b.entry_ts, b.entry) else b
    exit_from = a if (a.exit_ts, a.exit) >= (b.exit_ts, b.exit) else b
    minutes = sorted(set(a.minutes) | set(b.minutes))
    return Session(
        sid=a.sid, start=first.start, last=max(a.last, b.last),
        entry=entry_from.entry, entry_ts=entry_from.entry_ts,
        exit=exit_from.exit, exit_ts=exit_from.exit_ts,
        src=entry_from.src, utm=entry_from.utm,
        device=first.device, browser=first.browser, os=first.os, bot=a.bot or b.bot,
        pageviews=a.pageviews + b.pageviews, interacted=a.interacted or b.interacted,
        converted=a.converted or b.converted,
        minutes=[m for m in minutes if m >= minutes[-1] - MINUTES_KEPT + 1],
        marks=merge_marks(a.marks, b.marks),
    )


def add(sessions: list[Session], rec: dict[str, Any], timeout_ms: int,
        marker: Marker | None = None) -> list[Session]:
    """The sessions after one more event (of the sessions' client session id)."""
    ts = rec["ts"]
    near = [s for s in sessions if s.start - timeout_ms <= ts <= s.last + timeout_ms]
    rest = [s for s in sessions if all(s is not n for n in near)]
    joined = _new(rec, marker)
    for session in near:
        joined = merge(joined, session)
    return sorted(rest + [joined], key=lambda s: s.start)


def apply(sessions: list[Session], records: list[dict[str, Any]], timeout_ms: int,
          marker: Marker | None = None) -> list[Session]:
    for rec in sorted(records, key=lambda r: (r["ts"], r["event_id"])):
        sessions = add(sessions, rec, timeout_ms, marker)
    return sessions
