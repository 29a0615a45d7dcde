"""`liveinsight deploy --target embedded`: the SAM template, provisioned on the emulator."""

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
from .settings import ACCOUNT_ID, Settings

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
        sam["Resources"][logical_id]["Properties"]["CodeUri"] = upload(settings, zip_path)
    defaults = {"AlarmHttpEndpoint": f"{settings.endpoint_url}/_liveinsight/sink"}  # the emulator's sink
    wanted = {k: v for k, v in defaults.items() if k in sam.get("Parameters", {})}
    parameters = template.parameter_values(sam, {**wanted, **(overrides or {})})
    cfn = template.expand(sam, parameters, settings.region)
    scope = Scope(
        parameters=parameters,
        pseudo={
            "AWS::StackName": stack_name,
            "AWS::Region": settings.region,
            "AWS::AccountId": ACCOUNT_ID,
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::StackId": f"arn:aws:cloudformation:{settings.region}:{ACCOUNT_ID}:stack/{stack_name}/embedded",
        },
        conditions=cfn.get("Conditions", {}),
    )
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
    seed(sam, scope)
    outputs = {name: str(resolve(o["Value"], scope)) for name, o in cfn.get("Outputs", {}).items()}
    save(settings, stack_name, {"outputs": outputs, "resources": physical, "deployed_at": time.time()})
    return outputs


def seed(sam: dict[str, Any], scope: Scope) -> None:
    """Write the template's `Metadata.LiveInsight.SeedItems` into their tables."""
    seeds = sam.get("Metadata", {}).get("LiveInsight", {}).get("SeedItems", {})
    ddb = client("dynamodb")
    for logical_id, items in seeds.items():
        for item in items:
            ddb.put_item(TableName=scope.refs[logical_id], Item={k: _serialize(v) for k, v in item.items()})


def upload(settings: Settings, zip_path: Path) -> str:
    """Put a function zip in the artifact bucket under its own sha256, as `sam package` does."""
    data = zip_path.read_bytes()
    key = f"artifacts/{hashlib.sha256(data).hexdigest()}.zip"
    s3 = client("s3")
    try:
        s3.create_bucket(Bucket=settings.artifact_bucket)
    except s3.exceptions.BucketAlreadyOwnedByYou:
        pass
    s3.put_object(Bucket=settings.artifact_bucket, Key=key, Body=data)
    return f"s3://{settings.artifact_bucket}/{key}"


def artifact_key(code_sha256: str) -> str:
    """The artifact key of a function, from the CodeSha256 Lambda reports."""
    return f"artifacts/{base64.b64decode(code_sha256).hex()}.zip"


def save(settings: Settings, stack_name: str, state: dict[str, Any]) -> None:
    path = settings.stack_file(stack_name)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(state, indent=2, sort_keys=True))
    tmp.replace(path)


def outputs(settings: Settings, stack_name: str) -> dict[str, str]:
    """The outputs of the last embedded deploy of a stack."""
    path = settings.stack_file(stack_name)
    if not path.exists():
        raise FileNotFoundError(f"stack {stack_name} is not deployed ({path} is missing)")
    return json.loads(path.read_text())["outputs"]
