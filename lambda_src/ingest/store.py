"""The ingest's DynamoDB access: one BatchWriteItem per 25 events, one BatchGetItem of
sessions and one TransactWriteItems per batch. Throttling that outlasts bounded
retries becomes Unavailable (503 with Retry-After)."""

from __future__ import annotations

import json
import time
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from . import event_items
from .attribute_values import to_av
from .config import Config
from .errors import Unavailable
from .process import Conflict, Plan

_BUSY = {"ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded",
         "InternalServerError", "ServiceUnavailable", "LimitExceededException"}
_ATTEMPTS = 5


def _backoff(attempt: int) -> None:
    time.sleep(min(0.05 * 2**attempt, 0.8))


def _guard(call: Any, **kwargs: Any) -> Any:
    try:
        return call(**kwargs)
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        if code in _BUSY:
            raise Unavailable(f"DynamoDB is throttling ({code})", retry_after=1) from None
        raise
    except BotoCoreError as error:
        raise Unavailable(f"DynamoDB is unreachable ({type(error).__name__})", retry_after=2) from None


def _site(item: dict[str, Any]) -> dict[str, Any]:
    return {"allowed_origins": [v["S"] for v in item.get("allowed_origins", {}).get("L", [])],
            "funnels": json.loads(item["funnels"]["S"]) if "funnels" in item else []}


class DynamoStore:
    def __init__(self, client: Any, config: Config) -> None:
        self.ddb, self.config = client, config
        self._sites: dict[str, tuple[float, dict[str, Any] | None]] = {}
        # Counter items this instance already gave their TTL: later updates leave it alone,
        # one clause less for DynamoDB to apply each time.
        self._stamped: set[tuple[str, str, Any]] = set()

    def sites(self, site_ids: set[str]) -> dict[str, dict[str, Any]]:
        now = time.monotonic()
        missing = [s for s in site_ids if s not in self._sites or self._sites[s][0] < now]
        if missing:
            keys = [{"site_id": {"S": s}} for s in missing]
            found = {item["site_id"]["S"]: item for item in self._batch_get(self.config.sites_table, keys)}
            for site_id in missing:
                item = found.get(site_id)
                # an unknown site is asked again soon, so a newly registered one works at once
                ttl = self.config.site_cache_s if item else 5.0
                site = _site(item) if item else None
                self._sites[site_id] = (now + ttl, site)
        return {s: site for s in site_ids if (site := self._sites[s][1]) is not None}

    def put_events(self, records: list[dict[str, Any]]) -> None:
        table = self.config.events_table
        for start in range(0, len(records), 25):
            requests = [{"PutRequest": {"Item": event_items.to_item(r)}}
                        for r in records[start:start + 25]]
            for attempt in range(_ATTEMPTS):
                left = _guard(self.ddb.batch_write_item, RequestItems={table: requests})
                requests = left.get("UnprocessedItems", {}).get(table, [])
                if not requests:
                    break
                _backoff(attempt)
            else:
                raise Unavailable("DynamoDB left events unprocessed", retry_after=1)

    def load(self, keys: list[tuple[str, str]]) -> dict[tuple[str, str], tuple[dict[str, Any], int]]:
        wanted = [{"site_id": {"S": site}, "session_key": {"S": key}} for site, key in keys]
        items = self._batch_get(self.config.sessions_table, wanted, consistent=True)
        return {(i["site_id"]["S"], i["session_key"]["S"]): (json.loads(i["state"]["S"]), int(i["version"]["N"]))
                for i in items}

    def _batch_get(self, table: str, keys: list[dict[str, Any]], consistent: bool = False) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        for start in range(0, len(keys), 100):
            request = {table: {"Keys": keys[start:start + 100], "ConsistentRead": consistent}}
            for attempt in range(_ATTEMPTS):
                answer = _guard(self.ddb.batch_get_item, RequestItems=request)
                items += answer["Responses"].get(table, [])
                request = answer.get("UnprocessedKeys") or {}
                if not request:
                    break
                _backoff(attempt)
            else:
                raise Unavailable("DynamoDB left keys unprocessed", retry_after=1)
        return items

    def commit(self, plan: Plan) -> None:
        actions = [self._put(p) for p in plan.puts]
        actions += [self._update(key, u, stamp=key not in self._stamped) for key, u in plan.updates.items()]
        if not actions:
            return
        try:
            _guard(self.ddb.transact_write_items, TransactItems=actions)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("TransactionCanceledException",
                                                                "TransactionConflictException"):
                reasons = {r.get("Code") for r in error.response.get("CancellationReasons", [])}
                if reasons & _BUSY or "ThrottlingError" in reasons:
                    raise Unavailable("DynamoDB is throttling the commit", retry_after=1) from None
                raise Conflict() from None
            raise
        if len(self._stamped) > 50_000:
            self._stamped.clear()
        self._stamped.update(k for k, u in plan.updates.items() if "expires_at" in u.sets)

    def _put(self, put: dict[str, Any]) -> dict[str, Any]:
        item = {
            "site_id": to_av(put["site_id"]), "session_key": to_av(put["session_key"]),
            "visitor_id": to_av(put["visitor_id"]), "last": to_av(put["last"]),
            "version": to_av(put["version"]), "expires_at": to_av(put["expires_at"]),
            "state": {"S": json.dumps(put["state"], separators=(",", ":"))},
        }
        if put["expected"]:
            condition = {"ConditionExpression": "version = :v",
                         "ExpressionAttributeValues": {":v": to_av(put["expected"])}}
        else:
            condition = {"ConditionExpression": "attribute_not_exists(site_id)"}
        return {"Put": {"TableName": self.config.sessions_table, "Item": item, **condition}}

    def _update(self, key: tuple[str, str, Any], update: Any, stamp: bool) -> dict[str, Any]:
        table, pk, shard = key
        names: dict[str, str] = {}
        values: dict[str, Any] = {}
        parts: dict[str, list[str]] = {"SET": [], "ADD": [], "REMOVE": []}
        others = len(update.sets) > 1 or any(update.adds.values()) or update.removes
        for name, value in update.sets.items():
            if name == "expires_at" and not stamp and others:
                continue
            n, v = f"#n{len(names)}", f":v{len(values)}"
            names[n], values[v] = name, to_av(value)
            parts["SET"].append(f"{n} = {v}")
        for name, amount in update.adds.items():
            if amount:
                n, v = f"#n{len(names)}", f":v{len(values)}"
                number = int(amount) if float(amount).is_integer() else round(amount, 6)
                names[n], values[v] = name, to_av(number)
                parts["ADD"].append(f"{n} {v}")
        for name in update.removes:
            n = f"#n{len(names)}"
            names[n] = name
            parts["REMOVE"].append(n)
        expression = " ".join(f"{verb} {', '.join(items)}" for verb, items in parts.items() if items)
        if table == "stats":
            item_key, table_name = {"pk": {"S": pk}}, self.config.stats_table
        else:
            item_key, table_name = {"pk": {"S": pk}, "shard": {"N": str(shard)}}, self.config.active_table
        spec = {"TableName": table_name, "Key": item_key, "UpdateExpression": expression,
                "ExpressionAttributeNames": names}
        if values:
            spec["ExpressionAttributeValues"] = values
        return {"Update": spec}
