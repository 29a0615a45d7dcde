"""Settings of the emulated stack, built once at each entry point from the source it is
given (the environment, over `.env` where the command reads one) and passed down.

Every environment variable the emulator reads is named here.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import stackstate

from .aws import Target

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "infra" / "template.yaml"
ACCOUNT_ID = "123456789012"  # moto's default account


@dataclass(frozen=True)
class Settings:
    state_dir: Path
    region: str
    stack_name: str
    moto_port: int
    gateway_port: int
    queue_timeout: float = 5.0
    read_timeout: float = 10.0  # how long the gateway waits for a request's body
    max_in_flight: int = 512  # requests the gateway holds at once
    host: str = "127.0.0.1"
    bind: str = "127.0.0.1"  # where the parts listen; 0.0.0.0 in a container
    retention_scale: float = 1.0  # multiplies how long the emulator keeps datapoints and logs (ops/retention.py)

    @property
    def endpoint_url(self) -> str:
        return f"http://{self.host}:{self.moto_port}"

    @property
    def aws(self) -> Target:
        """Where this stack's clients go: the emulator, with its dummy keys."""
        return Target(self.endpoint_url, self.region, "testing", "testing")

    @property
    def artifact_bucket(self) -> str:
        return artifact_bucket(ACCOUNT_ID, self.region)


def artifact_bucket(account: str, region: str) -> str:
    """Where deploys put function zips and templates, as `sam deploy` would."""
    return f"liveinsight-artifacts-{account}-{region}"


def load(source: Mapping[str, str]) -> Settings:
    return Settings(
        state_dir=stackstate.state_dir(source),
        region=source.get("AWS_DEFAULT_REGION", source.get("AWS_REGION", "us-east-1")),
        stack_name=source.get("LIVEINSIGHT_STACK", "liveinsight"),
        moto_port=int(source.get("LIVEINSIGHT_MOTO_PORT", "4566")),
        gateway_port=int(source.get("LIVEINSIGHT_GATEWAY_PORT", "3000")),
        # How long an invocation waits for a free worker before it is throttled.
        queue_timeout=float(source.get("LIVEINSIGHT_QUEUE_TIMEOUT", "5.0")),
        read_timeout=float(source.get("LIVEINSIGHT_GATEWAY_READ_TIMEOUT", "10.0")),
        max_in_flight=int(source.get("LIVEINSIGHT_GATEWAY_MAX_IN_FLIGHT", "512")),
        bind=source.get("LIVEINSIGHT_BIND", "127.0.0.1"),
        retention_scale=float(source.get("LIVEINSIGHT_RETENTION_SCALE", "1.0")),
    )


def aws_env(settings: Settings, source: Mapping[str, str]) -> dict[str, str]:
    """The standard boto3 configuration that points a child's clients at the emulator."""
    return {
        "AWS_ENDPOINT_URL": settings.endpoint_url,
        "AWS_DEFAULT_REGION": settings.region,
        "AWS_ACCESS_KEY_ID": source.get("AWS_ACCESS_KEY_ID", "testing"),
        "AWS_SECRET_ACCESS_KEY": source.get("AWS_SECRET_ACCESS_KEY", "testing"),
    }


TOKEN_HEADER = "X-LiveInsight-Token"


def control_token(state_dir: Path) -> str:
    """The emulator's own endpoints (/_liveinsight/*) answer only requests that carry this
    stack's token: made once per state directory, readable by its owner only."""
    path = state_dir / "control.token"
    if not path.exists():
        state_dir.mkdir(parents=True, exist_ok=True)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another part of the stack made it first
        else:
            with os.fdopen(descriptor, "w") as out:
                out.write(secrets.token_urlsafe(32))
    return path.read_text().strip()
