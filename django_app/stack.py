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

from layout.ddb import as_sent


def outputs() -> dict[str, str]:
    """From LIVEINSIGHT_OUTPUTS (JSON, as the web tier on AWS sets it), or the file a deploy wrote."""
    if os.environ.get("LIVEINSIGHT_OUTPUTS"):
        return json.loads(os.environ["LIVEINSIGHT_OUTPUTS"])
    path = settings.LIVEINSIGHT_STATE_DIR / "stacks" / f"{settings.LIVEINSIGHT_STACK}.json"
    return json.loads(path.read_text())["outputs"]


@cache
def dynamodb() -> Any:
    """A DynamoDB client whose item reads skip botocore's walk of every attribute (layout/ddb.py)."""
    return as_sent(boto3.client("dynamodb"), ("GetItem", "BatchGetItem", "Query"), orjson.loads)


def table(output: str) -> str:
    """A table's name, by its stack output (EventsTableName, SitesTableName, ...)."""
    return outputs()[output]
