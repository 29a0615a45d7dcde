"""The embedded operations plane: alarms that fire and notify, TTL that deletes, DynamoDB
metrics, and an ingest that loses nothing through throttling and an emulator outage."""

import json
import subprocess
import sys
import time
import uuid

import pytest

from embedded.settings import ROOT
from layout import recent
from liveinsight.config import child_env
from tests.ingest_support import event
from tests.stack_support import control, events_counted, eventually

pytestmark = pytest.mark.integration


def alarm_state(stack, suffix):
    alarms = stack.client("cloudwatch").describe_alarms(AlarmNamePrefix=f"liveinsight-{suffix}")["MetricAlarms"]
    return alarms[0]["StateValue"]


def wait_for(check, seconds, what):
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.5)
    return time.monotonic()


def test_a_burst_of_ingest_errors_fires_the_alarm_notifies_and_recovers(stack):
    period = int(stack.parameters["AlarmPeriodSeconds"])
    wait_for(lambda: alarm_state(stack, "processing-errors") == "OK", 4 * period + 15, "a quiet start")
    fault = control(stack, "faults", "POST", {"target": "dynamodb", "table": stack.outputs["EventsTableName"],
                                              "error": 1.0, "seconds": 4})
    burst = time.monotonic()
    statuses = set()
    while time.monotonic() - burst < 4:
        statuses.add(stack.post(event("page_view", int(time.time() * 1000), "/burst")).status_code)
    assert 503 in statuses and 500 not in statuses

    fired = wait_for(lambda: alarm_state(stack, "processing-errors") == "ALARM", 2 * period + 12, "ALARM")
    print(f"alarm detection delay: {fired - burst:.1f} s (period {period} s)")

    def notified(state):
        sent = [json.loads(n["Message"]) for n in control(stack, "sink") if n.get("Type") == "Notification"]
        return any(m["AlarmName"] == "liveinsight-processing-errors" and m["NewStateValue"] == state
                   and m["Trigger"]["MetricName"] == "ProcessingErrors" for m in sent)

    wait_for(lambda: notified("ALARM"), 5, "the ALARM notification")  # SNS delivers just after the change

    recovered = wait_for(lambda: alarm_state(stack, "processing-errors") == "OK", 3 * period + 15, "OK again")
    print(f"back to OK {recovered - burst:.1f} s after the burst began")
    wait_for(lambda: notified("OK"), 5, "the OK notification")
    history = [c for c in control(stack, "alarm-history") if c["alarm"] == "liveinsight-processing-errors"]
    assert [c["to"] for c in history][-2:] == ["ALARM", "OK"]
    assert fault["id"] not in [f["id"] for f in control(stack, "faults")]


def test_expired_active_sessions_vanish_and_the_api_never_shows_them(stack):
    site = f"ttl-{uuid.uuid4().hex[:6]}"
    owner = stack.user(f"owner-{site}", site=site)
    now_ms = int(time.time() * 1000)
    summary = recent.summary("sid-gone.1", "v-gone", now_ms - 420_000, now_ms - 360_000, "/gone", 1, "direct",
                             "desktop")
    item, = recent.items(site, now_ms - 360_000, "batch-gone", [summary])
    item["expires_at"] = {"N": str(int(time.time()) - 1)}
    table = stack.outputs["ActiveSessionsTableName"]
    stack.client("dynamodb").put_item(TableName=table, Item=item)
    key = {"pk": item["pk"], "sk": item["sk"]}
    written = time.monotonic()

    shown = stack.query("sessions/active", owner["token"], site=site).json()
    gone = wait_for(lambda: "Item" not in stack.client("dynamodb").get_item(TableName=table, Key=key), 25,
                    "the TTL sweep")

    assert shown["count"] == 0 and shown["sessions"] == []
    print(f"TTL deletion delay: {gone - written:.1f} s")


def test_dynamodb_metrics_are_recorded_per_table(stack):
    assert stack.post(event("page_view", int(time.time() * 1000), "/metrics")).status_code == 200
    cloudwatch = stack.client("cloudwatch")

    def consumed():
        found = cloudwatch.get_metric_statistics(
            Namespace="AWS/DynamoDB", MetricName="ConsumedWriteCapacityUnits", Statistics=["Sum"], Period=60,
            Dimensions=[{"Name": "TableName", "Value": stack.outputs["EventsTableName"]}],
            StartTime=time.time() - 600, EndTime=time.time() + 60)["Datapoints"]
        return sum(p["Sum"] for p in found) >= 1

    wait_for(consumed, 20, "ConsumedWriteCapacityUnits")


def test_throttling_and_an_outage_lose_nothing_and_never_answer_500(stack, tmp_path):
    site = f"chaos-{uuid.uuid4().hex[:6]}"
    stack.user(f"owner-{site}", site=site)
    ledger = tmp_path / "ledger.jsonl"
    env = child_env(stack.config)
    run = subprocess.Popen(
        [sys.executable, "-m", "liveinsight", "simulate", "--site", site, "--seed", "5", "--rate", "400",
         "--duration", "40", "--compression", "30", "--quiet", "--ledger", str(ledger)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(5)
    control(stack, "faults", "POST", {"target": "dynamodb", "throttle": 0.2, "seconds": 15})
    time.sleep(17)
    control(stack, "faults", "POST", {"target": "outage", "seconds": 10})
    out, err = run.communicate(timeout=600)
    assert run.returncode == 0, err[-2000:]
    summary = json.loads(out)

    check = subprocess.run([sys.executable, "-m", "liveinsight", "reconcile", "--ledger", str(ledger)],
                           cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    result = json.loads(check.stdout)
    assert result["passed"] and result["lost"] == 0 and result["duplicated"] == 0, result
    # and every stored event is counted once, through the throttled streams too
    assert eventually(lambda: events_counted(stack, site) == result["stored"], 120), \
        (events_counted(stack, site), result)
    assert "500" not in summary["statuses"], summary["statuses"]
    per_second = summary["acknowledged_per_second"]
    before, during = per_second[10:20], per_second[22:32]
    print(f"statuses {summary['statuses']}; events/s before the outage {sum(before) / 10:.0f}, "
          f"during {sum(during) / 10:.0f}; per second {per_second}")
