"""`liveinsight deploy --target localstack|aws`: the same template through CloudFormation.

Like `sam deploy`: the function zips and nested templates go to an artifact bucket,
the template goes up with its SAM transform, and the stack is created or updated and
waited for. LocalStack and AWS differ only in the endpoint (AWS_ENDPOINT_URL).
The outputs are saved where the embedded deploy saves them, so every reader finds
the stack the same way.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from botocore.exceptions import WaiterError

from . import deploy, package, template
from .aws import Target, client
from .intrinsics import TemplateError
from .settings import Settings, artifact_bucket

# What each target lacks: moto, LocalStack and the free LocalStack plans have no AWS Backup.
TARGET_DEFAULTS = {"localstack": {"BackupRetentionDays": "0"}, "aws": {}}
CAPABILITIES = ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"]
WAIT = {"Delay": 5, "MaxAttempts": 720}  # CloudFront alone may take a quarter of an hour


def deploy_stack(settings: Settings, aws: Target, template_path: Path, stack_name: str, target: str,
                 overrides: dict[str, str] | None = None, public_endpoint: str | None = None) -> dict[str, str]:
    """Deploy to LocalStack or AWS, as `aws` names it, with CloudFormation itself."""
    sam = template.load(template_path)
    defaults = dict(TARGET_DEFAULTS[target])
    known = sam.get("Parameters", {})
    parameters = {**{k: v for k, v in defaults.items() if k in known}, **(overrides or {})}
    if parameters.get("WebImage") and not parameters.get("WebCloudFrontPrefixListId"):
        parameters["WebCloudFrontPrefixListId"] = cloudfront_prefix_list(aws)
    template.parameter_values(sam, parameters)  # unknown names, disallowed values and broken rules fail here
    account = str(client("sts", aws).get_caller_identity()["Account"])
    region = aws.region or settings.region
    bucket = artifact_bucket(account, region)
    for logical_id, zip_path in package.build_all(sam, template_path.parent).items():
        sam["Resources"][logical_id]["Properties"]["CodeUri"] = deploy.upload(aws, bucket, zip_path)
    for resource in sam["Resources"].values():
        props = resource.get("Properties", {})
        if resource["Type"] == "AWS::CloudFormation::Stack" and "://" not in props.get("TemplateURL", "://"):
            nested = template_path.parent / props["TemplateURL"]
            props["TemplateURL"] = http_url(region, deploy.upload(aws, bucket, nested))
    body = package.BUILD_DIR / f"{stack_name}.template.json"
    body.parent.mkdir(parents=True, exist_ok=True)
    body.write_text(json.dumps(sam, indent=1))
    execute(aws, stack_name, http_url(region, deploy.upload(aws, bucket, body)), parameters)
    outputs, resources = describe(aws, stack_name)
    table_names = {k: v["PhysicalResourceId"] for k, v in resources.items() if v["Type"] == "AWS::DynamoDB::Table"}
    deploy.seed(aws, sam, table_names)
    urls = ingest_urls(outputs, target, aws, public_endpoint)
    deploy.save(settings, stack_name, {"outputs": outputs, "resources": resources, "deployed_at": time.time(),
                                       "target": target, **urls})
    return outputs


CLOUDFRONT_ORIGIN_FACING = "com.amazonaws.global.cloudfront.origin-facing"


def cloudfront_prefix_list(aws: Target) -> str:
    """The id of the managed prefix list of CloudFront's origin-facing addresses, in this region."""
    found = client("ec2", aws).describe_managed_prefix_lists(
        Filters=[{"Name": "prefix-list-name", "Values": [CLOUDFRONT_ORIGIN_FACING]}])["PrefixLists"]
    if not found:
        raise TemplateError(f"no managed prefix list {CLOUDFRONT_ORIGIN_FACING} here; pass WebCloudFrontPrefixListId")
    return str(found[0]["PrefixListId"])


def ingest_urls(outputs: dict[str, str], target: str, aws: Target, public_endpoint: str | None) -> dict[str, str]:
    """The ingest API as tools reach it and as a browser on the host does. LocalStack serves
    an HTTP API under its own endpoint; LIVEINSIGHT_PUBLIC_ENDPOINT names that endpoint as
    the host sees it (http://localhost:4566 when the tools run in containers)."""
    if target == "aws" or "HttpApiId" not in outputs:
        return {"ingest_url": outputs.get("ApiEndpoint", ""), "public_ingest_url": outputs.get("ApiEndpoint", "")}
    path = f"/_aws/execute-api/{outputs['HttpApiId']}/$default"
    inside = str(aws.endpoint_url).rstrip("/")
    outside = (public_endpoint or inside).rstrip("/")
    return {"ingest_url": inside + path, "public_ingest_url": outside + path}


def http_url(region: str, s3_uri: str) -> str:
    """An s3:// address as the https URL CloudFormation fetches templates from (LocalStack
    and moto read such URLs from their own S3)."""
    bucket, key = s3_uri.removeprefix("s3://").split("/", 1)
    return f"https://{bucket}.s3.{region}.amazonaws.com/{key}"


def execute(aws: Target, stack_name: str, template_url: str, parameters: dict[str, str]) -> None:
    """Create the stack, or update it; an update that changes nothing is not an error."""
    cfn = client("cloudformation", aws)
    exists = _status(aws, stack_name) is not None
    request = {"StackName": stack_name, "TemplateURL": template_url, "Capabilities": CAPABILITIES,
               "Parameters": [{"ParameterKey": k, "ParameterValue": v} for k, v in parameters.items()]}
    try:
        if exists:
            cfn.update_stack(**request)
        else:
            cfn.create_stack(**request)
    except cfn.exceptions.ClientError as error:
        if "No updates are to be performed" in str(error):
            return
        raise TemplateError(str(error)) from None
    waiter = "stack_update_complete" if exists else "stack_create_complete"
    try:
        cfn.get_waiter(waiter).wait(StackName=stack_name, WaiterConfig=WAIT)
    except WaiterError:
        raise TemplateError(f"stack {stack_name} failed: {failures(aws, stack_name)}") from None


def _status(aws: Target, stack_name: str) -> str | None:
    cfn = client("cloudformation", aws)
    try:
        return cfn.describe_stacks(StackName=stack_name)["Stacks"][0]["StackStatus"]
    except cfn.exceptions.ClientError as error:
        if "does not exist" in str(error):
            return None
        raise


def failures(aws: Target, stack_name: str) -> str:
    events = client("cloudformation", aws).describe_stack_events(StackName=stack_name)["StackEvents"]
    failed = [f"{e['LogicalResourceId']}: {e.get('ResourceStatusReason', '')}" for e in events
              if e["ResourceStatus"].endswith("_FAILED")]
    return "; ".join(failed[:5]) or "see the stack's events"


def describe(aws: Target, stack_name: str) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    cfn = client("cloudformation", aws)
    stack = cfn.describe_stacks(StackName=stack_name)["Stacks"][0]
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
    resources: dict[str, dict[str, str]] = {}
    for page in cfn.get_paginator("list_stack_resources").paginate(StackName=stack_name):
        for r in page["StackResourceSummaries"]:
            resources[r["LogicalResourceId"]] = {"Type": r["ResourceType"],
                                                 "PhysicalResourceId": r.get("PhysicalResourceId", "")}
    return outputs, resources
