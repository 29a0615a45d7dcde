"""Every DynamoDB request through moto passes here: injected faults, provisioned capacity,
each partition's limits, then the AWS/DynamoDB metrics of what it consumed."""

from __future__ import annotations

import json
import re
from typing import Any

import gevent
from moto.dynamodb.exceptions import ResourceNotFoundException
from moto.dynamodb.responses import DynamoHandler

from . import capacity, faults, metrics, ttl
from .partitions import Partitions

_buckets = capacity.Buckets()
partitions = Partitions()
_COUNT = re.compile(rb'"Count":\s*(\d+)')
_original = DynamoHandler.call_action


def _refuse(code: str, status: int, message: str) -> tuple[int, dict[str, str], str]:
    body = json.dumps({"__type": f"com.amazonaws.dynamodb.v20120810#{code}", "message": message})
    return status, {"Content-Type": "application/x-amz-json-1.0", "x-amzn-ErrorType": code}, body


def _call_action(self: DynamoHandler) -> Any:
    operation = self._get_action()
    if operation not in capacity.READS and operation not in capacity.WRITES:
        return _original(self)
    params = getattr(self, "params", {}) or {}
    backend = self.dynamodb_backend
    account, region = self.current_account, self.region
    tables = capacity.tables_of(operation, params)
    direction = "read" if operation in capacity.READS else "write"
    provisioned = {table: capacity.provisioned(backend, table) for table in tables}
    for table in tables:
        outcome = faults.dynamodb(table, operation)
        if outcome["latency_ms"]:
            gevent.sleep(outcome["latency_ms"] / 1000)
        limits = provisioned[table]
        refused = outcome["fail"] == "throttle" or (
            limits is not None and _buckets.empty(table, direction, limits[direction]))
        if refused:
            metrics.add(account, region, "AWS/DynamoDB", "ThrottledRequests",
                        {"TableName": table, "Operation": operation}, 1)
            metrics.add(account, region, "AWS/DynamoDB", f"{direction.title()}ThrottleEvents", {"TableName": table}, 1)
            return _refuse("ProvisionedThroughputExceededException", 400,
                           "The level of configured provisioned throughput for the table was exceeded.")
        if outcome["fail"] == "error":
            return _refuse("InternalServerError", 500, "Internal server error (an injected fault)")
    hot = partitions.refused(capacity.touched(operation, params, backend))
    if hot is not None:
        table, _, direction = hot
        metrics.add(account, region, "AWS/DynamoDB", "ThrottledRequests",
                    {"TableName": table, "Operation": operation}, 1)
        metrics.add(account, region, "AWS/DynamoDB", f"{direction.title()}ThrottleEvents", {"TableName": table}, 1)
        reason = f"Table{direction.title()}KeyRangeThroughputExceeded"
        return _refuse("ThrottlingException", 400, f"Throughput exceeds the current capacity of one partition key "
                                                   f"of table {table} ({reason})")
    before = capacity.deleted_sizes(operation, params, backend)
    result = _original(self)
    status, body = (result[0], result[-1]) if isinstance(result, tuple) else (200, result)
    if int(status) != 200:
        return result
    raw = body.encode() if isinstance(body, str) else body or b""
    use = capacity.units(operation, params, backend, len(raw), before)
    partitions.add(use.keys, capacity.stored_sizes(backend, use.written))
    for table, used in use.tables.items():
        for kind, amount in used.items():
            if not amount:
                continue
            name = "ConsumedReadCapacityUnits" if kind == "read" else "ConsumedWriteCapacityUnits"
            metrics.add(account, region, "AWS/DynamoDB", name, {"TableName": table}, amount)
            limits = provisioned.get(table)
            if limits is not None:
                _buckets.take(table, kind, limits[kind], amount)
    if operation in capacity.WRITES:
        _note_expiries(backend, operation, params)
    if operation in ("Query", "Scan") and (found := _COUNT.search(raw)):
        metrics.add(account, region, "AWS/DynamoDB", "ReturnedItemCount",
                    {"TableName": tables[0], "Operation": operation}, int(found.group(1)))
    return result


def _note_expiries(backend: Any, operation: str, params: dict[str, Any]) -> None:
    """Tell the TTL sweeper when the items written expire (unknown for updates)."""
    puts: list[tuple[str, dict[str, Any] | None]] = []
    if operation == "PutItem":
        puts.append((params["TableName"], params["Item"]))
    elif operation == "UpdateItem":
        puts.append((params["TableName"], None))
    elif operation == "BatchWriteItem":
        puts += [(t, r["PutRequest"]["Item"]) for t, rs in params["RequestItems"].items() for r in rs
                 if "PutRequest" in r]
    elif operation == "TransactWriteItems":
        for action in params["TransactItems"]:
            kind, spec = next(iter(action.items()))
            if kind in ("Put", "Update"):
                puts.append((spec["TableName"], spec.get("Item") if kind == "Put" else None))
    for table_name, item in puts:
        try:
            table = backend.get_table(table_name)
        except ResourceNotFoundException:  # moto has refused the request already
            continue
        attribute = (table.ttl or {}).get("AttributeName")
        value = (item or {}).get(attribute or "", {}).get("N") if item is not None else None
        ttl.noted(table, float(value) if value else None if item is None else float("inf"))


def install() -> None:
    DynamoHandler.call_action = _call_action  # type: ignore[method-assign]
