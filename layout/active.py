"""Who is active on a site now: sessions whose latest event is in the current minute or
the WINDOW_MINUTES before it.

A reader keeps a `Feed` (recent.py) per site: the newest sessions from the ActiveSessions
items, read newest first until LISTED are held, then only what was written since. While a
site has fewer active sessions than that, the listing holds them all and every figure
comes from it (exact, and as fresh as the sessionizer). Past that, the counts, pages and
sources come from the site's live counters (counters.py, `l#`), written every few seconds,
and the listing holds the newest LISTED sessions. Either way one read costs a few items:
a site with 100,000 visitors costs what one with 2,000 does.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from . import counters, recent

WINDOW_MINUTES = 5


def live_suffixes(now_ms: int) -> list[str]:
    now_minute = now_ms // 60_000
    return [counters.live(m) for m in range(now_minute - WINDOW_MINUTES, now_minute + 1)]


def read(ddb: Any, stats_table: str, active_table: str, feed: recent.Feed, now_ms: int) -> dict[str, Any]:
    """{"count", "visitors", "pages", "sources", "sessions" (newest first, at most LISTED)}."""
    listed = feed.update(ddb, active_table, now_ms)
    if feed.complete(now_ms):
        return {"count": len(listed), "visitors": len({s["visitor"] for s in listed}),
                "pages": dict(Counter(s["page"] for s in listed)),
                "sources": dict(Counter(s["src"] for s in listed)), "sessions": listed}
    summed: Counter[str] = Counter()
    for item in counters.read(ddb, stats_table, feed.site_id, live_suffixes(now_ms)).values():
        summed.update(item)
    totals: dict[str, float] = dict(summed)
    return {"count": max(int(totals.get("la", 0)), len(listed)),
            "visitors": max(int(totals.get("lv", 0)), len({s["visitor"] for s in listed})),
            "pages": {k: int(v) for k, v in counters.names(totals, "p").items() if v > 0},
            "sources": {k: int(v) for k, v in counters.names(totals, "s").items() if v > 0},
            "sessions": listed}
