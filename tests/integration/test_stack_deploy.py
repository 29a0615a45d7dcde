"""`liveinsight deploy --target embedded` provisions what moto's CloudFormation skips, and is repeatable."""

import json
import time

import pytest

from embedded import deploy, template
from embedded.settings import TEMPLATE
from tests.ingest_support import event

pytestmark = pytest.mark.integration


def test_http_api_routes_come_from_the_template(stack):
    apigw = stack.client("apigatewayv2")
    api_id = stack.outputs["HttpApiId"]

    routes = {r["RouteKey"] for r in apigw.get_routes(ApiId=api_id)["Items"]}
    stages = {s["StageName"] for s in apigw.get_stages(ApiId=api_id)["Items"]}

    sam = template.load(TEMPLATE)
    expected = {f"{e['Properties']['Method']} {e['Properties']['Path']}"
                for r in sam["Resources"].values() if r["Type"] == "AWS::Serverless::Function"
                for e in r["Properties"].get("Events", {}).values() if e["Type"] == "HttpApi"}
    assert routes == expected
    assert stages == {"$default"}


def test_every_alarm_of_the_template_exists_with_its_actions(stack):
    sam = template.load(TEMPLATE)
    expected = {r["Properties"]["AlarmName"]["Fn::Sub"].replace("${AWS::StackName}", "liveinsight")
                for r in sam["Resources"].values() if r["Type"] == "AWS::CloudWatch::Alarm"}

    alarms = stack.client("cloudwatch").describe_alarms()["MetricAlarms"]

    by_name = {a["AlarmName"]: a for a in alarms}
    assert expected <= set(by_name)
    for name in expected:
        assert by_name[name]["AlarmActions"] == [stack.outputs["AlarmTopicArn"]]


def test_ttl_is_enabled_where_the_template_asks(stack):
    ddb = stack.client("dynamodb")
    sam = template.load(TEMPLATE)
    for logical_id, resource in sam["Resources"].items():
        if resource["Type"] != "AWS::DynamoDB::Table":
            continue
        name = stack.outputs[f"{logical_id}Name"]
        ttl = ddb.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
        wanted = resource["Properties"].get("TimeToLiveSpecification")
        if wanted:
            assert ttl == {"TimeToLiveStatus": "ENABLED", "AttributeName": wanted["AttributeName"]}
        else:
            assert ttl.get("TimeToLiveStatus") == "DISABLED"


def test_point_in_time_recovery_is_on_where_the_template_asks(stack):
    ddb = stack.client("dynamodb")
    for logical_id, resource in template.load(TEMPLATE)["Resources"].items():
        if resource["Type"] == "AWS::DynamoDB::Table":
            backups = ddb.describe_continuous_backups(TableName=stack.outputs[f"{logical_id}Name"])
            status = backups["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]
            wanted = "PointInTimeRecoverySpecification" in resource["Properties"]
            assert (status["PointInTimeRecoveryStatus"] == "ENABLED") == wanted, logical_id


def test_the_operations_dashboard_shows_the_original_metric_set(stack):
    cloudwatch = stack.client("cloudwatch")
    body = json.loads(cloudwatch.get_dashboard(DashboardName=stack.outputs["OperationsDashboardName"])["DashboardBody"])

    metrics = {m[1] for w in body["widgets"] for m in w["properties"].get("metrics", []) if isinstance(m[0], str)}
    assert {"EventsProcessed", "ProcessingTime", "ProcessingErrors", "ConsumedReadCapacityUnits",
            "ConsumedWriteCapacityUnits", "Duration", "Errors", "Invocations"} <= metrics
    assert any("ThrottledRequests" in str(w) for w in body["widgets"])
    assert stack.outputs["IngestFunctionName"] in json.dumps(body)
    assert "WebUrl" not in stack.outputs  # no web tier without WebImage


def test_function_configuration_matches_the_template(stack):
    function = stack.client("lambda").get_function(FunctionName=stack.outputs["IngestFunctionName"])
    config = function["Configuration"]

    assert config["Runtime"] == "python3.12"
    assert config["Timeout"] == 10 and config["MemorySize"] == 256
    assert config["Environment"]["Variables"]["EVENTS_TABLE"] == stack.outputs["EventsTableName"]
    assert function["Concurrency"]["ReservedConcurrentExecutions"] == 4


def test_deploying_twice_changes_nothing(stack):
    before = stack.client("apigatewayv2").get_apis()["Items"]

    outputs = deploy.deploy(stack.settings, TEMPLATE, "liveinsight", stack.parameters)
    stack.allow_dashboard()

    after = stack.client("apigatewayv2").get_apis()["Items"]
    assert outputs == stack.outputs
    assert len(after) == len(before)
    assert stack.post(event("page_view", int(time.time() * 1000))).status_code == 200
