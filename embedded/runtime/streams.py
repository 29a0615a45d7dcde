"""Event source mappings of DynamoDB streams, polled as Lambda polls them (moto only stores them).

Per shard, records are read four times a second and handed to the function in batches:
a batch leaves when it holds BatchSize records or 6 MB, or when MaximumBatchingWindowInSeconds
has passed since its first record (at once for 0). The shard's checkpoint moves past a batch
only once the function succeeded on it, and is kept in the state directory, so a failed
batch, or a restarted runtime, starts again at the first record not yet processed.

A failed batch is retried with backoff, until MaximumRetryAttempts (-1: until the records
leave the stream) or MaximumRecordAgeInSeconds; with BisectBatchOnFunctionError each retry
splits it in two halves, retried in order; with ReportBatchItemFailures the checkpoint moves
to the first record the function reports, and the retry starts there. A batch given up on
is logged and skipped. Each invocation records AWS/Lambda metrics, and IteratorAge: how old
the batch's newest record is when it is handed over.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from botocore.exceptions import BotoCoreError, ClientError

from layout.ddb import as_sent

from .. import loops
from ..aws import Target, client
from . import injected, invocations
from .pool import Function, Outcome

POLL_S = 0.25  # Lambda polls a DynamoDB stream shard four times a second
MAX_PAYLOAD = 6 * 1024 * 1024
_RECORD_OVERHEAD = 300  # bytes a record carries beside its dynamodb part


@dataclass(frozen=True)
class Mapping:
    uuid: str
    function: str
    stream_arn: str
    batch_size: int
    window_s: float
    bisect: bool
    max_retries: int  # -1: until the records expire
    max_age_s: int  # -1: no limit
    starting_position: str
    item_failures: bool
    enabled: bool

    @classmethod
    def from_api(cls, config: dict[str, Any]) -> Mapping:
        return cls(
            uuid=config["UUID"], function=config["FunctionArn"].split(":function:", 1)[1].split(":")[0],
            stream_arn=config["EventSourceArn"], batch_size=int(config.get("BatchSize") or 100),
            window_s=float(config.get("MaximumBatchingWindowInSeconds") or 0),
            bisect=bool(config.get("BisectBatchOnFunctionError")),
            max_retries=-1 if config.get("MaximumRetryAttempts") is None else int(config["MaximumRetryAttempts"]),
            max_age_s=int(config.get("MaximumRecordAgeInSeconds") or -1),
            starting_position=config.get("StartingPosition") or "TRIM_HORIZON",
            item_failures="ReportBatchItemFailures" in (config.get("FunctionResponseTypes") or []),
            enabled=config.get("State", "Enabled") == "Enabled",
        )


def mappings(target: Target, uuids: list[str]) -> list[Mapping]:
    aws_lambda = client("lambda", target)
    return [Mapping.from_api(aws_lambda.get_event_source_mapping(UUID=u)) for u in uuids]


class Checkpoints:
    """The last sequence number processed, per mapping and shard, in a file each."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)

    def _path(self, mapping: Mapping, shard: str) -> Path:
        return self.directory / f"{mapping.uuid}-{shard}.json"

    def get(self, mapping: Mapping, shard: str) -> str | None:
        path = self._path(mapping, shard)
        return json.loads(path.read_text())["seq"] if path.exists() else None

    def put(self, mapping: Mapping, shard: str, seq: str) -> None:
        path = self._path(mapping, shard)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"seq": seq}))
        tmp.replace(path)


def _epoch(value: Any) -> float:
    return value.timestamp() if isinstance(value, dt.datetime) else float(value)


