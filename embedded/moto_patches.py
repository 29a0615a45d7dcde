"""Make moto's DynamoDB cost follow the items a request touches, not the table size.

moto 5.2 deep-copies every table a TransactWriteItems touches (to roll back),
so a transaction's cost grows with all the data stored; and it rebuilds an
item's size from scratch for each attribute it sets, so building an item costs
O(attributes²); and it parses the same update expression anew on every call.
Its server also lists its own package directory on every request, and walks the
botocore response shape for every attribute of every item it returns (seconds for
a BatchGetItem of a few thousand attributes) where the items are DynamoDB JSON
already; and it sizes every scalar attribute, and turns it into a dict, through
generic type dispatch (half of a BatchGetItem's time), and runs a regular
expression looking for an XML request id over every JSON answer; and a Query reads
every item of the table to find one partition's; and an update checks each clause of its
expression through a generic tree walk (milliseconds for an item's hundred counters).
Here an update made only of plain SET, ADD and REMOVE clauses is applied directly, as
moto would apply it; any other goes moto's way, errors included. All are emulator costs that DynamoDB
does not have.

Its streams also cost and differ: moto sizes each record by dumping it to JSON, answers
GetRecords through botocore's shapes attribute by attribute, keeps every record and every
shard iterator forever, and hands each new record to the table's event source mappings
itself, through its Docker-based Lambda. Here a record is sized from its items, GetRecords
answers its JSON as it is (times as epoch seconds, as DynamoDB Streams does),  a stream
keeps its newest STREAM_KEEP records (24 hours at most, as DynamoDB), a backend its newest
ITERATORS_KEPT iterators, and event source mappings are polled by the embedded Lambda
runtime (embedded/runtime/streams.py), as Lambda polls them. These patches keep moto's
behaviour (conditions, rollback, the 400 KB item limit) and only change what
it costs. moto also keeps every model object it ever made, deleted or not; here only
the S3 objects its reset needs. And on a table with a sort key it keeps an empty partition
for every partition key it ever wrote, deleted or looked up; here a partition goes with its
last item. They are tied to the pinned moto version.
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
import functools
import pickle
import re
import uuid
from typing import Any

import moto
import moto.backends
import moto.dynamodb.models as ddb_models
import moto.dynamodb.models.utilities as ddb_utilities
import moto.dynamodb.responses as ddb_responses
import orjson
from moto.core.common_models import BaseModel
from moto.core.exceptions import JsonRESTError
from moto.core.responses import BaseResponse
from moto.core.utils import utcnow
from moto.dynamodb.comparisons import create_condition_expression_parser
from moto.dynamodb.exceptions import ConditionalCheckFailed, ItemSizeTooLarge, ItemSizeToUpdateTooLarge
from moto.dynamodb.models.dynamo_type import DynamoType, Item, LimitedSizeDict, bytesize
from moto.dynamodb.models.table import StreamRecord, StreamShard, Table
from moto.dynamodb.parsing import validators
from moto.dynamodb.parsing.ast_nodes import (  # type: ignore[attr-defined]
    DepthFirstTraverser,
    Node,
    UpdateExpression,
)
from moto.dynamodb.parsing.expressions import UpdateExpressionParser  # type: ignore[attr-defined]
from moto.dynamodb.responses import DynamoHandler
from moto.dynamodbstreams.models import DynamoDBStreamsBackend
from moto.dynamodbstreams.responses import DynamoDBStreamsHandler

_ITEM_LIMIT = 405000  # moto's own measured limit
STREAM_KEEP = 50_000  # records a stream shard keeps
STREAM_KEEP_S = 24 * 3600.0
ITERATORS_KEPT = 1000
TRACKED = ("FakeKey", "FakeMultipart")  # S3 objects: moto's reset finds their files through its list
WRITTEN_FOR = ("5.2.5", "5.2.6")  # the moto versions these patches were written for and checked against


class UnsupportedMoto(RuntimeError):
    pass


def keep_streams(seconds: float) -> None:
    """How long stream records are kept (24 hours, as DynamoDB; a soak test shortens it)."""
    global STREAM_KEEP_S
    STREAM_KEEP_S = seconds


class _KeepTables:
    """moto.dynamodb.models' `copy`, except that tables are not copied for rollback."""

    @staticmethod
    def deepcopy(value: Any, memo: Any = None) -> Any:
        return value if isinstance(value, Table) else copy.deepcopy(value, memo)

    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)  # copy.copy and the rest, as the module has them


