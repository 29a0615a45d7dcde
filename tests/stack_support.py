"""Waiting on the embedded stack's pipeline from tests: the stream consumers count a moment later."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from layout import counters


def eventually(check: Callable[[], Any], timeout: float = 20.0) -> Any:
    """The first truthy answer of `check`, or its last answer after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.25)


def today(stack: Any, site_id: str, dim: str = "") -> dict[str, float]:
    """A site's counters for today (UTC), from the Stats table."""
    number = int(time.time()) // 86400
    suffix = counters.dim(number, dim) if dim else counters.day(number)
    return counters.read(stack.client("dynamodb"), stack.outputs["StatsTableName"], site_id, [suffix])[suffix]


def events_counted(stack: Any, site_id: str) -> int:
    """Every event of a site counted today, visitors' and bots'."""
    found = today(stack, site_id)
    return int(found.get("ev", 0) + found.get("bot", 0))
