"""Property-based fuzzing of POST /events over HTTP: events built from the protocol's schema,
then mutated, in hostile bodies, content types and headers. Whatever is sent: no 5xx (but a
503 while `liveinsight chaos` injects a DynamoDB fault), no dropped connection, every valid
event of an accepted request stored, and nothing invalid stored."""

import json
import math
import re
import time
from datetime import UTC, datetime, timedelta

import fastjsonschema
import pytest
import requests
from hypothesis import given, settings

from layout import events as event_items
from tests.ingest_support import event as page_event
from tests.stack_support import control

from .conftest import budget
from .requests_from_schema import SCHEMA, bodies, headers

pytestmark = pytest.mark.hostile
VALID = fastjsonschema.compile(SCHEMA)
EXAMPLES = budget(300)  # requests, each with 1 to 8 events
CHAOS_EXAMPLES = budget(60)
REASON = re.compile(r"(event|[a-z_]+(\.([a-z_]+|\*))*): [a-zA-Z]+( \([a-z_, ]+\))?")


class Ledger:
    """What the fuzzer was told: each event key an accepted request holds, valid by the schema."""

    def __init__(self) -> None:
        self.accepted: set[tuple[str, str]] = set()
        self.requests = {"sent": 0, "2xx": 0, "4xx": 0, "429": 0, "503": 0}

    def add(self, body: str | bytes) -> int:
        valid = valid_events(body)
        self.accepted |= {(event_items.visitor_key(e["site_id"], e["visitor_id"]), e["event_id"]) for e in valid}
        return len(valid)


class _NotANumber:
    """NaN, Infinity or 1e999 as the body spells them: the protocol takes none as a number."""


def _finite(text: str) -> float | _NotANumber:
    value = float(text)
    return value if math.isfinite(value) else _NotANumber()


def valid_events(body: str | bytes) -> list[dict]:
    try:  # as bytes, as the server reads them (a UTF-8 byte order mark is allowed)
        raw = body.encode() if isinstance(body, str) else body
        data = json.loads(raw, parse_constant=lambda _: _NotANumber(), parse_float=_finite)
    except (ValueError, RecursionError, UnicodeDecodeError):
        return []
    events = data.get("events", []) if isinstance(data, dict) and "events" in data else [data]
    out = []
    for event in events if isinstance(events, list) else []:
        try:
            VALID(event)
        except fastjsonschema.JsonSchemaException:
            continue
        out.append(event)
    return out


def send(stack, ledger: "Ledger", body: str | bytes, sent_headers: dict[str, str], chaos: bool) -> requests.Response:
    """One request as the tracker sends it, resent as the tracker would after a 429 (and, under
    chaos, a 503): what it finally answers is what the client keeps."""
    for _ in range(40):
        response = requests.post(f"{stack.api}/events", data=body, headers=sent_headers, timeout=30)
        if response.status_code == 429 or (chaos and response.status_code == 503):
            assert response.headers.get("retry-after"), response.text
            ledger.requests[str(response.status_code)] += 1
            time.sleep(min(float(response.headers["retry-after"]), 0.5))
            continue
        return response
    return response


def check(stack, ledger: Ledger, body: str | bytes, sent_headers: dict[str, str], chaos: bool = False) -> None:
    ledger.requests["sent"] += 1
    response = send(stack, ledger, body, sent_headers, chaos)  # a dropped connection raises here
    status = response.status_code
    assert status < 500, (status, response.text, body[:300])
    answer = response.json()  # every answer is JSON, and says why
    if status == 200:
        ledger.requests["2xx"] += 1
        assert answer["accepted"] == ledger.add(body), (answer, body[:300])
        for rejected in answer["rejected"]:
            assert REASON.fullmatch(rejected["reason"]), rejected  # a fixed set, never a client's key
    else:
        ledger.requests["4xx"] += 1
        assert status in (400, 403, 404, 408, 413, 415, 429) and answer["message"], (status, answer)


def stored(stack, site_ids: list[str]) -> dict[tuple[str, str], dict]:
    ddb = stack.client("dynamodb")
    found, kwargs = {}, {"TableName": stack.outputs["EventsTableName"]}
    while True:
        page = ddb.scan(**kwargs)
        for item in page["Items"]:
            if item["pk"]["S"].split("#", 1)[0] in site_ids:
                found[(item["pk"]["S"], item["event_id"]["S"])] = event_items.from_item(item)
        if "LastEvaluatedKey" not in page:
            return found
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def assert_stored_exactly(stack, ledger: Ledger, site_ids: list[str]) -> None:
    """Every valid event of an accepted request is stored, and nothing else: each stored
    event still satisfies the schema in the fields the client gave."""
    found = stored(stack, site_ids)
    assert set(found) == ledger.accepted
    client_fields = set(SCHEMA["properties"])
    for record in found.values():
        given_fields = {k: v for k, v in record.items() if k in client_fields}
        given_fields["ts"] = record.get("client_ts", record["ts"])
        VALID(given_fields)


