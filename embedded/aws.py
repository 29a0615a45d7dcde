"""boto3 clients for an explicit target: the emulator (its endpoint, region and dummy keys,
from the settings built at the entry point), LocalStack, or AWS itself (no endpoint: boto3's
own chain finds region and credentials). Nothing here reads the environment."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

import boto3
from botocore.config import Config

_CONFIG = Config(retries={"max_attempts": 2, "mode": "standard"}, max_pool_connections=32)


@dataclass(frozen=True)
class Target:
    endpoint_url: str | None  # None: AWS
    region: str | None = None
    access_key: str | None = None
    secret_key: str | None = None


def from_source(source: Mapping[str, str]) -> Target:
    """The target boto3's standard variables name (AWS_ENDPOINT_URL and friends), as given."""
    return Target(source.get("AWS_ENDPOINT_URL"), source.get("AWS_DEFAULT_REGION") or source.get("AWS_REGION"),
                  source.get("AWS_ACCESS_KEY_ID"), source.get("AWS_SECRET_ACCESS_KEY"))


@cache
def client(service: str, target: Target) -> Any:
    return boto3.session.Session().client(
        service, endpoint_url=target.endpoint_url, region_name=target.region, config=_CONFIG,
        aws_access_key_id=target.access_key, aws_secret_access_key=target.secret_key)
