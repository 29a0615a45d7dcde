import pytest

from embedded import template
from embedded.intrinsics import Scope, TemplateError, resolve
from embedded.settings import TEMPLATE


def expanded():
    sam = template.load(TEMPLATE)
    for resource in sam["Resources"].values():
        if resource["Type"] == "AWS::Serverless::Function":
            resource["Properties"]["CodeUri"] = "s3://bucket/key.zip"
    return template.expand(sam, template.parameter_values(sam, {}), "us-east-1")


def test_the_sam_transform_gives_every_resource_type_the_embedded_target_provisions():
    from embedded.resources import PROVISIONERS

    resources = expanded()["Resources"].values()
    types = {r["Type"] for r in resources if "Condition" not in r}
    aws_only = {r["Type"] for r in resources if r.get("Condition") in ("HasBackupPlan", "HasWebService")}

    assert types <= set(PROVISIONERS)
    assert {"AWS::ApiGatewayV2::Api", "AWS::CloudWatch::Alarm", "AWS::CloudWatch::Dashboard",
            "AWS::Lambda::Function", "AWS::Lambda::EventSourceMapping"} <= types
    # AWS Backup and the web tier exist only where they are switched on (not on the emulator)
    assert aws_only == {"AWS::Backup::BackupVault", "AWS::Backup::BackupPlan", "AWS::Backup::BackupSelection",
                        "AWS::IAM::Role", "AWS::CloudFormation::Stack"}


def test_the_stream_consumers_are_mapped_as_their_retries_need():
    resources = expanded()["Resources"]
    mappings = {k: r["Properties"] for k, r in resources.items() if r["Type"] == "AWS::Lambda::EventSourceMapping"}

    assert set(mappings) == {"SessionizeFunctionNewEvents", "CountersFunctionNewEvents",
                             "CountersFunctionSessionChanges"}
    # the sessionizer applies nothing twice whatever the retry; the counters' marker needs the same first record
    assert mappings["SessionizeFunctionNewEvents"]["BisectBatchOnFunctionError"] is True
    assert all(m["BisectBatchOnFunctionError"] is False for k, m in mappings.items() if k.startswith("Counters"))
    assert all(m["MaximumRetryAttempts"] == -1 for m in mappings.values())


def test_cors_origins_reach_the_api_as_a_list():
    api = expanded()["Resources"]["HttpApi"]["Properties"]["Body"]

    assert api["x-amazon-apigateway-cors"]["allowOrigins"] == ["http://127.0.0.1:8000", "http://localhost:8000"]


def test_creation_order_puts_dependencies_first():
    resources = expanded()["Resources"]
    order = template.creation_order(resources)

    assert order.index("IngestFunctionRole") < order.index("IngestFunction") < order.index("HttpApi")
    assert order.index("HttpApi") < order.index("HttpApiApiGatewayDefaultStage")


def test_parameters_are_typed_and_checked():
    sam = template.load(TEMPLATE)

    values = template.parameter_values(sam, {"IngestReservedConcurrency": "7", "CorsAllowOrigins": "x, y"})

    assert values["IngestReservedConcurrency"] == 7
    assert values["CorsAllowOrigins"] == ["x", "y"]
    with pytest.raises(TemplateError, match="not one of"):
        template.parameter_values(sam, {"LogRetentionDays": "2"})
    with pytest.raises(TemplateError, match="unknown parameters: Nope"):
        template.parameter_values(sam, {"Nope": "1"})


def test_template_passes_cfn_lint():
    from cfnlint.api import lint_all

    problems = [m for m in lint_all(TEMPLATE.read_text()) if m.rule.id[0] in "EW"]

    assert problems == []


def test_an_unknown_intrinsic_function_is_an_error_not_a_value():
    scope = Scope(parameters={}, pseudo={})
    with pytest.raises(TemplateError, match="Fn::FindInMap is not supported"):
        resolve({"Properties": {"Name": {"Fn::FindInMap": ["Map", "Key", "Value"]}}}, scope)
    assert resolve({"Fn-like": {"Fn::Join": ["-", ["a", "b"]]}}, scope) == {"Fn-like": "a-b"}
