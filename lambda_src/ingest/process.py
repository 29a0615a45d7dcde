"""Ingest one request: validate, enrich, store each event once, update sessions and counters.

Everything here is plain functions over a `Store`, so it runs with no AWS at all.
"""

from __future__ import annotations

import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Protocol

from . import active_sessions, enrich, funnels, protocol, rollups, sessions, visitors
from .config import Config
from .errors import Forbidden, Unavailable
from .sessions import Session

SEEN_KEEP_MS = 6 * 3600 * 1000  # how long an event id is remembered for deduplication


class Conflict(Exception):
    """Another writer changed a session between our read and our write."""


@dataclass
class Request:
    body: str | bytes
    origin: str | None
    user_agent: str
    received_at: int  # ms since the epoch


@dataclass
class Result:
    accepted: int = 0
    duplicates: int = 0
    new: int = 0  # events stored and counted for the first time
    rejected: list[dict[str, Any]] = field(default_factory=list)

    def body(self) -> dict[str, Any]:
        return {"accepted": self.accepted, "duplicates": self.duplicates, "rejected": self.rejected}


@dataclass
class Update:
    """One UpdateItem: counters to ADD, attributes to SET and to REMOVE."""

    adds: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    sets: dict[str, Any] = field(default_factory=dict)
    removes: set[str] = field(default_factory=set)


@dataclass
class Plan:
    """What one commit writes: the new events (first, by BatchWriteItem), then, atomically,
    session states and item updates."""

    events: list[dict[str, Any]] = field(default_factory=list)
    puts: list[dict[str, Any]] = field(default_factory=list)
    updates: dict[tuple[str, str, Any], Update] = field(default_factory=lambda: defaultdict(Update))


class Store(Protocol):
    def sites(self, site_ids: set[str]) -> dict[str, dict[str, Any]]: ...
    def put_events(self, records: list[dict[str, Any]]) -> None: ...
    def load(self, keys: list[tuple[str, str]]) -> dict[tuple[str, str], tuple[dict[str, Any], int]]: ...
    def commit(self, plan: Plan) -> None: ...


def ingest(request: Request, store: Store, config: Config) -> Result:
    events = protocol.parse(request.body, config.max_body_bytes)
    valid, rejected = protocol.check(events)
    result = Result(rejected=rejected)
    if not valid:
        return result
    sites = _check_sites({e["site_id"] for _, e in valid}, request.origin, store)
    ua = enrich.agent(request.user_agent)
    records, seen_ids = [], set()
    for _, event in valid:
        if event["event_id"] in seen_ids:
            result.duplicates += 1
            continue
        seen_ids.add(event["event_id"])
        records.append(enrich.record(event, ua, request.received_at, config.max_skew_s * 1000))
    repeats = _count_sessions(records, request.received_at, store, config, sites)
    result.duplicates += repeats
    result.new = len(records) - repeats
    result.accepted = len(valid)
    return result


def _check_sites(site_ids: set[str], origin: str | None, store: Store) -> dict[str, dict[str, Any]]:
    known = store.sites(site_ids)
    for site_id in sorted(site_ids):
        site = known.get(site_id)
        if site is None:
            raise Forbidden(f"unknown site {site_id!r}")
        if origin is not None and origin not in site.get("allowed_origins", []):
            raise Forbidden(f"origin {origin!r} is not allowed for site {site_id!r}")
    return known


