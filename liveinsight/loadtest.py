"""`liveinsight loadtest` (`make loadtest`): a headless Locust run against the embedded stack
(started for the run if it is not up), CSV and HTML reports in build/loadtest/, then
`liveinsight reconcile`."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from typing import Any

from embedded.settings import ROOT

from . import stack
from .config import Config, child_env

REPORTS = ROOT / "build" / "loadtest"


def add(commands: Any) -> None:
    parser = commands.add_parser("loadtest", help="headless Locust against the embedded stack, then reconcile")
    parser.add_argument("--shape", choices=["ramp", "spike", "soak"], help="a load shape (default: fixed users)")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--compression", type=float, default=10.0)
    parser.add_argument("--site", default="demo")
    parser.set_defaults(func=loadtest_command)


def loadtest_command(args: argparse.Namespace, config: Config) -> int:
    settings = config.emulator
    started_here = stack.status(config) != 0
    if started_here and stack.up_detached(config, {"RateLimitPerSource": "1000000",
                                                   "RateLimitBurst": "1000000"}) != 0:
        return 1
    try:
        REPORTS.mkdir(parents=True, exist_ok=True)
        ledger = settings.state_dir / "ledgers" / "locust.jsonl"
        files = "loadtests/locustfile.py" + (f",loadtests/shapes/{args.shape}.py" if args.shape else "")
        command = [sys.executable, "-m", "locust", "-f", files, "--headless", "--only-summary", "--stop-timeout", "120",
                   "--host", f"http://{settings.host}:{settings.gateway_port}",
                   "--csv", str(REPORTS / "locust"), "--html", str(REPORTS / "report.html"),
                   "--site", args.site, "--compression", str(args.compression), "--ledger", str(ledger)]
        if not args.shape:
            command += ["-u", str(args.users), "-r", str(max(1, args.users // 5)), "-t", f"{args.seconds}s"]
        env = child_env(config)
        locust = subprocess.run(command, cwd=ROOT, env=env)
        check = subprocess.run([sys.executable, "-m", "liveinsight", "reconcile", "--ledger", str(ledger)],
                               cwd=ROOT, env=env, capture_output=True, text=True)
        print(check.stdout.strip() or check.stderr.strip())
        passed = check.returncode == 0 and json.loads(check.stdout)["passed"]
        print(f"reports: {REPORTS}/report.html, {REPORTS}/locust_stats.csv")
        return 0 if locust.returncode == 0 and passed else 1
    finally:
        if started_here:
            stack.down(config)
