"""What each stream record adds to the counters (layout/counters.py), as pure functions.

Events are counted from the Events stream, one INSERT each. Sessions and visitors are
counted from the Sessions stream, as the difference between what a visitor's item
counted before a write (its old image) and after (its new image), so a session that
merges, moves or grows is moved, never counted twice. A session that ended (it left the
item for good, as it was in the write's `ended`) keeps what it counted; one merged into
another gives its count back.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

from layout import counters, funnels, uniques
from layout.visitors import Session, sessions

Deltas = dict[str, dict[str, float]]  # item suffix -> counter -> amount


def new_deltas() -> Deltas:
    return defaultdict(lambda: defaultdict(float))


def _places(ts: int) -> tuple[str, str, int]:
    """The minute's item, the hour's counter prefix, the day's number."""
    m = ts // 60000
    return counters.minute(m), f"h{m // 60 % 24:02d}#", m // 1440


def event(rec: dict[str, Any], into: Deltas) -> None:
    m, h, d = _places(rec["ts"])
    day = counters.day(d)
    if rec["bot"]:
        into[m]["bot"] += 1
        into[day]["bot"] += 1
        return
    into[day]["ev"] += 1
    kind = rec["type"]
    if kind == "page_view":
        into[m]["pv"] += 1
        into[day]["pv"] += 1
        into[day][f"{h}pv"] += 1
        suffix = counters.dim(d, "p")
        into[suffix][counters.cut("p", rec["path"], suffix)] += 1
    elif kind == "conversion":
        into[m]["cv"] += 1
        into[day]["cv"] += 1
        into[day][f"{h}cv"] += 1
        suffix = counters.dim(d, "g")
        into[suffix][counters.cut("g", rec["goal"], suffix)] += 1
        value = rec.get("value")
        if isinstance(value, (int, float)) and math.isfinite(value) and value > 0:
            into[m]["cvv"] += value
            into[day]["cvv"] += value
    elif kind == "heartbeat":
        into[day]["eng"] += rec.get("engaged_ms", 0)


def session(s: Session, site_funnels: list[dict[str, Any]], sign: int, into: Deltas) -> None:
    """What one session counts, but its minutes (see `visitor`)."""
    if s.bot:
        return
    m, h, d = _places(s.start)
    day = counters.day(d)
    into[m]["se"] += sign
    into[day]["se"] += sign
    into[day][f"{h}se"] += sign
    if s.bounce:
        into[m]["bo"] += sign
        into[day]["bo"] += sign
        into[day][f"{h}bo"] += sign
    if s.converted:
        into[day]["cs"] += sign
    for name, reached in funnels.progress(s.marks, site_funnels).items():
        for step in range(1, reached + 1):
            into[day][f"f#{name}#{step}"] += sign
    for prefix, value in (("en", s.entry), ("ex", s.exit), ("r", s.src), ("b", s.browser), ("o", s.os),
                          ("dv", s.device), ("us", s.utm.get("utm_source")), ("um", s.utm.get("utm_medium")),
                          ("uc", s.utm.get("utm_campaign"))):
        if value:
            suffix = counters.dim(d, prefix)
            into[suffix][counters.cut(prefix, value, suffix)] += sign
    live = counters.live(s.last // 60000)
    into[live]["la"] += sign
    into[live][counters.cut("p", s.exit, live)] += sign
    into[live][counters.cut("s", s.src, live)] += sign


def _live_minute(found: list[Session]) -> int | None:
    return max((s.last // 60000 for s in found if not s.bot), default=None)


def visitor(old: dict[str, Any], new: dict[str, Any], site_funnels: list[dict[str, Any]], into: Deltas) -> None:
    """A visitor item's write: new image counted in, old image counted out."""
    before = {s.id: s for s in sessions(old)}
    after = {s.id: s for s in sessions(new)}
    ended = {s.id: s for s in (Session.from_dict(d) for d in new.get("ended", []))}
    for sid, s in {**after, **ended}.items():
        session(s, site_funnels, 1, into)
        held = before.get(sid)
        if held is not None:
            session(held, site_funnels, -1, into)
        if not s.bot:  # minutes are only ever added (or dropped once final): count the new ones
            for m in set(s.minutes) - set(held.minutes if held else []):
                into[counters.minute(m)]["vi"] += 1
    for sid, s in before.items():
        if sid not in after and sid not in ended:  # merged into another session
            session(s, site_funnels, -1, into)
            if not s.bot:
                for m in s.minutes:
                    into[counters.minute(m)]["vi"] -= 1
    was, now = _live_minute(list(before.values())), _live_minute(list(after.values()))
    if was != now:
        if was is not None:
            into[counters.live(was)]["lv"] -= 1
        if now is not None:
            into[counters.live(now)]["lv"] += 1
    if "edge" in new["u"]:
        uniques.contribution(new["u"], into, 1)
        uniques.contribution(uniques.settle(old["u"], new["u"]["edge"]), into, -1)


def tidy(deltas: Deltas) -> Deltas:
    """Without the counters that came to nothing, and the items left with none."""
    out = new_deltas()
    for suffix, found in deltas.items():
        for name, amount in found.items():
            if amount:
                out[suffix][name] = round(amount, 6) if isinstance(amount, float) else amount
    return {k: dict(v) for k, v in out.items() if v}
