"""Hour and day counters: exact unique visitors over any range, session dimensions, funnels."""

import json
import random

from hypothesis import given, settings
from hypothesis import strategies as st
from ingest import process, visitors
from ingest.config import Config
from ingest.memory_store import MemoryStore

from tests.ingest_support import BROWSER_UA, MIN, T0, event

CONFIG = Config(events_table="e", sessions_table="s", active_table="a", stats_table="st", sites_table="si")
DAY = 86_400_000
DAY0 = T0 // DAY
CHECKOUT = {"name": "checkout", "steps": [{"name": "Product", "page": "/products/*"},
                                          {"name": "Cart", "page": "/cart/"}, {"name": "Bought", "goal": "purchase"}]}


def shop() -> MemoryStore:
    return MemoryStore({"demo": {"allowed_origins": ["http://localhost:8000"], "funnels": [CHECKOUT]}})


def send(store, events, now):
    return process.ingest(process.Request(json.dumps({"events": events}), None, BROWSER_UA, now), store, CONFIG)


def days(store):
    return {int(pk.split("#")[2]): c for pk, c in store.stats.items() if pk.count("#") == 2 and "#d#" in pk}


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sets(st.integers(0, 9), min_size=1), min_size=1, max_size=6))
def test_unique_visitors_over_every_range_of_days_are_exact(activity):
    store = MemoryStore()
    visits = sorted((day, v) for v, seen in enumerate(activity) for day in seen)
    for day, v in visits:  # each visit sent on its day, as the clock skew forces
        ts = T0 + day * DAY
        send(store, [event(ts=ts, visitor_id=f"visitor-{v:04d}", session_id=f"s-{v:04d}-{day:03d}")], ts)

    counted = days(store)
    for first in range(10):
        for last in range(first, 10):
            truth = sum(1 for seen in activity if any(first <= d <= last for d in seen))
            assert visitors.unique(counted, DAY0 + first, DAY0 + last) == truth, (first, last)


def test_a_visitor_twice_in_an_hour_counts_once_in_that_hour_and_day():
    store = MemoryStore()
    send(store, [event(ts=T0)], T0)
    send(store, [event(ts=T0 + 5 * MIN, session_id="session-0002")], T0 + 5 * MIN)

    day = store.stats[f"demo#d#{DAY0}"]
    assert day["h12#vi"] == 1 and day["h12#se"] == 2
    assert visitors.unique(days(store), DAY0, DAY0) == 1


def test_day_counters_hold_bounces_entries_exits_sources_and_devices():
    store = MemoryStore()
    send(store, [event(ts=T0, path="/landing", url="http://127.0.0.1:8000/landing?utm_source=news&utm_medium=email")],
         T0)
    send(store, [event(ts=T0, path="/a", visitor_id="visitor-0002", session_id="session-0002"),
                 event(ts=T0 + 1000, path="/b", visitor_id="visitor-0002", session_id="session-0002"),
                 event("heartbeat", T0 + 2000, path="/b", visitor_id="visitor-0002", session_id="session-0002")],
         T0 + 2000)

    day = store.stats[f"demo#d#{DAY0}"]
    pages = store.stats[f"demo#d#{DAY0}#pages"]
    sources = day
    assert (day["se"], day["bo"], day["pv"], day["eng"], day["vn"]) == (2, 1, 3, 15000, 2)
    assert (pages["en#/landing"], pages["en#/a"], pages["ex#/b"], pages["p#/b"]) == (1, 1, 1, 1)
    assert (sources["us#news"], sources["um#email"], sources["r#news"], sources["r#direct"]) == (1, 1, 1, 1)
    assert sources["b#Chrome"] == 2 and sources["dv#desktop"] == 2


def test_funnel_steps_count_in_order_whatever_order_the_events_arrive_in():
    journey = [event(ts=T0 + i * 1000, path=p) for i, p in enumerate(["/", "/products/mug", "/cart/"])]
    journey.append(event("conversion", T0 + 4000, path="/checkout/"))
    backwards = [event(ts=T0 + i * 1000, path=p, visitor_id="visitor-0002", session_id="session-0002")
                 for i, p in enumerate(["/cart/", "/products/mug"])]  # the cart came first: one step only
    ordered, shuffled = shop(), shop()
    send(ordered, journey + backwards, T0 + 5000)
    for e in random.Random(4).sample(journey + backwards, 6):
        send(shuffled, [e], T0 + 5000)

    for store in (ordered, shuffled):
        day = store.stats[f"demo#d#{DAY0}"]
        assert (day["f#checkout#1"], day["f#checkout#2"], day["f#checkout#3"]) == (2, 1, 1)
        assert day["cs"] == 1 and day["g#purchase"] == 1
