"""Headless Locust against the embedded stack. Its exit code is the run's verdict: a spike
answered with 429s and nothing lost passes; one acknowledged event that never reached the
stack fails it; two worker processes write two ledgers that one reconciliation checks."""

import csv
import json
import subprocess
import sys

import pytest

from embedded.settings import ROOT
from liveinsight.config import child_env
from tests.stack_support import control

pytestmark = pytest.mark.integration
LOCUST = [sys.executable, "-m", "locust", "-f", "loadtests/locustfile.py", "--headless", "--only-summary",
          "--compression", "40", "--stop-timeout", "30"]


def locust(stack, tmp_path, *extra, files="loadtests/locustfile.py", env=None):
    command = [*LOCUST, "-f", files, "--host", stack.api, "--csv", str(tmp_path / "locust"),
               "--ledger", str(tmp_path / "ledger.jsonl"), *extra]
    # these runs check the verdict's logic, not this busy laptop's latency: a p95 bound far
    # above a cold start under a full test session, unless a test sets its own
    slo = {"LIVEINSIGHT_SLO_P95_MS": "30000"}
    return subprocess.run(command, cwd=ROOT, env={**child_env(stack.config), **slo, **(env or {})},
                          capture_output=True, text=True, timeout=300)


def stats(tmp_path):
    return {r["Name"]: r for r in csv.DictReader((tmp_path / "locust_stats.csv").open())}


def verdict(run) -> dict:
    """The reconciliation the run printed."""
    line = next(line for line in run.stdout.splitlines() if line.startswith('{"acknowledged"'))
    return json.loads(line)


def test_a_run_passes_when_every_acknowledged_event_is_stored_once(stack, tmp_path):
    run = locust(stack, tmp_path, "-u", "20", "-r", "10", "-t", "20s")
    assert run.returncode == 0, run.stderr[-3000:]
    assert int(stats(tmp_path)["POST /events"]["Request Count"]) >= 20
    result = verdict(run)
    assert result["lost"] == result["duplicated"] == 0 and result["acknowledged"] > 0
    assert "SLO met: 0 lost" in run.stderr


def test_a_spike_answered_with_429s_loses_nothing_and_passes(stack, tmp_path):
    # 300 visitors at once from one address, past the ingest's 20 requests a second per source
    # (this laptop's latency under the spike is not the question here: the p95 bound is wide)
    run = locust(stack, tmp_path, "-u", "300", "-r", "300", "-t", "15s", "--compression", "200",
                 "--slo-p95-ms", "60000")
    rows = stats(tmp_path)
    assert int(rows["POST /events (retry)"]["Request Count"]) > 0, "the ingest never answered 429"
    assert run.returncode == 0, run.stderr[-3000:]
    assert verdict(run)["lost"] == 0 and "SLO met: failed share 0.0000" in run.stderr


def test_a_slow_run_fails_on_its_p95(stack, tmp_path):
    run = locust(stack, tmp_path, "-u", "5", "-r", "5", "-t", "6s", "--slo-p95-ms", "0.001")
    assert run.returncode == 1 and "SLO MISSED: POST /events p95" in run.stderr
    assert verdict(run)["lost"] == 0


def test_one_event_acknowledged_but_never_sent_fails_the_run(stack, tmp_path):
    run = locust(stack, tmp_path, "-u", "5", "-r", "5", "-t", "8s",
                 files="loadtests/locustfile.py,tests/fixtures/locust/lose_one.py")
    assert run.returncode == 1, run.stderr[-3000:]
    assert verdict(run)["lost"] == 1
    assert "SLO MISSED: 1 lost" in run.stderr


def test_two_workers_write_two_ledgers_and_one_reconciliation_checks_both(stack, tmp_path):
    # every write slowed past any quiet spell the master could wait for: it must wait for
    # the workers' last answers, which come after it quits
    slow = control(stack, "faults", "POST", {"target": "dynamodb", "table": stack.outputs["EventsTableName"],
                                             "latency_ms": 4000, "seconds": 120})
    try:
        run = locust(stack, tmp_path, "--processes", "2", "-u", "10", "-r", "10", "-t", "15s")
    finally:
        control(stack, f"faults?id={slow['id']}", "DELETE")
    assert run.returncode == 0, run.stderr[-3000:]
    ledgers = sorted(p.name for p in tmp_path.glob("ledger*.jsonl"))
    assert ledgers == ["ledger-worker0.jsonl", "ledger-worker1.jsonl"]
    counts = [len((tmp_path / name).read_text().splitlines()) for name in ledgers]
    result = verdict(run)
    assert all(counts) and result["acknowledged"] == sum(counts) and result["lost"] == 0