def _item_init(self: Item, hash_key: DynamoType, range_key: DynamoType | None, attrs: dict[str, Any]) -> None:
    self.hash_key, self.range_key = hash_key, range_key
    converted = {key: DynamoType(value) for key, value in attrs.items()}
    if sum(bytesize(k) + v.size() for k, v in converted.items()) > _ITEM_LIMIT:
        raise ItemSizeTooLarge
    self.attrs = LimitedSizeDict()
    dict.update(self.attrs, converted)


def _journal(backend: Any, transact_items: list[dict[str, Any]]) -> list[tuple[Table, Any, Any, Item | None]]:
    """A copy of each item the transaction may change, to restore on failure."""
    entries = []
    for entry in transact_items:
        _, op = next(iter(entry.items()))
        table = backend.get_table(op["TableName"])
        key = op.get("Key") or op["Item"]
        hash_value = DynamoType(key[table.hash_key_attr])
        range_value = DynamoType(key[table.range_key_attr]) if table.range_key_attr else None
        entries.append((table, hash_value, range_value, copy.deepcopy(table.get_item(hash_value, range_value))))
    return entries


def _restore(entries: list[tuple[Table, Any, Any, Item | None]]) -> None:
    for table, hash_value, range_value, item in reversed(entries):
        if range_value is not None:
            if item is None:
                table.items.get(hash_value, {}).pop(range_value, None)
                _drop_if_empty(table, hash_value)
            else:
                table.items[hash_value][range_value] = item
        elif item is None:
            table.items.pop(hash_value, None)
        else:
            table.items[hash_value] = item


_original_transact = ddb_models.DynamoDBBackend.transact_write_items


def _transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
    try:
        entries = _journal(self, transact_items)
    except (JsonRESTError, KeyError, TypeError, ValueError, StopIteration):  # malformed: moto answers it
        return _original_transact(self, transact_items)
    try:
        return _original_transact(self, transact_items)
    except Exception:
        _restore(entries)
        raise


@functools.lru_cache(maxsize=4096)
def _parsed(expression: str) -> bytes:
    return pickle.dumps(_original_parse(expression), protocol=pickle.HIGHEST_PROTOCOL)


def _parse_update(expression: str) -> Any:
    """Each expression is parsed once; every call gets its own copy of the tree, made by
    unpickling (a tenth of deepcopy's cost), which moto's validator may then change."""
    return pickle.loads(_parsed(expression))


def _validator_copy(value: Any, memo: Any = None) -> Any:
    """The validator deep-copies the tree it changes; the tree is already a fresh copy."""
    return value if isinstance(value, UpdateExpression) else copy.deepcopy(value, memo)


_original_parse = UpdateExpressionParser.make
_wanted: dict[tuple[type, type], bool] = {}


def _at_root_only(check: Any) -> Any:
    """moto runs some checks ("one ADD/SET/REMOVE clause", "no overlapping paths") at every
    nested expression, each a walk of its subtree; the whole expression's check covers them
    all (only which fault an invalid expression is blamed for first may differ)."""
    def checked(self: Any, node: UpdateExpression) -> UpdateExpression:
        return check(self, node) if node.parent is None else node
    return checked


def _traverse(self: DepthFirstTraverser, node: Any, child_id: int = -1) -> Any:
    """moto's depth-first walk, with the question "does this processor handle this kind of
    node?" answered once per pair of types instead of rebuilding its table for every node."""
    if isinstance(node, Node):
        parent_node = node.parent
        if node.children is not None:
            for i, child_node in enumerate(node.children):
                self.pre_processing_of_child(node, i)
                self.traverse_node_recursively(child_node, i)
        kinds = (type(self), type(node))
        wanted = _wanted.get(kinds)
        if wanted is None:
            wanted = _wanted[kinds] = isinstance(node, self.nodes_to_be_processed())
        if wanted:
            node = self.process(node)
            node.parent = parent_node
            if parent_node:
                parent_node.children[child_id] = node
    return node


