"""The REST API against the embedded stack, with data ingested over HTTP."""

import time
import uuid

import pytest
import requests

from tests.ingest_support import event
from tests.stack_support import eventually

pytestmark = pytest.mark.integration


def now_ms():
    return int(time.time() * 1000)


def visit(stack, *paths, site="demo", origin=None):
    vid = uuid.uuid4().hex[:12]
    events = [event("page_view", now_ms(), p, site_id=site, visitor_id=f"v-{vid}", session_id=f"s-{vid}")
              for p in paths]
    headers = {"origin": origin} if origin else {}
    response = stack.post({"events": events}, headers=headers)
    assert response.status_code == 200, response.text
    return f"v-{vid}"


def test_active_sessions_show_a_visitor_ingested_over_http(stack):
    visitor = visit(stack, "/a", "/pricing")

    def mine():
        body = stack.query("sessions/active", stack.demo["token"], site="demo").json()
        return body, [s for s in body["sessions"] if s["visitor"] == visitor]

    body, listed = eventually(lambda: (found := mine())[1] and found)  # listed within a second or so
    assert body["site"] == "demo" and len(body["sessions"]) == min(body["count"], 100) >= 1
    assert len(listed) == 1 and listed[0]["page"] == "/pricing" and listed[0]["pageviews"] == 2


def test_realtime_counts_the_minute_and_the_pages_of_those_active_now(stack):
    site = f"rt-{uuid.uuid4().hex[:6]}"
    owner = stack.user(f"owner-{site}", site=site)
    visit(stack, "/realtime-check", site=site)

    def counted():
        body = stack.query("realtime", owner["token"], site=site, minutes=2).json()
        return body if sum(m["pageviews"] for m in body["per_minute"]) == 1 and body["active_visitors"] == 1 else None

    after = eventually(counted)
    assert after, stack.query("realtime", owner["token"], site=site, minutes=2).json()
    assert len(after["per_minute"]) == 2
    assert after["top_pages"] == [{"name": "/realtime-check", "count": 1}]
    assert after["top_sources"] == [{"name": "direct", "count": 1}]


def test_no_credentials_get_401_and_the_dashboard_asks_to_sign_in(stack):
    assert stack.query("sessions/active", site="demo").status_code == 401
    page = requests.get(f"{stack.dashboard}/", timeout=10)
    assert page.url.startswith(f"{stack.dashboard}/accounts/login/")


def test_another_users_site_is_not_found(stack):
    other = stack.user("mallory", site="mallory-site")

    assert stack.query("sessions/active", other["token"], site="demo").status_code == 404
    assert stack.query("realtime", stack.demo["token"], site="mallory-site").status_code == 404


@pytest.mark.parametrize("params, name", [
    ({}, "site"), ({"site": "Not A Site!"}, "site"), ({"site": "demo", "minutes": "0"}, "minutes"),
    ({"site": "demo", "minutes": "lots"}, "minutes"), ({"site": "demo", "top": "1000"}, "top"),
])
def test_bad_parameters_get_400_naming_the_parameter(stack, params, name):
    response = stack.query("realtime", stack.demo["token"], **params)

    assert response.status_code == 400
    assert list(response.json()) == [name]


def test_a_registered_site_is_enforced_by_the_ingest(stack):
    owner = stack.user("olive")
    site_id = f"olive-{uuid.uuid4().hex[:6]}"
    origin = "https://olive.example"

    created = requests.post(f"{stack.dashboard}/api/sites", json={
        "site_id": site_id, "name": "Olive's", "allowed_origins": [origin]},
        headers={"Authorization": f"Token {owner['token']}"}, timeout=10)

    assert created.status_code == 201
    visit(stack, "/", site=site_id, origin=origin)
    events = {"events": [event("page_view", now_ms(), "/", site_id=site_id)]}
    assert stack.post(events, headers={"origin": "https://elsewhere.example"}).status_code == 403


def test_openapi_schema_and_docs_are_served_without_a_cdn(stack):
    schema = requests.get(f"{stack.dashboard}/api/schema/", timeout=10)
    docs = requests.get(f"{stack.dashboard}/api/docs/", timeout=10)

    assert schema.status_code == 200 and "/api/sessions/active" in schema.text
    assert docs.status_code == 200 and "cdn" not in docs.text.lower()
