"""Stats: counter items, each keyed "<site>#<suffix>", written only by the counters function
(a few times a minute per stream shard, never per request).

  m#<minute>       pv page views, cv conversions, cvv their value, bot bot events,
                   se sessions started, bo bounces, vi sessions with an event in the minute
  l#<minute>       "active now": la sessions and lv visitors whose latest event is in the
                   minute; p#<page> and s#<source> the same sessions by latest page and source
  d#<day>          ev events, pv, cv, cvv, bot, eng engaged ms, se, bo, cs converted sessions,
                   f#<funnel>#<step> sessions reaching a funnel step, unique visitors (uniques.py),
                   and per hour HH: hHH#pv, hHH#cv, hHH#se, hHH#bo, hHH#vi
  d#<day>#<dim>    one bounded dimension of the day: p page views per path, en and ex sessions
                   per entry and exit page, r per source, us um uc per UTM source, medium and
                   campaign, b browser, o OS, dv device class, g conversions per goal

A dimension holds at most its limit of names (each cut to its length); the rest counts under
OTHER, so its totals still add up. `n#<dim>` counts the names an item holds. No item can
grow past LARGEST bytes, whatever clients send.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .ddb import batch_get
from .values import numbers

OTHER = "(other)"
DAY_S = 86_400


class Dim:
    def __init__(self, limit: int, length: int) -> None:
        self.limit, self.length = limit, length


# day dimensions: prefix -> bound
DAY_DIMS = {
    "p": Dim(100, 200), "en": Dim(100, 200), "ex": Dim(100, 200), "r": Dim(100, 100),
    "us": Dim(100, 100), "um": Dim(100, 100), "uc": Dim(100, 100),
    "b": Dim(50, 64), "o": Dim(50, 64), "dv": Dim(10, 16), "g": Dim(50, 64),
}
LIVE_DIMS = {"p": Dim(50, 200), "s": Dim(50, 100)}
# the largest a counter item can be: every name at its longest, with its counter
LARGEST = max(d.limit * (len(p) + 1 + d.length + 10) for p, d in DAY_DIMS.items()) + 1024
KEEP_S = {"m": 8 * DAY_S, "l": 3600, "d": 400 * DAY_S}  # how long each kind of item is kept
_META = frozenset(("pk", "expires_at"))


def minute(number: int) -> str:
    return f"m#{number}"


def live(number: int) -> str:
    return f"l#{number}"


def day(number: int) -> str:
    return f"d#{number}"


def dim(day_number: int, prefix: str) -> str:
    return f"d#{day_number}#{prefix}"


def bounds(suffix: str) -> dict[str, Dim]:
    """The bounded dimensions an item holds, by counter prefix."""
    parts = suffix.split("#")
    if parts[0] == "l":
        return LIVE_DIMS
    if parts[0] == "d" and len(parts) == 3:
        return {parts[2]: DAY_DIMS[parts[2]]}
    return {}


def cut(prefix: str, name: str, suffix: str) -> str:
    """A dimension's counter name for a value, the value cut to the dimension's length."""
    return f"{prefix}#{name[:bounds(suffix)[prefix].length]}"


def expires_at(suffix: str, keep_s: dict[str, int] = KEEP_S) -> int:
    kind, number = suffix.split("#")[:2]
    start = int(number) * (60 if kind in ("m", "l") else DAY_S)
    return start + keep_s[kind]


def pk(site_id: str, suffix: str) -> str:
    return f"{site_id}#{suffix}"


def read(ddb: Any, table: str, site_id: str, suffixes: list[str]) -> dict[str, dict[str, float]]:
    """Counters per item suffix; an item never written reads as empty."""
    out: dict[str, dict[str, float]] = {s: {} for s in suffixes}
    prefix = len(site_id) + 1
    keys = [{"pk": {"S": pk(site_id, s)}} for s in dict.fromkeys(suffixes)]
    for item in batch_get(ddb, table, keys):
        out[item["pk"]["S"][prefix:]] = numbers(item, _META)
    return out


def names(counters: Mapping[str, float], prefix: str) -> dict[str, float]:
    """A dimension's names and counts, from an item's counters."""
    start = len(prefix) + 1
    return {k[start:]: v for k, v in counters.items() if k.startswith(f"{prefix}#")}


def marker(stream_arn: str, event_id: str) -> str:
    """The key recording that the counters applied a stream batch starting at this record."""
    return f"~b#{stream_arn.rsplit('/', 1)[-1]}#{stream_arn.split('/')[1]}#{event_id}"
