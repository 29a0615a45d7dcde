"""Reads any number of keys: BatchGetItem 100 a call, and a Query's pages, following what
DynamoDB leaves unprocessed. `ddb` is a low-level DynamoDB client."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
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


def as_sent(client: Any, operations: tuple[str, ...], loads: Callable[[bytes], Any] = json.loads) -> Any:
    """The client, answering those operations' DynamoDB JSON as sent. botocore walks its
    response model for every attribute (tens of milliseconds for a few thousand); for
    DynamoDB JSON without binary values that walk changes nothing, so the body is decoded
    once and the walk skipped."""
    def decoded(response_dict: dict[str, Any], customized_response_dict: dict[str, Any], **_: Any) -> None:
        body = response_dict.get("body") or b""
        if response_dict.get("status_code") == 200 and b'"B":' not in body and b'"BS":' not in body:
            customized_response_dict.update(loads(body))
            response_dict["body"] = b"{}"

    service = client.meta.service_model.service_id.hyphenize()
    for operation in operations:
        client.meta.events.register(f"before-parse.{service}.{operation}", decoded)
    return client
