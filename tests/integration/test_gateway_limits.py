"""The gateway's limits, as API Gateway's: the source address is the TCP peer, an oversized
body is refused before it is read, a slow body times out, and a stage's throttling and the
gateway's own bound on requests in flight answer 429."""

import concurrent.futures
import socket
import time

import pytest
import requests

from embedded.settings import ROOT
from liveinsight.stack import another_gateway

pytestmark = pytest.mark.integration
PROBE = ROOT / "tests" / "fixtures" / "probe" / "template.yaml"


def raw(port, request: bytes, wait: float = 5.0) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=wait + 5) as sock:
        sock.sendall(request)
        return sock.recv(4096)


def test_the_source_address_is_the_tcp_peer_whatever_the_client_says(stack):
    answer = requests.get(f"{stack.probe}/echo", headers={"X-Forwarded-For": "203.0.113.5",
                                                          "Forwarded": "for=203.0.113.6"}, timeout=10)

    assert answer.json()["event"]["requestContext"]["http"]["sourceIp"] == "127.0.0.1"


def test_a_body_declared_too_large_is_refused_before_it_is_read(stack):
    port = int(stack.probe.rsplit(":", 1)[1])
    started = time.monotonic()

    answer = raw(port, b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 20000000\r\n\r\n")

    assert answer.startswith(b"HTTP/1.1 413") and time.monotonic() - started < 2


@pytest.fixture(scope="module")
def tight(stack):
    """A probe API behind a gateway with a one-second read timeout and 2 requests in flight."""
    env = {"LIVEINSIGHT_GATEWAY_READ_TIMEOUT": "1", "LIVEINSIGHT_GATEWAY_MAX_IN_FLIGHT": "2",
           "LIVEINSIGHT_QUEUE_TIMEOUT": "5"}
    with another_gateway(stack.config, PROBE, "tight", env) as port:
        yield port


@pytest.fixture(scope="module")
def throttled(stack):
    """A probe API whose stage takes 2 requests at once and 1 a second."""
    with another_gateway(stack.config, PROBE, "throttled", None, {"RateLimit": "1", "BurstLimit": "2"}) as port:
        yield port


def test_a_body_sent_too_slowly_times_out(tight):
    started = time.monotonic()

    answer = raw(tight, b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc")

    assert answer.startswith(b"HTTP/1.1 408") and 0.9 < time.monotonic() - started < 5


def test_the_stage_throttles_past_its_burst_and_rate(throttled):
    time.sleep(2.5)  # a full bucket
    statuses = [requests.get(f"http://127.0.0.1:{throttled}/trivial", timeout=10).status_code for _ in range(4)]

    assert statuses[:2] == [200, 200] and 429 in statuses[2:]
    time.sleep(1.2)
    assert requests.get(f"http://127.0.0.1:{throttled}/trivial", timeout=10).status_code == 200


def test_requests_past_the_bound_in_flight_are_throttled(tight):
    def slow(seconds):
        return requests.get(f"http://127.0.0.1:{tight}/sleep?seconds={seconds}", timeout=10).status_code

    with concurrent.futures.ThreadPoolExecutor(2) as pool:  # both workers warm: no cold start in the timing
        assert list(pool.map(slow, [0.3, 0.3])) == [200, 200]
    with concurrent.futures.ThreadPoolExecutor(3) as pool:
        statuses = sorted(pool.map(slow, [0.6] * 3))

    assert statuses == [200, 200, 429]
