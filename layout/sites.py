"""Sites: one item per site, written by the dashboard (and the deploy's seed).

  site_id          the key
  allowed_origins  the browser origins the ingest accepts events from
  funnels          JSON: the site's funnels (funnels.py)
"""

from __future__ import annotations

import json
import time
from typing import Any

from .ddb import batch_get


def key(site_id: str) -> dict[str, Any]:
    return {"site_id": {"S": site_id}}


def decode(item: dict[str, Any]) -> dict[str, Any]:
    return {"allowed_origins": [v["S"] for v in item.get("allowed_origins", {}).get("L", [])],
            "funnels": json.loads(item["funnels"]["S"]) if "funnels" in item else []}


class Cache:
    """Sites as read from the table, kept `ttl_s` (an unknown site only 5 s, so a newly
    registered one works at once); at most 10,000 sites are held."""

    def __init__(self, ddb: Any, table: str, ttl_s: float = 30.0) -> None:
        self.ddb, self.table, self.ttl_s = ddb, table, ttl_s
        self._held: dict[str, tuple[float, dict[str, Any] | None]] = {}

    def get(self, site_ids: set[str]) -> dict[str, dict[str, Any]]:
        """The known sites among `site_ids`."""
        now = time.monotonic()
        missing = [s for s in site_ids if s not in self._held or self._held[s][0] < now]
        if missing:
            found = {i["site_id"]["S"]: i for i in batch_get(self.ddb, self.table, [key(s) for s in missing])}
            if len(self._held) > 10_000:
                self._held = {s: v for s, v in self._held.items() if v[0] >= now}
            for site_id in missing:
                item = found.get(site_id)
                self._held[site_id] = (now + (self.ttl_s if item else 5.0), decode(item) if item else None)
        return {s: site for s in site_ids if (site := self._held[s][1]) is not None}
