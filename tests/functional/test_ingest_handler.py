"""The ingest handler with canned API Gateway payload 2.0 events, against moto in-process."""

import base64
import json

import pytest
from botocore.exceptions import ClientError

from layout import events as event_items
from tests.ingest_support import event

from .conftest import FakeContext, canned


def post(handler, body, headers=None, source_ip="203.0.113.9"):
    request = canned("post_event", body=body if isinstance(body, str) else json.dumps(body))
    request["headers"].update(headers or {})
    request["requestContext"]["http"]["sourceIp"] = source_ip
    request["requestContext"]["timeEpoch"] = 1795694400000 + 60_000
    return handler.lambda_handler(request, FakeContext())


def emf_lines(capsys):
    return [json.loads(line) for line in capsys.readouterr().out.splitlines() if '"_aws"' in line]


def stored_ids(handler):
    items = handler.ddb.scan(TableName=handler.tables["EventsTable"])["Items"]
    return {i["event_id"]["S"] for i in items}


def test_valid_event_is_stored_and_counted(handler, capsys):
    response = handler.lambda_handler(canned("post_event"), FakeContext())

    assert response["statusCode"] == 200
    assert json.loads(response["body"]) == {"accepted": 1, "duplicates": 0, "rejected": []}
    assert stored_ids(handler) == {"6f1c1b52-8a0e-4c51-9d2b-0c8f5b7d2e01"}
    stored_event = json.loads(canned("post_event")["body"])
    item = handler.ddb.get_item(TableName=handler.tables["EventsTable"], Key=event_items.key(
        "demo", stored_event["visitor_id"], "6f1c1b52-8a0e-4c51-9d2b-0c8f5b7d2e01"))["Item"]
    stored = event_items.from_item(item)
    assert stored["utm_source"] == "newsletter" and stored["browser"] == "Chrome"
    assert stored["referrer_host"] == "google.com" and stored["bot"] is False
    assert "203.0.113.9" not in json.dumps(item)
    metrics = emf_lines(capsys)[-1]
    assert metrics["EventsProcessed"] == [1.0] and metrics["service"] == "ingest"


def test_the_raw_ip_is_never_logged(handler, capsys):
    post(handler, event(), source_ip="198.51.100.77")

    assert "198.51.100.77" not in capsys.readouterr().out


def test_batch_with_invalid_events_stores_the_valid_ones(handler, capsys):
    good = event()
    response = post(handler, {"events": [good, {"type": "page_view"}]})

    body = json.loads(response["body"])
    assert response["statusCode"] == 200 and body["accepted"] == 1
    assert body["rejected"][0]["index"] == 1
    assert stored_ids(handler) == {good["event_id"]}
    rejected = [m for m in emf_lines(capsys) if "EventsRejected" in m]
    assert rejected and rejected[0]["reason"]


@pytest.mark.parametrize("body, status", [
    ("{nope", 400), ('{"events": "x"}', 400), ("x" * 70_000, 413),
])
def test_bad_bodies(handler, body, status):
    response = post(handler, body)

    assert response["statusCode"] == status
    assert json.loads(response["body"])["message"]


def test_base64_body_is_decoded(handler):
    request = canned("post_event")
    request["body"] = base64.b64encode(request["body"].encode()).decode()
    request["isBase64Encoded"] = True

    assert handler.lambda_handler(request, FakeContext())["statusCode"] == 200


def test_unknown_site_and_foreign_origin_get_the_same_403(handler):
    unknown = post(handler, event(site_id="elsewhere"))
    foreign = post(handler, event(), headers={"origin": "https://evil.example"})

    assert unknown["statusCode"] == foreign["statusCode"] == 403
    assert unknown["body"] == foreign["body"]


def test_one_source_over_its_rate_gets_429(handler, monkeypatch):
    monkeypatch.setattr(handler, "limiter", handler.RateLimiter(rate=1, burst=5))

    statuses = [post(handler, event(), source_ip="192.0.2.1")["statusCode"] for _ in range(8)]

    assert statuses[:5] == [200] * 5 and 429 in statuses[5:]
    assert post(handler, event(), source_ip="192.0.2.2")["statusCode"] == 200


def test_throttling_that_outlasts_retries_gets_503_with_retry_after(handler, monkeypatch):
    def throttled(**_):
        raise ClientError({"Error": {"Code": "ProvisionedThroughputExceededException"}}, "BatchWriteItem")

    monkeypatch.setattr(handler.store.ddb, "batch_write_item", throttled)

    response = post(handler, event())

    assert response["statusCode"] == 503
    assert response["headers"]["Retry-After"] == "1"


def test_an_unexpected_fault_is_503_never_500(handler, monkeypatch):
    monkeypatch.setattr(handler.store, "stored", lambda keys: 1 / 0)

    response = post(handler, event())

    assert response["statusCode"] == 503 and "Retry-After" in response["headers"]
