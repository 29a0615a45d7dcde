"""boto3 clients built from the standard configuration (AWS_ENDPOINT_URL and friends)."""

from __future__ import annotations

import os
from functools import cache
from typing import Any

import boto3
from botocore.config import Config

_CONFIG = Config(retries={"max_attempts": 2, "mode": "standard"}, max_pool_connections=32)


def client(service: str) -> Any:
    """A client for the endpoint the environment names now (one process may start several stacks)."""
    return _client(service, endpoint(service), os.environ.get("AWS_DEFAULT_REGION"))


def endpoint(service: str) -> str | None:
    """The endpoint boto3 would use: AWS_ENDPOINT_URL_<SERVICE>, else AWS_ENDPOINT_URL (None: AWS)."""
    return os.environ.get(f"AWS_ENDPOINT_URL_{service.upper()}") or os.environ.get("AWS_ENDPOINT_URL")


@cache
def _client(service: str, endpoint: str | None, region: str | None) -> Any:
    return boto3.session.Session().client(service, endpoint_url=endpoint, region_name=region, config=_CONFIG)
