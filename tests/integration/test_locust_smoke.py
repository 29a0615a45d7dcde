"""A short headless Locust run against the embedded stack, then reconciliation: 0 lost, 0 duplicated."""

import csv
import json
import subprocess
import sys

import pytest

from embedded.settings import ROOT
from liveinsight.config import child_env

pytestmark = pytest.mark.integration


def test_locust_replays_visitors_and_every_acknowledged_event_is_stored_once(stack, tmp_path):
    ledger = tmp_path / "ledger.jsonl"
    env = child_env(stack.config)
    run = subprocess.run(
        [sys.executable, "-m", "locust", "-f", "loadtests/locustfile.py", "--headless", "--only-summary",
         "-u", "20", "-r", "10", "-t", "20s", "--host", stack.api, "--csv", str(tmp_path / "locust"),
         "--compression", "40", "--ledger", str(ledger), "--stop-timeout", "30"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-3000:]

    rows = {r["Name"]: r for r in csv.DictReader((tmp_path / "locust_stats.csv").open())}
    assert int(rows["POST /events"]["Request Count"]) >= 20 and int(rows["POST /events"]["Failure Count"]) == 0

    check = subprocess.run([sys.executable, "-m", "liveinsight", "reconcile", "--ledger", str(ledger)],
                           cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    result = json.loads(check.stdout)
    assert check.returncode == 0 and result["lost"] == 0 and result["duplicated"] == 0, result
    assert result["acknowledged"] > 0
