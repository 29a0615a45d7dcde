"""Reads any number of keys: BatchGetItem 100 a call, and a Query's pages, following what
DynamoDB leaves unprocessed. `ddb` is a low-level DynamoDB client."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def batch_get(ddb: Any, table: str, keys: list[dict[str, Any]], consistent: bool = False) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for start in range(0, len(keys), 100):
        request: dict[str, Any] = {table: {"Keys": keys[start:start + 100], "ConsistentRead": consistent}}
        while request:
            answer = ddb.batch_get_item(RequestItems=request)
            items += answer["Responses"].get(table, [])
            request = answer.get("UnprocessedKeys") or {}
    return items


def query(ddb: Any, **kwargs: Any) -> Iterator[dict[str, Any]]:
    """The items of a Query, page after page, as the caller asks for them."""
    while True:
        page = ddb.query(**kwargs)
        yield from page["Items"]
        if "LastEvaluatedKey" not in page:
            return
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
