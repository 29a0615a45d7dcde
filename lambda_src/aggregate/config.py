"""Settings of the counters function, read once at cold start. Every variable it reads is named here."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from layout import counters


@dataclass(frozen=True)
class Config:
    events_table: str
    sessions_table: str
    stats_table: str
    sites_table: str
    keep_s: dict[str, int] = field(default_factory=lambda: dict(counters.KEEP_S))  # per kind of counter item


def from_env(env: Mapping[str, str] | None = None) -> Config:
    source: Mapping[str, str] = os.environ if env is None else env
    keep_s = {**counters.KEEP_S,
              "m": int(source.get("MINUTE_COUNTERS_RETENTION_SECONDS", counters.KEEP_S["m"])),
              "d": int(source.get("DAY_COUNTERS_RETENTION_SECONDS", counters.KEEP_S["d"]))}
    return Config(events_table=source["EVENTS_TABLE"], sessions_table=source["SESSIONS_TABLE"],
                  stats_table=source["STATS_TABLE"], sites_table=source["SITES_TABLE"], keep_s=keep_s)
