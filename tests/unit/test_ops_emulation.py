"""The emulator's operations plane in-process: alarm decisions, TTL sweeps, capacity units."""

import datetime as dt
import json
import time
from types import SimpleNamespace

import boto3
import pytest
from moto import mock_aws

from embedded.ops import alarms, capacity, faults, partitions, ttl

NOW = dt.datetime(2026, 11, 26, 12, 0, 30, tzinfo=dt.UTC)


def alarm(**overrides):
    base = dict(comparison_operator="GreaterThanOrEqualToThreshold", threshold=1.0, evaluation_periods=2,
                datapoints_to_alarm=1, treat_missing_data="notBreaching", state_value="OK")
    return SimpleNamespace(**{**base, **overrides})


def points(*values):
    return [(NOW - dt.timedelta(minutes=len(values) - 1 - i), v) for i, v in enumerate(values)]


@pytest.mark.parametrize("settings, values, state", [
    ({}, (None, 3.0), "ALARM"),  # 1 of 2 breaching is enough
    ({}, (None, None), "OK"),  # missing data counts as good
    ({"datapoints_to_alarm": 2}, (3.0, 0.0), "OK"),
    ({"datapoints_to_alarm": 2}, (3.0, 5.0), "ALARM"),
    ({"treat_missing_data": "breaching", "datapoints_to_alarm": 2}, (None, 2.0), "ALARM"),
    ({"treat_missing_data": "missing"}, (None, None), "INSUFFICIENT_DATA"),
    ({"treat_missing_data": "ignore", "state_value": "ALARM"}, (None, None), "ALARM"),
    ({"comparison_operator": "LessThanThreshold", "threshold": 10.0}, (20.0, 4.0), "ALARM"),
])
def test_alarm_states_follow_cloudwatchs_rules(settings, values, state):
    decided, reason, _ = alarms.decide(alarm(**settings), points(*values))
    assert decided == state, reason


def test_an_alarm_that_fires_tells_why_as_cloudwatch_does():
    _, reason, _ = alarms.decide(alarm(), points(0.0, 3.0))
    assert reason.startswith("Threshold Crossed: 1 out of the last 2 datapoints [3.0")
    assert "greater than or equal to the threshold (1.0)" in reason


@mock_aws
def test_a_sweep_deletes_expired_items_only_from_tables_with_ttl(monkeypatch):
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)  # the integration tier's stack sets it
    ddb = boto3.client("dynamodb", region_name="us-east-1")
    for name in ("with_ttl", "without"):
        ddb.create_table(TableName=name, KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                         AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                         BillingMode="PAY_PER_REQUEST")
        for key, expires in (("old", time.time() - 5), ("new", time.time() + 3600), ("none", None)):
            item = {"pk": {"S": key}, **({"expires_at": {"N": str(int(expires))}} if expires else {})}
            ddb.put_item(TableName=name, Item=item)
    ddb.update_time_to_live(TableName="with_ttl", TimeToLiveSpecification={"Enabled": True,
                                                                            "AttributeName": "expires_at"})

    assert ttl.sweep() >= 1
    left = {t: sorted(i["pk"]["S"] for i in ddb.scan(TableName=t)["Items"]) for t in ("with_ttl", "without")}
    assert left == {"with_ttl": ["new", "none"], "without": ["new", "none", "old"]}


def test_capacity_units_follow_dynamodbs_rounding():
    small = {"pk": {"S": "a"}, "data": {"S": "x" * 100}}
    big = {"pk": {"S": "b"}, "data": {"S": "x" * 2500}}
    put = capacity.units("PutItem", {"TableName": "t", "Item": big}, None, 0, {})
    transact = capacity.units("TransactWriteItems", {"TransactItems": [
        {"Put": {"TableName": "t", "Item": small}}, {"Put": {"TableName": "u", "Item": big}}]}, None, 0, {})
    scan = capacity.units("Scan", {"TableName": "t"}, None, 10_000, {})

    assert put.tables["t"]["write"] == 3  # 2.5 KB: three 1 KB units
    assert transact.tables["t"]["write"] == 2 and transact.tables["u"]["write"] == 6  # transactions cost twice
    assert scan.tables["t"]["read"] == 1.5  # 10 KB eventually consistent: three 4 KB units at half price


