"""Background loops never die in silence: a failure is logged with its traceback, the next
try backs off, a success brings the interval back, and the loop goes on."""

import asyncio
import logging
import threading

import pytest

from embedded import loops
from embedded.runtime.injected import Injected


class Script:
    """Work that fails on the rounds named, and a wait that records each delay and stops after `rounds`."""

    def __init__(self, failing: set[int], rounds: int) -> None:
        self.failing, self.rounds, self.done, self.delays = failing, rounds, 0, []

    def work(self) -> None:
        self.done += 1
        if self.done in self.failing:
            raise KeyError(f"round {self.done}")

    def wait(self, seconds: float) -> bool:
        self.delays.append(seconds)
        return len(self.delays) > self.rounds


def test_a_failing_round_is_logged_backed_off_and_the_loop_goes_on(caplog):
    script = Script(failing={2, 3}, rounds=5)
    with caplog.at_level(logging.ERROR, logger="embedded.loops"):
        loops.every(0.5, script.work, "the test loop", wait=script.wait)

    assert script.done == 5
    assert script.delays == [0.5, 0.5, 1.0, 2.0, 0.5, 0.5]  # doubled after each failure, then back
    failures = [r for r in caplog.records if r.name == "embedded.loops"]
    assert len(failures) == 2 and "the test loop failed" in failures[0].getMessage()
    assert failures[0].exc_info and "KeyError: 'round 2'" in caplog.text  # with its traceback


def test_backoff_stops_at_ten_seconds():
    script = Script(failing=set(range(1, 20)), rounds=12)
    loops.every(1.0, script.work, "always failing", wait=script.wait)

    assert max(script.delays) == loops.MAX_BACKOFF_S == 10.0


def test_a_coroutine_that_fails_is_started_again_until_cancelled(caplog):
    runs = []

    async def work():
        runs.append(1)
        if len(runs) < 3:
            raise ValueError("boom")
        await asyncio.sleep(3600)

    async def main():
        task = asyncio.create_task(loops.forever(work, "the poller", first_delay=0.01))
        while len(runs) < 3:
            await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    with caplog.at_level(logging.ERROR, logger="embedded.loops"):
        # a loop of its own, in a thread: the browser tier's may still run in this one
        thread = threading.Thread(target=asyncio.run, args=(main(),))
        thread.start()
        thread.join(timeout=30)
    assert len(runs) == 3 and caplog.text.count("the poller failed") == 2


def test_a_bad_fault_answer_does_not_stop_the_fault_polling(monkeypatch, caplog):
    injected = Injected("http://127.0.0.1:9", "token")
    answers = iter([b"not json", b'[{"target": "lambda", "errors": 1.0}]'])

    class Answer:
        def __init__(self):
            self.body = next(answers)

        def read(self):
            return self.body

        def __enter__(self):
            return self

        def __exit__(self, *_):
            return False

    monkeypatch.setattr("urllib.request.urlopen", lambda *a, **k: Answer())
    script = Script(failing=set(), rounds=2)
    with caplog.at_level(logging.ERROR, logger="embedded.loops"):
        loops.every(0.5, injected.refresh, "polling the injected faults", wait=script.wait)

    assert "polling the injected faults failed" in caplog.text
    assert injected.faults == [{"target": "lambda", "errors": 1.0}]  # the next answer was read
