"""The embedded runtime's stream event source mappings (embedded/runtime/streams.py), with a
stream and a function that stand in for moto and a worker: batching, retries, bisecting,
reported item failures, and checkpoints that survive a failed batch and a restart."""

import asyncio
import threading
import time
from types import SimpleNamespace

from botocore.exceptions import EndpointConnectionError

from embedded.runtime import streams
from embedded.runtime.pool import Outcome


class Stream:
    """A shard: records with sequence numbers 1, 2, ...; iterators are "after <seq>"."""

    def __init__(self):
        self.records = []

    def add(self, count):
        for _ in range(count):
            seq = len(self.records) + 1
            self.records.append({"eventID": f"e{seq}", "eventName": "INSERT",
                                 "dynamodb": {"SequenceNumber": str(seq), "SizeBytes": 100,
                                              "ApproximateCreationDateTime": time.time()}})

    def get_shard_iterator(self, ShardIteratorType, SequenceNumber="0", **_):
        return {"ShardIterator": "0" if ShardIteratorType == "TRIM_HORIZON" else SequenceNumber}

    def get_records(self, ShardIterator, Limit):
        found = [r for r in self.records if int(r["dynamodb"]["SequenceNumber"]) > int(ShardIterator)][:Limit]
        last = found[-1]["dynamodb"]["SequenceNumber"] if found else ShardIterator
        return {"Records": found, "NextShardIterator": last}


class Function:
    """Records each batch it is given; `answer(batch)` says how an invocation ends."""

    def __init__(self, answer=lambda batch: Outcome("ok", {})):
        self.config = SimpleNamespace(name="consumer", timeout=10.0, log_group="/aws/lambda/consumer")
        self.running, self.batches, self.answer = 0, [], answer

    async def invoke(self, event):
        seqs = [int(r["dynamodb"]["SequenceNumber"]) for r in event["Records"]]
        self.batches.append(seqs)
        return self.answer(seqs)


class Telemetry:
    def __init__(self):
        self.metrics, self.logs = [], []

    def metric(self, namespace, name, dims, value, unit="None"):
        self.metrics.append((name, value))

    def log(self, group, stream, line):
        self.logs.append(line)


def mapping(**changes):
    fields = dict(uuid="m1", function="consumer", stream_arn="arn:aws:dynamodb:x:1:table/t/stream/s",
                  batch_size=100, window_s=0.0, bisect=False, max_retries=-1, max_age_s=-1,
                  starting_position="TRIM_HORIZON", item_failures=False, enabled=True)
    return streams.Mapping(**{**fields, **changes})


def run_for(seconds, poller):
    """Run the poller for a while on an event loop of its own (in a thread: the browser
    tier's Playwright may hold this thread's loop)."""
    async def main():
        task = asyncio.create_task(poller.run())
        await asyncio.sleep(seconds)
        task.cancel()

    thread = threading.Thread(target=asyncio.run, args=(main(),))
    thread.start()
    thread.join()


def poller(tmp_path, stream, function, **changes):
    return streams.ShardPoller(mapping(**changes), "shard-0", function, Telemetry(),
                               streams.Checkpoints(tmp_path), streams=stream)


def test_a_batch_waits_for_its_window_or_its_size(tmp_path):
    stream, function = Stream(), Function()
    stream.add(30)

    run_for(0.6, poller(tmp_path, stream, function, window_s=5.0, batch_size=10))  # 10 fill a batch at once
    assert function.batches == [list(range(1, 11)), list(range(11, 21)), list(range(21, 31))]

    stream.add(3)
    windowed = poller(tmp_path, stream, function, window_s=1.0, batch_size=100)
    run_for(0.6, windowed)
    assert len(function.batches) == 3  # not yet: the window is open
    run_for(1.5, windowed)
    assert function.batches[3:] == [[31, 32, 33]]


def test_a_failed_batch_is_retried_whole_from_its_first_record_and_then_passes(tmp_path):
    stream, failures = Stream(), [2]

    def answer(batch):
        if failures[0]:
            failures[0] -= 1
            return Outcome("error", error={"errorMessage": "DynamoDB is throttling"})
        return Outcome("ok", {})

    stream.add(5)
    function = Function(answer)
    run_for(2.5, poller(tmp_path, stream, function))

    assert function.batches == [[1, 2, 3, 4, 5]] * 3
    assert streams.Checkpoints(tmp_path).get(mapping(), "shard-0") == "5"


def test_bisecting_isolates_a_record_that_always_fails_and_max_retries_give_it_up(tmp_path):
    stream = Stream()
    stream.add(8)
    function = Function(lambda batch: Outcome("error", error={"errorMessage": "bad"}) if 6 in batch
                        else Outcome("ok", {}))
    consumer = poller(tmp_path, stream, function, bisect=True, max_retries=1)

    run_for(4.0, consumer)

    assert function.batches[:3] == [[1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 3, 4], [5, 6, 7, 8]]
    assert [7, 8] in function.batches and function.batches.count([6]) == 2  # tried, retried once, given up
    assert streams.Checkpoints(tmp_path).get(mapping(), "shard-0") == "8"
    assert any("gave up on 1 records" in line for line in consumer.telemetry.logs)


def test_reported_item_failures_move_the_checkpoint_to_the_first_failed_record(tmp_path):
    stream, once = Stream(), [True]

    def answer(batch):
        if once[0]:
            once[0] = False
            return Outcome("ok", {"batchItemFailures": [{"itemIdentifier": "4"}]})
        return Outcome("ok", {"batchItemFailures": []})

    stream.add(6)
    function = Function(answer)
    run_for(1.5, poller(tmp_path, stream, function, item_failures=True))

    assert function.batches == [[1, 2, 3, 4, 5, 6], [4, 5, 6]]


def test_a_restarted_runtime_starts_after_its_checkpoint(tmp_path):
    stream, first = Stream(), Function()
    stream.add(4)
    run_for(0.6, poller(tmp_path, stream, first))
    stream.add(2)

    again = Function()
    run_for(0.6, poller(tmp_path, stream, again))

    assert first.batches == [[1, 2, 3, 4]] and again.batches == [[5, 6]]


def test_iterator_age_is_recorded_for_each_batch(tmp_path):
    stream, function = Stream(), Function()
    stream.add(2)
    stream.records[-1]["dynamodb"]["ApproximateCreationDateTime"] = time.time() - 3
    consumer = poller(tmp_path, stream, function)

    run_for(0.6, consumer)

    ages = [v for name, v in consumer.telemetry.metrics if name == "IteratorAge"]
    assert len(ages) == 1 and 3000 <= ages[0] < 4000


def test_a_stream_out_of_reach_is_read_again_from_the_checkpoint(tmp_path):
    stream, function = Stream(), Function()
    stream.add(3)
    real, broken = stream.get_records, [2]

    def flaky(**kwargs):
        if broken[0]:
            broken[0] -= 1
            raise EndpointConnectionError(endpoint_url="http://127.0.0.1:4566")
        return real(**kwargs)

    stream.get_records = flaky
    consumer = poller(tmp_path, stream, function)
    run_for(3.0, consumer)

    assert function.batches == [[1, 2, 3]]
    assert sum("reading the stream failed" in line for line in consumer.telemetry.logs) == 2
