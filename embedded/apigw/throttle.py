"""A stage's default route throttling, as API Gateway applies it."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Throttle:
    """A token bucket that holds `burst` requests and refills at `rate` a second; past it, 429."""

    rate: float
    burst: float
    clock: Callable[[], float] = time.monotonic
    tokens: float = field(init=False)
    at: float = field(init=False)

    def __post_init__(self) -> None:
        self.tokens, self.at = self.burst, self.clock()

    @classmethod
    def from_stage(cls, stage: dict[str, Any]) -> Throttle | None:
        limits = stage.get("DefaultRouteSettings") or {}
        if "ThrottlingRateLimit" not in limits and "ThrottlingBurstLimit" not in limits:
            return None
        return cls(float(limits.get("ThrottlingRateLimit", 10_000)), float(limits.get("ThrottlingBurstLimit", 5_000)))

    def allow(self) -> bool:
        now = self.clock()
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True
