"""The ingest, sessionizer and counters code over the DynamoDB model: stored once, counted once."""

import json

import pytest
from ingest import process
from ingest.errors import BodyTooLarge, Forbidden, InvalidBody

from benchmarks.pipeline import EVENTS, STATS, Pipeline
from layout import active, counters, events, recent
from tests.ingest_support import BROWSER_UA, MIN, T0, event

BOT_UA = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
MINUTE = counters.minute(T0 // MIN)


def send(pipeline, batch, now=T0 + MIN, origin="http://localhost:8000", ua=BROWSER_UA):
    result = pipeline.send({"events": batch} if isinstance(batch, list) else batch, now, origin, ua)
    pipeline.drain()
    return result


def stored(pipeline):
    return [events.from_item(i) for part in pipeline.ddb.tables[EVENTS].items.values() for i in part.values()]


def test_a_batch_is_stored_and_counted():
    pipeline = Pipeline()
    batch = [event("page_view", T0, "/"), event("page_view", T0 + 1000, "/a"), event("click", T0 + 2000, "/a")]

    result = send(pipeline, batch)

    assert result.body() == {"accepted": 3, "duplicates": 0, "rejected": []}
    assert {e["event_id"] for e in stored(pipeline)} == {e["event_id"] for e in batch}
    assert pipeline.counters("demo", MINUTE) == {"pv": 2, "se": 1, "vi": 1}


def test_resending_a_batch_stores_and_counts_nothing_twice():
    pipeline = Pipeline()
    batch = [event("page_view", T0 + i * 1000, f"/{i}") for i in range(5)]
    send(pipeline, batch)
    before = dict(pipeline.ddb.tables[STATS].items)

    again = send(pipeline, batch)

    assert again.body() == {"accepted": 5, "duplicates": 5, "rejected": []}
    assert dict(pipeline.ddb.tables[STATS].items) == before
    assert len(stored(pipeline)) == 5


def test_retry_of_a_batch_that_partly_succeeded_counts_each_event_once():
    pipeline = Pipeline()
    batch = [event("page_view", T0 + i * 1000, "/") for i in range(4)]
    send(pipeline, batch[:2])  # the first attempt got as far as these

    send(pipeline, batch)

    assert pipeline.counters("demo", MINUTE)["pv"] == 4
    assert pipeline.counters("demo", MINUTE)["se"] == 1


def test_an_event_repeated_within_one_batch_counts_once():
    pipeline = Pipeline()
    one = event()

    result = send(pipeline, [one, one])

    assert result.duplicates == 1 and pipeline.counters("demo", MINUTE)["pv"] == 1


def test_the_same_event_id_under_another_visitor_is_another_event():
    pipeline = Pipeline()
    one = event()

    send(pipeline, [one])
    result = send(pipeline, [{**one, "visitor_id": "visitor-0002"}])

    assert result.new == 1 and len(stored(pipeline)) == 2


def test_invalid_events_are_rejected_by_index_and_the_rest_stored():
    pipeline = Pipeline()
    bad = event()
    del bad["visitor_id"]

    result = send(pipeline, [event(), bad, event("click", target={"tag": 5})])

    assert result.accepted == 1
    assert [r["index"] for r in result.rejected] == [1, 2]
    assert "visitor_id" in result.rejected[0]["reason"]


def test_not_a_number_is_refused_per_event_and_counts_nothing():
    pipeline = Pipeline()
    body = json.dumps({"events": [event("conversion", value=1.0), event("conversion")]})
    body = body.replace('"value": 1.0', '"value": NaN', 1)

    result = send(pipeline, body)

    assert result.accepted == 1 and [r["index"] for r in result.rejected] == [0]
    assert pipeline.counters("demo", counters.day(T0 // 86_400_000))["cv"] == 1


@pytest.mark.parametrize("body, error", [
    ("{nope", InvalidBody), ("[]", InvalidBody), ('{"events": []}', InvalidBody),
    (json.dumps({"events": [{}] * 51}), InvalidBody), ("x" * 70000, BodyTooLarge), ("[" * 60_000, InvalidBody),
])
def test_bodies_that_are_not_the_protocol_shape(body, error):
    pipeline = Pipeline()
    with pytest.raises(error):
        process.ingest(process.Request(body, None, BROWSER_UA, T0), pipeline.store, pipeline.ingest_config)


def test_unknown_site_and_foreign_origin_are_forbidden_alike():
    with pytest.raises(Forbidden) as unknown:
        send(Pipeline(), [event(site_id="nope")])
    with pytest.raises(Forbidden) as foreign:
        send(Pipeline(), [event()], origin="https://evil.example")
    assert str(unknown.value) == str(foreign.value)


def test_bots_are_counted_apart_from_visitors():
    pipeline = Pipeline()

    send(pipeline, [event(), event()], ua=BOT_UA)

    assert pipeline.counters("demo", MINUTE) == {"bot": 2}
    assert all(e["bot"] for e in stored(pipeline))


def test_client_sent_ip_and_user_agent_are_ignored():
    pipeline = Pipeline()

    send(pipeline, [event(ip="1.2.3.4", user_agent="Googlebot", browser="Fake")])

    one, = stored(pipeline)
    assert "ip" not in one and "user_agent" not in one
    assert one["browser"] == "Chrome" and one["bot"] is False


def test_a_far_off_client_clock_is_replaced_and_flagged():
    pipeline = Pipeline()

    send(pipeline, [event(ts=T0 - 3600_000)], now=T0)

    one, = stored(pipeline)
    assert one["ts"] == T0 and one["skewed"] is True and one["client_ts"] == T0 - 3600_000


def test_long_free_text_is_cut_not_refused_and_tags_are_lower_case():
    pipeline = Pipeline()
    long_url = "http://127.0.0.1:8000/" + "a" * 3000

    send(pipeline, [event("click", url=long_url, title="t" * 600,
                          target={"tag": "BUTTON", "text": "x" * 300, "href": long_url})])

    one, = stored(pipeline)
    assert len(one["url"]) == 2048 and len(one["title"]) == 512
    assert len(one["target"]["text"]) == 200 and len(one["target"]["href"]) == 2048
    assert one["target"]["tag"] == "button"


def test_new_counts_only_first_arrivals():
    pipeline = Pipeline()
    one, two = event(), event(ts=T0 + 1000)

    first = send(pipeline, [one, one])
    second = send(pipeline, [one, two])

    assert (first.new, first.duplicates) == (1, 1)
    assert (second.new, second.duplicates) == (1, 1)


def test_a_resent_event_keeps_what_was_stored_first_and_writes_nothing():
    pipeline = Pipeline()
    first = event(title="first")
    send(pipeline, [first], now=T0 + MIN)
    writes = sum(pipeline.ddb.write_units.values())

    send(pipeline, [{**first, "title": "changed"}], now=T0 + 2 * MIN)

    one, = stored(pipeline)
    assert one["title"] == "first" and one["received_at"] == T0 + MIN
    assert sum(pipeline.ddb.write_units.values()) == writes


def test_a_heartbeat_in_the_same_minute_writes_no_session():
    pipeline = Pipeline()
    send(pipeline, [event("page_view", T0)], now=T0 + 1000)
    writes = pipeline.ddb.write_units["sessions"]

    send(pipeline, [event("heartbeat", T0 + 15_000)], now=T0 + 16_000)

    assert pipeline.ddb.write_units["sessions"] == writes
    assert pipeline.counters("demo", counters.day(T0 // 86_400_000))["eng"] == 15_000


def test_who_is_active_follows_the_last_event_and_expires_by_time():
    pipeline = Pipeline()
    send(pipeline, [event(ts=T0)], now=T0)
    send(pipeline, [event(ts=T0 + 2 * MIN, path="/later")], now=T0 + 2 * MIN)

    def now_at(ms):
        return active.read(pipeline.ddb, STATS, "active", recent.Feed("demo", active.WINDOW_MINUTES), ms)

    live, gone = now_at(T0 + 3 * MIN), now_at(T0 + 9 * MIN)
    assert [s["page"] for s in live["sessions"]] == ["/later"] and live["count"] == 1
    assert live["pages"] == {"/later": 1} and live["visitors"] == 1
    assert gone["sessions"] == [] and gone["count"] == 0
    assert pipeline.counters("demo", counters.live((T0 + 2 * MIN) // MIN))["la"] == 1
    assert pipeline.counters("demo", counters.live(T0 // MIN)).get("la", 0) == 0
