"""Realtime numbers of a site, as plain data, read by key from the ingest's tables.

Nothing here reads the Events table, Scans or Queries: active sessions are a
BatchGetItem of fixed keys, per-minute numbers come from the Stats counters.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import orjson
import stack
from ingest import active_sessions, stats

from . import counters, watch


def _read_active(site_id: str, at_ms: int) -> list[dict[str, Any]]:
    return active_sessions.read(stack.dynamodb(), stack.table("ActiveSessionsTableName"), site_id, at_ms,
                                loads=orjson.loads)


watcher = watch.Watcher(_read_active)


def active(site_id: str) -> list[dict[str, Any]]:
    """Sessions active on a site, most recent first, as last read (watch.py: at most about
    half a second plus one read old); every API call and live page of a site shares the read."""
    return watcher.sessions(site_id)[1]


def realtime(site_id: str, now_ms: int, minutes: int, top: int,
             sessions: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    sessions = active(site_id) if sessions is None else sessions
    last = now_ms // 60000
    span = list(range(last - minutes + 1, last + 1))
    counters = stats.minutes(stack.dynamodb(), stack.table("StatsTableName"), site_id, span)
    series = [{
        "minute": m * 60,
        "pageviews": int(c.get("pv", 0)),
        "visitors": int(c.get("vi", 0)),
        "sessions": int(c.get("se", 0)),
        "conversions": int(c.get("cv", 0)),
    } for m, c in sorted(counters.items())]
    return {
        "active_visitors": len({s["visitor"] for s in sessions}),
        "active_sessions": len(sessions),
        "per_minute": series,
        "top_pages": _top(Counter(s["page"] for s in sessions), top),
        "top_sources": _top(Counter(s["src"] for s in sessions), top),
    }


def _top(counts: Counter[str], n: int) -> list[dict[str, Any]]:
    return [{"name": name, "count": count} for name, count in counts.most_common(n)]


def today(site_id: str, now_ms: int) -> dict[str, int]:
    """Totals since midnight UTC, from the per-minute counters; minutes over two minutes old
    are closed (counters.py), so only the latest are read again."""
    last = now_ms // 60000
    first = last - (now_ms // 1000 % 86400) // 60
    found = counters.read(site_id, [f"m#{m}" for m in range(first, last + 1)],
                          closed=lambda suffix: int(suffix[2:]) <= last - 2)
    totals = counters.total(found.values())
    return {"pageviews": int(totals["pv"]), "sessions": int(totals["se"]),
            "conversions": int(totals["cv"]), "conversion_value": round(totals["cvv"], 2),
            "bot_events": int(totals["bot"])}


def snapshot(site_id: str, now_ms: int, minutes: int = 30) -> dict[str, Any]:
    """Everything the live page shows, in one piece; `latest` is each active session's
    most recent page, newest first; `at` is when the active sessions were read."""
    read_at, sessions = watcher.sessions(site_id)
    data = realtime(site_id, now_ms, minutes, top=8, sessions=sessions)
    data["today"] = today(site_id, now_ms)
    data["latest"] = [{k: s[k] for k in ("last", "page", "src", "device", "pageviews")} for s in sessions[:15]]
    data["at"] = read_at
    return data
