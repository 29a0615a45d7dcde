"""Realtime numbers of a site, as plain data, read by key from the pipeline's tables
(layout/). Nothing here reads Events or Sessions, Scans, or reads one item per session."""

from __future__ import annotations

import threading
from typing import Any

import orjson
import stack

from layout import active as active_now
from layout import counters
from layout.recent import Feed

from . import watch

_feeds: dict[str, tuple[threading.Lock, Feed]] = {}
_feeds_lock = threading.Lock()


def _feed(site_id: str) -> tuple[threading.Lock, Feed]:
    with _feeds_lock:
        if site_id not in _feeds:
            _feeds[site_id] = (threading.Lock(), Feed(site_id, active_now.WINDOW_MINUTES, orjson.loads))
        return _feeds[site_id]


def _read_active(site_id: str, at_ms: int) -> dict[str, Any]:
    lock, feed = _feed(site_id)
    with lock:
        return active_now.read(stack.dynamodb(), stack.table("StatsTableName"),
                               stack.table("ActiveSessionsTableName"), feed, at_ms)


def _forget(site_id: str) -> None:
    with _feeds_lock:
        _feeds.pop(site_id, None)


watcher = watch.Watcher(_read_active, _forget)


def active(site_id: str) -> dict[str, Any]:
    """Who is active on a site (layout/active.py), as last read (watch.py: at most about a
    quarter of a second plus one read old); every API call and live page of a site shares it."""
    return watcher.latest(site_id)[1]


def realtime(site_id: str, now_ms: int, minutes: int, top: int,
             current: dict[str, Any] | None = None) -> dict[str, Any]:
    current = active(site_id) if current is None else current
    last = now_ms // 60000
    span = [counters.minute(m) for m in range(last - minutes + 1, last + 1)]
    found = counters.read(stack.dynamodb(), stack.table("StatsTableName"), site_id, span)
    series = [{
        "minute": int(suffix[2:]) * 60,
        "pageviews": int(c.get("pv", 0)),
        "visitors": int(c.get("vi", 0)),
        "sessions": int(c.get("se", 0)),
        "conversions": int(c.get("cv", 0)),
    } for suffix, c in found.items()]
    return {
        "active_visitors": current["visitors"],
        "active_sessions": current["count"],
        "per_minute": series,
        "top_pages": _top(current["pages"], top),
        "top_sources": _top(current["sources"], top),
    }


def _top(counts: dict[str, int], n: int) -> list[dict[str, Any]]:
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:n]
    return [{"name": name, "count": count} for name, count in ranked]


def today(site_id: str, now_ms: int) -> dict[str, Any]:
    """Totals since midnight UTC: today's day item."""
    suffix = counters.day(now_ms // 86_400_000)
    totals = counters.read(stack.dynamodb(), stack.table("StatsTableName"), site_id, [suffix])[suffix]
    return {"pageviews": int(totals.get("pv", 0)), "sessions": int(totals.get("se", 0)),
            "conversions": int(totals.get("cv", 0)), "conversion_value": round(totals.get("cvv", 0), 2),
            "bot_events": int(totals.get("bot", 0))}


def snapshot(site_id: str, now_ms: int, minutes: int = 30) -> dict[str, Any]:
    """Everything the live page shows, in one piece; `latest` is each active session's
    most recent page, newest first; `at` is when who is active was read."""
    read_at, current = watcher.latest(site_id)
    data = realtime(site_id, now_ms, minutes, top=8, current=current)
    data["today"] = today(site_id, now_ms)
    data["latest"] = [{k: s[k] for k in ("last", "page", "src", "device", "pageviews")}
                      for s in current["sessions"][:15]]
    data["at"] = read_at
    return data
