"""The ingest API of `liveinsight up`, over HTTP, against the emulator's tables."""

import time
import uuid

import pytest
import requests

from layout import active, recent
from layout import events as event_items
from tests.ingest_support import event
from tests.stack_support import eventually, today

pytestmark = pytest.mark.integration


def now_ms():
    return int(time.time() * 1000)


def visitor_event(kind="page_view", path="/", **fields):
    vid = fields.pop("visitor", uuid.uuid4().hex[:12])
    return event(kind, now_ms(), path, visitor_id=f"v-{vid}", session_id=f"s-{vid}", **fields)


def test_valid_event_is_acknowledged_and_stored(stack):
    # GIVEN a valid page_view
    one = visitor_event()

    # WHEN it is posted to the gateway
    response = stack.post(one)

    # THEN it is acknowledged and found in the Events table the deploy created
    assert response.status_code == 200
    assert response.json() == {"accepted": 1, "duplicates": 0, "rejected": []}
    item = stack.client("dynamodb").get_item(
        TableName=stack.outputs["EventsTableName"], Key=event_items.key("demo", one["visitor_id"], one["event_id"])
    )["Item"]
    stored = event_items.from_item(item)
    assert stored["type"] == "page_view" and stored["site_id"] == "demo"
    assert stored["browser"] == "Chrome" and stored["path"] == "/"


def test_malformed_body_gets_400_with_a_json_error(stack):
    response = stack.post("{not json", headers={"content-type": "application/json"})

    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json"
    assert "JSON" in response.json()["message"]


def test_body_over_64_kb_gets_413(stack):
    assert stack.post("x" * 70_000).status_code == 413


def test_unknown_site_and_foreign_origin_get_the_same_403(stack):
    unknown = stack.post(visitor_event(site_id="nowhere"))
    foreign = stack.post(visitor_event(), headers={"origin": "https://evil.example"})

    assert unknown.status_code == foreign.status_code == 403
    assert unknown.json() == foreign.json()


def test_the_demo_site_accepts_the_dashboard_origin(stack):
    response = stack.post(visitor_event(), headers={"origin": "http://127.0.0.1:8000"})

    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "http://127.0.0.1:8000"


def test_a_resent_batch_is_counted_once_and_the_visitor_is_active(stack):
    site = f"resend-{uuid.uuid4().hex[:6]}"
    stack.user(f"owner-{site}", site=site)
    vid = uuid.uuid4().hex[:12]
    batch = {"events": [visitor_event(path="/a", visitor=vid, site_id=site),
                        visitor_event(path="/b", visitor=vid, site_id=site),
                        visitor_event("click", path="/b", visitor=vid, site_id=site)]}

    first = stack.post(batch)
    again = stack.post(batch)

    assert first.json() == {"accepted": 3, "duplicates": 0, "rejected": []}
    assert again.json() == {"accepted": 3, "duplicates": 3, "rejected": []}
    ddb = stack.client("dynamodb")

    def mine():
        found = active.read(ddb, stack.outputs["StatsTableName"], stack.outputs["ActiveSessionsTableName"],
                            recent.Feed(site, active.WINDOW_MINUTES), now_ms())
        return [s for s in found["sessions"] if s["visitor"] == f"v-{vid}"]

    listed = eventually(mine)
    assert len(listed) == 1 and listed[0]["pageviews"] == 2 and listed[0]["page"] == "/b"
    assert eventually(lambda: today(stack, site).get("se") == 1)
    time.sleep(2)  # a second window of the counters changes nothing
    assert today(stack, site)["pv"] == 2 and today(stack, site)["ev"] == 3 and today(stack, site)["se"] == 1


def test_unknown_route_gets_404(stack):
    response = requests.get(f"{stack.api}/nowhere", timeout=5)

    assert response.status_code == 404
    assert response.json() == {"message": "Not Found"}