def _plain(value: Any) -> Any:
    """A record as Lambda's event carries it: times as epoch seconds, binary as base64."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dt.datetime):
        return value.timestamp()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    return value


class ShardPoller:
    def __init__(self, mapping: Mapping, shard: str, function: Function, telemetry: Any,
                 checkpoints: Checkpoints, faults: injected.Injected | None = None, streams: Any = None,
                 target: Target | None = None) -> None:
        self.mapping, self.shard, self.function = mapping, shard, function
        self.telemetry, self.checkpoints, self.faults = telemetry, checkpoints, faults
        self.streams = streams or as_sent(client("dynamodbstreams", target or Target(None)), ("GetRecords",),
                                              orjson.loads)
        self.pending: list[dict[str, Any]] = []

    def _iterator(self) -> str:
        done = self.checkpoints.get(self.mapping, self.shard)
        kwargs: dict[str, Any] = {"StreamArn": self.mapping.stream_arn, "ShardId": self.shard}
        if done is not None:
            kwargs.update(ShardIteratorType="AFTER_SEQUENCE_NUMBER", SequenceNumber=done)
        else:
            kwargs["ShardIteratorType"] = self.mapping.starting_position
        return str(self.streams.get_shard_iterator(**kwargs)["ShardIterator"])

    def _read(self, iterator: str, limit: int) -> tuple[str, list[dict[str, Any]]]:
        answer = self.streams.get_records(ShardIterator=iterator, Limit=limit)
        records = [{**_plain(r), "eventSourceARN": self.mapping.stream_arn} for r in answer["Records"]]
        return answer["NextShardIterator"], records

    async def run(self) -> None:
        """Poll until cancelled, starting again from the checkpoint whenever polling stops, as
        Lambda's poller does: at once after the stream could not be read (an outage of the
        emulator, say), with a logged traceback and backoff after anything else."""
        await loops.forever(self._poll_while_readable, f"the poller of {self.shard}")

    async def _poll_while_readable(self) -> None:
        try:
            await self._poll()
        except (BotoCoreError, ClientError, OSError) as error:
            self._log(f"reading the stream failed ({type(error).__name__}: {error}); retrying")
            await asyncio.sleep(1.0)

    async def _poll(self) -> None:
        iterator = await asyncio.to_thread(self._iterator)
        self.pending, first_at = [], 0.0
        while True:
            if len(self.pending) < self.mapping.batch_size:
                want = min(1000, self.mapping.batch_size - len(self.pending))
                iterator, found = await asyncio.to_thread(self._read, iterator, want)
                if found and not self.pending:
                    first_at = time.monotonic()
                self.pending += found
            batch = self._batch()
            full = len(batch) < len(self.pending) or len(batch) >= self.mapping.batch_size
            if batch and (full or time.monotonic() - first_at >= self.mapping.window_s):
                await self.deliver(batch)
                self.pending = self.pending[len(batch):]
                first_at = time.monotonic()
                continue
            await asyncio.sleep(POLL_S)

    def _batch(self) -> list[dict[str, Any]]:
        """The pending records that fit one invocation."""
        size = 0
        for count, record in enumerate(self.pending[:self.mapping.batch_size]):
            size += record["dynamodb"].get("SizeBytes", 0) + _RECORD_OVERHEAD
            if size > MAX_PAYLOAD and count:
                return self.pending[:count]
        return self.pending[:self.mapping.batch_size]

    async def deliver(self, batch: list[dict[str, Any]]) -> None:
        """Invoke until the batch succeeds or is given up on; then move the checkpoint past it."""
        attempts, delay = 0, 0.5
        while True:
            outcome = await self._invoke(batch)
            if outcome.status == "throttled":
                await asyncio.sleep(POLL_S)
                continue
            failed_from = self._failed_from(batch, outcome)
            if failed_from is None:
                self.checkpoints.put(self.mapping, self.shard, batch[-1]["dynamodb"]["SequenceNumber"])
                return
            if failed_from:  # the function reported where it stopped: what came before is done
                self.checkpoints.put(self.mapping, self.shard, batch[failed_from - 1]["dynamodb"]["SequenceNumber"])
                batch = batch[failed_from:]
            attempts += 1
            if self._give_up(batch, attempts):
                self._log(f"gave up on {len(batch)} records after {attempts} attempts: {outcome.error}")
                self.checkpoints.put(self.mapping, self.shard, batch[-1]["dynamodb"]["SequenceNumber"])
                return
            if self.mapping.bisect and len(batch) > 1:
                half = len(batch) // 2
                await self.deliver(batch[:half])
                await self.deliver(batch[half:])
                return
            await asyncio.sleep(delay)
            delay = min(delay * 2, 30.0)

    async def _invoke(self, batch: list[dict[str, Any]]) -> Outcome:
        newest = _epoch(batch[-1]["dynamodb"].get("ApproximateCreationDateTime", time.time()))
        dims = (("FunctionName", self.function.config.name),)
        self.telemetry.metric("AWS/Lambda", "IteratorAge", dims, max(0.0, (time.time() - newest) * 1000),
                              "Milliseconds")
        fault = self.faults.decide(self.function.config.name) if self.faults else None
        outcome = await (injected.fail(fault, self.function.config.timeout) if fault
                         else self.function.invoke({"Records": batch}))
        invocations.record(self.telemetry, self.function, outcome)
        return outcome

    def _failed_from(self, batch: list[dict[str, Any]], outcome: Outcome) -> int | None:
        """None when the whole batch succeeded, else the index of the first record to retry."""
        if outcome.status != "ok":
            return 0
        failures = (outcome.result or {}).get("batchItemFailures") if self.mapping.item_failures and \
            isinstance(outcome.result, dict) else None
        if not failures:
            return None
        ids = {f.get("itemIdentifier") for f in failures}
        found = [i for i, r in enumerate(batch) if r["dynamodb"]["SequenceNumber"] in ids]
        return min(found) if found else 0

    def _give_up(self, batch: list[dict[str, Any]], attempts: int) -> bool:
        if 0 <= self.mapping.max_retries < attempts:
            return True
        oldest = _epoch(batch[0]["dynamodb"].get("ApproximateCreationDateTime", time.time()))
        return 0 <= self.mapping.max_age_s < time.time() - oldest

    def _log(self, message: str) -> None:
        self.telemetry.log(self.function.config.log_group, "event-source-mapping",
                           f"{time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())} {self.mapping.uuid} {message}")


def shards(target: Target, stream_arn: str) -> list[str]:
    """The stream's shards (moto's streams have one)."""
    description = client("dynamodbstreams", target).describe_stream(StreamArn=stream_arn)["StreamDescription"]
    return [s["ShardId"] for s in description["Shards"]]
