"""The deployed stack as the dashboard sees it: its outputs (table names and the like)
and boto3 clients from the standard configuration. No table name is written here."""

from __future__ import annotations

import json
import os
from functools import cache
from typing import Any

import boto3
import orjson
from django.conf import settings


def outputs() -> dict[str, str]:
    """From LIVEINSIGHT_OUTPUTS (JSON, as the web tier on AWS sets it), or the file a deploy wrote."""
    if os.environ.get("LIVEINSIGHT_OUTPUTS"):
        return json.loads(os.environ["LIVEINSIGHT_OUTPUTS"])
    path = settings.LIVEINSIGHT_STATE_DIR / "stacks" / f"{settings.LIVEINSIGHT_STACK}.json"
    return json.loads(path.read_text())["outputs"]


@cache
def dynamodb() -> Any:
    client = boto3.client("dynamodb")
    for operation in ("GetItem", "BatchGetItem", "Query"):
        client.meta.events.register(f"before-parse.dynamodb.{operation}", _items_as_sent)
    return client


def _items_as_sent(response_dict: dict[str, Any], customized_response_dict: dict[str, Any], **_: Any) -> None:
    """Item reads as DynamoDB sent them. botocore walks its response model for every attribute
    (tens of milliseconds for a few thousand); for DynamoDB JSON without binary values that
    walk returns the JSON unchanged, so the body is decoded once and the walk skipped."""
    body = response_dict.get("body") or b""
    if response_dict.get("status_code") == 200 and b'"B":' not in body and b'"BS":' not in body:
        customized_response_dict.update(orjson.loads(body))
        response_dict["body"] = b"{}"


def table(output: str) -> str:
    """A table's name, by its stack output (EventsTableName, SitesTableName, ...)."""
    return outputs()[output]
