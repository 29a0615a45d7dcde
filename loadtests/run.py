"""`make loadtest`: a headless Locust run against the embedded stack (started for the run if it
is not up), CSV and HTML reports in build/loadtest/, then `liveinsight reconcile`.

    python -m loadtests.run [--shape ramp|spike|soak] [--users N --seconds S] [--compression C]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

from embedded import settings as settings_module
from embedded import supervisor
from embedded.settings import ROOT

REPORTS = ROOT / "build" / "loadtest"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shape", choices=["ramp", "spike", "soak"], help="a load shape (default: fixed users)")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--compression", type=float, default=10.0)
    parser.add_argument("--site", default="demo")
    args = parser.parse_args()
    settings = settings_module.load()
    started_here = supervisor.status(settings) != 0
    if started_here and supervisor.up_detached(settings, {"RateLimitPerSource": "1000000",
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
        locust = subprocess.run(command, cwd=ROOT, env=supervisor.child_env(settings))
        check = subprocess.run([sys.executable, "-m", "embedded.cli", "reconcile", "--ledger", str(ledger)],
                               cwd=ROOT, env=supervisor.child_env(settings), capture_output=True, text=True)
        print(check.stdout.strip() or check.stderr.strip())
        passed = check.returncode == 0 and json.loads(check.stdout)["passed"]
        print(f"reports: {REPORTS}/report.html, {REPORTS}/locust_stats.csv")
        return 0 if locust.returncode == 0 and passed else 1
    finally:
        if started_here:
            supervisor.down(settings)


if __name__ == "__main__":
    sys.exit(main())
