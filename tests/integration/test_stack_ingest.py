"""The ingest API of `liveinsight up`, over HTTP, against the emulator's tables."""

import uuid

import pytest

pytestmark = pytest.mark.integration


def test_valid_event_is_acknowledged_and_stored(stack):
    # GIVEN a valid page_view
    event_id = str(uuid.uuid4())
    event = {"event_id": event_id, "type": "page_view", "site_id": "demo", "url": "http://127.0.0.1:8000/"}

    # WHEN it is posted to the gateway
    response = stack.post(event, headers={"content-type": "application/json"})

    # THEN it is acknowledged and found in the Events table the deploy created
    assert response.status_code == 200
    assert response.json()["accepted"] == 1
    item = stack.client("dynamodb").get_item(
        TableName=stack.outputs["EventsTableName"], Key={"event_id": {"S": event_id}}
    )["Item"]
    assert item["type"] == {"S": "page_view"}
    assert item["site_id"] == {"S": "demo"}


def test_malformed_body_gets_400_with_a_json_error(stack):
    response = stack.post("{not json", headers={"content-type": "application/json"})

    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json"
    assert "JSON" in response.json()["message"]


def test_unknown_route_gets_404(stack):
    import requests

    response = requests.get(f"{stack.api}/nowhere", timeout=5)

    assert response.status_code == 404
    assert response.json() == {"message": "Not Found"}
