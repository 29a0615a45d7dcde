"""The ingest's plain functions over an in-memory store: exactly once, counters, active sessions."""

import copy
import json

import pytest
from ingest import active_sessions, process
from ingest.config import Config
from ingest.errors import BodyTooLarge, Forbidden, InvalidBody, Unavailable
from ingest.memory_store import MemoryStore

from tests.ingest_support import BROWSER_UA, MIN, T0, event

CONFIG = Config(events_table="e", sessions_table="s", active_table="a", stats_table="st", sites_table="si")


def send(store, events, now=T0 + MIN, origin="http://localhost:8000", ua=BROWSER_UA):
    body = json.dumps({"events": events} if isinstance(events, list) else events)
    return process.ingest(process.Request(body, origin, ua, now), store, CONFIG)


def minute(store, offset=0):
    return store.stats[f"demo#m#{T0 // MIN + offset}"]


def test_a_batch_is_stored_and_counted():
    store = MemoryStore()
    batch = [event("page_view", T0, "/"), event("page_view", T0 + 1000, "/a"), event("click", T0 + 2000, "/a")]

    result = send(store, batch)

    assert result.body() == {"accepted": 3, "duplicates": 0, "rejected": []}
    assert set(store.events) == {e["event_id"] for e in batch}
    assert minute(store) == {"pv": 2, "se": 1, "vi": 1,
                             "expires_at": minute(store)["expires_at"]}


def test_resending_a_batch_stores_and_counts_nothing_twice():
    store = MemoryStore()
    batch = [event("page_view", T0 + i * 1000, f"/{i}") for i in range(5)]
    send(store, batch)
    counters = copy.deepcopy(dict(store.stats))

    again = send(store, batch)

    assert again.body() == {"accepted": 5, "duplicates": 5, "rejected": []}
    assert dict(store.stats) == counters
    assert len(store.events) == 5


def test_retry_of_a_batch_that_partly_succeeded_counts_each_event_once():
    store = MemoryStore()
    batch = [event("page_view", T0 + i * 1000, "/") for i in range(4)]
    send(store, batch[:2])  # the first attempt got as far as these

    send(store, batch)

    assert minute(store)["pv"] == 4
    assert minute(store)["se"] == 1


def test_an_event_repeated_within_one_batch_counts_once():
    store = MemoryStore()
    one = event()

    result = send(store, [one, one])

    assert result.duplicates == 1 and minute(store)["pv"] == 1


def test_a_commit_conflict_is_retried_on_fresh_state():
    store = MemoryStore()
    store.fail_commits = 2

    send(store, [event()])

    assert minute(store)["pv"] == 1


def test_endless_conflicts_become_unavailable_and_keep_nothing_half_counted():
    store = MemoryStore()
    store.fail_commits = 100

    with pytest.raises(Unavailable):
        send(store, [event()])
    assert not store.stats


def test_invalid_events_are_rejected_by_index_and_the_rest_stored():
    store = MemoryStore()
    bad = event()
    del bad["visitor_id"]

    result = send(store, [event(), bad, event("click", target={"tag": 5})])

    assert result.accepted == 1
    assert [r["index"] for r in result.rejected] == [1, 2]
    assert "visitor_id" in result.rejected[0]["reason"]


@pytest.mark.parametrize("body, error", [
    ("{nope", InvalidBody), ("[]", InvalidBody), ('{"events": []}', InvalidBody),
    (json.dumps({"events": [{}] * 51}), InvalidBody), ("x" * 70000, BodyTooLarge),
])
def test_bodies_that_are_not_the_protocol_shape(body, error):
    with pytest.raises(error):
        process.ingest(process.Request(body, None, BROWSER_UA, T0), MemoryStore(), CONFIG)


def test_unknown_site_and_foreign_origin_are_forbidden():
    with pytest.raises(Forbidden, match="unknown site"):
        send(MemoryStore(), [event(site_id="nope")])
    with pytest.raises(Forbidden, match="origin"):
        send(MemoryStore(), [event()], origin="https://evil.example")


