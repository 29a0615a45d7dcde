"""Settings of the ingest function, read once at cold start from the environment."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Config:
    events_table: str
    max_body_bytes: int = 65536
    max_batch: int = 50


def from_env(env: Mapping[str, str] | None = None) -> Config:
    source: Mapping[str, str] = os.environ if env is None else env
    return Config(
        events_table=source["EVENTS_TABLE"],
        max_body_bytes=int(source.get("MAX_BODY_BYTES", "65536")),
        max_batch=int(source.get("MAX_BATCH", "50")),
    )
