"""The deployed stack as the dashboard sees it: its outputs (table names and the like)
and boto3 clients from the standard configuration. No table name is written here."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import boto3
import orjson
from django.conf import settings

import stackstate
from layout.ddb import as_sent


def outputs() -> dict[str, str]:
    """From LIVEINSIGHT_OUTPUTS (JSON, as the web tier on AWS sets it), or the file a deploy wrote."""
    if settings.LIVEINSIGHT_OUTPUTS:
        return json.loads(settings.LIVEINSIGHT_OUTPUTS)
    return stackstate.outputs(settings.LIVEINSIGHT_STATE_DIR, settings.LIVEINSIGHT_STACK)


@cache
def dynamodb() -> Any:
    """A DynamoDB client whose item reads skip botocore's walk of every attribute (layout/ddb.py)."""
    return as_sent(boto3.client("dynamodb"), ("GetItem", "BatchGetItem", "Query"), orjson.loads)


def table(output: str) -> str:
    """A table's name, by its stack output (EventsTableName, SitesTableName, ...)."""
    return outputs()[output]
