"""What the deployed stack holds, as plain data. Names come from the deploy's outputs."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import boto3
from django.conf import settings

TABLE_OUTPUTS = ("EventsTableName", "SessionsTableName", "ActiveSessionsTableName", "StatsTableName",
                 "SitesTableName")


def outputs() -> dict[str, str]:
    path = settings.LIVEINSIGHT_STATE_DIR / "stacks" / f"{settings.LIVEINSIGHT_STACK}.json"
    return json.loads(path.read_text())["outputs"]


@cache
def _dynamodb() -> Any:
    return boto3.client("dynamodb")


def tables() -> list[dict[str, Any]]:
    found = []
    for key, name in outputs().items():
        if key in TABLE_OUTPUTS:
            table = _dynamodb().describe_table(TableName=name)["Table"]
            found.append({"output": key, "name": name, "items": table.get("ItemCount", 0),
                          "status": table["TableStatus"]})
    return found
