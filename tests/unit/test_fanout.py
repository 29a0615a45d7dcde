"""Live streams fan out from one read per watched site (django_app/dashboard/fanout.py)."""

import asyncio
import concurrent.futures
import importlib.util
import sys

from embedded.settings import ROOT

_spec = importlib.util.spec_from_file_location("fanout", ROOT / "django_app" / "dashboard" / "fanout.py")
fanout = sys.modules["fanout"] = importlib.util.module_from_spec(_spec)  # dataclasses look it up
_spec.loader.exec_module(fanout)


def run(scenario):
    """asyncio.run in a thread of its own: Playwright's sync API may hold this thread's loop."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, scenario).result()


class Reader:
    """Stands in for the background reader and the snapshot: counts snapshots taken."""

    def __init__(self):
        self.at, self.snapshots, self.kept = 1, 0, []

    def read_at(self, site_id):
        return self.at

    def snapshot(self, site_id):
        self.snapshots += 1
        return {"site": site_id, "pages": self.at, "at": self.at}

    def upkeep(self, holders):
        self.kept.append(dict(holders))
        return {place: "link revoked" for place, (kind, who) in holders.items() if who == "revoked"}


def hub(reader, upkeep_s=60.0):
    return fanout.Hub(reader.read_at, reader.snapshot, reader.upkeep, upkeep_s)


def test_a_thousand_viewers_of_a_site_share_each_snapshot():
    async def scenario():
        reader = Reader()
        shared = hub(reader)
        viewers = [fanout.Viewer("demo", place, ("link", 1)) for place in range(1000)]
        for viewer in viewers:
            shared.join(viewer)
        first = await asyncio.gather(*(shared.next(v, 0, 5) for v in viewers))
        reader.at = 2  # the background reader has a newer answer
        second = await asyncio.gather(*(shared.next(v, 1, 5) for v in viewers))
        return reader, first, second

    reader, first, second = run(scenario())
    assert {body for body, _ in first} == {'{"site":"demo","pages":1,"at":1}'}
    assert {body for body, _ in second} == {'{"site":"demo","pages":2,"at":2}'}
    assert reader.snapshots == 2


def test_an_unchanged_site_answers_nothing_after_the_timeout():
    async def scenario():
        shared = hub(Reader())
        viewer = fanout.Viewer("demo", 1, ("link", 1))
        shared.join(viewer)
        body, version = await shared.next(viewer, 0, 5)
        return body, version, await shared.next(viewer, version, 0.2)

    body, version, again = run(scenario())
    assert body and version == 1 and again == (None, 1)


def test_upkeep_renews_every_place_at_once_and_ends_the_revoked():
    async def scenario():
        reader = Reader()
        shared = hub(reader, upkeep_s=0.05)
        kept = fanout.Viewer("demo", 1, ("link", "standing"))
        gone = fanout.Viewer("demo", 2, ("link", "revoked"))
        for viewer in (kept, gone):
            shared.join(viewer)
        _, version = await shared.next(gone, 0, 5)
        ended = await shared.next(gone, version, 5)  # woken by the upkeep, not the timeout
        return reader, kept, gone, ended

    reader, kept, gone, ended = run(scenario())
    assert ended == (None, 1) and gone.ended == "link revoked" and kept.ended is None
    assert reader.kept[0] == {1: ("link", "standing"), 2: ("link", "revoked")}


def test_a_read_that_changed_only_its_time_waits_its_turn(monkeypatch):
    monkeypatch.setattr(fanout, "STILL_S", 0.3)

    async def scenario():
        reader = Reader()
        reader.snapshot = lambda site_id: {"pages": 1, "at": reader.at}
        shared = hub(reader)
        viewer = fanout.Viewer("demo", 1, ("link", 1))
        shared.join(viewer)
        _, version = await shared.next(viewer, 0, 5)
        reader.at = 2
        soon = await shared.next(viewer, version, 0.15)
        await asyncio.sleep(0.2)
        reader.at = 3  # the next read, once STILL_S has passed, is pushed
        return soon, await shared.next(viewer, version, 1)

    soon, later = run(scenario())
    assert soon == (None, 1) and later == ('{"pages":1,"at":3}', 2)


def test_a_site_nobody_watches_is_let_go():
    async def scenario():
        reader = Reader()
        shared = hub(reader)
        viewer = fanout.Viewer("demo", 1, ("link", 1))
        shared.join(viewer)
        await shared.next(viewer, 0, 5)
        shared.leave(viewer)
        await asyncio.sleep(fanout.POLL_S * 4)
        taken = reader.snapshots
        reader.at = 3
        await asyncio.sleep(fanout.POLL_S * 4)
        return shared, taken, reader.snapshots

    shared, taken, after = run(scenario())
    assert shared.viewers() == 0 and after == taken


def test_a_failed_snapshot_is_retried():
    async def scenario():
        reader = Reader()
        calls = []

        def flaky(site_id):
            calls.append(site_id)
            if len(calls) == 1:
                raise ConnectionError("DynamoDB is away")
            return {"ok": True}

        shared = fanout.Hub(reader.read_at, flaky, reader.upkeep, 60)
        viewer = fanout.Viewer("demo", 1, ("link", 1))
        shared.join(viewer)
        return await shared.next(viewer, 0, 5)

    assert run(scenario()) == ('{"ok":true}', 1)
