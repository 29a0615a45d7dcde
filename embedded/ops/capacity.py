"""AWS/DynamoDB metrics and provisioned capacity for moto, measured the way DynamoDB bills:
a read unit per 4 KB of each item read (half for an eventually consistent read), a write
unit per 1 KB of each item written, twice that inside a transaction. Item sizes are moto's
own (attribute names plus values). A Query or Scan is billed on the size of its answer.

A table with provisioned capacity keeps a bucket per direction that refills at its
capacity per second and holds up to 300 seconds of it (DynamoDB's burst credit); a
request that finds its bucket empty is refused with ProvisionedThroughputExceededException.
"""

from __future__ import annotations

import math
import threading
import time
from collections import defaultdict
from typing import Any

from moto.dynamodb.models.dynamo_type import DynamoType

READS = {"GetItem", "BatchGetItem", "Query", "Scan", "TransactGetItems"}
WRITES = {"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"}
BURST_S = 300


def tables_of(operation: str, params: dict[str, Any]) -> list[str]:
    if operation in ("BatchGetItem", "BatchWriteItem"):
        return list(params.get("RequestItems", {}))
    if operation in ("TransactWriteItems", "TransactGetItems"):
        return sorted({next(iter(a.values()))["TableName"] for a in params.get("TransactItems", [])})
    return [params["TableName"]] if "TableName" in params else []


def _stored_size(backend: Any, table_name: str, key: dict[str, Any]) -> int:
    try:
        table = backend.get_table(table_name)
    except Exception:  # noqa: BLE001 - an unknown table was already refused by moto
        return 0
    hash_key = DynamoType(key[table.hash_key_attr])
    range_key = DynamoType(key[table.range_key_attr]) if table.range_key_attr else None
    item = table.get_item(hash_key, range_key)
    return item.size() if item is not None else 0


def _new_size(item: dict[str, Any]) -> int:
    return sum(len(name.encode()) + DynamoType(value).size() for name, value in item.items())


def units(operation: str, params: dict[str, Any], backend: Any, answer_bytes: int,
          before: dict[tuple[str, str], int]) -> dict[str, dict[str, float]]:
    """{table: {"read": units, "write": units}} for a request moto has just answered.
    `before` holds the sizes of items that deletes removed, measured before the call."""
    out: dict[str, dict[str, float]] = defaultdict(lambda: {"read": 0.0, "write": 0.0})

    def read(table: str, size: int, consistent: bool, factor: float = 1.0) -> None:
        out[table]["read"] += max(1, math.ceil(size / 4096)) * (1.0 if consistent else 0.5) * factor

    def write(table: str, size: int, factor: float = 1.0) -> None:
        out[table]["write"] += max(1, math.ceil(size / 1024)) * factor

    if operation == "GetItem":
        read(params["TableName"], _stored_size(backend, params["TableName"], params["Key"]),
             params.get("ConsistentRead", False))
    elif operation == "BatchGetItem":
        for table, spec in params["RequestItems"].items():
            for key in spec["Keys"]:
                read(table, _stored_size(backend, table, key), spec.get("ConsistentRead", False))
    elif operation in ("Query", "Scan"):
        read(params["TableName"], answer_bytes, params.get("ConsistentRead", False))
    elif operation == "TransactGetItems":
        for action in params["TransactItems"]:
            get = action["Get"]
            read(get["TableName"], _stored_size(backend, get["TableName"], get["Key"]), True, 2.0)
    elif operation == "PutItem":
        write(params["TableName"], _new_size(params["Item"]))
    elif operation in ("UpdateItem", "DeleteItem"):
        table = params["TableName"]
        write(table, before.get((table, repr(params["Key"]))) or _stored_size(backend, table, params["Key"]))
    elif operation == "BatchWriteItem":
        for table, requests in params["RequestItems"].items():
            for request in requests:
                if "PutRequest" in request:
                    write(table, _new_size(request["PutRequest"]["Item"]))
                else:
                    write(table, before.get((table, repr(request["DeleteRequest"]["Key"])), 0))
    elif operation == "TransactWriteItems":
        for action in params["TransactItems"]:
            kind, spec = next(iter(action.items()))
            table = spec["TableName"]
            if kind == "Put":
                write(table, _new_size(spec["Item"]), 2.0)
            elif kind != "ConditionCheck":
                write(table, before.get((table, repr(spec["Key"]))) or _stored_size(backend, table, spec["Key"]), 2.0)
    return out


def deleted_sizes(operation: str, params: dict[str, Any], backend: Any) -> dict[tuple[str, str], int]:
    """Sizes of the items a request deletes, taken before it runs."""
    keys: list[tuple[str, dict[str, Any]]] = []
    if operation == "DeleteItem":
        keys.append((params["TableName"], params["Key"]))
    elif operation == "BatchWriteItem":
        keys += [(t, r["DeleteRequest"]["Key"]) for t, rs in params["RequestItems"].items() for r in rs
                 if "DeleteRequest" in r]
    elif operation == "TransactWriteItems":
        keys += [(a["Delete"]["TableName"], a["Delete"]["Key"]) for a in params["TransactItems"] if "Delete" in a]
    return {(t, repr(k)): _stored_size(backend, t, k) for t, k in keys}


class Buckets:
    """Provisioned capacity per table and direction, with 300 s of burst credit."""

    def __init__(self) -> None:
        self.level: dict[tuple[str, str], tuple[float, float]] = {}  # -> (units, at)
        self.lock = threading.Lock()

    def _refill(self, key: tuple[str, str], per_s: float) -> float:
        units, at = self.level.get(key, (per_s * BURST_S, time.monotonic()))
        now = time.monotonic()
        units = min(per_s * BURST_S, units + (now - at) * per_s)
        self.level[key] = (units, now)
        return units

    def empty(self, table: str, direction: str, per_s: float) -> bool:
        with self.lock:
            return self._refill((table, direction), per_s) <= 0

    def take(self, table: str, direction: str, per_s: float, amount: float) -> None:
        with self.lock:
            units = self._refill((table, direction), per_s)
            self.level[(table, direction)] = (units - amount, time.monotonic())


def provisioned(backend: Any, table_name: str) -> dict[str, float] | None:
    """A table's provisioned read and write units per second, or None when on demand."""
    try:
        table = backend.get_table(table_name)
    except Exception:  # noqa: BLE001
        return None
    if getattr(table, "billing_mode", None) == "PAY_PER_REQUEST":
        return None
    throughput = table.throughput or {}
    return {"read": float(throughput.get("ReadCapacityUnits", 0)),
            "write": float(throughput.get("WriteCapacityUnits", 0))}
