"""DynamoDB's per-partition limits on the emulator, and the hottest keys.

One partition serves at most 1,000 write units and 3,000 read units a second, and one
partition key never spans partitions, on demand or provisioned. So a key that used its
units this second refuses the next request that touches it with a ThrottlingException
(reason TableWriteKeyRangeThroughputExceeded or TableReadKeyRangeThroughputExceeded), as
DynamoDB does: a developer meets a hot key here before AWS throttles it.

Each second's units per key are kept for a minute, as the hottest keys with their
largest item; each table's largest item is kept since the start.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from typing import Any

LIMITS = {"read": 3000.0, "write": 1000.0}
KEEP_S = 60
TOP = 20

Key = tuple[str, str]  # (table, partition key value)


class Partitions:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._second = 0
        self._used: dict[Key, dict[str, float]] = defaultdict(lambda: {"read": 0.0, "write": 0.0, "size": 0.0})
        self._seconds: deque[tuple[int, list[tuple[Key, dict[str, float]]]]] = deque(maxlen=KEEP_S)
        self.largest: dict[str, tuple[int, str]] = {}  # table -> (bytes, partition key)

    def _top(self) -> list[tuple[Key, dict[str, float]]]:
        return sorted(self._used.items(), key=lambda kv: -(kv[1]["write"] + kv[1]["read"] / 3))[:TOP]

    def _roll(self) -> None:
        now = int(time.time())
        if now != self._second:
            if self._used:
                self._seconds.append((self._second, self._top()))
            self._second, self._used = now, defaultdict(lambda: {"read": 0.0, "write": 0.0, "size": 0.0})

    def refused(self, touched: list[tuple[str, str, str]]) -> tuple[str, str, str] | None:
        """The first (table, partition, direction) a request touches that is out of units
        this second, if any."""
        with self._lock:
            self._roll()
            for table, partition, direction in touched:
                used = self._used.get((table, partition))
                if used is not None and used[direction] >= LIMITS[direction]:
                    return table, partition, direction
        return None

    def add(self, keys: dict[Key, dict[str, float]], sizes: list[tuple[str, str, int]]) -> None:
        with self._lock:
            self._roll()
            for key, used in keys.items():
                mine = self._used[key]
                mine["read"] += used["read"]
                mine["write"] += used["write"]
            for table, partition, size in sizes:
                mine = self._used[(table, partition)]
                mine["size"] = max(mine["size"], size)
                if size > self.largest.get(table, (0, ""))[0]:
                    self.largest[table] = (size, partition)

    def report(self) -> dict[str, Any]:
        """The hottest keys of the last minute (their busiest second), and each table's largest item."""
        with self._lock:
            self._roll()
            seconds = list(self._seconds) + [(self._second, [(k, dict(u)) for k, u in self._top()])]
        peak: dict[Key, dict[str, float]] = {}
        for _, top in seconds:
            for key, used in top:
                held = peak.setdefault(key, {"read": 0.0, "write": 0.0, "size": 0.0})
                for name in held:
                    held[name] = max(held[name], used[name])
        ranked = sorted(peak.items(), key=lambda kv: -(kv[1]["write"] + kv[1]["read"] / 3))[:TOP]
        return {"hot": [{"table": t, "key": k, "write_units_per_s": round(u["write"], 1),
                         "read_units_per_s": round(u["read"], 1), "largest_item_bytes": int(u["size"])}
                        for (t, k), u in ranked],
                "largest": {t: {"bytes": b, "key": k} for t, (b, k) in sorted(self.largest.items())},
                "limits": LIMITS}
