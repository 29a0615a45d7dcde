"""The embedded stack, started once per test session on free ports."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests

from embedded import deploy, ports
from embedded.settings import ROOT, Settings, aws_env
from embedded.supervisor import Stack, child_env
from tests.ingest_support import BROWSER_UA

PROBE_TEMPLATE = ROOT / "tests" / "fixtures" / "probe" / "template.yaml"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Running:
    settings: Settings
    outputs: dict[str, str]
    api: str
    probe: str

    def client(self, service: str) -> Any:
        return boto3.client(service, endpoint_url=self.settings.endpoint_url, region_name=self.settings.region,
                            aws_access_key_id="testing", aws_secret_access_key="testing")

    def post(self, body: Any, headers: dict[str, str] | None = None, **kwargs: Any) -> requests.Response:
        data = body if isinstance(body, (str, bytes)) else json.dumps(body)
        headers = {"user-agent": BROWSER_UA, "content-type": "text/plain", **(headers or {})}
        return requests.post(f"{self.api}/events", data=data, headers=headers, timeout=15, **kwargs)


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Any:
    settings = Settings(
        state_dir=Path(tmp_path_factory.mktemp("state")), region="us-east-1", stack_name="liveinsight",
        moto_port=free_port(), gateway_port=free_port(), django_port=free_port(), queue_timeout=0.5,
    )
    running = Stack(settings)
    probe_gateway = None
    try:
        running.start()
        deploy.deploy(settings, PROBE_TEMPLATE, "probe")
        probe_port = free_port()
        env = {**child_env(settings), "LIVEINSIGHT_QUEUE_TIMEOUT": "0.5", **aws_env(settings)}
        probe_gateway = subprocess.Popen(
            [sys.executable, "-m", "embedded.cli", "gateway", "--stack", "probe", "--port", str(probe_port)],
            cwd=ROOT, env=env,
        )
        ports.wait_until(lambda: ports.listening(settings.host, probe_port), 30, "probe gateway")
        yield Running(
            settings=settings,
            outputs=deploy.outputs(settings, "liveinsight"),
            api=f"http://{settings.host}:{settings.gateway_port}",
            probe=f"http://{settings.host}:{probe_port}",
        )
    finally:
        if probe_gateway is not None:
            probe_gateway.terminate()
            probe_gateway.wait(timeout=10)
        running.stop()
