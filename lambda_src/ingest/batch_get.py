"""BatchGetItem of any number of keys, 100 a call, following UnprocessedKeys (for readers;
the ingest's own store adds backoff and its error mapping)."""

from __future__ import annotations

from typing import Any


def batch_get(ddb: Any, table: str, keys: list[dict[str, Any]]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for start in range(0, len(keys), 100):
        request: dict[str, Any] = {table: {"Keys": keys[start:start + 100]}}
        while request:
            answer = ddb.batch_get_item(RequestItems=request)
            items += answer["Responses"].get(table, [])
            request = answer.get("UnprocessedKeys") or {}
    return items
