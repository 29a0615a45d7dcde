"""The deployed stack as the dashboard sees it: its outputs (table names and the like)
and boto3 clients from the standard configuration. No table name is written here."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import boto3
from django.conf import settings


def outputs() -> dict[str, str]:
    path = settings.LIVEINSIGHT_STATE_DIR / "stacks" / f"{settings.LIVEINSIGHT_STACK}.json"
    return json.loads(path.read_text())["outputs"]


@cache
def dynamodb() -> Any:
    return boto3.client("dynamodb")


def table(output: str) -> str:
    """A table's name, by its stack output (EventsTableName, SitesTableName, ...)."""
    return outputs()[output]
