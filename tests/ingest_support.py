"""Build protocol events and stored records for ingest tests."""

from __future__ import annotations

import uuid
from typing import Any

T0 = 1_795_694_400_000  # 2026-11-26 12:00 UTC
MIN = 60_000
BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36"


def event(kind: str = "page_view", ts: int = T0, path: str = "/", **fields: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "event_id": str(uuid.uuid4()), "type": kind, "site_id": "demo",
        "visitor_id": "visitor-0001", "session_id": "session-0001", "ts": ts,
        "url": f"http://127.0.0.1:8000{path}",
    }
    if kind == "click":
        out["target"] = {"tag": "a", "text": "Buy"}
    if kind == "conversion":
        out["goal"] = "purchase"
    if kind == "heartbeat":
        out["engaged_ms"] = 15000
    out.update(fields)
    return out


def record(kind: str = "page_view", ts: int = T0, path: str = "/", **fields: Any) -> dict[str, Any]:
    from ingest import enrich

    return enrich.record(event(kind, ts, path, **fields), enrich.agent(BROWSER_UA), ts, 300_000)
