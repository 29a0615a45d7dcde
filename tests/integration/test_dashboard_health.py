"""The dashboard's health check answers a load balancer, which addresses the task by IP."""

import pytest
import requests

pytestmark = pytest.mark.integration


def test_health_answers_any_host_and_every_other_page_still_checks_it(stack):
    health = requests.get(f"{stack.dashboard}/healthz", headers={"Host": "10.0.3.17:8000"}, timeout=10)
    page = requests.get(f"{stack.dashboard}/", headers={"Host": "10.0.3.17:8000"}, timeout=10)

    assert health.status_code == 200 and health.json() == {"ok": True}
    assert page.status_code == 400  # not an allowed host
