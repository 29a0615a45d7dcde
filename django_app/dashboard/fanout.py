"""Live streams fan out from one read per watched site.

Every open stream of a site waits in the event loop for that site's latest snapshot. One
task per site takes a snapshot (in a thread) as soon as the background reader of who is
active (api/watch.py) has a newer answer, and wakes the site's streams; one task renews
every stream's place at once and ends the streams whose sign-in or link no longer stands.
No stream reads a table or takes a thread of its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

POLL_S = 0.05  # how often a site's task looks for a newer read of who is active
RETRY_S = 1.0
STILL_S = 1.0  # a read that changed nothing but its time is pushed at most this often
log = logging.getLogger(__name__)

# who holds a stream: ("user", (session key, user id)) or ("link", link id)
Holder = tuple[str, Any]


@dataclass(eq=False)
class Viewer:
    site_id: str
    place: int
    holder: Holder
    ended: str | None = None  # why the stream must end, once it must


class _Site:
    def __init__(self) -> None:
        self.body: str | None = None
        self.content: str | None = None  # the body without when it was read
        self.pushed = 0.0
        self.version = 0
        self.viewers: set[Viewer] = set()
        self.woken = asyncio.Event()

    def wake(self) -> None:
        self.woken.set()
        self.woken = asyncio.Event()


class Hub:
    """`read_at(site)` says when who is active was last read (0: never), without waiting;
    `snapshot(site)` is what to push (its "at": when it was read), blocking; `upkeep({place: holder})` renews the
    places and answers {place: why} for the streams that must end."""

    def __init__(self, read_at: Callable[[str], int], snapshot: Callable[[str], dict[str, Any]],
                 upkeep: Callable[[dict[int, Holder]], dict[int, str]], upkeep_s: float) -> None:
        self._read_at, self._snapshot, self._upkeep, self._upkeep_s = read_at, snapshot, upkeep, upkeep_s
        self._sites: dict[str, _Site] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._keeping = False

    def join(self, viewer: Viewer) -> None:
        site = self._sites.get(viewer.site_id)
        if site is None:
            site = self._sites[viewer.site_id] = _Site()
            self._start(self._follow(viewer.site_id, site))
        site.viewers.add(viewer)
        if not self._keeping:
            self._keeping = True
            self._start(self._keep())

    def leave(self, viewer: Viewer) -> None:
        self._sites[viewer.site_id].viewers.discard(viewer)

    def viewers(self) -> int:
        return sum(len(site.viewers) for site in self._sites.values())

    async def next(self, viewer: Viewer, version: int, timeout: float) -> tuple[str | None, int]:
        """The site's body once it differs from `version` (None after `timeout` seconds
        without a change, or once the viewer must end), and its version."""
        site = self._sites[viewer.site_id]
        if site.version == version and viewer.ended is None:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(timeout):
                    await site.woken.wait()
        if viewer.ended is not None or site.version == version:
            return None, version
        return site.body, site.version

    def _start(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)  # held until done: the loop keeps only weak references
        task.add_done_callback(self._tasks.discard)

    async def _follow(self, site_id: str, site: _Site) -> None:
        seen = -1
        while site.viewers:
            read_at = self._read_at(site_id)
            if read_at == seen:
                await asyncio.sleep(POLL_S)
                continue
            try:
                data = await asyncio.to_thread(self._snapshot, site_id)
            except Exception:  # a background reader outlives any one failed read
                log.exception("the live snapshot of %s failed", site_id)
                await asyncio.sleep(RETRY_S)
                continue
            seen = read_at
            content = json.dumps({k: v for k, v in data.items() if k != "at"}, separators=(",", ":"))
            if content != site.content or time.monotonic() - site.pushed >= STILL_S:
                site.content, site.pushed = content, time.monotonic()
                site.body, site.version = json.dumps(data, separators=(",", ":")), site.version + 1
                site.wake()
        del self._sites[site_id]

    async def _keep(self) -> None:
        while self._sites:
            await asyncio.sleep(self._upkeep_s)
            viewers = [v for site in self._sites.values() for v in site.viewers]
            try:
                ended = await asyncio.to_thread(self._upkeep, {v.place: v.holder for v in viewers})
            except Exception:  # a stream whose place is not renewed only stops counting
                log.exception("renewing the live streams failed")
                continue
            for viewer in viewers:
                if viewer.place in ended and viewer.site_id in self._sites:
                    viewer.ended = ended[viewer.place]
                    self._sites[viewer.site_id].wake()
        self._keeping = False