def fuzz(stack, sites, ledger: Ledger, examples: int, chaos: bool = False):
    now = int(time.time() * 1000)
    others = [sites["theirs"], "nosuchsite", "UPPER", "", "a" * 65, "demo\n"]

    @settings(settings.get_profile("hostile"), max_examples=examples)
    @given(body=bodies(sites["mine"], now, others), sent_headers=headers(sites["origin"]))
    def run(body, sent_headers):
        check(stack, ledger, body, sent_headers, chaos)

    run()


@pytest.fixture(scope="module")
def ledger():
    return Ledger()


def metric(stack, name: str, since: datetime) -> float:
    points = stack.client("cloudwatch").get_metric_statistics(
        Namespace="LiveInsight", MetricName=name, Dimensions=[{"Name": "service", "Value": "ingest"}],
        StartTime=since, EndTime=datetime.now(UTC) + timedelta(minutes=1), Period=1, Statistics=["Sum"],
    )["Datapoints"]
    return sum(p["Sum"] for p in points)


def rejection_reasons(stack) -> set[str]:
    pages = stack.client("cloudwatch").get_paginator("list_metrics").paginate(
        Namespace="LiveInsight", MetricName="EventsRejected")
    return {d["Value"] for page in pages for m in page["Metrics"] for d in m["Dimensions"] if d["Name"] == "reason"}


def test_hostile_requests_get_no_5xx_and_store_every_valid_event_and_nothing_else(stack, sites, ledger):
    started = datetime.now(UTC)
    fuzz(stack, sites, ledger, EXAMPLES)

    assert_stored_exactly(stack, ledger, [sites["mine"], sites["theirs"]])
    print(f"\ningest fuzzing: {ledger.requests} requests, {len(ledger.accepted)} valid events stored")
    assert ledger.requests["2xx"] > EXAMPLES // 10 and ledger.requests["4xx"] > EXAMPLES // 10  # both paths tried
    # a client's mistakes page no one, and make no metric of a name the client chose
    time.sleep(2)  # the functions' metrics reach CloudWatch a moment later
    assert metric(stack, "EventsProcessed", started) >= len(ledger.accepted)  # the metrics did arrive
    assert metric(stack, "ProcessingErrors", started) == 0
    reasons = rejection_reasons(stack)
    assert "props.*: maxLength" in reasons or "props: maxProperties" in reasons
    assert all(REASON.fullmatch(r) or re.fullmatch(r"http_\d{3}", r) for r in reasons), reasons
    assert len(reasons) < 60, reasons


def test_under_injected_dynamodb_faults_only_an_explained_503_and_nothing_lost(stack, sites, ledger):
    before = dict(ledger.requests)
    table = stack.outputs["EventsTableName"]
    # first a certain one: Events refusing every write, a valid request answers an explained 503,
    # and its resend once the fault is gone stores the event once
    outage = control(stack, "faults", "POST", {"target": "dynamodb", "table": table, "throttle": 1.0})
    body = json.dumps(page_event("page_view", int(time.time() * 1000), "/chaos", site_id=sites["mine"]))
    try:
        refused = requests.post(f"{stack.api}/events", data=body, timeout=30)
    finally:
        control(stack, f"faults?id={outage['id']}", "DELETE")
    assert refused.status_code == 503 and refused.headers.get("retry-after"), refused.text
    ledger.requests["503"] += 1
    check(stack, ledger, body, {"Content-Type": "text/plain"})
    # then the fuzzing, with half the attempts throttled and a tenth failed
    faults = [control(stack, "faults", "POST", {"target": "dynamodb", "table": table, "throttle": 0.5}),
              control(stack, "faults", "POST", {"target": "dynamodb", "table": table, "error": 0.1})]
    try:
        fuzz(stack, sites, ledger, CHAOS_EXAMPLES, chaos=True)
    finally:
        for fault in faults:
            control(stack, f"faults?id={fault['id']}", "DELETE")

    assert_stored_exactly(stack, ledger, [sites["mine"], sites["theirs"]])
    during = {k: v - before[k] for k, v in ledger.requests.items()}
    print(f"\ningest fuzzing under chaos: {during} requests")
    assert during["503"] > 0  # the faults were met, explained, and retried
