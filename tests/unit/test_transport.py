"""The tracker's send policy, shared by the simulator and Locust."""

import json

from simulator import transport


def events(n: int, start: int = 0) -> list[dict]:
    return [{"event_id": f"e{i}", "site_id": "s", "visitor_id": "v", "session_id": "x", "type": "page_view"}
            for i in range(start, start + n)]


def test_a_batch_is_due_at_ten_events_or_five_seconds():
    queue = transport.Queue(now=0.0)
    for event in events(9):
        queue.add(event)
    assert not queue.due(1.0) and queue.due(5.0)
    queue.add(events(1, 9)[0])
    assert queue.due(1.0) and len(queue.batch()) == 10


def test_an_acknowledged_batch_leaves_the_queue_and_rejections_are_counted():
    queue = transport.Queue(now=0.0)
    for event in events(12):
        queue.add(event)

    outcome = queue.answered(200, {"rejected": [{"index": 3, "reason": "url: format"}]}, now=1.0)

    assert [e["event_id"] for e in outcome.acknowledged] == [f"e{i}" for i in range(10) if i != 3]
    assert outcome.rejected == 1 and [e["event_id"] for e in queue.events] == ["e10", "e11"]
    bad = queue.answered(400, {}, now=2.0)  # the ingest refused the whole batch: no retry can fix it
    assert bad.rejected == 2 and not queue.events and bad.retried == 0


def test_a_periodic_flush_keeps_a_failed_batch_for_the_next():
    queue = transport.Queue(now=0.0)
    for event in events(3):
        queue.add(event)

    outcome = queue.answered(503, {}, now=5.0)

    assert outcome.retried == 3 and outcome.wait_s == 0 and len(queue.events) == 3 and queue.last_flush == 5.0


def test_the_last_flush_backs_off_then_gives_up_as_a_closed_tab():
    queue = transport.Queue(now=0.0)
    for event in events(2):
        queue.add(event)
    queue.final = True

    waits = [queue.answered(status, {}, now=0.0).wait_s for status in [0, 429, 500] + [503] * 9]
    assert waits == [1, 2, 4, 8, 16, 32, 60, 60, 60, 60, 60, 60]
    last = queue.answered(503, {}, now=0.0)
    assert last.given_up == 2 and not queue.events


def test_the_ledger_holds_each_acknowledged_event_once(tmp_path):
    ledger = transport.Ledger(tmp_path / "ledgers" / "run.jsonl")
    ledger.write(events(3))
    ledger.write([])
    ledger.close()

    lines = [json.loads(line) for line in (tmp_path / "ledgers" / "run.jsonl").read_text().splitlines()]
    assert [line["event_id"] for line in lines] == ["e0", "e1", "e2"]
    assert set(lines[0]) == set(transport.LEDGER_FIELDS)


def test_a_ledger_rotates_past_its_size_and_loses_no_line_of_the_newest(tmp_path):
    path = tmp_path / "up.jsonl"
    ledger = transport.Ledger(path, max_bytes=2000)
    for start in range(0, 200, 10):
        ledger.write(events(10, start))
    ledger.close()

    newest = [json.loads(line)["event_id"] for line in path.read_text().splitlines()]
    before = [json.loads(line)["event_id"] for line in path.with_name("up.jsonl.1").read_text().splitlines()]
    assert path.stat().st_size <= 2000 and path.with_name("up.jsonl.1").stat().st_size <= 2000
    kept = before + newest  # the newest events, in order, none missing
    assert kept == [f"e{i}" for i in range(200 - len(kept), 200)]
    assert not path.with_name("up.jsonl.2").exists()


def test_a_closing_tab_sends_each_batch_once():
    queue = transport.Queue(now=0.0)
    for event in events(12):
        queue.add(event)
    queue.final = queue.beacon = True

    lost = queue.answered(503, {}, now=0.0)
    kept = queue.answered(200, {"rejected": []}, now=0.0)

    assert lost.given_up == 10 and lost.wait_s == 0 and len(kept.acknowledged) == 2 and not queue.events
