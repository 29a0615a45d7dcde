"""`liveinsight up --detach`, `status` and `down`, as a script would use them."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from embedded.ports import free_port
from embedded.settings import ROOT
from tests.ingest_support import BROWSER_UA, event

pytestmark = pytest.mark.integration


def run(args, env, timeout=240):
    return subprocess.run([sys.executable, "-m", "liveinsight", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def env(tmp_path):
    ports = {"LIVEINSIGHT_MOTO_PORT": free_port(), "LIVEINSIGHT_GATEWAY_PORT": free_port(),
             "LIVEINSIGHT_DJANGO_PORT": free_port()}
    base = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "LIVEINSIGHT_"))}
    return {**base, "LIVEINSIGHT_STATE_DIR": str(tmp_path), **{k: str(v) for k, v in ports.items()}}


def test_port_already_taken_gives_a_clear_error(env):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", int(env["LIVEINSIGHT_GATEWAY_PORT"])))
        taken.listen()

        result = run(["up"], env, timeout=60)

    assert result.returncode == 1
    port = env["LIVEINSIGHT_GATEWAY_PORT"]
    assert f"port {port} on 127.0.0.1 is already in use; the API Gateway data plane wanted it" in result.stderr
    assert "LIVEINSIGHT_GATEWAY_PORT" in result.stderr


def test_up_detach_status_down(env):
    started = run(["up", "--detach"], env)
    try:
        assert started.returncode == 0, started.stderr
        assert f"POST http://127.0.0.1:{env['LIVEINSIGHT_GATEWAY_PORT']}/events" in started.stdout

        status = run(["status"], env)
        assert status.returncode == 0
        assert [line.split()[1] for line in status.stdout.splitlines()] == ["up", "up", "up"]

        ingest = requests.post(f"http://127.0.0.1:{env['LIVEINSIGHT_GATEWAY_PORT']}/events", timeout=15,
                               json=event("page_view", int(time.time() * 1000)), headers={"user-agent": BROWSER_UA})
        assert ingest.status_code == 200
        dashboard = f"http://127.0.0.1:{env['LIVEINSIGHT_DJANGO_PORT']}"
        assert "/accounts/login/" in requests.get(f"{dashboard}/", timeout=10).url  # login required
        assert "API token    (shown only on a terminal" in started.stdout  # stdout is a pipe here
        demo = json.loads(run(["demo-user", "--secrets"], env).stdout)
        token = demo["token"]
        api = requests.get(f"{dashboard}/api/realtime", params={"site": "demo"},
                           headers={"Authorization": f"Token {token}"}, timeout=10)
        assert api.status_code == 200 and api.json()["site"] == "demo"
        ledger = Path(env["LIVEINSIGHT_STATE_DIR"]) / "ledgers" / "up.jsonl"
        deadline = time.monotonic() + 40
        while not (ledger.exists() and ledger.read_text().strip()):  # the default gentle traffic
            assert time.monotonic() < deadline, "no simulated traffic was acknowledged"
            time.sleep(0.5)
    finally:
        stopped = run(["down"], env)

    assert stopped.returncode == 0
    assert run(["status"], env).returncode == 1
    log = (Path(env["LIVEINSIGHT_STATE_DIR"]) / "up.log").read_text()
    assert "LiveInsight is up" in log and demo["password"] not in log and token not in log


def test_ctrl_c_stops_every_part(env):
    # a shell running the tests in the background ignores Ctrl-C, and its children inherit
    # that: `up` gets Ctrl-C's default back, as on a terminal
    process = subprocess.Popen([sys.executable, "-m", "liveinsight", "up"], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    lines = []
    for line in process.stdout:
        lines.append(line)
        if "Stop with Ctrl-C." in line:
            break

    process.send_signal(signal.SIGINT)
    try:  # each part has 10 s to stop before it is killed, the traffic first
        rest = process.communicate(timeout=60)[0]
    except subprocess.TimeoutExpired:
        process.kill()
        pytest.fail("`up` did not stop within 60 s of Ctrl-C:\n" + process.communicate()[0][-4000:])

    assert process.returncode == 0
    assert "LiveInsight stopped." in rest
    assert run(["status"], env).returncode == 1
