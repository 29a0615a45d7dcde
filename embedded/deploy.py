"""`liveinsight deploy --target embedded`: the SAM template, provisioned on the emulator
(cloud.py deploys the same template to LocalStack and AWS)."""

from __future__ import annotations

import base64
import hashlib
import json
import time
from pathlib import Path
from typing import Any

from boto3.dynamodb.types import TypeSerializer

from . import package, template
from .aws import client
from .intrinsics import Scope, resolve
from .resources import provision
from .settings import ACCOUNT_ID, Settings, control_token

_serialize = TypeSerializer().serialize


def deploy(
    settings: Settings,
    template_path: Path,
    stack_name: str,
    overrides: dict[str, str] | None = None,
) -> dict[str, str]:
    """Deploy the stack and answer its outputs, which are also saved for readers."""
    sam = template.load(template_path)
    for logical_id, zip_path in package.build_all(sam, template_path.parent).items():
        sam["Resources"][logical_id]["Properties"]["CodeUri"] = upload(settings.artifact_bucket, zip_path)
    sink = f"{settings.endpoint_url}/_liveinsight/sink?token={control_token(settings.state_dir)}"
    defaults = {"AlarmHttpEndpoint": sink,  # the emulator's sink
                "BackupRetentionDays": "0"}  # moto has no AWS Backup plans
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
        ref, attrs = provision(resource["Type"], stack_name, logical_id, props)
        scope.refs[logical_id] = ref
        scope.attrs[logical_id] = attrs
        physical[logical_id] = {"Type": resource["Type"], "PhysicalResourceId": ref}
    seed(sam, scope.refs)
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


def seed(sam: dict[str, Any], table_names: dict[str, str]) -> None:
    """Write the template's `Metadata.LiveInsight.SeedItems` into their tables (by logical id)."""
    seeds = sam.get("Metadata", {}).get("LiveInsight", {}).get("SeedItems", {})
    ddb = client("dynamodb")
    for logical_id, items in seeds.items():
        for item in items:
            ddb.put_item(TableName=table_names[logical_id], Item={k: _serialize(v) for k, v in item.items()})


def upload(bucket: str, path: Path) -> str:
    """Put a file in the artifact bucket under its own sha256, as `sam package` does."""
    data = path.read_bytes()
    key = f"artifacts/{hashlib.sha256(data).hexdigest()}{path.suffix}"
    s3 = client("s3")
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
    path = settings.stack_file(stack_name)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(state, indent=2, sort_keys=True))
    tmp.replace(path)


def state(settings: Settings, stack_name: str) -> dict[str, Any]:
    """What the last deploy of a stack saved (empty if none): outputs, resources, target, URLs."""
    path = settings.stack_file(stack_name)
    return json.loads(path.read_text()) if path.exists() else {}


def outputs(settings: Settings, stack_name: str) -> dict[str, str]:
    """The outputs of the last deploy of a stack."""
    saved = state(settings, stack_name)
    if not saved:
        raise FileNotFoundError(f"stack {stack_name} is not deployed ({settings.stack_file(stack_name)} is missing)")
    return dict(saved["outputs"])


def ingest_url(settings: Settings, stack_name: str, public: bool = False) -> str:
    """Where events go: the URL a LocalStack or AWS deploy saved (`public`: as a browser on
    the host reaches it), else the embedded gateway."""
    saved = state(settings, stack_name)
    return saved.get("public_ingest_url" if public else "ingest_url") or \
        f"http://{settings.host}:{settings.gateway_port}"
