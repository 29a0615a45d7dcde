"""Settings of the sessionizer, read once at cold start. Every variable it reads is named here."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Config:
    sessions_table: str
    active_table: str
    sites_table: str
    session_timeout_s: int = 1800
    max_skew_s: int = 300
    retention_s: int = 90 * 86400


def from_env(env: Mapping[str, str] | None = None) -> Config:
    source: Mapping[str, str] = os.environ if env is None else env
    return Config(
        sessions_table=source["SESSIONS_TABLE"],
        active_table=source["ACTIVE_SESSIONS_TABLE"],
        sites_table=source["SITES_TABLE"],
        session_timeout_s=int(source.get("SESSION_TIMEOUT_SECONDS", "1800")),
        max_skew_s=int(source.get("MAX_CLOCK_SKEW_SECONDS", "300")),
        retention_s=int(source.get("EVENT_RETENTION_SECONDS", "7776000")),
    )
