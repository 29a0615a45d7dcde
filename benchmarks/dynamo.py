"""An in-process model of DynamoDB for unit tests and the capacity benchmark: a low-level
client for the requests LiveInsight's functions make, with DynamoDB's billing rules,
per-partition accounting, and streams.

Billing, as DynamoDB on demand: an item's size is the UTF-8 length of its attribute names
plus its values' sizes; a write costs a unit per started KB of the item's whole size (the
larger of before and after), twice inside a transaction; a read costs a unit per started
4 KB, half for an eventually consistent read; a Query is billed on the size it returns.
Units are kept per table and per partition key and second of the model's clock (`now`),
which the caller moves. Each table's stream is split over `shards[table]` shards by
partition key, as DynamoDB splits a table's stream by partition.

Items are shared, not copied: a caller must not change an item it wrote or read.
It understands the expressions LiveInsight writes: SET a = :v, ADD c :n and REMOVE x
clauses; key conditions "pk = :pk" with an optional "AND sk > :sk"; conditions
"attribute_not_exists(a)" and "a = :v" joined by AND or OR. Anything else raises.
"""

from __future__ import annotations

import math
import re
import uuid
import zlib
from collections import defaultdict
from decimal import Decimal
from typing import Any

from botocore.exceptions import ClientError

Item = dict[str, Any]


def value_size(value: dict[str, Any]) -> int:
    (kind, raw), = value.items()
    if kind == "S":
        return len(raw.encode())
    if kind == "N":
        digits = raw.lstrip("-").replace(".", "").strip("0") or "0"
        return (len(digits) + 1) // 2 + 1
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "B":
        return len(raw)
    if kind == "L":
        return 3 + sum(value_size(v) + 1 for v in raw)
    if kind == "M":
        return 3 + sum(len(k.encode()) + value_size(v) + 1 for k, v in raw.items())
    if kind in ("SS", "NS"):
        return sum(len(str(v).encode()) for v in raw)
    raise ValueError(f"unknown attribute type {kind}")


def item_size(item: Item | None) -> int:
    return sum(len(k.encode()) + value_size(v) for k, v in item.items()) if item else 0


def _error(code: str, message: str, reasons: list[dict[str, Any]] | None = None) -> ClientError:
    response: dict[str, Any] = {"Error": {"Code": code, "Message": message}}
    if reasons is not None:
        response["CancellationReasons"] = reasons
    return ClientError(response, code)


class _Failed(Exception):
    pass


def _number(text: str) -> Decimal:
    return Decimal(text)


def _text(number: Decimal) -> str:
    normal = number.normalize()
    return str(int(normal)) if normal == normal.to_integral_value() else format(normal, "f")


class Table:
    def __init__(self, name: str, hash_key: str, range_key: str | None, stream: str | None) -> None:
        self.name, self.hash_key, self.range_key, self.stream = name, hash_key, range_key, stream
        self.items: dict[Any, dict[Any, Item]] = defaultdict(dict)
        self.sizes: dict[int, int] = {}  # id(item) -> its size, for items stored

    def key_of(self, item: Item) -> tuple[str, str]:
        hash_value = next(iter(item[self.hash_key].values()))
        range_value = next(iter(item[self.range_key].values())) if self.range_key else ""
        return hash_value, range_value

    def get(self, key: Item) -> Item | None:
        h, r = self.key_of(key)
        return self.items.get(h, {}).get(r)


