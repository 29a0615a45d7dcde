"""The embedded stack, started once per test session on free ports, for the tiers that need it.
The dashboard's API and browser tiers run twice: on SQLite, and on a throwaway PostgreSQL
server (skipped with the reason where it cannot run, failed instead with
LIVEINSIGHT_REQUIRE_POSTGRES=1)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import boto3
import psycopg
import pytest
import requests

import stackstate
from embedded.ports import free_port
from embedded.settings import ROOT, Settings
from liveinsight.config import Config, child_env
from liveinsight.stack import Stack, another_gateway
from tests.ingest_support import BROWSER_UA
from tests.postgres_support import REQUIRE, Server, Unavailable

PROBE_TEMPLATE = ROOT / "tests" / "fixtures" / "probe" / "template.yaml"
DASHBOARD_TIERS = ("tests/browser/", "tests/integration/test_api_", "tests/integration/test_shared_links.py",
                   "tests/integration/test_dashboard_", "tests/hostile/test_dashboard_access.py")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "stack" in metafunc.fixturenames:
        where = metafunc.definition.path.relative_to(ROOT).as_posix()
        databases = ["sqlite", "postgres"] if where.startswith(DASHBOARD_TIERS) else ["sqlite"]
        metafunc.parametrize("database", databases, indirect=True, scope="session")


@pytest.fixture(scope="session")
def postgres() -> Iterator[Server]:
    try:
        server = Server()
    except Unavailable as why:
        _unavailable(why)
    try:
        server.start()
    except Unavailable as why:
        server.stop()
        _unavailable(why)
    yield server
    server.stop()


def _unavailable(why: Unavailable) -> NoReturn:
    if os.environ.get(REQUIRE) == "1":
        pytest.fail(f"{why} ({REQUIRE}=1)", pytrace=False)
    pytest.skip(f"no PostgreSQL: {why}")


@pytest.fixture(scope="session")
def database(request: pytest.FixtureRequest) -> str:
    """The DATABASE_URL of the stack's dashboard: empty for SQLite."""
    return request.getfixturevalue("postgres").url if request.param == "postgres" else ""


@dataclass
class Running:
    config: Config
    settings: Settings
    outputs: dict[str, str]
    api: str
    probe: str
    dashboard: str
    demo: dict[str, str]
    parameters: dict[str, str]
    database: str

    def allow_dashboard(self) -> None:
        """Let the demo site accept this test dashboard's origin (a deploy re-seeds it)."""
        self.client("dynamodb").update_item(
            TableName=self.outputs["SitesTableName"], Key={"site_id": {"S": "demo"}},
            UpdateExpression="SET allowed_origins = :o",
            ExpressionAttributeValues={":o": {"L": [{"S": o} for o in self.parameters["CorsAllowOrigins"].split(",")]}},
        )

    def sql(self, query: str, *params: Any) -> list[tuple[Any, ...]]:
        """A statement on the dashboard's database, SQLite or PostgreSQL (placeholders: ?)."""
        if self.database:
            with psycopg.connect(self.database) as db:  # commits on leaving
                cursor = db.execute(query.replace("?", "%s"), params)
                return cursor.fetchall() if cursor.description else []
        with sqlite3.connect(self.settings.state_dir / "dashboard.sqlite3", timeout=10) as db:
            return db.execute(query, params).fetchall()

    def client(self, service: str) -> Any:
        return boto3.client(service, endpoint_url=self.settings.endpoint_url, region_name=self.settings.region,
                            aws_access_key_id="testing", aws_secret_access_key="testing")

    def user(self, username: str, site: str | None = None, origins: tuple[str, ...] = (),
             funnels: tuple[str, ...] = ()) -> dict[str, str]:
        """A dashboard user with an API token (and a site they own), made as `up` makes the demo one."""
        args = [username, "--password", "pw-" + username, *(["--site", site] if site else [])]
        args += [f"--origin={o}" for o in origins] + [f"--funnel={f}" for f in funnels]
        out = subprocess.run([sys.executable, str(ROOT / "django_app" / "manage.py"), "liveinsight_user", *args],
                             env=child_env(self.config), check=True, capture_output=True, text=True).stdout
        return json.loads(out)

    def query(self, path: str, token: str | None = None, **params: Any) -> requests.Response:
        headers = {"Authorization": f"Token {token}"} if token else {}
        return requests.get(f"{self.dashboard}/api/{path}", params=params, headers=headers, timeout=15)

    def post(self, body: Any, headers: dict[str, str] | None = None, **kwargs: Any) -> requests.Response:
        data = body if isinstance(body, (str, bytes)) else json.dumps(body)
        headers = {"user-agent": BROWSER_UA, "content-type": "text/plain", **(headers or {})}
        return requests.post(f"{self.api}/events", data=data, headers=headers, timeout=15, **kwargs)


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory, database: str) -> Any:
    settings = Settings(
        state_dir=Path(tmp_path_factory.mktemp("state")), region="us-east-1", stack_name="liveinsight",
        moto_port=free_port(), gateway_port=free_port(), queue_timeout=0.5,
    )
    django_port = free_port()
    dashboard = f"http://{settings.host}:{django_port}"
    origins = ["http://127.0.0.1:8000", "http://localhost:8000", dashboard]
    # the demo shop is served by this Django, sends to this gateway, and is driven by Playwright
    source = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    source.update({"LIVEINSIGHT_INGEST_URL": f"http://{settings.host}:{settings.gateway_port}",
                   "LIVEINSIGHT_TRACK_AUTOMATION": "1", **({"DATABASE_URL": database} if database else {})})
    config = Config(emulator=settings, django_port=django_port, source=source)
    parameters = {"CorsAllowOrigins": ",".join(origins), "AlarmPeriodSeconds": "10", "CountersBatchWindowSeconds": "1"}
    running = Stack(config, parameters)
    try:
        running.start()
        with another_gateway(config, PROBE_TEMPLATE, "probe", {"LIVEINSIGHT_QUEUE_TIMEOUT": "0.5"}) as port:
            ready = Running(
                config=config,
                settings=settings,
                outputs=stackstate.outputs(settings.state_dir, "liveinsight"),
                api=f"http://{settings.host}:{settings.gateway_port}",
                probe=f"http://{settings.host}:{port}",
                dashboard=dashboard,
                demo=running.demo,
                parameters=parameters,
                database=database,
            )
            ready.allow_dashboard()
            yield ready
    finally:
        running.stop()