_ITEM_READS = {"GetItem", "BatchGetItem", "Query", "Scan"}
_original_serialized = DynamoHandler.serialized


def _serialized(self: DynamoHandler, action_result: Any) -> Any:
    """Item reads answer their DynamoDB JSON as it is, as DynamoDB does."""
    if self._get_action() in _ITEM_READS and not isinstance(action_result.result, Exception):
        headers = {**self.response_headers, "Content-Type": "application/x-amz-json-1.0"}
        return 200, headers, orjson.dumps(action_result.result, default=_bytes).decode()
    return _original_serialized(self, action_result)


def _bytes(value: Any) -> str:
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    raise TypeError(f"{type(value).__name__} is not JSON")


_SCALARS = frozenset(("S", "N", "BOOL", "NULL"))
_original_size = DynamoType.size
_original_to_dict = ddb_utilities.dynamo_to_dict


def _size(self: DynamoType) -> int:
    """moto's size, with strings (most attributes) measured without its type dispatch."""
    return bytesize(self.value) if self.type == "S" else _original_size(self)


def _item_size(self: Item) -> int:
    """moto's Item.size in one loop (reads size every item twice): names are str, and
    string values are measured inline."""
    total = 0
    for name, value in self.attrs.items():
        total += len(name.encode()) + (len(value.value.encode()) if value.type == "S" else value.size())
    return total


def _to_dict(obj: Any) -> Any:
    """moto's dynamo_to_dict, with scalar attributes and plain dicts handled first."""
    kind = type(obj)
    if kind is DynamoType and obj.type in _SCALARS:
        return {obj.type: obj.value}
    if kind is dict:
        return {key: _to_dict(value) for key, value in obj.items()}
    return _original_to_dict(obj)


_original_enrich = BaseResponse._enrich_response


def _enrich(headers: dict[str, str], body: Any) -> tuple[dict[str, str], Any]:
    """moto's request-id step; the search for an XML request id runs only on bodies that have one."""
    if isinstance(body, str) and "<RequestId>" not in body:
        return _original_enrich(headers, "")[0], body
    return _original_enrich(headers, body)


class _OnePartition:
    """A table as its Query sees it: only the items of one partition key."""

    def __init__(self, table: Table, hash_key: Any) -> None:
        self._table, self._hash_key = table, hash_key

    def __getattr__(self, name: str) -> Any:
        return getattr(self._table, name)

    def all_items(self) -> Any:
        found = self._table.items.get(self._hash_key)
        if found is None:
            return []
        return list(found.values()) if self._table.range_key_attr else [found]


_original_get_item = Table.get_item
_original_delete_item = Table.delete_item


def _get_item(self: Table, hash_key: Any, range_key: Any = None, projection_expression: Any = None) -> Item | None:
    """moto's GetItem, which on a table with a sort key adds an empty partition for every key it misses."""
    if range_key and hash_key not in self.items:
        return None
    return _original_get_item(self, hash_key, range_key, projection_expression)


def _delete_item(self: Table, hash_key: Any, range_key: Any) -> Item | None:
    """moto's DeleteItem, letting go of the partition it empties: moto keeps one for every
    partition key ever written (or missed), so expired visitors' keys would pile up."""
    if range_key and hash_key not in self.items:
        return None
    item = _original_delete_item(self, hash_key, range_key)
    if range_key:
        _drop_if_empty(self, hash_key)
    return item


def _drop_if_empty(table: Table, hash_key: Any) -> None:
    if not table.items.get(hash_key, True):
        del table.items[hash_key]


_original_query = Table.query


