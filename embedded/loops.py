"""Background work that never dies in silence. Every periodic task of the emulator, the
gateway and the Lambda runtime runs through `every` (or `forever`, for a coroutine that runs
until it fails): an exception is logged with its traceback, the next try waits twice as long
(up to ten seconds), and a success brings the interval back."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

log = logging.getLogger("embedded.loops")
MAX_BACKOFF_S = 10.0


def _sleep(seconds: float) -> bool:
    time.sleep(seconds)  # cooperative in the emulator, which gevent patches
    return False


def every(interval: float, work: Callable[[], object], name: str,
          wait: Callable[[float], bool] = _sleep) -> None:
    """Run `work` every `interval` seconds until `wait(seconds)` answers True (a stop event's
    `wait`); by default, forever."""
    delay = interval
    while not wait(delay):
        try:
            work()
        except Exception:  # noqa: BLE001 - the one place a loop outlives whatever its work raises
            delay = min(max(delay, interval) * 2, MAX_BACKOFF_S)
            log.exception("%s failed; trying again in %.1f s", name, delay)
        else:
            delay = interval


async def forever(work: Callable[[], Awaitable[object]], name: str, first_delay: float = 1.0) -> None:
    """Run the coroutine `work` again whenever it ends or fails, until cancelled."""
    delay = first_delay
    while True:
        try:
            await work()
            delay = first_delay
        except asyncio.CancelledError:
            raise
        except Exception:  # noqa: BLE001 - as in `every`
            log.exception("%s failed; starting again in %.1f s", name, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, MAX_BACKOFF_S)
