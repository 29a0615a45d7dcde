"""`liveinsight deploy --target embedded`: the SAM template, provisioned on the emulator
(cloud.py deploys the same template to LocalStack and AWS)."""

from __future__ import annotations

import base64
import hashlib
import time
from pathlib import Path
from typing import Any

from boto3.dynamodb.types import TypeSerializer

import stackstate

from . import package, template
from .aws import Target, client
from .intrinsics import Scope, resolve
from .resources import provision
from .settings import ACCOUNT_ID, Settings, control_token

_serialize = TypeSerializer().serialize
# what the embedded stack keeps, in memory: a day of `up` at its default traffic fits a laptop
LAPTOP_RETENTION = {"EventRetentionSeconds": str(6 * 3600), "MinuteCountersRetentionSeconds": str(2 * 86400)}


def deploy(
    settings: Settings,
    template_path: Path,
    stack_name: str,
    overrides: dict[str, str] | None = None,
) -> dict[str, str]:
    """Deploy the stack and answer its outputs, which are also saved for readers."""
    sam = template.load(template_path)
    for logical_id, zip_path in package.build_all(sam, template_path.parent).items():
        sam["Resources"][logical_id]["Properties"]["CodeUri"] = upload(settings.aws, settings.artifact_bucket, zip_path)
    sink = f"{settings.endpoint_url}/_liveinsight/sink?token={control_token(settings.state_dir)}"
    defaults = {"AlarmHttpEndpoint": sink,  # the emulator's sink
                "BackupRetentionDays": "0",  # moto has no AWS Backup plans
                **LAPTOP_RETENTION}
    wanted = {k: v for k, v in defaults.items() if k in sam.get("Parameters", {})}
    parameters = template.parameter_values(sam, {**wanted, **(overrides or {})})
    cfn = template.expand(sam, parameters, settings.region)
    scope = make_scope(parameters, cfn.get("Conditions", {}), settings.region, stack_name, ACCOUNT_ID)
    resources = cfn["Resources"]
    physical: dict[str, dict[str, str]] = {}
    for logical_id in template.creation_order(resources):
        resource = resources[logical_id]
        if "Condition" in resource and not scope.condition(resource["Condition"]):
            continue
        props = resolve(resource.get("Properties", {}), scope)
        ref, attrs = provision(settings.aws, resource["Type"], stack_name, logical_id, props)
        scope.refs[logical_id] = ref
        scope.attrs[logical_id] = attrs
        physical[logical_id] = {"Type": resource["Type"], "PhysicalResourceId": ref}
    seed(settings.aws, sam, scope.refs)
    outputs = {name: str(resolve(o["Value"], scope)) for name, o in cfn.get("Outputs", {}).items()
               if "Condition" not in o or scope.condition(o["Condition"])}
    save(settings, stack_name, {"outputs": outputs, "resources": physical, "deployed_at": time.time()})
    return outputs


def make_scope(parameters: dict[str, Any], conditions: dict[str, Any], region: str, stack_name: str,
               account: str) -> Scope:
    return Scope(
        parameters=parameters,
        pseudo={
            "AWS::StackName": stack_name,
            "AWS::Region": region,
            "AWS::AccountId": account,
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::StackId": f"arn:aws:cloudformation:{region}:{account}:stack/{stack_name}/embedded",
        },
        conditions=conditions,
    )


def seed(target: Target, sam: dict[str, Any], table_names: dict[str, str]) -> None:
    """Write the template's `Metadata.LiveInsight.SeedItems` into their tables (by logical id)."""
    seeds = sam.get("Metadata", {}).get("LiveInsight", {}).get("SeedItems", {})
    ddb = client("dynamodb", target)
    for logical_id, items in seeds.items():
        for item in items:
            ddb.put_item(TableName=table_names[logical_id], Item={k: _serialize(v) for k, v in item.items()})


def upload(target: Target, bucket: str, path: Path) -> str:
    """Put a file in the artifact bucket under its own sha256, as `sam package` does."""
    data = path.read_bytes()
    key = f"artifacts/{hashlib.sha256(data).hexdigest()}{path.suffix}"
    s3 = client("s3", target)
    try:
        s3.head_bucket(Bucket=bucket)
    except s3.exceptions.ClientError:
        s3.create_bucket(Bucket=bucket, **_location(s3.meta.region_name))
    s3.put_object(Bucket=bucket, Key=key, Body=data)
    return f"s3://{bucket}/{key}"


def _location(region: str) -> dict[str, Any]:
    return {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}


def artifact_key(code_sha256: str) -> str:
    """The artifact key of a function, from the CodeSha256 Lambda reports."""
    return f"artifacts/{base64.b64decode(code_sha256).hex()}.zip"


def save(settings: Settings, stack_name: str, state: dict[str, Any]) -> None:
    stackstate.write(settings.state_dir, stack_name, state)
