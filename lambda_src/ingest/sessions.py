"""Session logic, as pure functions over plain data.

A session is a run of one visitor's events (under one client session id) with
no gap longer than the timeout. Events may arrive in any order, within a batch
or across batches: an event joins every session it is within the timeout of,
merging them, so the result depends only on the set of events, never on order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from .enrich import source
from .funnels import merge_marks

Marker = Callable[[dict[str, Any]], str | None]  # an event's funnel mark, if any

INTERACTIONS = ("click", "conversion", "custom")


@dataclass
class Session:
    start: int
    last: int
    entry: str
    entry_ts: int
    exit: str
    exit_ts: int
    src: str
    device: str
    browser: str
    os: str
    bot: bool
    utm: dict[str, str] = field(default_factory=dict)
    pageviews: int = 0
    events: int = 0
    interactions: int = 0
    engaged_ms: int = 0
    goals: dict[str, int] = field(default_factory=dict)
    value: float = 0.0
    minutes: list[int] = field(default_factory=list)
    marks: list[list[Any]] = field(default_factory=list)  # see funnels.py

    @property
    def bounce(self) -> bool:
        return self.pageviews == 1 and self.interactions == 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Session:
        return cls(**data)


def minute(ts: int) -> int:
    return ts // 60000


def _new(rec: dict[str, Any]) -> Session:
    ts, path = rec["ts"], rec["path"]
    is_view = rec["type"] == "page_view"
    return Session(
        start=ts, last=ts,
        # a session without a page view enters and leaves on its first event's page
        entry=path, entry_ts=ts if is_view else _NO_VIEW,
        exit=path, exit_ts=ts if is_view else -_NO_VIEW,
        src=source(rec), device=rec["device"], browser=rec["browser"], os=rec["os"], bot=rec["bot"],
        utm={k: rec[k] for k in ("utm_source", "utm_medium", "utm_campaign") if k in rec},
    )


_NO_VIEW = 1 << 62


def _count(session: Session, rec: dict[str, Any], marker: Marker | None) -> None:
    kind = rec["type"]
    if marker and (found := marker(rec)):
        session.marks.append([rec["ts"], found])
    session.events += 1
    if kind == "page_view":
        session.pageviews += 1
    elif kind == "heartbeat":
        session.engaged_ms += rec.get("engaged_ms", 0)
    if kind in INTERACTIONS:
        session.interactions += 1
    if kind == "conversion":
        session.goals[rec["goal"]] = session.goals.get(rec["goal"], 0) + 1
        session.value += rec.get("value", 0)
    m = minute(rec["ts"])
    if m not in session.minutes:
        session.minutes.append(m)
        session.minutes.sort()


def merge(a: Session, b: Session) -> Session:
    """One session from two; commutative and associative."""
    first, second = (a, b) if (a.start, a.entry) <= (b.start, b.entry) else (b, a)
    entry_from = a if (a.entry_ts, a.entry) <= (b.entry_ts, b.entry) else b
    exit_from = a if (a.exit_ts, a.exit) >= (b.exit_ts, b.exit) else b
    goals = dict(first.goals)
    for goal, n in second.goals.items():
        goals[goal] = goals.get(goal, 0) + n
    return Session(
        start=first.start, last=max(a.last, b.last),
        entry=entry_from.entry, entry_ts=entry_from.entry_ts,
        exit=exit_from.exit, exit_ts=exit_from.exit_ts,
        src=entry_from.src, utm=entry_from.utm,
        device=first.device, browser=first.browser, os=first.os, bot=a.bot or b.bot,
        pageviews=a.pageviews + b.pageviews, events=a.events + b.events,
        interactions=a.interactions + b.interactions, engaged_ms=a.engaged_ms + b.engaged_ms,
        goals=goals, value=round(a.value + b.value, 6),
        minutes=sorted(set(a.minutes) | set(b.minutes)),
        marks=merge_marks(a.marks, b.marks),
    )


def add(sessions: list[Session], rec: dict[str, Any], timeout_ms: int,
        marker: Marker | None = None) -> list[Session]:
    """The sessions after one more event."""
    ts = rec["ts"]
    near = [s for s in sessions if s.start - timeout_ms <= ts <= s.last + timeout_ms]
    rest = [s for s in sessions if all(s is not n for n in near)]
    joined = _new(rec)
    _count(joined, rec, marker)
    for session in near:
        joined = merge(joined, session)
    return sorted(rest + [joined], key=lambda s: s.start)


def apply(sessions: list[Session], records: list[dict[str, Any]], timeout_ms: int,
          marker: Marker | None = None) -> list[Session]:
    for rec in sorted(records, key=lambda r: (r["ts"], r["event_id"])):
        sessions = add(sessions, rec, timeout_ms, marker)
    return sessions


def session_id(client_session_id: str, session: Session) -> str:
    """A server session id: the client's id plus the session's start, so a reused id starts anew."""
    return f"{client_session_id}.{session.start:x}"
