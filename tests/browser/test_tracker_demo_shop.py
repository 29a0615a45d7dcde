"""A visitor walks the demo shop in Chromium; exactly the expected events end up in DynamoDB."""

import json
import time
from urllib.parse import urlsplit

import fastjsonschema
import pytest

from embedded.settings import ROOT
from layout import events as event_items
from layout.ddb import query

pytestmark = pytest.mark.integration

SCHEMA = json.loads((ROOT / "protocol" / "v1" / "request.schema.json").read_text())
EVENT = fastjsonschema.compile(json.loads((ROOT / "protocol" / "v1" / "event.schema.json").read_text()))
REQUEST = fastjsonschema.compile(SCHEMA)


def walk(stack, page):
    """Load, navigate, click a marked element, navigate in-app, convert, hide the tab,
    leave by an outbound link (the caller then closes the page)."""
    shop = f"{stack.dashboard}/demo/"
    page.goto(shop)
    page.click("#shop-all")
    page.wait_for_url("**/demo/products/")
    page.click("text=Trail Runner")
    page.wait_for_url("**/trail-runner/")
    page.click("#add-to-cart")  # data-li-event="add-to-cart"
    page.click("#show-reviews")  # an in-app navigation (pushState)
    page.click("#cart-link")
    page.wait_for_url("**/demo/cart/")
    page.click("#to-checkout")
    page.wait_for_url("**/demo/checkout/")
    page.check("#newsletter")
    page.click("#place-order")
    page.wait_for_selector("#thanks", state="visible")
    hide_and_show(page)
    page.click("#partner")  # outbound: the click leaves by beacon as the page goes
    page.wait_for_url("https://www.example.org/**")
    page.wait_for_timeout(1000)  # a person reads the next page a moment; beacons are under way


HIDE = """(hidden) => {
  Object.defineProperty(document, 'hidden', {value: hidden, configurable: true})
  Object.defineProperty(document, 'visibilityState', {value: hidden ? 'hidden' : 'visible', configurable: true})
  document.dispatchEvent(new Event('visibilitychange', {bubbles: true}))
}"""


def hide_and_show(page):
    """Hide the tab a while. Headless Chromium never hides a tab by itself, so this sets
    the page's visibility and fires the event the browser fires."""
    page.wait_for_timeout(1200)  # engaged time worth reporting
    page.evaluate(HIDE, True)
    page.wait_for_timeout(300)
    page.evaluate(HIDE, False)


def sent_bodies(context):
    bodies = []
    context.on("request", lambda r: r.url.endswith("/events") and r.method == "POST"
               and bodies.append(json.loads(r.post_data)))
    return bodies


def stored_for(stack, visitor_id, expected, timeout=30.0):
    """The visitor's events in the Events table, once `expected` of them are there."""
    ddb = stack.client("dynamodb")
    deadline = time.monotonic() + timeout
    while True:
        items = list(query(ddb, TableName=stack.outputs["EventsTableName"], KeyConditionExpression="pk = :v",
                           ExpressionAttributeValues={":v": {"S": event_items.visitor_key("demo", visitor_id)}}))
        if len(items) >= expected or time.monotonic() > deadline:
            return [event_items.from_item(i) for i in items]
        time.sleep(0.5)


def shape(events):
    """What a visit did, ignoring ids, times and heartbeats (their number depends on timing)."""
    # events of one millisecond (a purchase and a signup, say) in a fixed order
    return sorted((e["ts"], e["type"], _detail(e)) for e in events if e["type"] != "heartbeat")


def _detail(event):
    if event["type"] == "page_view":
        parts = urlsplit(event["url"])
        return parts.path + (f"?{parts.query}" if parts.query else "")
    if event["type"] == "click":
        return event["target"].get("name") or event["target"].get("href")
    return event["goal"]


EXPECTED = [
    ("page_view", "/demo/"),
    ("page_view", "/demo/products/"),
    ("page_view", "/demo/products/trail-runner/"),
    ("click", "add-to-cart"),
    ("page_view", "/demo/products/trail-runner/?tab=reviews"),
    ("page_view", "/demo/cart/"),
    ("page_view", "/demo/checkout/"),
    ("conversion", "purchase"),
    ("conversion", "signup"),
    ("page_view", "/demo/checkout/?done=1"),
    ("click", "https://www.example.org/partners"),
]


def run_visit(stack, context):
    bodies = sent_bodies(context)
    page = context.new_page()
    page.goto(f"{stack.dashboard}/demo/")
    visitor = page.evaluate("JSON.parse(localStorage.getItem('li_v'))")
    walk(stack, page)
    page.close(run_before_unload=True)
    return visitor, bodies


def assert_stored_exactly(stack, visitor, bodies):
    assert bodies, "the browser sent events"
    for body in bodies:
        REQUEST(body)
        for event in body["events"]:
            EVENT(event)
    expected_count = len(EXPECTED) + 1  # the page view of the first load
    stored = stored_for(stack, visitor, expected_count)
    ids = [e["event_id"] for e in stored]
    assert len(ids) == len(set(ids))
    assert [(kind, detail) for _, kind, detail in shape(stored)][1:] == EXPECTED
    for event in stored:
        assert event["site_id"] == "demo" and event["browser"] == "Chrome" and event["bot"] is False
    purchase = next(e for e in stored if e.get("goal") == "purchase")
    assert purchase["value"] == 89.0 and purchase["currency"] == "EUR"
    outbound = next(e for e in stored if e.get("target", {}).get("href", "").startswith("https://www.example.org"))
    assert outbound["target"]["outbound"] is True
    engaged = [e["engaged_ms"] for e in stored if e["type"] == "heartbeat"]
    assert engaged and min(engaged) >= 1000  # at least the hidden checkout page's engaged time


def test_a_walk_through_the_demo_shop_stores_exactly_its_events(stack, context):
    visitor, bodies = run_visit(stack, context)

    assert_stored_exactly(stack, visitor, bodies)


def test_the_same_walk_arrives_whole_when_the_ingest_fails_at_first(stack, context):
    failures = {"left": 3}

    def flaky(route):
        # only fetches: a beacon is fire-and-forget, and the tracker keeps no answer to retry on
        if failures["left"] > 0 and route.request.resource_type == "fetch":
            failures["left"] -= 1
            route.fulfill(status=503, body='{"message":"unavailable"}', headers={"Retry-After": "1"})
        else:
            route.continue_()

    context.route(f"{stack.api}/events", flaky)

    visitor, bodies = run_visit(stack, context)

    assert failures["left"] == 0
    assert_stored_exactly(stack, visitor, bodies)
