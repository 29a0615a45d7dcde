"""The dashboard on a database server: open live streams hold no connection, and a
connection the server dropped is replaced before a request gets it."""

import uuid

import pytest
import requests

pytestmark = pytest.mark.integration
STREAMS = 30
POOL = 8  # DATABASE_POOL_SIZE's default


@pytest.fixture
def server(stack, request):
    if not stack.database:
        pytest.skip("SQLite has no server to count connections on")
    return request.getfixturevalue("postgres")


@pytest.fixture
def owner(stack):
    name = f"db-{uuid.uuid4().hex[:6]}"
    made = stack.user(name, site=name)
    return {"site": name, "token": made["token"], "headers": {"Authorization": f"Token {made['token']}"}}


def test_open_streams_hold_no_database_connection(stack, server, owner):
    link = requests.post(f"{stack.dashboard}/api/sites/{owner['site']}/links", json={"label": "room"},
                         headers=owner["headers"], timeout=10).json()
    streams = []
    try:
        for _ in range(STREAMS):
            opened = requests.get(link["url"] + "stream", stream=True, timeout=30)
            assert opened.status_code == 200
            assert next(opened.iter_lines()).startswith(b"event: realtime")  # open and past its setup
            streams.append(opened)
        assert server.connections() <= POOL
    finally:
        for opened in streams:
            opened.close()


def test_a_dropped_connection_is_replaced(stack, server, owner):
    assert stack.query("sites", owner["token"]).status_code == 200
    dropped = stack.sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                        " WHERE datname = 'liveinsight' AND pid <> pg_backend_pid()")
    assert dropped and all(row[0] for row in dropped)
    assert [stack.query("sites", owner["token"]).status_code for _ in range(POOL + 2)] == [200] * (POOL + 2)
