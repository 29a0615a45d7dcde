"""The ingest's DynamoDB access: a BatchGetItem to find events already stored, and a
BatchWriteItem per 25 new ones. Throttling that outlasts bounded retries becomes
Unavailable (503 with Retry-After); the client resends, and what was stored stays once."""

from __future__ import annotations

import time
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from layout import events as event_items
from layout import sites

from .config import Config
from .errors import Unavailable

BUSY = {"ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded",
        "InternalServerError", "ServiceUnavailable", "LimitExceededException"}
_ATTEMPTS = 5


def backoff(attempt: int) -> None:
    time.sleep(min(0.05 * 2**attempt, 0.8))


def guard(call: Any, **kwargs: Any) -> Any:
    try:
        return call(**kwargs)
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        if code in BUSY:
            raise Unavailable(f"DynamoDB is throttling ({code})", retry_after=1) from None
        raise
    except BotoCoreError as error:
        raise Unavailable(f"DynamoDB is unreachable ({type(error).__name__})", retry_after=2) from None


class DynamoStore:
    def __init__(self, client: Any, config: Config) -> None:
        self.ddb, self.config = client, config
        self._sites = sites.Cache(client, config.sites_table, config.site_cache_s)

    def sites(self, site_ids: set[str]) -> dict[str, dict[str, Any]]:
        return guard(self._sites.get, site_ids=site_ids)

    def stored(self, keys: list[tuple[str, str]]) -> set[tuple[str, str]]:
        wanted = [{"pk": {"S": pk}, "event_id": {"S": event_id}} for pk, event_id in keys]
        # eventually consistent: a resend that races its original is written again, which the
        # stream reports as a MODIFY, never counted; only an INSERT is a new event
        found = self._batch_get(self.config.events_table, wanted, projection="pk, event_id")
        return {(i["pk"]["S"], i["event_id"]["S"]) for i in found}

    def put_events(self, records: list[dict[str, Any]]) -> None:
        table = self.config.events_table
        for start in range(0, len(records), 25):
            requests = [{"PutRequest": {"Item": event_items.to_item(r)}} for r in records[start:start + 25]]
            for attempt in range(_ATTEMPTS):
                left = guard(self.ddb.batch_write_item, RequestItems={table: requests})
                requests = left.get("UnprocessedItems", {}).get(table, [])
                if not requests:
                    break
                backoff(attempt)
            else:
                raise Unavailable("DynamoDB left events unprocessed", retry_after=1)

    def _batch_get(self, table: str, keys: list[dict[str, Any]], consistent: bool = False,
                   projection: str | None = None) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        for start in range(0, len(keys), 100):
            spec: dict[str, Any] = {"Keys": keys[start:start + 100], "ConsistentRead": consistent}
            if projection:
                spec["ProjectionExpression"] = projection
            request = {table: spec}
            for attempt in range(_ATTEMPTS):
                answer = guard(self.ddb.batch_get_item, RequestItems=request)
                items += answer["Responses"].get(table, [])
                request = answer.get("UnprocessedKeys") or {}
                if not request:
                    break
                backoff(attempt)
            else:
                raise Unavailable("DynamoDB left keys unprocessed", retry_after=1)
        return items
