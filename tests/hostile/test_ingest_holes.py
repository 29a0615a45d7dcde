"""The ingest's holes a review found, each tried over HTTP as an attacker would: bad input
answered as the server's fault (a 503 clients retry forever), rejections that make metrics
of the client's own names, and answers that tell strangers which site ids exist."""

import json
import uuid

import pytest

from tests.ingest_support import event

pytestmark = pytest.mark.hostile


def visitor():
    return f"v-{uuid.uuid4().hex[:12]}"


def test_a_body_nested_too_deeply_is_the_clients_mistake(stack):
    answer = stack.post("[" * 65_000)

    assert answer.status_code == 400 and "nested too deeply" in answer.json()["message"]


@pytest.mark.parametrize("spelled", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_a_number_that_is_not_finite_refuses_only_its_event(stack, spelled):
    vid = visitor()
    good = event("conversion", value=1.0, visitor_id=vid, session_id=f"s-{vid}")
    bad = event("conversion", value=2.0, visitor_id=vid, session_id=f"s-{vid}")
    body = json.dumps({"events": [bad, good]}).replace('"value": 2.0', f'"value": {spelled}', 1)

    answer = stack.post(body)

    assert answer.status_code == 200, answer.text
    assert answer.json()["accepted"] == 1 and answer.json()["rejected"] == [{"index": 0, "reason": "value: type"}]


def test_rejection_reasons_never_carry_the_clients_own_names(stack):
    props = {f"secret-key-{i}": "x" * 300 for i in range(15)}

    answer = stack.post({"events": [event(props=props, visitor_id=visitor(), session_id="s-props1")]})

    reasons = [r["reason"] for r in answer.json()["rejected"]]
    assert reasons == ["props.*: maxLength"] and "secret-key" not in answer.text


def test_an_unknown_site_and_a_refused_origin_get_the_same_answer(stack):
    unknown = stack.post(event(site_id=f"nosuch-{uuid.uuid4().hex[:6]}"))
    refused = stack.post(event(), headers={"origin": "https://evil.example"})

    assert unknown.status_code == refused.status_code == 403
    assert unknown.content == refused.content