def _with_expiry(rec: dict[str, Any], config: Config) -> dict[str, Any]:
    return {**rec, "expires_at": rec["received_at"] // 1000 + config.event_retention_days * 86400}


def session_key(rec: dict[str, Any]) -> tuple[str, str]:
    return rec["site_id"], f"{rec['visitor_id']}#{rec['session_id']}"


MAX_ACTIONS = 100  # TransactWriteItems' limit


def _count_sessions(records: list[dict[str, Any]], now: int, store: Store, config: Config,
                    sites: dict[str, dict[str, Any]]) -> int:
    """Fold the records into their sessions and counters, once each; answers how many were repeats.

    Each commit's counting is atomic; a batch too big for one transaction is split, which is
    safe because every event is deduplicated on its own and sessions do not depend on order.
    """
    ordered = sorted(records, key=session_key)  # a split below keeps each session whole where it can
    groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for rec in ordered:
        groups[session_key(rec)].append(rec)
    visitor_keys = sorted({(r["site_id"], visitors.key(r["visitor_id"])) for r in records if not r["bot"]})
    for _ in range(config.commit_attempts):
        states = store.load(list(groups) + visitor_keys)
        plan, repeats = build_plan(groups, states, now, config, sites)
        if len(plan.puts) + len(plan.updates) > MAX_ACTIONS and len(records) > 1:
            half = len(records) // 2
            return (_count_sessions(ordered[:half], now, store, config, sites)
                    + _count_sessions(ordered[half:], now, store, config, sites))
        try:
            # Stored before they are counted; a repeat is neither rewritten nor counted again.
            store.put_events(plan.events)
            store.commit(plan)
            return repeats
        except Conflict:
            continue
    raise Unavailable("sessions are busy; retry", retry_after=1)


def build_plan(
    groups: dict[tuple[str, str], list[dict[str, Any]]],
    states: dict[tuple[str, str], tuple[dict[str, Any], int]],
    now: int,
    config: Config,
    sites: dict[str, dict[str, Any]] | None = None,
) -> tuple[Plan, int]:
    plan, repeats = Plan(), 0
    timeout_ms = config.session_timeout_s * 1000
    per_site: dict[str, rollups.Deltas] = defaultdict(rollups.new_deltas)
    seen_at: dict[tuple[str, str], list[int]] = defaultdict(list)  # visitor -> times of new events
    for (site_id, key), records in groups.items():
        state, version = states.get((site_id, key), ({"sessions": [], "seen": {}, "active": []}, 0))
        seen = {k: v for k, v in state["seen"].items() if v >= now - SEEN_KEEP_MS}
        fresh = [r for r in records if r["event_id"] not in seen]
        repeats += len(records) - len(fresh)
        if not fresh:
            continue
        plan.events += [_with_expiry(r, config) for r in fresh]
        site_funnels = (sites or {}).get(site_id, {}).get("funnels", [])
        before = [Session.from_dict(s) for s in state["sessions"]]
        after = sessions.apply(before, fresh, timeout_ms, funnels.marker(site_funnels))
        rollups.event_deltas(fresh, per_site[site_id])
        rollups.session_deltas(before, after, funnels.progress_of(site_funnels), per_site[site_id])
        seen_at[(site_id, records[0]["visitor_id"])] += [r["ts"] for r in fresh if not r["bot"]]
        seen.update({r["event_id"]: now for r in fresh})
        client_sid = records[0]["session_id"]
        active = _active_entries(plan, site_id, key, client_sid, after, state["active"], now, config)
        plan.puts.append(_session_put(site_id, key, records[0]["visitor_id"], version, now, config,
                                      {"sessions": [s.to_dict() for s in after], "seen": seen, "active": active},
                                      max(s.last for s in after)))
    for (site_id, visitor_id), times in seen_at.items():
        _count_visitor(plan, per_site[site_id], states, site_id, visitor_id, times, now, config)
    for site_id, deltas in per_site.items():
        for suffix, counters in deltas.items():
            if not any(counters.values()):
                continue
            update = plan.updates[("stats", f"{site_id}#{suffix}", None)]
            for name, amount in counters.items():
                update.adds[name] += amount
            keep = config.stats_retention_days if suffix.startswith("m#") else config.rollup_retention_days
            update.sets["expires_at"] = _bucket_start(suffix) + keep * 86400
    return plan, repeats


def _bucket_start(suffix: str) -> int:
    """Seconds since the epoch at which a counter item's minute or day begins."""
    kind, number = suffix.split("#")[:2]
    return int(number) * {"m": 60, "d": 86400}[kind]


def _session_put(site_id: str, key: str, visitor_id: str, version: int, now: int, config: Config,
                 state: dict[str, Any], last: int) -> dict[str, Any]:
    return {"site_id": site_id, "session_key": key, "version": version + 1, "expected": version,
            "state": state, "visitor_id": visitor_id, "last": last,
            "expires_at": now // 1000 + config.event_retention_days * 86400}


def _count_visitor(plan: Plan, deltas: rollups.Deltas, states: dict[tuple[str, str], tuple[dict[str, Any], int]],
                   site_id: str, visitor_id: str, times: list[int], now: int, config: Config) -> None:
    """Count the visitor on the days and hours of their new events, written only when those change."""
    if not times:
        return
    key = visitors.key(visitor_id)
    stored, version = states.get((site_id, key), (visitors.empty(), 0))
    before = visitors.settle(stored, now, config.max_skew_s * 1000)
    after = visitors.seen(before, times)
    if after == stored:
        return
    visitors.deltas(before, after, deltas)
    plan.puts.append(_session_put(site_id, key, visitor_id, version, now, config, after, max(times)))


def _active_entries(plan: Plan, site_id: str, key: str, client_sid: str, after: list[Session],
                    previous: list[list[Any]], now: int, config: Config) -> list[list[Any]]:
    """Keep each live session in exactly one ActiveSessions bucket: the window of its last event."""
    wanted: dict[tuple[str, int, str], str] = {}
    for s in after:
        if s.bot or s.last < now - config.active_window_s * 1000:
            continue
        sid = sessions.session_id(client_sid, s)
        shard = zlib.crc32(sid.encode()) % config.active_shards
        wanted[(active_sessions.bucket(site_id, s.last, config.active_window_s), shard, sid)] = \
            active_sessions.summary(key.split("#", 1)[0], s.start, s.last, s.exit, s.pageviews, s.src, s.device)
    for pk, shard, sid in previous:
        if (pk, shard, sid) not in wanted:
            plan.updates[("active", pk, shard)].removes.add(sid)
    for (pk, shard, sid), summary in wanted.items():
        update = plan.updates[("active", pk, shard)]
        update.sets[sid] = summary
        window_end = (int(pk.rsplit("#", 1)[1]) + 1) * config.active_window_s
        update.sets["expires_at"] = window_end + config.active_window_s + 60
    return [list(k) for k in wanted]
