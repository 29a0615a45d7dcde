"""The real template on LocalStack, events through the real API Gateway and Lambda and the
stream consumers (LocalStack polls the tables' streams as Lambda does), read back through
the dashboard API: testcontainers.

It needs a Docker engine and a LocalStack auth token whose plan has API Gateway v2 (since
March 2026 every LocalStack image needs a token). Without them it skips and says why;
with LIVEINSIGHT_REQUIRE_DOCKER=1 it fails instead.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from embedded.ports import free_port
from embedded.settings import ROOT
from tests.ingest_support import BROWSER_UA, event

LOCALSTACK_IMAGE = "localstack/localstack:2026.03.0"  # the same pin as docker-compose.yml


def unavailable() -> str | None:
    try:
        from docker.errors import DockerException

        import docker

        docker.from_env(timeout=3).ping()
    except (ImportError, DockerException, OSError) as error:  # no engine answers here
        return f"no Docker engine answers ({type(error).__name__}: {error})"
    if not os.environ.get("LOCALSTACK_AUTH_TOKEN"):
        return "LOCALSTACK_AUTH_TOKEN is not set; LocalStack needs one since March 2026"
    return None


@pytest.fixture(scope="module")
def containers() -> Iterator[dict[str, str]]:
    reason = unavailable()
    if reason and os.environ.get("LIVEINSIGHT_REQUIRE_DOCKER") == "1":
        pytest.fail(f"LIVEINSIGHT_REQUIRE_DOCKER=1, but {reason}")
    if reason:
        pytest.skip(reason)
    from testcontainers.community.localstack import LocalStackContainer

    localstack = (LocalStackContainer(LOCALSTACK_IMAGE, region_name="us-east-1")
                  .with_env("LOCALSTACK_AUTH_TOKEN", os.environ["LOCALSTACK_AUTH_TOKEN"])
                  .with_volume_mapping("/var/run/docker.sock", "/var/run/docker.sock", "rw"))
    with localstack:
        yield {"localstack": localstack.get_url()}


def env(urls: dict[str, str], state: Path) -> dict[str, str]:
    return {**os.environ, "AWS_ENDPOINT_URL": urls["localstack"],
            "AWS_DEFAULT_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
            "LIVEINSIGHT_STATE_DIR": str(state), "PYTHONUNBUFFERED": "1",
            "DJANGO_SETTINGS_MODULE": "config.settings.dev"}


def liveinsight(environment: dict[str, str], *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "liveinsight", *args], cwd=ROOT, env=environment,
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_events_reach_the_dashboard_through_localstack(containers: dict[str, str], tmp_path: Path) -> None:
    environment = env(containers, tmp_path)
    outputs = json.loads(liveinsight(environment, "deploy", "--target", "localstack"))
    assert {"ApiEndpoint", "EventsTableName", "OperationsDashboardName"} <= set(outputs)
    demo = json.loads(liveinsight(environment, "demo-user", "--secrets"))
    ingest = liveinsight(environment, "ingest-url").strip()

    visitor = f"v-{uuid.uuid4().hex[:12]}"
    now = int(time.time() * 1000)
    body = {"events": [event("page_view", now, "/pricing", site_id="demo", visitor_id=visitor,
                             session_id=f"s-{visitor}")]}
    answer = requests.post(f"{ingest}/events", data=json.dumps(body), timeout=300,
                           headers={"content-type": "text/plain", "user-agent": BROWSER_UA})
    assert answer.status_code == 200, answer.text

    port = free_port()
    django = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "config.asgi:application", "--app-dir", "django_app",
         "--port", str(port), "--lifespan", "off"], cwd=ROOT, env=environment)
    try:
        sessions: list[dict[str, Any]] = []
        deadline = time.monotonic() + 60
        while not sessions and time.monotonic() < deadline:
            time.sleep(1)
            try:
                found = requests.get(f"http://127.0.0.1:{port}/api/sessions/active", params={"site": "demo"},
                                     headers={"Authorization": f"Token {demo['token']}"}, timeout=10)
            except requests.ConnectionError:
                continue
            sessions = [s for s in found.json().get("sessions", []) if s["visitor"] == visitor]
        assert sessions and sessions[0]["page"] == "/pricing"
    finally:
        django.terminate()
        django.wait(10)
