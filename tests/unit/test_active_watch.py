"""The dashboard's background reader of who is active (django_app/api/watch.py)."""

import importlib.util
import threading
import time

import pytest

from embedded.settings import ROOT

_spec = importlib.util.spec_from_file_location("watch", ROOT / "django_app" / "api" / "watch.py")
watch = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(watch)


class Table:
    """Stands in for the ActiveSessions read: counts reads, can be made to fail."""

    def __init__(self):
        self.reads, self.fail, self.lock = 0, False, threading.Lock()

    def read(self, site_id, at_ms):
        with self.lock:
            self.reads += 1
            if self.fail:
                raise ConnectionError("DynamoDB is away")
            return [{"sid": f"{site_id}-{self.reads}", "last": at_ms}]


@pytest.fixture
def fast(monkeypatch):
    monkeypatch.setattr(watch, "REFRESH_S", 0.05)
    monkeypatch.setattr(watch, "MAX_AGE_MS", 200)


def test_the_first_call_reads_and_the_next_take_the_same_answer(fast):
    table = Table()
    watcher = watch.Watcher(table.read)

    first = watcher.latest("a")
    second = watcher.latest("a")

    assert first[1][0]["sid"].startswith("a-") and second[0] >= first[0]
    assert table.reads <= 2  # the caller's own read, and perhaps the reader's first


def test_the_reader_keeps_a_watched_site_current(fast):
    table = Table()
    watcher = watch.Watcher(table.read)
    read_at, _ = watcher.latest("a")

    started = time.monotonic()
    while watcher.read_at("a") <= read_at and time.monotonic() - started < 2:
        time.sleep(0.01)

    assert time.monotonic() - started < 1
    newer, sessions = watcher.latest("a")
    assert newer > read_at and sessions[0]["last"] == newer


def test_a_site_nobody_asks_about_is_no_longer_read(fast, monkeypatch):
    monkeypatch.setattr(watch, "WATCH_S", 0.2)
    table = Table()
    watcher = watch.Watcher(table.read)
    watcher.latest("a")
    time.sleep(0.5)
    reads = table.reads

    time.sleep(0.3)

    assert table.reads == reads


def test_a_reader_that_fails_leaves_callers_to_read_themselves(fast):
    table = Table()
    watcher = watch.Watcher(table.read)
    watcher.latest("a")
    table.fail = True
    time.sleep(0.3)  # older than MAX_AGE_MS now: the reader's reads failed

    with pytest.raises(ConnectionError):
        watcher.latest("a")
    table.fail = False
    read_at, _ = watcher.latest("a")
    assert time.time() * 1000 - read_at < 200
