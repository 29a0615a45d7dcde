"""Waiting on the embedded stack's pipeline from tests: the stream consumers count a moment later."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import requests

from embedded.settings import TOKEN_HEADER, control_token
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


def control(stack: Any, path: str, method: str = "GET", body: Any = None) -> Any:
    """One of the emulator's own endpoints (/_liveinsight/*), with the stack's token."""
    answer = requests.request(method, f"{stack.settings.endpoint_url}/_liveinsight/{path}", json=body, timeout=10,
                              headers={TOKEN_HEADER: control_token(stack.settings.state_dir),
                                       "Content-Type": "application/json"})
    answer.raise_for_status()
    return answer.json()
