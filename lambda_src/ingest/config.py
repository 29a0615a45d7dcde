"""Settings of the ingest function, read once at cold start from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Config:
    events_table: str
    max_body_bytes: int = 65536
    max_batch: int = 50


def from_env(env: dict[str, str] | None = None) -> Config:
    env = os.environ if env is None else env
    return Config(
        events_table=env["EVENTS_TABLE"],
        max_body_bytes=int(env.get("MAX_BODY_BYTES", "65536")),
        max_batch=int(env.get("MAX_BATCH", "50")),
    )
