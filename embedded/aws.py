"""boto3 clients built from the standard configuration (AWS_ENDPOINT_URL and friends)."""

from __future__ import annotations

from functools import cache
from typing import Any

import boto3
from botocore.config import Config

_CONFIG = Config(retries={"max_attempts": 2, "mode": "standard"}, max_pool_connections=32)


@cache
def client(service: str, region: str | None = None) -> Any:
    return boto3.session.Session().client(service, region_name=region, config=_CONFIG)
