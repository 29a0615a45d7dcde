"""Hour and day counters from the pipeline: exact unique visitors over any range, session
dimensions, funnels, and dimensions that stay bounded whatever clients send."""

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.pipeline import STATS, Pipeline
from layout import counters, uniques
from tests.ingest_support import MIN, T0, event

DAY = 86_400_000
DAY0 = T0 // DAY
CHECKOUT = {"name": "checkout", "steps": [{"name": "Product", "page": "/products/*"},
                                          {"name": "Cart", "page": "/cart/"}, {"name": "Bought", "goal": "purchase"}]}


def shop() -> Pipeline:
    return Pipeline({"demo": {"allowed_origins": ["http://localhost:8000"], "funnels": [CHECKOUT]}})


def send(pipeline, events, now):
    pipeline.send({"events": events}, now)
    pipeline.drain()


def day(pipeline, number=DAY0, dim=""):
    return pipeline.counters("demo", counters.dim(number, dim) if dim else counters.day(number))


def days(pipeline):
    found = {}
    for pk in pipeline.ddb.tables[STATS].items:
        parts = pk.split("#")
        if len(parts) == 3 and parts[1] == "d":
            found[int(parts[2])] = pipeline.counters("demo", f"d#{parts[2]}")
    return found


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sets(st.integers(0, 9), min_size=1), min_size=1, max_size=6))
def test_unique_visitors_over_every_range_of_days_are_exact(activity):
    pipeline = Pipeline()
    visits = sorted((d, v) for v, seen in enumerate(activity) for d in seen)
    for d, v in visits:  # each visit sent on its day, as the clock skew forces
        ts = T0 + d * DAY
        send(pipeline, [event(ts=ts, visitor_id=f"visitor-{v:04d}", session_id=f"session-{v:04d}-{d:03d}")], ts)

    counted = days(pipeline)
    for first in range(10):
        for last in range(first, 10):
            truth = sum(1 for seen in activity if any(first <= d <= last for d in seen))
            assert uniques.unique(counted, DAY0 + first, DAY0 + last) == truth, (first, last)


def test_a_visitor_twice_in_an_hour_counts_once_in_that_hour_and_day():
    pipeline = Pipeline()
    send(pipeline, [event(ts=T0)], T0)
    send(pipeline, [event(ts=T0 + 5 * MIN, session_id="session-0002")], T0 + 5 * MIN)

    assert day(pipeline)["h12#vi"] == 1 and day(pipeline)["h12#se"] == 2
    assert uniques.unique(days(pipeline), DAY0, DAY0) == 1


def test_day_counters_hold_bounces_entries_exits_sources_and_devices():
    pipeline = Pipeline()
    send(pipeline, [event(ts=T0, path="/landing", url="http://127.0.0.1:8000/landing?utm_source=news&utm_medium=email")],
         T0)
    send(pipeline, [event(ts=T0, path="/a", visitor_id="visitor-0002", session_id="session-0002"),
                    event(ts=T0 + 1000, path="/b", visitor_id="visitor-0002", session_id="session-0002"),
                    event("heartbeat", T0 + 2000, path="/b", visitor_id="visitor-0002", session_id="session-0002")],
         T0 + 2000)

    totals = day(pipeline)
    assert (totals["se"], totals["bo"], totals["pv"], totals["eng"], totals["vn"]) == (2, 1, 3, 15000, 2)
    assert (day(pipeline, dim="en")["en#/landing"], day(pipeline, dim="en")["en#/a"]) == (1, 1)
    assert day(pipeline, dim="ex")["ex#/b"] == 1 and day(pipeline, dim="p")["p#/b"] == 1
    assert day(pipeline, dim="us")["us#news"] == 1 and day(pipeline, dim="um")["um#email"] == 1
    assert (day(pipeline, dim="r")["r#news"], day(pipeline, dim="r")["r#direct"]) == (1, 1)
    assert day(pipeline, dim="b")["b#Chrome"] == 2 and day(pipeline, dim="dv")["dv#desktop"] == 2


def test_an_exit_page_moves_as_the_session_goes_on():
    pipeline = Pipeline()
    send(pipeline, [event(ts=T0, path="/a")], T0)
    send(pipeline, [event(ts=T0 + 2 * MIN, path="/b")], T0 + 2 * MIN)

    assert day(pipeline, dim="ex") == {"ex#/a": 0, "ex#/b": 1, "n#ex": 2}
    assert day(pipeline)["bo"] == 0 and day(pipeline)["se"] == 1


def test_funnel_steps_count_in_order_whatever_order_the_events_arrive_in():
    journey = [event(ts=T0 + i * 1000, path=p) for i, p in enumerate(["/", "/products/mug", "/cart/"])]
    journey.append(event("conversion", T0 + 4000, path="/checkout/"))
    backwards = [event(ts=T0 + i * 1000, path=p, visitor_id="visitor-0002", session_id="session-0002")
                 for i, p in enumerate(["/cart/", "/products/mug"])]  # the cart came first: one step only
    ordered, shuffled = shop(), shop()
    send(ordered, journey + backwards, T0 + 5000)
    for e in random.Random(4).sample(journey + backwards, 6):
        send(shuffled, [e], T0 + 5000)

    for pipeline in (ordered, shuffled):
        totals = day(pipeline)
        assert (totals["f#checkout#1"], totals["f#checkout#2"], totals["f#checkout#3"]) == (2, 1, 1)
        assert totals["cs"] == 1 and day(pipeline, dim="g")["g#purchase"] == 1


def test_dimensions_stay_bounded_and_add_up_whatever_clients_send():
    pipeline = Pipeline()
    sent = 0
    for i in range(400):  # 400 visitors, each with their own long path, campaign and referrer
        path = f"/{i}-" + "x" * 3000
        url = f"http://127.0.0.1:8000{path}?utm_source={'s' * 200}{i}&utm_campaign={i}{'c' * 300}"
        pipeline.send({"events": [event(ts=T0, url=url, referrer=f"https://{i}.example{'e' * 100}.org/",
                                        visitor_id=f"visitor-{i:04d}", session_id=f"session-{i:04d}")]}, T0)
        sent += 1
        if i % 50 == 0:
            pipeline.drain()
    pipeline.drain()

    for prefix, bound in counters.DAY_DIMS.items():
        found = day(pipeline, dim=prefix)
        names = {k: v for k, v in found.items() if k.startswith(f"{prefix}#")}
        assert len(names) <= bound.limit + 1  # the names it holds, and OTHER
        if prefix in ("p", "en", "ex", "r", "us", "uc"):
            assert sum(names.values()) == sent, prefix
    assert pipeline.ddb.largest[0] <= counters.LARGEST < 64 * 1024


def test_sessions_that_begin_and_end_within_one_stream_batch_are_counted():
    pipeline = Pipeline()
    for hour in range(3):  # a backlog: three visits hours apart, read by the sessionizer at once
        ts = T0 + hour * 3_600_000
        pipeline.send({"events": [event(ts=ts, session_id=f"session-{hour:04d}", path=f"/h{hour}")]}, ts)
    pipeline.drain()

    assert day(pipeline)["se"] == 3 and day(pipeline)["bo"] == 3
    assert day(pipeline, dim="en") == {"en#/h0": 1, "en#/h1": 1, "en#/h2": 1, "n#en": 3}