class Dynamo:
    """The client. `tables` is filled with `create`; `usage` holds what was consumed."""

    def __init__(self) -> None:
        self.tables: dict[str, Table] = {}
        self.now = 0.0  # seconds, the model's clock
        self.shards: dict[str, int] = defaultdict(lambda: 1)
        self.records: dict[str, list[dict[str, Any]]] = defaultdict(list)  # stream "<table>#<shard>" -> records
        self._seq = 100_000_000_000_000_000_000
        self.reset_usage()

    # ---- accounting

    def reset_usage(self, kept: set[str] | None = None) -> None:
        """Start counting afresh; the units of the `kept` tables are kept per key and second
        (`seconds`), so runs over several models can add them up."""
        self.write_units: dict[str, float] = defaultdict(float)
        self.read_units: dict[str, float] = defaultdict(float)
        self.requests: dict[str, int] = defaultdict(int)
        self._second = -1
        self._this_second: dict[tuple[str, str, str], float] = defaultdict(float)
        self.peak: dict[str, tuple[float, str]] = {"write": (0.0, ""), "read": (0.0, "")}
        self.largest: tuple[int, str] = (0, "")
        self.kept = kept or set()
        self.seconds: dict[tuple[str, str, str, int], float] = defaultdict(float)

    def _charge(self, direction: str, table: str, partition: str, units: float) -> None:
        second = int(self.now)
        if second != self._second:
            self._close_second()
            self._second = second
        (self.write_units if direction == "write" else self.read_units)[table] += units
        self._this_second[(direction, table, partition)] += units

    def _close_second(self) -> None:
        for (direction, table, partition), units in self._this_second.items():
            if table in self.kept:
                self.seconds[(direction, table, partition, self._second)] += units
            if units > self.peak[direction][0]:
                self.peak[direction] = (units, f"{table} {partition}")
        self._this_second = defaultdict(float)

    def peaks(self) -> dict[str, tuple[float, str]]:
        """The most units one partition key took in one second, per direction, and which key."""
        self._close_second()
        return dict(self.peak)

    def _wrote(self, table: Table, before: Item | None, after: Item | None, factor: float = 1.0,
               after_size: int | None = None) -> None:
        after_size = item_size(after) if after_size is None else after_size
        size = max(table.sizes.get(id(before), 0) if before is not None else 0, after_size)
        if after_size > self.largest[0]:
            self.largest = (after_size, f"{table.name} {table.key_of(after)[0]}")
        self._charge("write", table.name, table.key_of(after or before or {})[0] if (after or before) else "",
                     max(1, math.ceil(size / 1024)) * factor)

    def _read(self, table: Table, partition: str, size: int, consistent: bool) -> None:
        self._charge("read", table.name, partition, max(1, math.ceil(size / 4096)) * (1 if consistent else 0.5))

    # ---- tables and streams

    def create(self, name: str, hash_key: str, range_key: str | None = None, stream: str | None = None) -> None:
        self.tables[name] = Table(name, hash_key, range_key, stream)

    def stream_arn(self, table: str) -> str:
        return f"arn:aws:dynamodb:us-east-1:123456789012:table/{table}/stream/model"

    def _record(self, table: Table, before: Item | None, after: Item | None) -> None:
        if table.stream is None:
            return
        kind = "INSERT" if before is None else "REMOVE" if after is None else "MODIFY"
        self._seq += 1
        any_item = after or before or {}
        keys = {table.hash_key: any_item[table.hash_key]}
        if table.range_key:
            keys[table.range_key] = any_item[table.range_key]
        image: dict[str, Any] = {"Keys": keys, "SequenceNumber": str(self._seq),
                                 "ApproximateCreationDateTime": self.now, "StreamViewType": table.stream,
                                 "SizeBytes": item_size(before) + item_size(after)}
        if after is not None and table.stream in ("NEW_IMAGE", "NEW_AND_OLD_IMAGES"):
            image["NewImage"] = after
        if before is not None and table.stream in ("OLD_IMAGE", "NEW_AND_OLD_IMAGES"):
            image["OldImage"] = before
        shard = zlib.crc32(table.key_of(any_item)[0].encode()) % self.shards[table.name]
        self.records[f"{table.name}#{shard}"].append({
            "eventID": uuid.uuid4().hex, "eventName": kind, "eventSource": "aws:dynamodb",
            "eventSourceARN": self.stream_arn(table.name), "dynamodb": image})

    def _store(self, table: Table, item: Item, factor: float = 1.0) -> None:
        h, r = table.key_of(item)
        before = table.items.get(h, {}).get(r)
        table.items[h][r] = item
        size = item_size(item)
        self._wrote(table, before, item, factor, size)
        if before is not None:
            table.sizes.pop(id(before), None)
        table.sizes[id(item)] = size
        if before != item:
            self._record(table, before, item)

    # ---- expressions

    @staticmethod
    def _name(token: str, names: dict[str, str]) -> str:
        return names.get(token, token)

    def _check(self, condition: str | None, item: Item | None, names: dict[str, str],
               values: dict[str, Any]) -> bool:
        if not condition:
            return True
        if " OR " in condition:
            return any(self._check(c, item, names, values) for c in condition.split(" OR "))
        for clause in condition.split(" AND "):
            clause = clause.strip()
            found = re.fullmatch(r"attribute_not_exists\((\S+)\)", clause)
            if found:
                if item is not None and self._name(found.group(1), names) in item:
                    return False
                continue
            left, op, right = clause.partition(" = ")
            if not op:
                raise NotImplementedError(f"condition {clause!r}")
            if item is None or item.get(self._name(left.strip(), names)) != values[right.strip()]:
                return False
        return True

    def _update(self, item: Item, expression: str, names: dict[str, str], values: dict[str, Any]) -> Item:
        out = dict(item)
        for verb, body in re.findall(r"(SET|ADD|REMOVE)\s+(.*?)(?=\s+(?:SET|ADD|REMOVE)\s|$)", expression):
            for part in (p.strip() for p in body.split(",")):
                if verb == "SET":
                    left, _, right = part.partition("=")
                    out[self._name(left.strip(), names)] = values[right.strip()]
                elif verb == "ADD":
                    left, right = part.split()
                    name = self._name(left, names)
                    total = _number(out.get(name, {"N": "0"})["N"]) + _number(values[right]["N"])
                    out[name] = {"N": _text(total)}
                else:
                    out.pop(self._name(part, names), None)
        return out

    # ---- the client's operations

    def get_item(self, TableName: str, Key: Item, ConsistentRead: bool = False, **_: Any) -> dict[str, Any]:
        self.requests["GetItem"] += 1
        table = self.tables[TableName]
        item = table.get(Key)
        self._read(table, table.key_of(Key)[0], table.sizes.get(id(item), 0), ConsistentRead)
        return {"Item": item} if item else {}

    def batch_get_item(self, RequestItems: dict[str, Any]) -> dict[str, Any]:
        self.requests["BatchGetItem"] += 1
        out: dict[str, list[Item]] = {}
        for name, spec in RequestItems.items():
            table = self.tables[name]
            if len(spec["Keys"]) > 100:
                raise _error("ValidationException", "too many keys")
            found = []
            for key in spec["Keys"]:
                item = table.get(key)
                self._read(table, table.key_of(key)[0], table.sizes.get(id(item), 0), spec.get("ConsistentRead", False))
                if item:
                    found.append(item)
            out[name] = found
        return {"Responses": out, "UnprocessedKeys": {}}

    def put_item(self, TableName: str, Item: Item, ConditionExpression: str | None = None,
                 ExpressionAttributeNames: dict[str, str] | None = None,
                 ExpressionAttributeValues: dict[str, Any] | None = None, **_: Any) -> dict[str, Any]:
        self.requests["PutItem"] += 1
        table = self.tables[TableName]
        if not self._check(ConditionExpression, table.get(Item), ExpressionAttributeNames or {},
                           ExpressionAttributeValues or {}):
            self._wrote(table, table.get(Item), None)
            raise _error("ConditionalCheckFailedException", "The conditional request failed")
        self._store(table, dict(Item))
        return {}

    def batch_write_item(self, RequestItems: dict[str, Any]) -> dict[str, Any]:
        self.requests["BatchWriteItem"] += 1
        if sum(len(v) for v in RequestItems.values()) > 25:
            raise _error("ValidationException", "too many items")
        for name, requests in RequestItems.items():
            table = self.tables[name]
            for request in requests:
                if "PutRequest" in request:
                    self._store(table, dict(request["PutRequest"]["Item"]))
                else:
                    key = request["DeleteRequest"]["Key"]
                    h, r = table.key_of(key)
                    before = table.items.get(h, {}).pop(r, None)
                    self._wrote(table, before, None)
                    if before is not None:
                        table.sizes.pop(id(before), None)
                        self._record(table, before, None)
        return {"UnprocessedItems": {}}

    def update_item(self, TableName: str, Key: Item, UpdateExpression: str,
                    ExpressionAttributeNames: dict[str, str] | None = None,
                    ExpressionAttributeValues: dict[str, Any] | None = None,
                    ConditionExpression: str | None = None, **_: Any) -> dict[str, Any]:
        self.requests["UpdateItem"] += 1
        table = self.tables[TableName]
        names, values = ExpressionAttributeNames or {}, ExpressionAttributeValues or {}
        current = table.get(Key)
        if not self._check(ConditionExpression, current, names, values):
            raise _error("ConditionalCheckFailedException", "The conditional request failed")
        self._store(table, self._update(current or Key, UpdateExpression, names, values))
        return {}

    def transact_write_items(self, TransactItems: list[dict[str, Any]], **_: Any) -> dict[str, Any]:
        self.requests["TransactWriteItems"] += 1
        if len(TransactItems) > 100:
            raise _error("ValidationException", "a transaction holds at most 100 actions")
        planned, reasons, failed = [], [], False
        for action in TransactItems:
            kind, spec = next(iter(action.items()))
            table = self.tables[spec["TableName"]]
            names, values = spec.get("ExpressionAttributeNames", {}), spec.get("ExpressionAttributeValues", {})
            current = table.get(spec.get("Key") or spec["Item"])
            ok = self._check(spec.get("ConditionExpression"), current, names, values)
            reasons.append({"Code": "None" if ok else "ConditionalCheckFailed"})
            failed = failed or not ok
            if kind == "Put":
                planned.append((table, dict(spec["Item"])))
            elif kind == "Update":
                planned.append((table, self._update(current or spec["Key"], spec["UpdateExpression"], names, values)))
            else:
                raise NotImplementedError(kind)
        if failed:
            for table, item in planned:
                self._wrote(table, table.get(item), None, 2.0)
            raise _error("TransactionCanceledException", "Transaction cancelled", reasons)
        for table, item in planned:
            self._store(table, item, 2.0)
        return {}

    def query(self, TableName: str, KeyConditionExpression: str, ExpressionAttributeValues: dict[str, Any],
              ScanIndexForward: bool = True, Limit: int | None = None, ExclusiveStartKey: Item | None = None,
              ConsistentRead: bool = False, ExpressionAttributeNames: dict[str, str] | None = None,
              ProjectionExpression: str | None = None, **_: Any) -> dict[str, Any]:
        self.requests["Query"] += 1
        table = self.tables[TableName]
        names = ExpressionAttributeNames or {}
        partition, after = None, None
        for clause in KeyConditionExpression.split(" AND "):
            left, op, right = clause.split()
            if next(iter(ExpressionAttributeValues[right].values())) == "":
                raise _error("ValidationException", "The AttributeValue for a key attribute cannot contain an "
                                                    "empty string value.")
            if op == "=" and self._name(left, names) == table.hash_key:
                partition = next(iter(ExpressionAttributeValues[right].values()))
            elif op == ">":
                after = next(iter(ExpressionAttributeValues[right].values()))
            else:
                raise NotImplementedError(clause)
        rows = sorted(table.items.get(partition, {}).items(), reverse=not ScanIndexForward)
        if after is not None:
            rows = [(k, v) for k, v in rows if k > after]
        if ExclusiveStartKey:
            start = next(iter(ExclusiveStartKey[table.range_key].values()))
            rows = [(k, v) for k, v in rows if (k > start if ScanIndexForward else k < start)]
        page, size, more = [], 0, False
        for number, (_, item) in enumerate(rows):
            if (Limit and number >= Limit) or size > 1024 * 1024:
                more = True
                break
            page.append(item)
            size += table.sizes.get(id(item), 0)
        self._read(table, partition or "", size, ConsistentRead)
        answer: dict[str, Any] = {"Count": len(page)}
        if more:
            last = page[-1]
            answer["LastEvaluatedKey"] = {table.hash_key: last[table.hash_key], table.range_key: last[table.range_key]}
        if ProjectionExpression:
            wanted = {self._name(n.strip(), names) for n in ProjectionExpression.split(",")}
            page = [{k: v for k, v in i.items() if k in wanted} for i in page]
        answer["Items"] = page
        return answer
