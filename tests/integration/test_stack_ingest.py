"""The ingest API of `liveinsight up`, over HTTP, against the emulator's tables."""

import time
import uuid

import boto3
import pytest
import requests
from ingest import active_sessions, event_items, stats

from tests.ingest_support import event

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
        TableName=stack.outputs["EventsTableName"], Key={"event_id": {"S": one["event_id"]}}
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


def test_unknown_site_and_foreign_origin_get_403(stack):
    assert stack.post(visitor_event(site_id="nowhere")).status_code == 403
    assert stack.post(visitor_event(), headers={"origin": "https://evil.example"}).status_code == 403


def test_the_demo_site_accepts_the_dashboard_origin(stack):
    response = stack.post(visitor_event(), headers={"origin": "http://127.0.0.1:8000"})

    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "http://127.0.0.1:8000"


def test_a_resent_batch_is_counted_once_and_the_visitor_is_active(stack):
    vid = uuid.uuid4().hex[:12]
    batch = {"events": [visitor_event(path="/a", visitor=vid), visitor_event(path="/b", visitor=vid),
                        visitor_event("click", path="/b", visitor=vid)]}
    ddb = boto3.client("dynamodb", endpoint_url=stack.settings.endpoint_url, region_name="us-east-1")
    minute = now_ms() // 60000
    before = stats.minutes(ddb, stack.outputs["StatsTableName"], "demo", [minute, minute + 1])

    first = stack.post(batch)
    again = stack.post(batch)

    assert first.json() == {"accepted": 3, "duplicates": 0, "rejected": []}
    assert again.json() == {"accepted": 3, "duplicates": 3, "rejected": []}
    after = stats.minutes(ddb, stack.outputs["StatsTableName"], "demo", [minute, minute + 1])
    pageviews = sum(after[m].get("pv", 0) - before[m].get("pv", 0) for m in after)
    assert pageviews == 2
    active = active_sessions.read(ddb, stack.outputs["ActiveSessionsTableName"], "demo", now_ms())
    mine = [s for s in active if s["visitor"] == f"v-{vid}"]
    assert len(mine) == 1 and mine[0]["pageviews"] == 2 and mine[0]["page"] == "/b"


def test_unknown_route_gets_404(stack):
    response = requests.get(f"{stack.api}/nowhere", timeout=5)

    assert response.status_code == 404
    assert response.json() == {"message": "Not Found"}
