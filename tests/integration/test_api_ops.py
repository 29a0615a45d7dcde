"""The operations view: CloudWatch metrics and alarms of the embedded stack, staff only."""

import time

import pytest
import requests

from tests.ingest_support import event

pytestmark = pytest.mark.integration


def test_ops_reports_the_ingest_metrics_and_the_template_alarms(stack):
    assert stack.post({"events": [event("page_view", int(time.time() * 1000), "/ops-check")]}).status_code == 200
    deadline = time.monotonic() + 15
    while True:
        body = stack.query("ops", stack.demo["token"], minutes=10).json()
        if sum(body["series"]["events_processed"]) >= 1 and sum(body["series"]["invocations"]) >= 1:
            break
        assert time.monotonic() < deadline, body["series"]
        time.sleep(0.5)

    assert len(body["minutes"]) == 10 and set(body["series"]) >= {
        "events_processed", "processing_time_ms", "processing_errors", "invocations", "errors", "duration_ms",
        "throttles"}
    assert {a["name"].rsplit("-", 2)[-2] + "-" + a["name"].rsplit("-", 1)[-1] for a in body["alarms"]} >= {
        "processing-errors", "processing-time", "ingest-errors", "ingest-throttles"}


def test_ops_is_for_staff_only(stack):
    assert stack.query("ops", stack.user("norma")["token"]).status_code == 403
    assert stack.query("ops").status_code == 401
    assert stack.query("ops", stack.demo["token"], minutes="2").status_code == 400
    page = requests.get(f"{stack.dashboard}/ops", timeout=10)
    assert "/accounts/login/" in page.url
