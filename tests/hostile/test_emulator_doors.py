"""The emulator's doors, as a web page a developer opens would try them: no cross-origin
request reads or changes the emulated AWS or the emulator's own endpoints, and nothing
listens beyond the loopback address."""

import socket

import pytest
import requests

from embedded.settings import TOKEN_HEADER, control_token
from tests.stack_support import control

pytestmark = pytest.mark.hostile
EVIL = "https://evil.example"


def test_a_cross_site_post_cannot_inject_a_fault(stack):
    # what a page can send without a preflight: a "simple" POST of text/plain
    answer = requests.post(f"{stack.settings.endpoint_url}/_liveinsight/faults", timeout=10,
                           data='{"target": "outage"}', headers={"Origin": EVIL, "Content-Type": "text/plain"})

    assert answer.status_code == 403 and "access-control-allow-origin" not in answer.headers
    assert control(stack, "faults") == []


def test_the_control_endpoints_need_the_stacks_token_and_json(stack):
    url = f"{stack.settings.endpoint_url}/_liveinsight"
    token = {TOKEN_HEADER: control_token(stack.settings.state_dir)}

    assert requests.get(f"{url}/requests", timeout=10).status_code == 403
    assert requests.get(f"{url}/requests", headers={TOKEN_HEADER: "guess"}, timeout=10).status_code == 403
    assert requests.get(f"{url}/requests", headers=token, timeout=10).status_code == 200
    assert requests.delete(f"{url}/faults", headers=token, timeout=10).status_code == 415  # no JSON type
    assert requests.post(f"{url}/sink", data="{}", timeout=10).status_code == 403
    wrong = requests.post(f"{url}/faults", data='{"target": "outage"}', timeout=10,
                          headers={**token, "Content-Type": "text/plain"})
    assert wrong.status_code == 415 and control(stack, "faults") == []


@pytest.mark.parametrize("method, path, headers", [
    ("OPTIONS", "/", {"Access-Control-Request-Method": "POST",
                      "Access-Control-Request-Headers": "x-amz-target,content-type,authorization"}),
    ("GET", "/", {}),  # S3's ListBuckets
    ("OPTIONS", "/_liveinsight/reset", {"Access-Control-Request-Method": "POST"}),
])
def test_moto_answers_no_other_origin(stack, method, path, headers):
    answer = requests.request(method, f"{stack.settings.endpoint_url}{path}", timeout=10,
                              headers={"Origin": EVIL, **headers})

    assert "access-control-allow-origin" not in answer.headers, answer.headers


@pytest.mark.parametrize("headers", [
    {"Origin": EVIL},  # a form a page submits: a "simple" POST needs no preflight
    {"Sec-Fetch-Site": "cross-site"},  # what a browser marks a cross-site request with
    {"Host": "rebound.evil.example:4566"},  # a page whose name was rebound to 127.0.0.1
])
def test_no_browser_request_reaches_the_aws_apis(stack, headers):
    topic = f"planted-{len(headers)}-{next(iter(headers.values()))[-6:].replace(':', '')}"
    answer = requests.post(f"{stack.settings.endpoint_url}/", timeout=10, headers=headers,
                           data={"Action": "CreateTopic", "Name": topic, "Version": "2010-03-31"})

    assert answer.status_code == 403
    topics = stack.client("sns").list_topics()["Topics"]
    assert not [t for t in topics if t["TopicArn"].endswith(":" + topic)]


def test_motos_own_api_needs_the_token(stack):
    tables = stack.client("dynamodb").list_tables()["TableNames"]
    answer = requests.post(f"{stack.settings.endpoint_url}/moto-api/reset", timeout=10)

    assert answer.status_code == 403
    assert stack.client("dynamodb").list_tables()["TableNames"] == tables


def test_the_token_file_is_its_owners_alone(stack):
    mode = (stack.settings.state_dir / "control.token").stat().st_mode & 0o777

    assert mode == 0o600


def outside_addresses() -> list[str]:
    """This machine's addresses other than loopback, as another machine would reach it."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # no packet is sent; the route picks an address
            found = probe.getsockname()[0]
        except OSError:
            return []
    return [] if found.startswith("127.") else [found]


def test_everything_listens_on_loopback_only(stack):
    ports = [stack.settings.moto_port, stack.settings.gateway_port, stack.config.django_port]
    assert stack.settings.bind == "127.0.0.1"
    for address in outside_addresses():
        for port in ports:
            with socket.socket() as sock:
                sock.settimeout(2)
                assert sock.connect_ex((address, port)) != 0, (address, port)
