"""Realtime numbers of a site, as plain data, read by key from the ingest's tables.

Nothing here reads the Events table, Scans or Queries: active sessions are a
BatchGetItem of fixed keys, per-minute numbers come from the Stats counters.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import stack
from ingest import active_sessions, realtime_stats


def active(site_id: str, now_ms: int) -> list[dict[str, Any]]:
    return active_sessions.read(stack.dynamodb(), stack.table("ActiveSessionsTableName"), site_id, now_ms)


def realtime(site_id: str, now_ms: int, minutes: int, top: int) -> dict[str, Any]:
    sessions = active(site_id, now_ms)
    last = now_ms // 60000
    span = list(range(last - minutes + 1, last + 1))
    counters = realtime_stats.read(stack.dynamodb(), stack.table("StatsTableName"), site_id, span)
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
