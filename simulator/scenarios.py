"""How traffic changes over a run: a rate multiplier over the run's progress (0 to 1), and
the mix of sources."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from .personas import SOURCES


@dataclass(frozen=True)
class Scenario:
    name: str
    rate: Callable[[float], float]
    sources: dict[str, float]


DEFAULT_SOURCES = {k: v[0] for k, v in SOURCES.items()}
SCENARIOS = {
    "steady": Scenario("steady", lambda p: 1.0, DEFAULT_SOURCES),
    # a launch: quiet, then ten times the traffic for a fifth of the run, then settling
    "spike": Scenario("spike", lambda p: 10.0 if 0.4 <= p < 0.6 else (2.0 if p >= 0.6 else 1.0), DEFAULT_SOURCES),
    # a campaign: most visitors arrive from the newsletter's UTM links
    "campaign": Scenario("campaign", lambda p: 1.5, {"direct": 0.1, "search": 0.1, "social": 0.05, "campaign": 0.75}),
    # a day compressed into the run: night, a morning rise, an afternoon peak, evening decline
    "diurnal": Scenario("diurnal", lambda p: 0.15 + 1.85 * max(0.0, math.sin(math.pi * (p * 24 - 6) / 16)) ** 2
                        if 6 <= p * 24 <= 22 else 0.15, DEFAULT_SOURCES),
}
