"""History endpoints against the embedded stack: a fresh site, traffic ingested over HTTP."""

import datetime as dt
import time
import uuid

import pytest

from tests.ingest_support import event
from tests.stack_support import eventually, today

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def shop(stack):
    site = f"hist-{uuid.uuid4().hex[:6]}"
    owner = stack.user(f"owner-{site}", site=site, funnels=("checkout=page:/products/*,page:/cart/,goal:purchase",))
    now = int(time.time() * 1000)

    def send(visitor, session, *steps):
        events = [event(kind, now + i * 1000, path, site_id=site, visitor_id=visitor, session_id=session, **extra)
                  for i, (kind, path, extra) in enumerate(steps)]
        assert stack.post({"events": events}).status_code == 200

    send("visitor-aaaa", "session-a1", ("page_view", "/", {}), ("page_view", "/products/mug", {}),
         ("page_view", "/cart/", {}), ("conversion", "/cart/", {"goal": "purchase", "value": 14.5}))
    send("visitor-aaaa", "session-a2", ("page_view", "/", {}))
    send("visitor-bbbb", "session-b1",
         ("page_view", "/landing", {"url": "http://127.0.0.1:8000/landing?utm_source=news&utm_medium=email"}))
    assert eventually(lambda: today(stack, site).get("se") == 3 and today(stack, site).get("pv") == 5)
    return {"site": site, "token": owner["token"], "today": dt.datetime.now(dt.UTC).date().isoformat()}


def ask(stack, shop, path, **params):
    response = stack.query(f"history/{path}", shop["token"], site=shop["site"], **params)
    assert response.status_code == 200, response.text
    return response.json()


def test_summary_counts_visitors_sessions_bounces_and_conversions(stack, shop):
    body = ask(stack, shop, "summary", **{"from": shop["today"], "to": shop["today"]})

    assert {k: body[k] for k in ("visitors", "sessions", "pageviews", "bounces", "conversions", "converted_sessions")} \
        == {"visitors": 2, "sessions": 3, "pageviews": 5, "bounces": 2, "conversions": 1, "converted_sessions": 1}
    assert body["bounce_rate"] == round(2 / 3, 4) and body["conversion_rate"] == round(1 / 3, 4)
    assert body["goals"] == {"purchase": 1} and body["conversion_value"] == 14.5


@pytest.mark.parametrize("dimension, rows", [
    ("pages", [{"name": "/", "count": 2}, {"name": "/cart/", "count": 1}, {"name": "/landing", "count": 1},
               {"name": "/products/mug", "count": 1}]),
    ("entry_pages", [{"name": "/", "count": 2}, {"name": "/landing", "count": 1}]),
    ("exit_pages", [{"name": "/", "count": 1}, {"name": "/cart/", "count": 1}, {"name": "/landing", "count": 1}]),
    ("utm_source", [{"name": "news", "count": 1}]),
    ("referrers", [{"name": "direct", "count": 2}, {"name": "news", "count": 1}]),
    ("devices", [{"name": "desktop", "count": 3}]),
])
def test_breakdowns(stack, shop, dimension, rows):
    assert ask(stack, shop, "breakdown", dimension=dimension)["rows"] == rows


def test_series_by_day_hour_and_minute_add_up_to_the_summary(stack, shop):
    for interval in ("day", "hour", "minute"):
        points = ask(stack, shop, "series", interval=interval, **{"from": shop["today"], "to": shop["today"]})["points"]
        assert len(points) == {"day": 1, "hour": 24, "minute": 1440}[interval]
        assert sum(p["pageviews"] for p in points) == 5 and sum(p["sessions"] for p in points) == 3
    day, = ask(stack, shop, "series", interval="day", **{"from": shop["today"], "to": shop["today"]})["points"]
    assert day["visitors"] == 2 and day["bounces"] == 2 and day["conversions"] == 1


def test_funnel_counts_sessions_reaching_each_step(stack, shop):
    body = ask(stack, shop, "funnel", funnel="checkout")

    assert body["sessions"] == 3
    assert [(s["name"], s["sessions"]) for s in body["steps"]] == [("/products/*", 1), ("/cart/", 1), ("purchase", 1)]
    assert body["steps"][0]["from_start"] == round(1 / 3, 4)


@pytest.mark.parametrize("path, params, name", [
    ("summary", {"from": "2026-02-01", "to": "2026-01-01"}, "from"),
    ("summary", {"from": "yesterday"}, "from"),
    ("summary", {"to": "2999-01-01"}, "to"),
    ("summary", {"from": "2020-01-01", "to": "2026-01-01"}, "from"),
    ("breakdown", {"dimension": "shoe-size"}, "dimension"),
    ("series", {"interval": "minute", "from": "2026-01-01", "to": "2026-01-05"}, "interval"),
    ("series", {"interval": "week"}, "interval"),
    ("funnel", {"funnel": "nope"}, "funnel"),
    ("funnel", {}, "funnel"),
])
def test_bad_parameters_get_400_naming_the_parameter(stack, shop, path, params, name):
    response = stack.query(f"history/{path}", shop["token"], site=shop["site"], **params)

    assert response.status_code == 400
    assert list(response.json()) == [name]


def test_another_users_site_is_not_found_and_no_token_is_401(stack, shop):
    other = stack.user("hal")
    assert stack.query("history/summary", other["token"], site=shop["site"]).status_code == 404
    assert stack.query("history/funnel", site=shop["site"], funnel="checkout").status_code == 401
