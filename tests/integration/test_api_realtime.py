"""The REST API against the embedded stack, with data ingested over HTTP."""

import time
import uuid

import pytest
import requests

from tests.ingest_support import event

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
    time.sleep(1.1)  # answers about who is active may be up to a second old (api/watch.py)

    body = stack.query("sessions/active", stack.demo["token"], site="demo").json()

    mine = [s for s in body["sessions"] if s["visitor"] == visitor]
    assert body["site"] == "demo" and len(body["sessions"]) == min(body["count"], 100) >= 1
    assert len(mine) == 1 and mine[0]["page"] == "/pricing" and mine[0]["pageviews"] == 2


def test_realtime_counts_the_minute_and_the_pages_of_those_active_now(stack):
    before = stack.query("realtime", stack.demo["token"], site="demo", minutes=2).json()
    visit(stack, "/realtime-check")

    time.sleep(1.1)  # answers about who is active may be up to a second old (api/watch.py)
    after = stack.query("realtime", stack.demo["token"], site="demo", minutes=2).json()

    assert len(after["per_minute"]) == 2
    assert sum(m["pageviews"] for m in after["per_minute"]) == sum(m["pageviews"] for m in before["per_minute"]) + 1
    assert after["active_visitors"] == before["active_visitors"] + 1
    assert {"name": "/realtime-check", "count": 1} in after["top_pages"]


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
