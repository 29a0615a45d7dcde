"""One stream batch into the counters, exactly once. A plain function over a DynamoDB client.

Every counter item a batch touches is updated once, in one transaction with a marker
keyed by the batch's first record. Lambda retries a failed batch from that same record
(BisectBatchOnFunctionError stays off), so a retry finds the marker, learns how far the
batch got (`last`), and counts only what follows. A batch touching more than a
transaction holds is counted a prefix at a time, each prefix with its own marker.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from layout import counters, events, sites, visitors
from layout.ddb import batch_get
from layout.values import numbers, to_av

from . import bounded, deltas
from .config import Config

ACTIONS = 100  # TransactWriteItems' limit
MARKER_KEEP_S = 2 * 86400
_REPLANS = 10
log = logging.getLogger(__name__)


@dataclass
class Outcome:
    records: int = 0
    counted: int = 0  # records not counted before
    transactions: int = 0


def _seq(record: dict[str, Any]) -> int:
    return int(record["dynamodb"]["SequenceNumber"])


def _table(record: dict[str, Any]) -> str:
    return record["eventSourceARN"].split("/")[1]


def count(records: list[dict[str, Any]], config: Config, site_cache: sites.Cache) -> dict[str, deltas.Deltas]:
    """Counter deltas per site."""
    out: dict[str, deltas.Deltas] = defaultdict(deltas.new_deltas)
    for record in records:
        table, image = _table(record), record["dynamodb"]
        try:
            if table == config.events_table and record["eventName"] == "INSERT":
                rec = events.from_item(image["NewImage"])
                deltas.event(rec, out[rec["site_id"]])
            elif table == config.sessions_table and record["eventName"] in ("INSERT", "MODIFY"):
                site_id = image["Keys"]["pk"]["S"].split("#", 1)[0]
                old = visitors.from_item(image.get("OldImage"))[0]
                new = visitors.from_item(image["NewImage"])[0]
                site_funnels = site_cache.get({site_id}).get(site_id, {}).get("funnels", [])
                deltas.visitor(old, new, site_funnels, out[site_id])
        except (KeyError, TypeError, ValueError) as error:  # an item our functions did not write
            log.warning("skipped a record that is not ours: %r (%s)", image.get("Keys"), error)
    return {site: tidy for site, d in out.items() if (tidy := deltas.tidy(d))}


def process(records: list[dict[str, Any]], ddb: Any, config: Config, site_cache: sites.Cache) -> Outcome:
    outcome = Outcome(records=len(records))
    left = sorted(records, key=_seq)
    while left:
        marker = counters.marker(left[0]["eventSourceARN"], left[0]["eventID"])
        done = ddb.get_item(TableName=config.stats_table, Key={"pk": {"S": marker}}, ConsistentRead=True).get("Item")
        if done:
            last = int(done["last"]["S"])
            left = [r for r in left if _seq(r) > last]
            continue
        taken = _commit_prefix(left, marker, ddb, config, site_cache, outcome)
        outcome.counted += taken
        left = left[taken:]
    return outcome


def _commit_prefix(records: list[dict[str, Any]], marker: str, ddb: Any, config: Config,
                   site_cache: sites.Cache, outcome: Outcome) -> int:
    """Count the longest prefix that fits one transaction; answers how many records it took."""
    size = len(records)
    while True:
        found = count(records[:size], config, site_cache)
        items = {counters.pk(site, suffix): (suffix, d) for site, by in found.items() for suffix, d in by.items()}
        if len(items) < ACTIONS or size == 1:
            break
        size //= 2
    last = str(_seq(records[size - 1]))
    for _ in range(_REPLANS):
        bounded_keys = [k for k, (suffix, _) in items.items() if counters.bounds(suffix)]
        current = {i["pk"]["S"]: numbers(i) for i in batch_get(ddb, config.stats_table,
                                                                [{"pk": {"S": k}} for k in bounded_keys],
                                                                consistent=True)}
        actions = [_update(config.stats_table, key, suffix, bounded.plan(suffix, d, current.get(key, {})))
                   for key, (suffix, d) in sorted(items.items())]
        actions.append({"Put": {"TableName": config.stats_table, "ConditionExpression": "attribute_not_exists(pk)",
                                "Item": {"pk": {"S": marker}, "last": {"S": last},
                                         "expires_at": to_av(int(time.time()) + MARKER_KEEP_S)}}})
        token = hashlib.sha256(json.dumps(actions, sort_keys=True).encode()).hexdigest()[:36]
        try:
            ddb.transact_write_items(TransactItems=actions, ClientRequestToken=token)
            outcome.transactions += 1
            return size
        except ClientError as error:
            reasons = [r.get("Code") for r in error.response.get("CancellationReasons", [])]
            if error.response["Error"]["Code"] != "TransactionCanceledException":
                raise
            if reasons and reasons[-1] == "ConditionalCheckFailed":
                return size  # the marker exists: this prefix was counted by an attempt we lost track of
            if "ConditionalCheckFailed" not in reasons:
                raise  # throttled or conflicting: the batch is retried from its marker
    raise RuntimeError("the counters kept changing under this batch; it will be retried")


def _update(table: str, key: str, suffix: str, planned: bounded.Planned) -> dict[str, Any]:
    names: dict[str, str] = {"#e": "expires_at"}
    values: dict[str, Any] = {":e": to_av(counters.expires_at(suffix))}
    adds = []
    for number, (name, amount) in enumerate(sorted(planned.adds.items())):
        names[f"#c{number}"], values[f":c{number}"] = name, to_av(amount)
        adds.append(f"#c{number} :c{number}")
    spec: dict[str, Any] = {"TableName": table, "Key": {"pk": {"S": key}},
                            "UpdateExpression": "SET #e = :e" + (f" ADD {', '.join(adds)}" if adds else ""),
                            "ExpressionAttributeNames": names, "ExpressionAttributeValues": values}
    conditions = []
    for number, (prefix, read) in enumerate(sorted(planned.read.items())):
        names[f"#n{number}"] = f"n#{prefix}"
        if read is None:
            conditions.append(f"attribute_not_exists(#n{number})")
        else:
            values[f":n{number}"] = to_av(read)
            conditions.append(f"#n{number} = :n{number}")
    if conditions:
        spec["ConditionExpression"] = " AND ".join(conditions)
    return {"Update": spec}
