"""Who is active on the sites being watched, kept current by one reader in the background.

A site is watched while anyone asked about it in the last WATCH_S seconds. One thread
reads every watched site each REFRESH_S (back to back when a read takes longer), so API
calls and live pages take the latest answer without waiting for DynamoDB, and every
viewer of a site shares one read. An answer is at most one REFRESH_S plus one read old;
a call finding none younger than MAX_AGE_MS (the first call for a site, or a reader that
fell behind) reads the tables itself. A site no longer watched is forgotten.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

REFRESH_S = 0.25
MAX_AGE_MS = 1000
WATCH_S = 30.0

Answer = Any
log = logging.getLogger(__name__)


def now_ms() -> int:
    return int(time.time() * 1000)


class Watcher:
    def __init__(self, read: Callable[[str, int], Answer], forget: Callable[[str], None] = lambda _: None) -> None:
        self._read, self._forget = read, forget
        self._changed = threading.Condition()
        self._latest: dict[str, tuple[int, Answer]] = {}  # site -> (read at, answer)
        self._asked: dict[str, float] = {}  # site -> when last asked (monotonic)
        self._thread: threading.Thread | None = None
        self._reading = threading.Lock()  # callers that must read do so one at a time

    def latest(self, site_id: str) -> tuple[int, Answer]:
        """The latest answer for a site and when it was read (ms since the epoch)."""
        with self._changed:
            self._asked[site_id] = time.monotonic()
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="active-sessions", daemon=True)
                self._thread.start()
            latest = self._latest.get(site_id)
        if latest and now_ms() - latest[0] <= MAX_AGE_MS:
            return latest
        with self._reading:
            latest = self._latest.get(site_id)
            if latest and now_ms() - latest[0] <= MAX_AGE_MS:  # another caller just read it
                return latest
            return self.refresh(site_id)

    def read_at(self, site_id: str) -> int:
        """When the latest answer for a site was read (0: never), without asking for one."""
        with self._changed:
            return self._latest.get(site_id, (0, None))[0]

    def refresh(self, site_id: str) -> tuple[int, Answer]:
        read_at = now_ms()
        answer = (read_at, self._read(site_id, read_at))
        with self._changed:
            if read_at > self._latest.get(site_id, (0, None))[0]:
                self._latest[site_id] = answer
            self._changed.notify_all()
        return answer

    def _watched(self) -> list[str]:
        with self._changed:
            cutoff = time.monotonic() - WATCH_S
            for site_id in [s for s, asked in self._asked.items() if asked < cutoff]:
                del self._asked[site_id]
                self._latest.pop(site_id, None)
                self._forget(site_id)
            return list(self._asked)

    def _run(self) -> None:
        while True:
            started = time.monotonic()
            for site_id in self._watched():
                try:
                    self.refresh(site_id)
                except (BotoCoreError, ClientError):  # retried next round; callers then read themselves
                    log.exception("reading the active sessions of %s failed", site_id)
            time.sleep(max(0.0, REFRESH_S - (time.monotonic() - started)))
