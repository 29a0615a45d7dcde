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


def count(record: dict[str, Any], config: Config, site_cache: sites.Cache) -> dict[str, dict[str, float]]:
    """What one stream record adds: counters per item key ("<site>#<suffix>")."""
    table, image = _table(record), record["dynamodb"]
    found: dict[str, deltas.Deltas] = defaultdict(deltas.new_deltas)
    try:
        if table == config.events_table and record["eventName"] == "INSERT":
            rec = events.from_item(image["NewImage"])
            deltas.event(rec, found[rec["site_id"]])
        elif table == config.sessions_table and record["eventName"] in ("INSERT", "MODIFY"):
            site_id = image["Keys"]["pk"]["S"].split("#", 1)[0]
            old = visitors.from_item(image.get("OldImage"))[0]
            new = visitors.from_item(image["NewImage"])[0]
            site_funnels = site_cache.get({site_id}).get(site_id, {}).get("funnels", [])
            deltas.visitor(old, new, site_funnels, found[site_id])
    except (KeyError, TypeError, ValueError) as error:  # an item our functions did not write
        log.warning("skipped a record that is not ours: %r (%s)", image.get("Keys"), error)
    return {counters.pk(site, suffix): d for site, by in found.items() for suffix, d in deltas.tidy(by).items()}


def process(records: list[dict[str, Any]], ddb: Any, config: Config, site_cache: sites.Cache) -> Outcome:
    outcome = Outcome(records=len(records))
    left = sorted(records, key=_seq)
    # an item that would have expired by the time its records arrived is never read: not written
    arrived = max(float(r["dynamodb"].get("ApproximateCreationDateTime", 0)) for r in left) if left else 0.0
    each = [{k: d for k, d in count(r, config, site_cache).items()
             if counters.expires_at(_suffix(k), config.keep_s) > arrived} for r in left]
    start = 0
    while start < len(left):
        marker = counters.marker(left[start]["eventSourceARN"], left[start]["eventID"])
        done = ddb.get_item(TableName=config.stats_table, Key={"pk": {"S": marker}}, ConsistentRead=True).get("Item")
        if done:
            last = int(done["last"]["S"])
            while start < len(left) and _seq(left[start]) <= last:
                start += 1
            continue
        end = _prefix(each, start)
        _commit(_merged(each[start:end]), marker, str(_seq(left[end - 1])), ddb, config, outcome)
        outcome.counted += end - start
        start = end
    return outcome


def _suffix(key: str) -> str:
    return key.split("#", 1)[1]


def _prefix(each: list[dict[str, dict[str, float]]], start: int) -> int:
    """The end of the longest run of records from `start` whose items fit one transaction."""
    items: set[str] = set()
    end = start
    while end < len(each):
        wider = items | set(each[end])
        if len(wider) >= ACTIONS and end > start:
            break
        items, end = wider, end + 1
    return end


def _merged(each: list[dict[str, dict[str, float]]]) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = defaultdict(dict)
    for found in each:
        for key, counters_of in found.items():
            mine = out[key]
            for name, amount in counters_of.items():
                mine[name] = mine.get(name, 0) + amount
    return {k: {n: a for n, a in v.items() if a} for k, v in out.items() if any(v.values())}


def _commit(items: dict[str, dict[str, float]], marker: str, last: str, ddb: Any, config: Config,
            outcome: Outcome) -> None:
    """One transaction: every item's counters and the marker; re-planned when another writer
    took a dimension's last places first."""
    for _ in range(_REPLANS):
        bounded_keys = [k for k in items if counters.bounds(_suffix(k))]
        current = {i["pk"]["S"]: numbers(i) for i in batch_get(ddb, config.stats_table,
                                                                [{"pk": {"S": k}} for k in bounded_keys],
                                                                consistent=True)}
        actions = [_update(config, key, _suffix(key), bounded.plan(_suffix(key), d, current.get(key, {})))
                   for key, d in sorted(items.items())]
        actions.append({"Put": {"TableName": config.stats_table, "ConditionExpression": "attribute_not_exists(pk)",
                                "Item": {"pk": {"S": marker}, "last": {"S": last},
                                         "expires_at": to_av(int(time.time()) + MARKER_KEEP_S)}}})
        token = hashlib.sha256(json.dumps(actions, sort_keys=True).encode()).hexdigest()[:36]
        try:
            ddb.transact_write_items(TransactItems=actions, ClientRequestToken=token)
            outcome.transactions += 1
            return
        except ClientError as error:
            reasons = [r.get("Code") for r in error.response.get("CancellationReasons", [])]
            if error.response["Error"]["Code"] != "TransactionCanceledException":
                raise
            if reasons and reasons[-1] == "ConditionalCheckFailed":
                return  # the marker exists: these records were counted by an attempt we lost track of
            if "ConditionalCheckFailed" not in reasons:
                raise  # throttled or conflicting: the batch is retried from its marker
    raise RuntimeError("the counters kept changing under this batch; it will be retried")


def _update(config: Config, key: str, suffix: str, planned: bounded.Planned) -> dict[str, Any]:
    names: dict[str, str] = {"#e": "expires_at"}
    values: dict[str, Any] = {":e": to_av(counters.expires_at(suffix, config.keep_s))}
    adds = []
    for number, (name, amount) in enumerate(sorted(planned.adds.items())):
        names[f"#c{number}"], values[f":c{number}"] = name, to_av(amount)
        adds.append(f"#c{number} :c{number}")
    spec: dict[str, Any] = {"TableName": config.stats_table, "Key": {"pk": {"S": key}},
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
