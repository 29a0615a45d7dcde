"""A token bucket per request source, kept in this execution environment's memory only.

Sources are keyed by a salted hash of the address, so the raw IP is never
kept or logged. Each warm Lambda instance limits on its own, so the limit a
source meets is per instance: the edge (API Gateway throttling or a WAF
rate rule on AWS) is where a global limit belongs.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections import OrderedDict

_SALT = os.urandom(16)
_MAX_SOURCES = 10000


class RateLimiter:
    def __init__(self, rate: float, burst: float) -> None:
        self.rate, self.burst = rate, burst
        self._buckets: OrderedDict[bytes, tuple[float, float]] = OrderedDict()

    def allow(self, source: str, cost: float = 1.0, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        key = hashlib.blake2b(source.encode(), key=_SALT, digest_size=16).digest()
        tokens, at = self._buckets.pop(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - at) * self.rate)
        allowed = tokens >= cost
        self._buckets[key] = (tokens - cost if allowed else tokens, now)
        if len(self._buckets) > _MAX_SOURCES:
            self._buckets.popitem(last=False)
        return allowed
