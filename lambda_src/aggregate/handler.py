"""The counters Lambda: the Events and Sessions streams into the Stats counters (batch.py)."""

from __future__ import annotations

from typing import Any

import boto3
from aws_lambda_powertools import Logger
from botocore.config import Config as BotoConfig

from layout import sites

from . import batch, config

logger = Logger()
settings = config.from_env()
ddb = boto3.client("dynamodb", config=BotoConfig(retries={"max_attempts": 5, "mode": "standard"}))
site_cache = sites.Cache(ddb, settings.sites_table)


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    outcome = batch.process(event["Records"], ddb, settings, site_cache)
    logger.debug("batch", extra=vars(outcome))
    return vars(outcome)
