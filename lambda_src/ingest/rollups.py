"""Counters to ADD to the Stats table, per minute, hour and day (UTC).

Event counters grow with each new event. Session and visitor counters are the
difference between a session's (or visitor's) contribution after the batch and
before it, so a session that merges or starts earlier moves its counts instead
of counting twice. A session counts in the minute, hour and day it started.

Items, by the suffix after "<site>#" (each counter costs the emulator time on every
write, so an item holds only what is read):
  m#<minute>     pv page views, cv conversions, cvv conversion value, bot bot events,
                 se sessions started, bo bounces, vi sessions with an event in the minute
  d#<day>        pv, ev events, cv, cvv, bot, se, bo, eng engaged ms, cs converted sessions,
                 g#<goal>, f#<funnel>#<step> sessions that reached a funnel step;
                 visitors (see visitors.py): vn first seen, v#<gap> back after <gap> days;
                 per hour HH of the day: hHH#pv, hHH#cv, hHH#se, hHH#bo bounces, hHH#vi
                 visitors seen in the hour; sessions started by r#<source>, us# um# uc#
                 UTM source, medium and campaign, b# browser, o# OS, dv# device class
  d#<day>#pages  p#<path> page views, en#<path> entries, ex#<path> exits

Hours and session dimensions share the day's item: it is written by every batch
anyway, and each item a transaction touches costs DynamoDB and the emulator more
than a few more counters in it. Paths, which can be many, have their own item.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from .sessions import Session, minute

Deltas = dict[str, dict[str, float]]  # item suffix -> counter -> amount
NAME_LIMIT = 200  # dimension values are cut to this length in counter names


def new_deltas() -> Deltas:
    return defaultdict(lambda: defaultdict(float))


def buckets(ts: int) -> tuple[str, str, str]:
    """The minute's item, the hour's counter prefix, the day's item."""
    m = minute(ts)
    return f"m#{m}", f"h{m // 60 % 24:02d}#", f"d#{m // 1440}"


def event_deltas(records: list[dict[str, Any]], into: Deltas) -> None:
    for rec in records:
        m, h, d = buckets(rec["ts"])
        if rec["bot"]:
            into[m]["bot"] += 1
            into[d]["bot"] += 1
            continue
        into[d]["ev"] += 1
        kind = rec["type"]
        if kind == "page_view":
            into[m]["pv"] += 1
            into[d]["pv"] += 1
            into[d][f"{h}pv"] += 1
            into[f"{d}#pages"][f"p#{rec['path'][:NAME_LIMIT]}"] += 1
        elif kind == "conversion":
            into[m]["cv"] += 1
            into[d]["cv"] += 1
            into[d][f"{h}cv"] += 1
            into[d][f"g#{rec['goal']}"] += 1
            if rec.get("value"):
                into[m]["cvv"] += rec["value"]
                into[d]["cvv"] += rec["value"]


Progress = Callable[[Session], dict[str, int]]  # funnel name -> steps reached


def _contribution(sessions: list[Session], progress: Progress) -> Deltas:
    out = new_deltas()
    for s in sessions:
        if s.bot:
            continue
        m, h, d = buckets(s.start)
        out[m]["se"] += 1
        out[d]["se"] += 1
        out[d][f"{h}se"] += 1
        if s.bounce:
            out[m]["bo"] += 1
            out[d]["bo"] += 1
            out[d][f"{h}bo"] += 1
        out[d]["eng"] += s.engaged_ms
        if s.goals:
            out[d]["cs"] += 1
        for funnel, reached in progress(s).items():
            for step in range(1, reached + 1):
                out[d][f"f#{funnel}#{step}"] += 1
        pages, sources = out[f"{d}#pages"], out[d]
        pages[f"en#{s.entry[:NAME_LIMIT]}"] += 1
        pages[f"ex#{s.exit[:NAME_LIMIT]}"] += 1
        sources[f"r#{s.src[:NAME_LIMIT]}"] += 1
        for prefix, field in (("us", "utm_source"), ("um", "utm_medium"), ("uc", "utm_campaign")):
            if field in s.utm:
                sources[f"{prefix}#{s.utm[field][:NAME_LIMIT]}"] += 1
        sources[f"b#{s.browser}"] += 1
        sources[f"o#{s.os}"] += 1
        sources[f"dv#{s.device}"] += 1
        for mm in s.minutes:
            out[f"m#{mm}"]["vi"] += 1
    return out


def difference(old: Deltas, new: Deltas, into: Deltas) -> None:
    """Add new - old to `into`."""
    for b in set(old) | set(new):
        before, after = old.get(b, {}), new.get(b, {})
        for name in set(before) | set(after):
            change = after.get(name, 0) - before.get(name, 0)
            if change:
                into[b][name] += change


def session_deltas(before: list[Session], after: list[Session], progress: Progress, into: Deltas) -> None:
    difference(_contribution(before, progress), _contribution(after, progress), into)