def test_bots_are_counted_apart_from_visitors():
    store = MemoryStore()

    send(store, [event(), event()], ua="Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)")

    assert {k: v for k, v in minute(store).items() if k != "expires_at"} == {"bot": 2}
    assert all(e["bot"] for e in store.events.values())


def test_client_sent_ip_and_user_agent_are_ignored():
    store = MemoryStore()

    send(store, [event(ip="1.2.3.4", user_agent="Googlebot", browser="Fake")])

    stored, = store.events.values()
    assert "ip" not in stored and "user_agent" not in stored
    assert stored["browser"] == "Chrome" and stored["bot"] is False


def test_a_far_off_client_clock_is_replaced_and_flagged():
    store = MemoryStore()

    send(store, [event(ts=T0 - 3600_000)], now=T0)

    stored, = store.events.values()
    assert stored["ts"] == T0 and stored["skewed"] is True and stored["client_ts"] == T0 - 3600_000


def test_active_sessions_follow_the_last_event_and_expire_by_time():
    store = MemoryStore()
    send(store, [event(ts=T0)], now=T0)
    send(store, [event(ts=T0 + 2 * MIN, path="/later")], now=T0 + 2 * MIN)
    items = [{"pk": {"S": pk}, **{k: {"S": v} for k, v in attrs.items() if isinstance(v, str)}}
             for (pk, _), attrs in store.active.items()]

    live = active_sessions.sessions(items, T0 + 3 * MIN)
    gone = active_sessions.sessions(items, T0 + 8 * MIN)

    assert [s["page"] for s in live] == ["/later"]
    assert sum(1 for attrs in store.active.values() for v in attrs.values() if isinstance(v, str)) == 1
    assert gone == []


def test_write_requests_per_event_at_batch_size_ten():
    store = MemoryStore()
    events = 0
    for visitor in range(20):
        batch = [event("page_view" if i % 3 == 0 else "heartbeat", T0 + i * 2000,
                       visitor_id=f"visitor-{visitor:04d}", session_id=f"session-{visitor:04d}") for i in range(10)]
        send(store, batch)
        events += len(batch)

    assert store.write_requests / events <= 0.6


def test_long_free_text_is_cut_not_refused_and_tags_are_lower_case():
    store = MemoryStore()
    long_url = "http://127.0.0.1:8000/" + "a" * 3000

    send(store, [event("click", url=long_url, title="t" * 600,
                       target={"tag": "BUTTON", "text": "x" * 300, "href": long_url})])

    stored, = store.events.values()
    assert len(stored["url"]) == 2048 and len(stored["title"]) == 512
    assert len(stored["target"]["text"]) == 200 and len(stored["target"]["href"]) == 2048
    assert stored["target"]["tag"] == "button"


def test_new_counts_only_first_arrivals():
    store = MemoryStore()
    one, two = event(), event(ts=T0 + 1000)

    first = send(store, [one, one])
    second = send(store, [one, two])

    assert (first.new, first.duplicates) == (1, 1)
    assert (second.new, second.duplicates) == (1, 1)


def test_a_resent_event_keeps_what_was_stored_first():
    store = MemoryStore()
    first = event(title="first")
    send(store, [first], now=T0 + MIN)
    writes = store.write_requests

    send(store, [{**first, "title": "changed"}], now=T0 + 2 * MIN)

    assert store.events[first["event_id"]]["title"] == "first"
    assert store.events[first["event_id"]]["received_at"] == T0 + MIN
    assert store.write_requests == writes  # nothing new: nothing written


def test_active_sessions_read_summaries_written_before_they_became_arrays():
    old = json.dumps({"visitor": "v", "start": T0, "last": T0 + MIN, "page": "/old", "pageviews": 2,
                      "src": "direct", "device": "desktop"})
    new = active_sessions.summary("w", T0, T0 + 2 * MIN, "/new", 1, "search", "mobile")
    items = [{"pk": {"S": "demo#1"}, "shard": {"N": "0"}, "s-old": {"S": old}, "s-new": {"S": new}}]

    live = active_sessions.sessions(items, T0 + 3 * MIN)

    assert [(s["sid"], s["page"], s["visitor"]) for s in live] == [("s-new", "/new", "w"), ("s-old", "/old", "v")]
