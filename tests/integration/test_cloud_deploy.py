"""`liveinsight deploy --target localstack|aws` end to end against a real CloudFormation
implementation (moto's, in this process). The real template's own run on LocalStack is in
tests/docker/, which needs a Docker engine."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from moto.server import ThreadedMotoServer

import stackstate
from embedded import cloud, template
from embedded.aws import Target, client
from embedded.intrinsics import TemplateError
from embedded.ports import free_port
from embedded.settings import ROOT

TEMPLATE = ROOT / "tests" / "fixtures" / "cloud" / "template.yaml"


@pytest.fixture
def cloudformation(stack: Any) -> Iterator[str]:
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


def target(url: str) -> Target:
    """Another moto standing in for LocalStack or AWS, with CloudFormation's own deploy."""
    return Target(url, "us-east-1", "testing", "testing")


def test_deploy_packages_nested_templates_and_seeds_the_tables(
        stack: Any, cloudformation: str) -> None:
    outputs = cloud.deploy_stack(stack.settings, target(cloudformation), TEMPLATE, "cloudtest", "localstack")

    assert outputs["SitesTableName"] == "cloudtest-sites"
    assert stackstate.outputs(stack.settings.state_dir, "cloudtest") == outputs  # saved where every reader looks
    cfn = client("cloudformation", target(cloudformation))
    sent = json.loads(cfn.get_template(StackName="cloudtest")["TemplateBody"]) \
        if isinstance(cfn.get_template(StackName="cloudtest")["TemplateBody"], str) \
        else cfn.get_template(StackName="cloudtest")["TemplateBody"]
    nested_url = sent["Resources"]["NestedStack"]["Properties"]["TemplateURL"]
    bucket, key = nested_url.removeprefix("https://").split(".s3.us-east-1.amazonaws.com/")
    nested = client("s3", target(cloudformation)).get_object(Bucket=bucket, Key=key)["Body"].read()
    assert nested == (TEMPLATE.parent / "nested.yaml").read_bytes()  # packaged like `sam package` does
    tables = client("dynamodb", target(cloudformation))
    table = tables.describe_table(TableName="cloudtest-sites")["Table"]
    assert table["KeySchema"] == [{"AttributeName": "site_id", "KeyType": "HASH"}]
    seeded = tables.get_item(TableName="cloudtest-sites", Key={"site_id": {"S": "demo"}})["Item"]
    assert seeded["name"] == {"S": "Demo shop"}


def test_a_second_deploy_updates_and_an_unchanged_one_changes_nothing(
        stack: Any, cloudformation: str, tmp_path: Path) -> None:
    flat = template.load(TEMPLATE)  # moto cannot update a stack holding a nested one, even switched off
    del flat["Resources"]["NestedStack"], flat["Outputs"]["NestedLabel"]
    path = tmp_path / "template.json"
    path.write_text(json.dumps(flat))

    first = cloud.deploy_stack(stack.settings, target(cloudformation), path, "cloudtwice", "aws")
    updated = cloud.deploy_stack(stack.settings, target(cloudformation), path, "cloudtwice", "aws", {"Label": "second"})
    again = cloud.deploy_stack(stack.settings, target(cloudformation), path, "cloudtwice", "aws", {"Label": "second"})

    assert first["Label"] == "label-first" and updated["Label"] == "label-second"
    assert again == updated
    state = stackstate.read(stack.settings.state_dir, "cloudtwice")
    assert state["target"] == "aws"
    assert state["resources"]["Topic"]["Type"] == "AWS::SNS::Topic"


def test_bad_parameters_fail_before_anything_is_deployed(stack: Any, cloudformation: str) -> None:
    with pytest.raises(TemplateError, match="Label=third"):
        cloud.deploy_stack(stack.settings, target(cloudformation), TEMPLATE, "cloudbad", "aws", {"Label": "third"})
    with pytest.raises(TemplateError, match="unknown parameters: Nope"):
        cloud.deploy_stack(stack.settings, target(cloudformation), TEMPLATE, "cloudbad", "aws", {"Nope": "1"})
    cfn = client("cloudformation", target(cloudformation))
    assert not [s for s in cfn.list_stacks()["StackSummaries"] if s["StackName"] == "cloudbad"]