def _query(self: Table, hash_key: Any, *args: Any, **kwargs: Any) -> Any:
    """moto's Query of a table (not an index), over the one partition it names."""
    if kwargs.get("index_name") or hash_key is None:
        return _original_query(self, hash_key, *args, **kwargs)
    return _original_query(_OnePartition(self, hash_key), hash_key, *args, **kwargs)  # type: ignore[arg-type]


class _Record(StreamRecord):
    """moto's stream record, sized from its items rather than by dumping it to JSON."""

    def __init__(self, table: Table, view: str, kind: str, old: Item | None, new: Item | None, seq: int) -> None:
        either = old if old is not None else new
        keys = {table.hash_key_attr: either.hash_key.to_json()}  # type: ignore[union-attr]
        if table.range_key_attr is not None:
            keys[table.range_key_attr] = either.range_key.to_json()  # type: ignore[union-attr]
        image: dict[str, Any] = {"StreamViewType": view, "ApproximateCreationDateTime": utcnow(),
                                 "SequenceNumber": str(seq), "Keys": keys,
                                 "SizeBytes": (old.size() if old else 0) + (new.size() if new else 0)}
        if new is not None and view in ("NEW_IMAGE", "NEW_AND_OLD_IMAGES"):
            image["NewImage"] = new.to_json()["Attributes"]
        if old is not None and view in ("OLD_IMAGE", "NEW_AND_OLD_IMAGES"):
            image["OldImage"] = old.to_json()["Attributes"]
        self.record = {"eventID": uuid.uuid4().hex, "eventName": kind, "eventSource": "aws:dynamodb",
                       "eventVersion": "1.0", "awsRegion": table.region_name, "dynamodb": image}


def _stream_add(self: StreamShard, old: Item | None, new: Item | None) -> None:
    """A change recorded in the stream, and nothing else: the embedded runtime polls it."""
    kind = "INSERT" if old is None else "REMOVE" if new is None else "MODIFY"
    trimmed = getattr(self, "trimmed", 0)
    seq = self.starting_sequence_number + trimmed + len(self.items)
    self.items.append(_Record(self.table, self.table.stream_specification["StreamViewType"],  # type: ignore
                              kind, old, new, seq))
    cutoff = utcnow() - dt.timedelta(seconds=STREAM_KEEP_S)
    drop = max(0, len(self.items) - STREAM_KEEP)
    while drop < len(self.items) and self.items[drop].record["dynamodb"]["ApproximateCreationDateTime"] < cutoff:
        drop += 1
    if drop:
        del self.items[:drop]
        self.trimmed = trimmed + drop  # type: ignore[attr-defined]


def _stream_get(self: StreamShard, start: int, quantity: int) -> list[dict[str, Any]]:
    """Records from sequence number `start`; those trimmed away are gone, as expired ones are."""
    index = max(0, start - self.starting_sequence_number - getattr(self, "trimmed", 0))
    return [i.to_json() for i in self.items[index:index + quantity]]


_original_iterator = DynamoDBStreamsBackend.get_shard_iterator
_original_records = DynamoDBStreamsBackend.get_records


def _forget_iterators(backend: DynamoDBStreamsBackend) -> None:
    while len(backend.shard_iterators) > ITERATORS_KEPT:
        del backend.shard_iterators[next(iter(backend.shard_iterators))]


def _get_shard_iterator(self: DynamoDBStreamsBackend, *args: Any, **kwargs: Any) -> Any:
    iterator = _original_iterator(self, *args, **kwargs)
    _forget_iterators(self)
    return iterator


def _get_records(self: DynamoDBStreamsBackend, iterator_arn: str, limit: int) -> dict[str, Any]:
    answer = _original_records(self, iterator_arn, limit)
    _forget_iterators(self)
    return answer


_original_streams_serialized = DynamoDBStreamsHandler.serialized


def _streams_serialized(self: DynamoDBStreamsHandler, action_result: Any) -> Any:
    """GetRecords answers its records' JSON as it is, times as epoch seconds."""
    if self._get_action() == "GetRecords" and not isinstance(action_result.result, Exception):
        headers = {**self.response_headers, "Content-Type": "application/x-amz-json-1.0"}
        return 200, headers, orjson.dumps(action_result.result, default=_epoch,
                                          option=orjson.OPT_PASSTHROUGH_DATETIME).decode()
    return _original_streams_serialized(self, action_result)


