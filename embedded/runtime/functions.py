"""Read a deployed function's configuration and code back from the emulator."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

from ..aws import client
from ..deploy import artifact_key
from ..resources import LOG_GROUP_TAG
from ..settings import Settings
from .pool import FunctionConfig


def load(settings: Settings, name: str) -> FunctionConfig:
    """A function as Lambda has it, with its zip unpacked where workers run it."""
    aws_lambda = client("lambda", settings.aws)
    function = aws_lambda.get_function(FunctionName=name)
    config = function["Configuration"]
    concurrency = function.get("Concurrency", {}).get("ReservedConcurrentExecutions", 1)
    tags = function.get("Tags", {})
    return FunctionConfig(
        name=config["FunctionName"],
        arn=config["FunctionArn"],
        handler=config["Handler"],
        timeout=float(config["Timeout"]),
        memory_mb=int(config["MemorySize"]),
        concurrency=int(concurrency),
        environment=config.get("Environment", {}).get("Variables", {}),
        code_dir=unpack(settings, config["CodeSha256"]),
        log_group=tags.get(LOG_GROUP_TAG, f"/aws/lambda/{config['FunctionName']}"),
    )


def unpack(settings: Settings, code_sha256: str) -> Path:
    key = artifact_key(code_sha256)
    target = settings.state_dir / "code" / Path(key).stem
    if not (target / ".complete").exists():
        data = client("s3", settings.aws).get_object(Bucket=settings.artifact_bucket, Key=key)["Body"].read()
        shutil.rmtree(target, ignore_errors=True)
        zipfile.ZipFile(io.BytesIO(data)).extractall(target)
        (target / ".complete").touch()
    return target


def name_from_uri(integration_uri: str) -> str:
    """`arn:aws:apigateway:...:lambda:path/2015-03-31/functions/<function arn>/invocations`."""
    arn = integration_uri.split("/functions/", 1)[-1].removesuffix("/invocations")
    return arn.split(":function:", 1)[-1].split(":", 1)[0]