def test_a_partition_key_past_its_units_this_second_is_refused_and_reported(monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(partitions.time, "time", lambda: clock[0])
    found = partitions.Partitions()
    hot, cold = ("t", "site#m#1"), ("t", "site#m#2")

    found.add({hot: {"read": 0.0, "write": 999.0}}, [("t", "site#m#1", 40_000)])
    assert found.refused([("t", "site#m#1", "write")]) is None
    found.add({hot: {"read": 0.0, "write": 2.0}, cold: {"read": 5.0, "write": 1.0}}, [])

    assert found.refused([("t", "site#m#2", "write"), ("t", "site#m#1", "write")]) == ("t", "site#m#1", "write")
    assert found.refused([("t", "site#m#1", "read")]) is None  # reads have their own 3,000
    clock[0] += 1
    assert found.refused([("t", "site#m#1", "write")]) is None  # a new second
    report = found.report()
    assert report["hot"][0] == {"table": "t", "key": "site#m#1", "write_units_per_s": 1001.0,
                                "read_units_per_s": 0.0, "largest_item_bytes": 40_000}
    assert report["largest"] == {"t": {"bytes": 40_000, "key": "site#m#1"}}


def test_faults_expire_and_clear():
    faults.clear()
    faults.add({"target": "dynamodb", "table": "t", "throttle": 1.0, "seconds": 0.05})
    assert faults.dynamodb("t", "PutItem")["fail"] == "throttle"
    assert faults.dynamodb("other", "PutItem")["fail"] is None
    time.sleep(0.1)
    assert faults.active() == []
    with pytest.raises(faults.Invalid):
        faults.add({"target": "dynamodb", "throttle": 2})


def test_provisioned_capacity_allows_its_burst_then_refuses_until_it_refills(monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(capacity.time, "monotonic", lambda: clock[0])
    buckets = capacity.Buckets()

    assert not buckets.empty("t", "write", 5)  # 5 units/s hold 1,500 units of burst credit
    buckets.take("t", "write", 5, 1500)
    assert buckets.empty("t", "write", 5)
    clock[0] += 1
    assert not buckets.empty("t", "write", 5)  # a second later, 5 units are back


def test_alarm_statistics_read_statistic_sets_as_well_as_values():
    from types import SimpleNamespace

    points = [SimpleNamespace(value=5.0), SimpleNamespace(sum=30.0, sample_count=3, min=2.0, max=20.0)]

    assert alarms._statistic(points, "Sum") == 35 and alarms._statistic(points, "SampleCount") == 4
    assert alarms._statistic(points, "Maximum") == 20 and alarms._statistic(points, "Minimum") == 2
    assert alarms._statistic(points, "Average") == 35 / 4


@pytest.mark.parametrize("treat, state, reason", [
    ("notBreaching", "OK", "Threshold Crossed: no datapoints were received for 3 periods and 3 missing datapoints "
                           "were treated as [NonBreaching]."),
    ("breaching", "ALARM", "Threshold Crossed: no datapoints were received for 3 periods and 3 missing datapoints "
                           "were treated as [Breaching]."),
    ("missing", "INSUFFICIENT_DATA", "Insufficient Data: 3 datapoints were unknown."),
    ("ignore", "INSUFFICIENT_DATA", "Insufficient Data: 3 datapoints were unknown."),
])
def test_a_new_alarm_starts_in_insufficient_data_and_its_first_evaluation_speaks_as_cloudwatch(treat, state, reason):
    alarms.install()
    with mock_aws():
        cloudwatch = boto3.client("cloudwatch", region_name="us-east-1")
        cloudwatch.put_metric_alarm(AlarmName="errors", Namespace="LiveInsight", MetricName="ProcessingErrors",
                                    Statistic="Sum", Period=60, EvaluationPeriods=3, Threshold=1,
                                    ComparisonOperator="GreaterThanOrEqualToThreshold", TreatMissingData=treat)
        found = cloudwatch.describe_alarms(AlarmNames=["errors"])["MetricAlarms"][0]
        changes = alarms.evaluate()
        again = cloudwatch.describe_alarms(AlarmNames=["errors"])["MetricAlarms"][0]
    assert (found["StateValue"], found["StateReason"]) == (state, reason)
    assert not found["StateReason"].startswith("Unchecked")
    data = json.loads(found["StateReasonData"])
    assert data["version"] == "1.0" and data["recentDatapoints"] == [] and data["threshold"] == 1
    # the change from INSUFFICIENT_DATA is reported once, with the next evaluation's; none after
    assert [c["to"] for c in changes] == ([] if state == "INSUFFICIENT_DATA" else [state])
    assert again["StateReason"] == reason and alarms.evaluate() == []


def test_an_alarm_put_again_keeps_its_state():
    alarms.install()
    with mock_aws():
        cloudwatch = boto3.client("cloudwatch", region_name="us-east-1")
        settings = dict(AlarmName="errors", Namespace="LiveInsight", MetricName="ProcessingErrors", Statistic="Sum",
                        Period=60, EvaluationPeriods=1, Threshold=1, ComparisonOperator="GreaterThanOrEqualToThreshold",
                        TreatMissingData="breaching")
        cloudwatch.put_metric_alarm(**settings)
        cloudwatch.put_metric_alarm(**{**settings, "Threshold": 5})
        found = cloudwatch.describe_alarms(AlarmNames=["errors"])["MetricAlarms"][0]
    assert found["StateValue"] == "ALARM" and found["Threshold"] == 5


def test_a_client_naming_endless_operations_grows_no_count_past_its_bound(tmp_path):
    from embedded.ops import control

    gate = control.Control(lambda environ, start: [b""], "token", sink_file=tmp_path / "sink.jsonl")
    for i in range(control.KEEP * 3):
        gate({"PATH_INFO": "/", "HTTP_X_AMZ_TARGET": f"DynamoDB_20120810.Made{i}{'x' * 500}",
              "REQUEST_METHOD": "POST", "HTTP_HOST": "127.0.0.1"}, lambda *_: None)
    gate({"PATH_INFO": "/", "HTTP_X_AMZ_TARGET": "DynamoDB_20120810.Made0" + "x" * 500, "REQUEST_METHOD": "POST",
          "HTTP_HOST": "127.0.0.1"}, lambda *_: None)
    assert len(gate.counts) == control.KEEP and all(len(name) <= 64 for name in gate.counts)
    assert max(gate.counts.values()) == 2  # a name already counted keeps counting
