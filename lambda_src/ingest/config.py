"""Settings of the ingest function, read once at cold start. Every variable it reads is named here."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Config:
    events_table: str
    sites_table: str
    max_body_bytes: int = 65536
    max_skew_s: int = 300
    rate_per_source: float = 20.0
    rate_burst: float = 60.0
    event_retention_s: int = 90 * 86400
    site_cache_s: float = 30.0


def from_env(env: Mapping[str, str] | None = None) -> Config:
    source: Mapping[str, str] = os.environ if env is None else env
    return Config(
        events_table=source["EVENTS_TABLE"],
        sites_table=source["SITES_TABLE"],
        max_skew_s=int(source.get("MAX_CLOCK_SKEW_SECONDS", "300")),
        rate_per_source=float(source.get("RATE_LIMIT_PER_SOURCE", "20")),
        rate_burst=float(source.get("RATE_LIMIT_BURST", "60")),
        event_retention_s=int(source.get("EVENT_RETENTION_SECONDS", "7776000")),
    )