def _epoch(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return (value if value.tzinfo else value.replace(tzinfo=dt.UTC)).timestamp()
    return _bytes(value)


_CLAUSE = re.compile(r"(SET|ADD|REMOVE)\s+(.*?)(?=\s+(?:SET|ADD|REMOVE)\s|$)")
_NAME = re.compile(r"#?[A-Za-z_][A-Za-z0-9_]*")
_VALUE = re.compile(r":[A-Za-z0-9_]+")
_original_update = ddb_models.DynamoDBBackend.update_item


def _plain_update(expression: str, names: dict[str, str], values: dict[str, Any]) -> list[tuple[str, str, Any]] | None:
    """[(verb, attribute, value)] for an expression of plain clauses only, else None."""
    steps: list[tuple[str, str, Any]] = []
    clauses = _CLAUSE.findall(" ".join(expression.split()))
    if " ".join(f"{verb} {body}" for verb, body in clauses) != " ".join(expression.split()):
        return None
    for verb, body in clauses:
        for part in (p.strip() for p in body.split(",")):
            if verb == "SET":
                left, equals, right = (x.strip() for x in part.partition("="))
            elif verb == "ADD":
                left, _, right = part.partition(" ")
                equals, right = "=", right.strip()
            else:
                left, equals, right = part, "", ""
            if not _NAME.fullmatch(left) or (verb != "REMOVE" and not (equals and _VALUE.fullmatch(right))):
                return None
            name = names.get(left) if left.startswith("#") else left
            if name is None or (right and right not in values):
                return None
            steps.append((verb, name, values.get(right)))
    attributes = [name for _, name, _ in steps]
    return steps if len(set(attributes)) == len(attributes) else None


def _update_item(self: Any, table_name: str, key: dict[str, Any], update_expression: str,
                 expression_attribute_names: dict[str, Any], expression_attribute_values: dict[str, Any],
                 attribute_updates: Any = None, expected: Any = None, condition_expression: str | None = None,
                 return_values_on_condition_check_failure: str | None = None) -> Any:
    """moto's update_item; an update of plain clauses on numbers and values is applied directly."""
    names, values = expression_attribute_names or {}, expression_attribute_values or {}
    table = self.get_table(table_name)
    steps = None if attribute_updates or expected or not update_expression else \
        _plain_update(update_expression, names, values)
    keys = {table.hash_key_attr, table.range_key_attr}
    if steps is None or any(name in keys for _, name, _ in steps) or \
            any(verb == "ADD" and "N" not in value for verb, _, value in steps):
        return _original_update(self, table_name, key, update_expression, expression_attribute_names,
                                expression_attribute_values, attribute_updates, expected, condition_expression,
                                return_values_on_condition_check_failure)
    hash_value = DynamoType(key[table.hash_key_attr])
    range_value = DynamoType(key[table.range_key_attr]) if table.range_key_attr else None
    item = table.get_item(hash_value, range_value)
    attrs = dict(item.attrs) if item is not None else {}
    for verb, name, _ in steps:
        held = attrs.get(name)
        if verb == "ADD" and held is not None and held.type != "N":
            return _original_update(self, table_name, key, update_expression, expression_attribute_names,
                                    expression_attribute_values, attribute_updates, expected, condition_expression,
                                    return_values_on_condition_check_failure)
    if not create_condition_expression_parser(condition_expression, names, values).parse().expr(item):
        if return_values_on_condition_check_failure == "ALL_OLD" and item is not None:
            raise ConditionalCheckFailed(item=item.to_json()["Attributes"])
        raise ConditionalCheckFailed
    old = copy.deepcopy(item) if table.stream_shard is not None else None
    for verb, name, value in steps:
        if verb == "SET":
            attrs[name] = DynamoType(value)
        elif verb == "ADD":
            attrs[name] = (attrs[name] + DynamoType(value)) if name in attrs else DynamoType(value)
        else:
            attrs.pop(name, None)
    fresh = {table.hash_key_attr: hash_value.to_json(), **({table.range_key_attr: range_value.to_json()}
                                                            if range_value is not None else {})}
    try:
        updated = Item(hash_value, range_value, {**fresh, **{k: v.to_json() for k, v in attrs.items()}})
    except ItemSizeTooLarge:
        raise ItemSizeToUpdateTooLarge() from None
    if range_value is not None:
        table.items[hash_value][range_value] = updated
    else:
        table.items[hash_value] = updated
    if table.stream_shard is not None:
        table.stream_shard.add(old, updated)
    return updated


def apply() -> None:
    """Patch moto in this process; refuses a moto these patches were not written for."""
    if moto.__version__ not in WRITTEN_FOR:
        raise UnsupportedMoto(
            f"embedded/moto_patches.py replaces moto internals written for moto {', '.join(WRITTEN_FOR)}, "
            f"but moto {moto.__version__} is installed. Install the locked version (`make` does), or upgrade "
            "the patches: run tests/unit/test_moto_differential.py against the new version and add it to "
            "WRITTEN_FOR once it passes.")
    BaseResponse._enrich_response = staticmethod(_enrich)  # type: ignore[method-assign,assignment]
    DynamoType.size = _size  # type: ignore[method-assign]
    Item.size = _item_size  # type: ignore[method-assign]
    ddb_utilities.dynamo_to_dict = _to_dict
    ddb_responses.dynamo_to_dict = _to_dict  # type: ignore[attr-defined]
    DynamoHandler.serialized = _serialized  # type: ignore[method-assign,assignment]
    moto.backends.list_of_moto_modules = functools.cache(  # type: ignore[assignment]
        lambda listing=moto.backends.list_of_moto_modules: tuple(listing()))
    UpdateExpressionParser.make = staticmethod(_parse_update)  # type: ignore[method-assign,assignment]
    validators.deepcopy = _validator_copy  # type: ignore[assignment]
    DepthFirstTraverser.traverse_node_recursively = _traverse  # type: ignore[method-assign]
    for name, check in (("ActionCountValidator", "verify_action_counts"),
                        ("OverlappingPathsValidator", "check_for_overlapping_paths")):
        kind = getattr(validators, name)
        setattr(kind, check, _at_root_only(getattr(kind, check)))
    ddb_models.copy = _KeepTables()  # type: ignore[assignment]
    Item.__init__ = _item_init  # type: ignore[method-assign]
    ddb_models.DynamoDBBackend.transact_write_items = _transact_write_items  # type: ignore[method-assign]
    Table.query = _query  # type: ignore[method-assign]
    Table.get_item = _get_item  # type: ignore[method-assign]
    Table.delete_item = _delete_item  # type: ignore[method-assign]
    ddb_models.DynamoDBBackend.update_item = _update_item  # type: ignore[method-assign]
    StreamShard.add = _stream_add  # type: ignore[method-assign]
    StreamShard.get = _stream_get  # type: ignore[method-assign]
    DynamoDBStreamsBackend.get_shard_iterator = _get_shard_iterator  # type: ignore[method-assign]
    DynamoDBStreamsBackend.get_records = _get_records  # type: ignore[method-assign]
    DynamoDBStreamsHandler.serialized = _streams_serialized  # type: ignore[method-assign,assignment]
    BaseModel.__new__ = staticmethod(_new_model)  # type: ignore[method-assign,assignment]


def _new_model(cls: type, *args: Any, **kwargs: Any) -> Any:
    """moto appends every model object it makes to a list on its class, for its data.json
    view, and never lets go: every item, stream record, log event and datapoint, deleted
    or expired, for the server's life (15 KB an event ingested). Only the objects moto's
    own reset walks are listed here."""
    made: Any = object.__new__(cls)
    if cls.__name__ in TRACKED:
        cls.instances_tracked.append(made)  # type: ignore[attr-defined]
    return made
