"""Sessions table: one item per visitor, written only by the sessionizer.

  pk       "<site>#<visitor>"  as in Events, so one stream consumer owns each item
  state    JSON: {"s": [live sessions], "u": days and hours seen (uniques.py),
                  "ended": [sessions that left "s" in this write, as they ended]}
  seq      the stream sequence number of the last event applied: an event at or
           below it was applied already, so a redelivered batch changes nothing
  version  writes so far
  expires_at

A session is a run of one visitor's events under one client session id with no gap
longer than the timeout. Only what the counters and "active now" need is kept, so a
heartbeat in the same minute as the last event changes nothing and writes nothing.
The table's stream (old and new images) feeds the session counters.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from typing import Any

from .values import to_av

MAX_SESSIONS = 8  # live sessions kept per visitor; an older one is ended when more begin
MAX_ENDED = 16  # sessions one write can end; past that (a client inventing session ids) the rest are dropped
MINUTES_KEPT = 16  # minutes with events kept per session, counted back from its last


@dataclass
class Session:
    sid: str  # the client's session id
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
    bot: bool = False
    utm: dict[str, str] = field(default_factory=dict)
    pageviews: int = 0
    interacted: bool = False  # a click, conversion or custom event
    converted: bool = False
    minutes: list[int] = field(default_factory=list)  # with events, the last MINUTES_KEPT
    marks: list[list[Any]] = field(default_factory=list)  # funnel marks (layout/funnels.py)

    @property
    def id(self) -> str:
        """The server's session id: the client's id plus the start, so a reused id starts anew."""
        return f"{self.sid}.{self.start:x}"

    @property
    def bounce(self) -> bool:
        return self.pageviews == 1 and not self.interacted

    def to_dict(self) -> dict[str, Any]:
        """Fields at their defaults are left out: the item is billed by its size."""
        out = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value or f.name in _ALWAYS:
                out[f.name] = value
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Session:
        return cls(**data)


_ALWAYS = frozenset(("sid", "start", "last", "entry", "entry_ts", "exit", "exit_ts", "src", "device",
                     "browser", "os"))


def key(site_id: str, visitor_id: str) -> dict[str, Any]:
    return {"pk": {"S": f"{site_id}#{visitor_id}"}}


def empty() -> dict[str, Any]:
    return {"s": [], "u": {"anchor": None, "days": [], "hours": []}, "ended": []}


def to_item(pk: str, state: dict[str, Any], seq: str, version: int, expires_at: int) -> dict[str, Any]:
    return {"pk": {"S": pk}, "state": {"S": json.dumps(state, separators=(",", ":"), ensure_ascii=False)},
            "seq": {"S": seq}, "version": to_av(version), "expires_at": to_av(expires_at)}


def from_item(item: dict[str, Any] | None) -> tuple[dict[str, Any], str, int]:
    """(state, seq, version) of an item in DynamoDB JSON; an empty state for none."""
    if not item:
        return empty(), "0", 0
    return json.loads(item["state"]["S"]), item["seq"]["S"], int(item["version"]["N"])


def sessions(state: dict[str, Any]) -> list[Session]:
    return [Session.from_dict(s) for s in state["s"]]
