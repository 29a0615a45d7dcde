"""A site's counter items from the Stats table, keeping in this process for KEEP_S those the
caller calls closed (buckets no event can change any more), so repeated questions read only
the open ones."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable

import stack

from layout import counters

KEEP_S = 600
_kept: dict[tuple[str, str], tuple[float, dict[str, float]]] = {}
_lock = threading.Lock()


def read(site_id: str, suffixes: list[str], closed: Callable[[str], bool]) -> dict[str, dict[str, float]]:
    now = time.monotonic()
    out: dict[str, dict[str, float]] = {}
    with _lock:
        for suffix in suffixes:
            kept = _kept.get((site_id, suffix))
            if kept and kept[0] > now and closed(suffix):
                out[suffix] = kept[1]
    missing = [s for s in suffixes if s not in out]
    found = counters.read(stack.dynamodb(), stack.table("StatsTableName"), site_id, missing) if missing else {}
    with _lock:
        if len(_kept) > 50_000:
            _kept.clear()
        for suffix in missing:
            out[suffix] = found[suffix]
            if closed(suffix):
                _kept[(site_id, suffix)] = (now + KEEP_S, found[suffix])
    return {s: out[s] for s in suffixes}


def total(items: Iterable[dict[str, float]]) -> Counter[str]:
    """The counters of several items added up."""
    totals: Counter[str] = Counter()
    for item in items:
        totals.update(item)
    return totals
