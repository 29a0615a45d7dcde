"""A seeded simulation against the embedded stack: the dashboard API's numbers equal the
simulator's ground truth exactly, and reconciliation finds nothing lost or counted twice."""

import datetime as dt
import json
import subprocess
import sys
import time
import uuid

import pytest

from liveinsight.config import child_env
from tests.stack_support import events_counted, eventually

pytestmark = pytest.mark.integration


def liveinsight(stack, *args):
    return subprocess.run([sys.executable, "-m", "liveinsight", *args], env=child_env(stack.config),
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def simulated(stack, tmp_path_factory):
    site = f"sim-{uuid.uuid4().hex[:6]}"
    owner = stack.user(f"owner-{site}", site=site)
    folder = tmp_path_factory.mktemp("simulation")
    run = liveinsight(stack, "simulate", "--site", site, "--seed", "11", "--rate", "600", "--duration", "12",
                      "--compression", "120", "--quiet", "--truth", str(folder / "truth.json"),
                      "--ledger", str(folder / "ledger.jsonl"), "--record", str(folder / "journeys.jsonl"))
    assert run.returncode == 0, run.stderr[-2000:]
    summary = json.loads(run.stdout)
    assert eventually(lambda: events_counted(stack, site) >= summary["acknowledged"], 60)  # the pipeline caught up
    truth = json.loads((folder / "truth.json").read_text())["totals"]
    today = dt.datetime.now(dt.UTC).date().isoformat()
    # sessions are counted from the Sessions stream, a moment after their events: the last
    # visits, cut when the run ended, began and ended in its final second
    eventually(lambda: stack.query("history/summary", owner["token"], site=site, **{"from": today, "to": today})
               .json().get("sessions") == truth["sessions"], 60)
    return {"site": site, "token": owner["token"], "folder": folder, "summary": summary, "truth": truth}


def api(stack, simulated, path, **params):
    today = dt.datetime.now(dt.UTC).date().isoformat()
    params.update({"from": today, "to": today})
    response = stack.query(f"history/{path}", simulated["token"], site=simulated["site"], **params)
    assert response.status_code == 200, response.text
    return response.json()


def test_the_run_sent_real_traffic(simulated):
    summary = simulated["summary"]
    assert summary["visits"] >= 60 and summary["acknowledged"] == summary["events_sent"] - summary["retried"]
    assert summary["errors"] == 0


def test_totals_equal_the_ground_truth(stack, simulated):
    truth, got = simulated["truth"], api(stack, simulated, "summary")

    assert {k: got[k] for k in ("visitors", "sessions", "pageviews", "bounces", "bounce_rate", "goals")} == \
        {k: truth[k] for k in ("visitors", "sessions", "pageviews", "bounces", "bounce_rate", "goals")}


@pytest.mark.parametrize("dimension, key", [("pages", "pages"), ("entry_pages", "entry_pages"),
                                            ("referrers", "referrers")])
def test_breakdowns_equal_the_ground_truth(stack, simulated, dimension, key):
    rows = api(stack, simulated, "breakdown", dimension=dimension, limit=1000)["rows"]

    assert {r["name"]: r["count"] for r in rows} == simulated["truth"][key]


def test_reconciliation_finds_nothing_lost_duplicated_or_unexpected(stack, simulated):
    run = liveinsight(stack, "reconcile", "--ledger", str(simulated["folder"] / "ledger.jsonl"))

    result = json.loads(run.stdout)
    assert run.returncode == 0 and result["passed"], result
    assert result["acknowledged"] == simulated["summary"]["acknowledged"] > 0


def test_a_timed_run_ends_on_time_its_visits_cut_as_closed_tabs(stack, tmp_path):
    site = f"cut-{uuid.uuid4().hex[:6]}"
    owner = stack.user(f"owner-{site}", site=site)
    started = time.monotonic()
    run = liveinsight(stack, "simulate", "--site", site, "--seed", "4", "--rate", "240", "--duration", "6",
                      "--quiet", "--truth", str(tmp_path / "truth.json"), "--ledger", str(tmp_path / "ledger.jsonl"))
    elapsed = time.monotonic() - started

    assert run.returncode == 0, run.stderr[-2000:]
    assert elapsed < 6 + 10, elapsed  # real-time visits last minutes: they were cut, not played out
    assert run.stdout.count("\n") == 1  # --quiet: the summary alone
    summary = json.loads(run.stdout)
    truth = json.loads((tmp_path / "truth.json").read_text())
    sent = sum(s["events"] for s in truth["sessions"])
    assert summary["errors"] == 0 and summary["acknowledged"] == sent  # the truth is what was sent
    assert len((tmp_path / "ledger.jsonl").read_text().splitlines()) == sent
    totals = truth["totals"]
    assert eventually(lambda: stack.query("history/summary", owner["token"], site=site).json().get("pageviews")
                      == totals["pageviews"], 60)
