"""The sessionizer and the counters as Lambda drives them: redelivered, retried, bisected or
widened batches apply nothing twice and lose nothing."""

import copy

import pytest
from aggregate import batch as counting
from botocore.exceptions import ClientError
from sessionize import batch as sessionizing

from benchmarks.pipeline import EVENTS, SESSIONS, STATS, Pipeline
from tests.ingest_support import MIN, T0, event


def loaded(visitors=3, per_visitor=4):
    """A pipeline whose Events stream holds new events not yet read."""
    pipeline = Pipeline()
    for v in range(visitors):
        batch = [event("page_view" if i % 2 == 0 else "heartbeat", T0 + i * 20_000, f"/p{i}",
                       visitor_id=f"visitor-{v:04d}", session_id=f"session-{v:04d}") for i in range(per_visitor)]
        pipeline.send({"events": batch}, T0 + MIN)
    return pipeline


def sessionize(pipeline, records):
    sessionizing.process(records, pipeline.ddb, pipeline.sessionize_config, pipeline.site_cache)


def count(pipeline, records):
    counting.process(records, pipeline.ddb, pipeline.counters_config, pipeline.site_cache)


def snapshot(pipeline, table):
    return copy.deepcopy(dict(pipeline.ddb.tables[table].items))


def counted(pipeline):
    """The counter items, without the markers."""
    return {pk: item for pk, item in snapshot(pipeline, STATS).items() if not pk.startswith("~")}


def test_a_redelivered_or_bisected_sessionizer_batch_changes_nothing():
    pipeline = loaded()
    records = pipeline.ddb.records[f"{EVENTS}#0"]
    sessionize(pipeline, records)
    once = snapshot(pipeline, SESSIONS)

    sessionize(pipeline, records)
    half = len(records) // 2
    sessionize(pipeline, records[:half])
    sessionize(pipeline, records[half:])

    assert snapshot(pipeline, SESSIONS) == once


def test_a_sessionizer_retry_after_half_a_batch_ends_as_one_pass():
    whole, split = loaded(), loaded()
    records = whole.ddb.records[f"{EVENTS}#0"]
    sessionize(whole, records)
    half = split.ddb.records[f"{EVENTS}#0"]
    sessionize(split, half[: len(half) // 2])

    sessionize(split, half)

    def states(p):
        return {pk: item[""]["state"]["S"] for pk, item in snapshot(p, SESSIONS).items()}

    assert states(split) == states(whole)


def test_a_redelivered_counters_batch_counts_nothing_twice():
    pipeline = loaded()
    records = pipeline.ddb.records[f"{EVENTS}#0"]
    count(pipeline, records)
    once = counted(pipeline)

    count(pipeline, records)

    assert counted(pipeline) == once


def test_a_counters_retry_with_more_records_counts_only_the_new_ones():
    pipeline, reference = loaded(), loaded()
    records = pipeline.ddb.records[f"{EVENTS}#0"]
    count(pipeline, records[:5])
    count(reference, reference.ddb.records[f"{EVENTS}#0"])

    count(pipeline, records)  # the retry starts at the same record and reaches further

    assert counted(pipeline) == counted(reference)


def test_a_counters_batch_that_failed_is_counted_once_when_retried(monkeypatch):
    pipeline, reference = loaded(), loaded()
    records = pipeline.ddb.records[f"{EVENTS}#0"]
    real = pipeline.ddb.transact_write_items

    def throttled(**kwargs):
        raise ClientError({"Error": {"Code": "ThrottlingException", "Message": "slow down"}}, "TransactWriteItems")

    monkeypatch.setattr(pipeline.ddb, "transact_write_items", throttled)
    with pytest.raises(ClientError):
        count(pipeline, records)
    monkeypatch.setattr(pipeline.ddb, "transact_write_items", real)
    count(pipeline, records)
    count(reference, reference.ddb.records[f"{EVENTS}#0"])

    assert counted(pipeline) == counted(reference)


def test_a_batch_touching_more_items_than_a_transaction_holds_is_counted_in_parts():
    pipeline = Pipeline()
    for day in range(60):  # each event its own day: a day item and a page item each
        ts = T0 - day * 86_400_000
        pipeline.send({"events": [event(ts=ts, visitor_id=f"visitor-{day:04d}", session_id=f"session-{day:04d}",
                                        path=f"/d{day}")]}, ts)
    records = pipeline.ddb.records[f"{EVENTS}#0"]

    count(pipeline, records)
    count(pipeline, records)

    days = [item for pk, item in counted(pipeline).items() if pk.count("#") == 2 and "#d#" in pk]
    assert len(days) == 60 and all(d[""]["pv"] == {"N": "1"} for d in days)
