"""The dashboard's doors: API tokens kept hashed and expiring, logins throttled, settings
never guessed, and live streams that end with their sign-in, their lifetime, or a cap."""

import functools
import json
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
import requests

from embedded import ports
from embedded.ports import free_port
from embedded.settings import ROOT
from liveinsight.config import child_env
from liveinsight.stack import parts
from tests.hostile.conftest import sign_in

pytestmark = pytest.mark.hostile
STREAM_SECONDS = 12
KEY = 15  # the first characters of a token that knox keeps to find it


def cli(stack, *args: str) -> dict:
    done = subprocess.run([sys.executable, "-m", "liveinsight", "token", *args], cwd=ROOT, timeout=60,
                          env=child_env(stack.config), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_tokens_are_kept_hashed_and_expire(stack):
    name = f"tok-{uuid.uuid4().hex[:6]}"
    token = stack.user(name, site=name)["token"]
    assert stack.query("sites", token).status_code == 200

    rows = stack.sql("SELECT digest, token_key, expiry FROM knox_authtoken WHERE token_key = ?", token[:KEY])
    assert len(rows) == 1
    digest, _, expiry = rows[0]
    assert token not in digest and len(digest) == 128  # a SHA-512 hex digest, not the token
    assert expiry is not None

    stack.sql("UPDATE knox_authtoken SET expiry = ? WHERE token_key = ?",
              (datetime.now(UTC) - timedelta(minutes=1)).isoformat(" "), token[:KEY])
    assert stack.query("sites", token).status_code == 401


def test_the_cli_creates_lists_and_revokes_tokens(stack):
    name = f"cli-{uuid.uuid4().hex[:6]}"
    stack.user(name)

    made = cli(stack, "create", name, "--days", "7")
    listed = cli(stack, "list", name)["tokens"]
    keys = [t["key"] for t in listed]
    assert made["token"][:KEY] in keys
    assert all(made["token"] != t["key"] for t in listed)  # a listing never shows a whole token
    assert stack.query("sites", made["token"]).status_code == 200
    expires = datetime.fromisoformat(made["expires"])
    assert timedelta(days=6) < expires - datetime.now(UTC) <= timedelta(days=7)

    assert cli(stack, "revoke", made["token"][:KEY]) == {"revoked": made["token"][:KEY]}
    assert made["token"][:KEY] not in [t["key"] for t in cli(stack, "list", name)["tokens"]]
    assert stack.query("sites", made["token"]).status_code == 401


def test_logins_are_throttled_per_user_and_address(stack):
    victim, bystander = f"lock-{uuid.uuid4().hex[:6]}", f"free-{uuid.uuid4().hex[:6]}"
    stack.user(victim)
    stack.user(bystander)
    for _ in range(5):
        assert "sessionid" not in sign_in(stack.dashboard, victim, "wrong").cookies

    locked = sign_in(stack.dashboard, victim, "pw-" + victim)  # the right password, too late
    assert "sessionid" not in locked.cookies
    assert locked.get(f"{stack.dashboard}/api/sites", timeout=10).status_code in (401, 403)
    assert "sessionid" in sign_in(stack.dashboard, bystander, "pw-" + bystander).cookies


def test_asgi_needs_the_settings_named(stack):
    env = {k: v for k, v in child_env(stack.config).items() if k != "DJANGO_SETTINGS_MODULE"}
    done = subprocess.run([sys.executable, "-c", "import config.asgi"], cwd=ROOT / "django_app", env=env,
                          capture_output=True, text=True, timeout=60)

    assert done.returncode != 0 and "DJANGO_SETTINGS_MODULE" in done.stderr


@pytest.fixture(scope="module")
def short_streams(stack) -> Iterator[str]:
    """A second dashboard on the same data whose streams live STREAM_SECONDS, two per user."""
    port = free_port()
    command = parts(replace(stack.config, django_port=port))[2].command
    env = {**child_env(stack.config), "LIVEINSIGHT_STREAM_SECONDS": str(STREAM_SECONDS),
           "LIVEINSIGHT_STREAMS_PER_USER": "2"}
    process = subprocess.Popen([str(arg) for arg in command], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://{stack.settings.host}:{port}"
    try:
        deadline = time.monotonic() + 60
        while not ports.http_ok(f"{url}/healthz"):
            assert time.monotonic() < deadline and process.poll() is None, "the second dashboard did not start"
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture
def watcher(stack, short_streams):
    name = f"sse-{uuid.uuid4().hex[:6]}"
    stack.user(name, site=name)
    return name, sign_in(short_streams, name, "pw-" + name)


@contextmanager
def opened(session: requests.Session, url: str) -> Iterator[requests.Response]:
    response = session.get(url, stream=True, timeout=30)
    try:
        yield response
    finally:
        response.close()


def ending(response: requests.Response) -> str | None:
    """The reason in the stream's end event, read until the server closes it."""
    lines = response.iter_lines(decode_unicode=True)
    for line in lines:
        if line == "event: end":
            return json.loads(next(lines).removeprefix("data: "))["reason"]
    return None


def test_a_stream_ends_after_its_lifetime(short_streams, watcher):
    name, session = watcher
    started = time.monotonic()
    with opened(session, f"{short_streams}/sites/{name}/stream") as response:
        assert response.status_code == 200
        reason = ending(response)

    assert reason == "lifetime"
    assert STREAM_SECONDS - 1 <= time.monotonic() - started <= STREAM_SECONDS + 8


def test_streams_are_capped_per_user(short_streams, watcher):
    name, session = watcher
    url = f"{short_streams}/sites/{name}/stream"
    with opened(session, url) as first, opened(session, url) as second:
        assert (first.status_code, second.status_code) == (200, 200)
        third = session.get(url, timeout=10)
        assert third.status_code == 429 and third.headers["Retry-After"]
    time.sleep(1)
    with opened(session, url) as again:  # closing a stream frees its place
        assert again.status_code == 200


def test_signing_out_ends_the_stream(short_streams, watcher):
    name, session = watcher
    url = f"{short_streams}/sites/{name}/stream"
    with opened(session, url) as response:
        assert response.status_code == 200
        started = time.monotonic()
        assert session.post(f"{short_streams}/accounts/logout/", timeout=10).status_code in (200, 302)
        reason = ending(response)

    assert reason == "signed out" and time.monotonic() - started < STREAM_SECONDS
    assert session.get(url, timeout=10).status_code == 401


def test_a_stream_needs_a_sign_in(stack, short_streams, watcher):
    name, _ = watcher
    token = stack.user(f"{name}-t")["token"]

    assert requests.get(f"{short_streams}/sites/{name}/stream", timeout=10).status_code == 401
    tokened = requests.get(f"{short_streams}/sites/{name}/stream", timeout=10,
                           headers={"Authorization": f"Token {token}"})
    assert tokened.status_code == 401


def test_the_share_page_takes_only_its_owner_and_good_forms(short_streams, watcher):
    """A stranger's site is 404, a form without its CSRF token 403, bad fields 400 with the
    problem named; a site full of links says so (400), and nothing answers 500."""
    name, session = watcher
    url = f"{short_streams}/sites/{name}/links"
    assert session.get(url, timeout=10).status_code == 200
    token = session.cookies["csrftoken"]
    post = functools.partial(session.post, url, timeout=10, headers={"Referer": url, "X-CSRFToken": None})
    assert post(data={"label": "x", "days": "1"}).status_code == 403  # no CSRF token
    for bad in ({"days": "0"}, {"days": "-5"}, {"days": "1e9"}, {"days": "9" * 40}, {"label": "x" * 101},
                {"label": "\x00"}):
        answer = post(data={"csrfmiddlewaretoken": token, **bad})
        assert answer.status_code == 400, (bad, answer.status_code)
    assert session.get(f"{short_streams}/sites/demo/links", timeout=10).status_code == 404
    assert session.post(f"{short_streams}/sites/demo/links/whatever/revoke", timeout=10,
                        data={"csrfmiddlewaretoken": token}).status_code == 404
    made = [post(data={"csrfmiddlewaretoken": token, "label": f"l{i}"}).status_code for i in range(51)]
    assert made == [201] * 50 + [400]
    assert "at most 50 shared links" in post(data={"csrfmiddlewaretoken": token}).text
