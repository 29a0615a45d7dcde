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
from dataclasses import dataclass, field
from typing import Any

from moto.dynamodb.exceptions import ResourceNotFoundException
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


def _table(backend: Any, table_name: str) -> Any:
    if backend is None:  # no account or region of that name: moto refuses the request itself
        return None
    try:
        return backend.get_table(table_name)
    except ResourceNotFoundException:  # moto has refused the request already
        return None


def _stored_size(backend: Any, table_name: str, key: dict[str, Any]) -> int:
    table = _table(backend, table_name)
    if table is None:
        return 0
    hash_key = DynamoType(key[table.hash_key_attr])
    range_key = DynamoType(key[table.range_key_attr]) if table.range_key_attr else None
    item = table.get_item(hash_key, range_key)
    return item.size() if item is not None else 0


def _new_size(item: dict[str, Any]) -> int:
    return sum(len(name.encode()) + DynamoType(value).size() for name, value in item.items())


def _partition(backend: Any, table_name: str, key: dict[str, Any]) -> str:
    """The partition key value of an item's key, as text."""
    table = _table(backend, table_name)
    value = key.get(table.hash_key_attr) if table is not None else None
    return next(iter(value.values())) if isinstance(value, dict) else ""


def _queried(params: dict[str, Any], backend: Any) -> str:
    """The partition a Query reads: the value its key condition gives the partition key."""
    table = _table(backend, params["TableName"])
    if table is None or params.get("IndexName"):
        return ""
    names = {v: k for k, v in params.get("ExpressionAttributeNames", {}).items()}
    for clause in params.get("KeyConditionExpression", "").split(" AND "):
        left, _, right = (part.strip() for part in clause.partition("="))
        if names.get(left, left) == table.hash_key_attr and right in params.get("ExpressionAttributeValues", {}):
            return str(next(iter(params["ExpressionAttributeValues"][right].values())))
    return ""


@dataclass
class Usage:
    """What a request consumed: units per table and per partition key, and the size of each
    item it wrote, as stored afterwards."""

    tables: dict[str, dict[str, float]] = field(default_factory=lambda: defaultdict(lambda: {"read": 0.0,
                                                                                              "write": 0.0}))
    keys: dict[tuple[str, str], dict[str, float]] = field(default_factory=lambda: defaultdict(
        lambda: {"read": 0.0, "write": 0.0}))
    written: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)  # (table, partition, key)

    def read(self, table: str, partition: str, size: int, consistent: bool, factor: float = 1.0) -> None:
        amount = max(1, math.ceil(size / 4096)) * (1.0 if consistent else 0.5) * factor
        self.tables[table]["read"] += amount
        if partition:
            self.keys[(table, partition)]["read"] += amount

    def write(self, table: str, partition: str, size: int, factor: float = 1.0) -> None:
        amount = max(1, math.ceil(size / 1024)) * factor
        self.tables[table]["write"] += amount
        self.keys[(table, partition)]["write"] += amount


def units(operation: str, params: dict[str, Any], backend: Any, answer_bytes: int,
          before: dict[tuple[str, str], int]) -> Usage:
    """What a request moto has just answered consumed, by DynamoDB's rules.
    `before` holds the sizes of items that deletes removed, measured before the call."""
    use = Usage()

    def stored(table: str, key: dict[str, Any]) -> int:
        return before.get((table, repr(key))) or _stored_size(backend, table, key)

    def wrote(table: str, key: dict[str, Any], size: int, factor: float = 1.0) -> None:
        partition = _partition(backend, table, key)
        use.write(table, partition, size, factor)
        use.written.append((table, partition, key))

    if operation == "GetItem":
        use.read(params["TableName"], _partition(backend, params["TableName"], params["Key"]),
                 _stored_size(backend, params["TableName"], params["Key"]), params.get("ConsistentRead", False))
    elif operation == "BatchGetItem":
        for table, spec in params["RequestItems"].items():
            for key in spec["Keys"]:
                use.read(table, _partition(backend, table, key), _stored_size(backend, table, key),
                         spec.get("ConsistentRead", False))
    elif operation in ("Query", "Scan"):
        partition = _queried(params, backend) if operation == "Query" else ""
        use.read(params["TableName"], partition, answer_bytes, params.get("ConsistentRead", False))
    elif operation == "TransactGetItems":
        for action in params["TransactItems"]:
            get = action["Get"]
            use.read(get["TableName"], _partition(backend, get["TableName"], get["Key"]),
                     _stored_size(backend, get["TableName"], get["Key"]), True, 2.0)
    elif operation == "PutItem":
        wrote(params["TableName"], params["Item"], _new_size(params["Item"]))
    elif operation in ("UpdateItem", "DeleteItem"):
        wrote(params["TableName"], params["Key"], stored(params["TableName"], params["Key"]))
    elif operation == "BatchWriteItem":
        for table, requests in params["RequestItems"].items():
            for request in requests:
                if "PutRequest" in request:
                    item = request["PutRequest"]["Item"]
                    wrote(table, item, _new_size(item))
                else:
                    key = request["DeleteRequest"]["Key"]
                    wrote(table, key, before.get((table, repr(key)), 0))
    elif operation == "TransactWriteItems":
        for action in params["TransactItems"]:
            kind, spec = next(iter(action.items()))
            table = spec["TableName"]
            if kind == "Put":
                wrote(table, spec["Item"], _new_size(spec["Item"]), 2.0)
            elif kind != "ConditionCheck":
                wrote(table, spec["Key"], stored(table, spec["Key"]), 2.0)
    return use


def touched(operation: str, params: dict[str, Any], backend: Any) -> list[tuple[str, str, str]]:
    """(table, partition, "read" or "write") of every partition key a request touches."""
    out: list[tuple[str, str, str]] = []
    if operation in ("GetItem", "PutItem", "UpdateItem", "DeleteItem"):
        key = params.get("Key") or params.get("Item") or {}
        out.append((params["TableName"], _partition(backend, params["TableName"], key),
                    "read" if operation == "GetItem" else "write"))
    elif operation == "BatchGetItem":
        out += [(t, _partition(backend, t, k), "read") for t, spec in params["RequestItems"].items()
                for k in spec["Keys"]]
    elif operation == "BatchWriteItem":
        for table, requests in params["RequestItems"].items():
            for request in requests:
                key = request.get("PutRequest", {}).get("Item") or request.get("DeleteRequest", {}).get("Key", {})
                out.append((table, _partition(backend, table, key), "write"))
    elif operation in ("TransactWriteItems", "TransactGetItems"):
        for action in params["TransactItems"]:
            kind, spec = next(iter(action.items()))
            out.append((spec["TableName"], _partition(backend, spec["TableName"], spec.get("Key") or spec["Item"]),
                        "read" if kind == "Get" else "write"))
    elif operation == "Query":
        out.append((params["TableName"], _queried(params, backend), "read"))
    return [t for t in out if t[1]]


def stored_sizes(backend: Any, written: list[tuple[str, str, dict[str, Any]]]) -> list[tuple[str, str, int]]:
    """(table, partition, size) of each item written, as it is stored now."""
    return [(t, p, _stored_size(backend, t, k)) for t, p, k in written]


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
    table = _table(backend, table_name)
    if table is None or getattr(table, "billing_mode", None) == "PAY_PER_REQUEST":
        return None
    throughput = table.throughput or {}
    return {"read": float(throughput.get("ReadCapacityUnits", 0)),
            "write": float(throughput.get("WriteCapacityUnits", 0))}
