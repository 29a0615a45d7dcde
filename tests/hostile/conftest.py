"""The hostile tier: fuzzing and attacks over HTTP against the embedded stack. Budgets are
fixed and the examples derandomized, so a run is repeatable; LIVEINSIGHT_FUZZ_SCALE
multiplies every budget (say 10 for a long hunt)."""

import os
import uuid

import pytest
import requests
from hypothesis import HealthCheck, settings

SCALE = float(os.environ.get("LIVEINSIGHT_FUZZ_SCALE", "1"))
settings.register_profile(
    "hostile", derandomize=True, database=None, deadline=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much,
                           HealthCheck.function_scoped_fixture],
)


def budget(examples: int) -> int:
    return max(1, int(examples * SCALE))


@pytest.fixture(scope="module")
def sites(stack):
    """Two sites of two owners, each allowing only its own origin."""
    suffix = uuid.uuid4().hex[:6]
    mine = stack.user(f"fuzz-{suffix}", site=f"fuzz-{suffix}", origins=("https://fuzz.example",))
    theirs = stack.user(f"other-{suffix}", site=f"other-{suffix}", origins=("https://other.example",))
    return {"mine": f"fuzz-{suffix}", "theirs": f"other-{suffix}", "origin": "https://fuzz.example",
            "owner": mine, "stranger": theirs}


def sign_in(dashboard: str, username: str, password: str) -> requests.Session:
    """A browser session through the login form; it sends its CSRF token as the pages do."""
    session = requests.Session()
    login = f"{dashboard}/accounts/login/"
    session.get(login, timeout=10)
    session.post(login, timeout=10, headers={"Referer": login}, data={
        "username": username, "password": password, "csrfmiddlewaretoken": session.cookies["csrftoken"]})
    session.headers["X-CSRFToken"] = session.cookies["csrftoken"]
    session.headers["Referer"] = dashboard + "/"
    return session
