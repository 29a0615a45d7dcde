"""ActiveSessions: what each sessionizer batch changed, so "who is active" and "latest
activity" read a few small items, never one item per session.

  pk        "<site>#<minute>#<slot>"   the minute of the batch's newest event; the slot
                                       (0..SLOTS-1, by the batch and part) spreads the writes
                                       of a busy site over SLOTS partitions
  sk        "<ms>#<first event id>#<part>"   in time order within the minute
  s         a JSON array of session summaries, at most PER_ITEM, each an array of FIELDS
  expires_at

A session appears in every batch that changed it; its newest summary wins. A reader
(`Feed`) reads the window newest first until it holds LISTED sessions, then only the
items written since.
"""

from __future__ import annotations

import heapq
import json
import zlib
from collections.abc import Callable, Iterator
from typing import Any

SLOTS = 8
RECHECK_MS = 30_000  # how often a reader looks again at the window's older minutes
PER_ITEM = 100
LISTED = 1000
FIELDS = ("sid", "visitor", "start", "last", "page", "pageviews", "src", "device")
LENGTHS = {"page": 200, "src": 100}
KEEP_S = 600


def slot(batch_id: str) -> int:
    return zlib.crc32(batch_id.encode()) % SLOTS


def pk(site_id: str, minute: int, number: int) -> str:
    return f"{site_id}#{minute}#{number}"


def summary(sid: str, visitor: str, start: int, last: int, page: str, pageviews: int, src: str,
            device: str) -> list[Any]:
    return [sid, visitor, start, last, page[:LENGTHS["page"]], pageviews, src[:LENGTHS["src"]], device]


def items(site_id: str, newest_ms: int, batch_id: str, summaries: list[list[Any]]) -> list[dict[str, Any]]:
    """The items one batch writes for a site: its summaries, PER_ITEM to an item."""
    first = slot(batch_id)
    return [{"pk": {"S": pk(site_id, newest_ms // 60_000, (first + part) % SLOTS)},
             "sk": {"S": f"{newest_ms:013d}#{batch_id}#{part}"},
             "s": {"S": json.dumps(summaries[start:start + PER_ITEM], separators=(",", ":"), ensure_ascii=False)},
             "expires_at": {"N": str(newest_ms // 1000 + KEEP_S)}}
            for part, start in enumerate(range(0, len(summaries), PER_ITEM))]


def _pages(ddb: Any, table: str, key: str, after: str | None, newest_first: bool) -> Iterator[dict[str, Any]]:
    """A partition's items, newest first (or, after `after`, oldest first). Pages start at two
    items and grow while the items are small, so a busy minute is read a little at a time."""
    kwargs: dict[str, Any] = {"TableName": table, "ScanIndexForward": not newest_first, "Limit": 2,
                              "KeyConditionExpression": "pk = :pk", "ExpressionAttributeValues": {":pk": {"S": key}}}
    if after is not None:
        kwargs["KeyConditionExpression"] += " AND sk > :sk"
        kwargs["ExpressionAttributeValues"][":sk"] = {"S": after}
    while True:
        page = ddb.query(**kwargs)
        yield from page["Items"]
        if "LastEvaluatedKey" not in page:
            return
        size = sum(len(i["s"]["S"]) for i in page["Items"]) // max(1, len(page["Items"]))
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        if size < 2048:
            kwargs["Limit"] = min(1000, kwargs["Limit"] * 4)


class Feed:
    """The sessions active on one site, newest first, kept current by one reader."""

    def __init__(self, site_id: str, window_minutes: int, loads: Callable[[str], Any] = json.loads) -> None:
        self.site_id, self.window, self.loads = site_id, window_minutes, loads
        self.rows: dict[str, dict[str, Any]] = {}
        self.after: dict[str, str] = {}  # partition -> newest sk read
        self.partial_until = -1  # the listing may miss sessions until this minute has passed
        self.filled = False
        self.checked_ms = 0  # when the whole window was last looked at

    def complete(self, now_ms: int) -> bool:
        """Whether the listing holds every session active now (fewer than LISTED)."""
        return now_ms // 60_000 > self.partial_until and len(self.rows) < LISTED

    def update(self, ddb: Any, table: str, now_ms: int) -> list[dict[str, Any]]:
        now_minute = now_ms // 60_000
        since = now_minute - self.window
        keys = [pk(self.site_id, m, n) for m in range(since, now_minute + 1) for n in range(SLOTS)]
        if not self.filled:
            self._fill(ddb, table, keys[::-1], since)
            self.filled, self.checked_ms = True, now_ms
        else:  # batches land in the current minute; a late one now and then in an older one
            everything = now_ms - self.checked_ms >= RECHECK_MS
            recent_keys = keys if everything else keys[-2 * SLOTS:]
            self.checked_ms = now_ms if everything else self.checked_ms
            for key in recent_keys:
                for item in _pages(ddb, table, key, self.after.get(key), newest_first=False):
                    self._take(item, key, since)
        self.after = {k: v for k, v in self.after.items() if k in keys}
        self.rows = {sid: r for sid, r in self.rows.items() if r["last"] // 60_000 >= since}
        if len(self.rows) > LISTED:
            newest = sorted(self.rows.values(), key=lambda r: r["last"], reverse=True)[:LISTED]
            self.rows = {r["sid"]: r for r in newest}
            self.partial_until = now_minute + self.window
        return sorted(self.rows.values(), key=lambda r: r["last"], reverse=True)

    def _fill(self, ddb: Any, table: str, keys: list[str], since: int) -> None:
        """Newest first, minute by minute, until LISTED sessions are held."""
        for minute_keys in (keys[i:i + SLOTS] for i in range(0, len(keys), SLOTS)):
            pages = [((item, key) for item in _pages(ddb, table, key, None, newest_first=True))
                     for key in minute_keys]
            for item, key in heapq.merge(*pages, key=lambda pair: pair[0]["sk"]["S"], reverse=True):
                self._take(item, key, since)
                if len(self.rows) >= LISTED:  # older items are left unread, for good
                    self.partial_until = since + 2 * self.window
                    self.after.update({k: "~" for k in keys if k not in self.after})
                    return

    def _take(self, item: dict[str, Any], key: str, since: int) -> None:
        sk = item["sk"]["S"]
        if sk > self.after.get(key, ""):
            self.after[key] = sk
        for entry in self.loads(item["s"]["S"]):
            row = dict(zip(FIELDS, entry, strict=True))
            held = self.rows.get(row["sid"])
            if row["last"] // 60_000 >= since and (held is None or row["last"] > held["last"]):
                self.rows[row["sid"]] = row
