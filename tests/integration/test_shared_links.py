"""Shared links: owners make, list and revoke them (API and CLI); a link shows the live page,
its stream and the history with no login and no visitor ids; revoked or expired, nothing."""

import json
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import requests

from embedded.settings import ROOT
from liveinsight.config import child_env

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def owner(stack):
    name = f"share-{uuid.uuid4().hex[:6]}"
    made = stack.user(name, site=name)
    return {"site": name, "headers": {"Authorization": f"Token {made['token']}"}}


def keys_named(value, names) -> bool:
    if isinstance(value, dict):
        return bool(names & set(value)) or any(keys_named(v, names) for v in value.values())
    return isinstance(value, list) and any(keys_named(v, names) for v in value)


def make(stack, owner, **body):
    return requests.post(f"{stack.dashboard}/api/sites/{owner['site']}/links", json=body,
                         headers=owner["headers"], timeout=10)


def test_owners_make_list_and_revoke_links(stack, owner):
    made = make(stack, owner, label="projector", days=7)
    assert made.status_code == 201
    link = made.json()
    assert link["url"].endswith(f"/share/{link['token']}/") and link["key"] == link["token"][:12]

    listed = requests.get(f"{stack.dashboard}/api/sites/{owner['site']}/links", headers=owner["headers"],
                          timeout=10).json()
    assert [(x["key"], x["label"]) for x in listed] == [(link["key"], "projector")]
    assert "token" not in listed[0]
    stored = stack.sql("SELECT digest FROM sites_sharedlink WHERE key = ?", link["key"])[0][0]
    assert link["token"] not in stored  # only its hash

    url = f"{stack.dashboard}/api/sites/{owner['site']}/links/{link['key']}"
    assert requests.delete(url, headers=owner["headers"], timeout=10).status_code == 204
    assert requests.get(link["url"], timeout=10).status_code == 404
    assert requests.delete(url, headers=owner["headers"], timeout=10).status_code == 404


def test_nobody_else_sees_or_makes_a_sites_links(stack, owner):
    stranger = stack.user(f"stranger-{uuid.uuid4().hex[:6]}")
    theirs = {"Authorization": f"Token {stranger['token']}"}
    base = f"{stack.dashboard}/api/sites/{owner['site']}/links"

    assert requests.get(base, headers=theirs, timeout=10).status_code == 404
    assert requests.post(base, json={}, headers=theirs, timeout=10).status_code == 404
    assert requests.get(base, timeout=10).status_code in (401, 403)
    assert make(stack, owner, days=0).status_code == 400


def test_a_link_shows_the_pages_and_the_stream_without_visitor_ids(stack, owner):
    link = make(stack, owner).json()
    live = requests.get(link["url"], timeout=10)
    assert live.status_code == 200 and owner["site"] in live.text and "Sign out" not in live.text
    assert requests.get(link["url"] + "history", timeout=10).status_code == 200

    with requests.get(link["url"] + "stream", stream=True, timeout=10) as stream:
        lines = stream.iter_lines(decode_unicode=True)
        data = next(line for line in lines if line.startswith("data: "))
    snapshot = json.loads(data.removeprefix("data: "))
    assert "active_visitors" in snapshot and not keys_named(snapshot, {"visitor", "visitor_id", "vid"})
    assert requests.get(f"{stack.dashboard}/share/{'x' * 32}/", timeout=10).status_code == 404


def test_an_expired_link_opens_nothing(stack, owner):
    link = make(stack, owner, days=1).json()
    stack.sql("UPDATE sites_sharedlink SET expires = ? WHERE key = ?",
              (datetime.now(UTC) - timedelta(minutes=1)).isoformat(" "), link["key"])

    assert requests.get(link["url"], timeout=10).status_code == 404
    assert requests.get(link["url"] + "stream", timeout=10).status_code == 404


def test_the_cli_makes_lists_and_revokes_links(stack, owner):
    def cli(*args):
        done = subprocess.run([sys.executable, "-m", "liveinsight", "share", *args], cwd=ROOT, timeout=60,
                              env=child_env(stack.config), capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    made = cli("create", owner["site"], "--label", "cli")
    assert requests.get(made["url"], timeout=10).status_code == 200
    assert made["key"] in [x["key"] for x in cli("list", owner["site"])["links"]]
    assert cli("revoke", made["key"]) == {"revoked": made["key"]}
    assert requests.get(made["url"], timeout=10).status_code == 404


def test_up_made_one_for_the_demo_site(stack):
    assert requests.get(stack.demo["shared"], timeout=10).status_code == 200


def test_a_site_holds_a_bounded_number_of_links(stack):
    name = f"many-{uuid.uuid4().hex[:6]}"
    many = {"site": name, "headers": {"Authorization": f"Token {stack.user(name, site=name)['token']}"}}
    statuses = [make(stack, many).status_code for _ in range(51)]  # the 51st is past SharedLink.PER_SITE

    assert statuses == [201] * 50 + [400]
    refused = make(stack, many)
    assert refused.status_code == 400 and "at most 50" in refused.text
