"""The REST API fuzzed by schemathesis from its own OpenAPI schema, over HTTP, as an API token
holder, as a signed-in browser session, as nobody, and as a stranger to the site: never a
server error, every answer as documented, and nothing of another user's site."""

import json
import subprocess
import sys
from collections import Counter

import pytest
import requests
import schemathesis
from hypothesis import settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from embedded.settings import ROOT

from .conftest import budget, sign_in

pytestmark = pytest.mark.hostile
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]




def generated_schema() -> dict:
    """The OpenAPI schema as the dashboard generates it (the one it serves: see the last test)."""
    out = subprocess.run([sys.executable, "django_app/manage.py", "spectacular", "--format", "openapi-json"],
                         cwd=ROOT, check=True, capture_output=True, text=True).stdout
    return json.loads(out)


SCHEMA = generated_schema()
ANSWERS: Counter = Counter()  # (who, status): how the fuzzed calls were answered
schema = schemathesis.openapi.from_dict(SCHEMA)


@pytest.fixture(scope="module")
def people(sites):
    return {"owner": sites["owner"], "stranger": sites["stranger"], "site": sites["mine"]}


@pytest.fixture(scope="module")
def browser(stack, people):
    """A signed-in browser session of the site's owner."""
    session = sign_in(stack.dashboard, people["owner"]["username"], people["owner"]["password"])
    assert "sessionid" in session.cookies
    return session


def on_owned_site(case, site: str) -> None:
    """Half the cases ask about a site the caller owns, so the answers past the ownership check are fuzzed too."""
    if case.query and "site" in case.query and hash(repr(case.query)) % 2 == 0:
        case.query["site"] = site


@schema.parametrize()
@settings(settings.get_profile("hostile"), max_examples=budget(40))
def test_with_an_api_token(case, stack, people):
    on_owned_site(case, people["site"])

    response = case.call(base_url=stack.dashboard, headers={"Authorization": f"Token {people['owner']['token']}"})

    ANSWERS["token", response.status_code] += 1
    case.validate_response(response, checks=CHECKS)


@schema.parametrize()
@settings(settings.get_profile("hostile"), max_examples=budget(25))
def test_with_a_browser_session(case, stack, people, browser):
    on_owned_site(case, people["site"])

    # the schema's own cookie (an empty sessionid) gives way to the signed-in one
    response = case.call(base_url=stack.dashboard, session=browser, cookies=browser.cookies.get_dict())

    ANSWERS["session", response.status_code] += 1
    case.validate_response(response, checks=CHECKS)


@schema.parametrize()
@settings(settings.get_profile("hostile"), max_examples=budget(10))
def test_without_credentials_every_operation_is_refused(case, stack):
    response = case.call(base_url=stack.dashboard)

    assert response.status_code in (401, 403), (case.method, case.path, response.status_code)
    case.validate_response(response, checks=[not_a_server_error, content_type_conformance])


@schema.parametrize()
@settings(settings.get_profile("hostile"), max_examples=budget(15))
def test_a_stranger_learns_nothing_of_another_users_site(case, stack, people):
    if not case.query or "site" not in case.query or case.method.upper() != case.operation.method.upper():
        return  # not a site's operation (other methods are 405, or OPTIONS' description of the view)
    case.query["site"] = people["site"]

    response = case.call(base_url=stack.dashboard, headers={"Authorization": f"Token {people['stranger']['token']}"})

    assert response.status_code in (400, 404), (case.method, case.path, case.query, response.status_code)
    assert people["site"] not in response.text or response.status_code == 400


@pytest.mark.parametrize("path, query", [
    ("sessions/active", {}), ("realtime", {}), ("history/summary", {}), ("history/series", {}),
    ("history/breakdown", {"dimension": "pages"}), ("history/funnel", {"funnel": "checkout"}),
])
def test_another_users_site_is_404_with_valid_parameters(stack, people, path, query):
    answer = stack.query(path, people["stranger"]["token"], site=people["site"], **query)

    assert answer.status_code == 404 and answer.json() == {"detail": "no such site"}


def test_the_fuzzed_schema_is_the_one_served(stack):
    assert requests.get(f"{stack.dashboard}/api/schema/?format=json", timeout=10).json() == SCHEMA


def test_both_kinds_of_credentials_reached_the_answers_past_the_checks():
    if not ANSWERS:
        pytest.skip("the fuzzing tests above did not run")
    print(f"\nREST API fuzzing answers: {dict(sorted(ANSWERS.items()))}")
    assert ANSWERS["token", 200] and ANSWERS["session", 200] and ANSWERS["session", 201]
