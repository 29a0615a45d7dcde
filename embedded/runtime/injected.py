"""Lambda faults injected with `liveinsight chaos lambda`, as the gateway sees them: it asks
the emulator for the active faults once a second, and keeps the last answer while the
emulator cannot be reached."""

from __future__ import annotations

import asyncio
import json
import random
import threading
import time
import urllib.request
from typing import Any

from .. import loops
from ..settings import TOKEN_HEADER
from .pool import Outcome

POLL_S = 1.0


class Injected:
    def __init__(self, endpoint: str, token: str) -> None:
        self.url = endpoint.rstrip("/") + "/_liveinsight/faults"
        self.token = token
        self.faults: list[dict[str, Any]] = []
        self._stop = threading.Event()

    def start(self) -> None:
        threading.Thread(target=self._poll, daemon=True).start()

    def stop(self) -> None:
        self._stop.set()

    def _poll(self) -> None:
        loops.every(POLL_S, self.refresh, "polling the injected faults", wait=self._stop.wait)

    def refresh(self) -> None:
        request = urllib.request.Request(self.url, headers={TOKEN_HEADER: self.token})
        try:
            with urllib.request.urlopen(request, timeout=2) as answer:
                found = json.loads(answer.read())
        except OSError:
            return  # an outage: keep what we knew
        self.faults = [f for f in found if f.get("target") == "lambda"]

    def decide(self, function: str) -> str | None:
        """"error", "timeout" or None for the next invocation of `function`."""
        now = time.time()
        for fault in self.faults:
            if fault.get("function") not in (None, function) or (fault["until"] and fault["until"] <= now):
                continue
            if random.random() < float(fault.get("errors", 0)):
                return "error"
            if random.random() < float(fault.get("timeouts", 0)):
                return "timeout"
        return None


async def fail(kind: str, timeout_s: float) -> Outcome:
    """What an injected failure looks like to the caller: an error at once, or a timeout."""
    if kind == "timeout":
        await asyncio.sleep(timeout_s)
        return Outcome("timeout", error={"errorMessage": "Task timed out (an injected fault)"},
                       duration_ms=timeout_s * 1000)
    return Outcome("error", error={"errorType": "InjectedFault", "errorMessage": "an injected Lambda error"},
                   duration_ms=1.0)
