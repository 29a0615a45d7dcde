"""`liveinsight simulate` and `liveinsight reconcile`."""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.live import Live
from rich.table import Table

import stackstate
from embedded import aws
from simulator import reconcile as reconcile_module
from simulator import truth
from simulator.journey import Rates
from simulator.runner import Run
from simulator.scenarios import SCENARIOS

from .config import Config


def add(commands: Any) -> None:
    simulate = commands.add_parser("simulate", help="replay simulated visitors through the tracker protocol")
    simulate.set_defaults(func=simulate_command)
    simulate.add_argument("--rate", type=float, default=60.0, help="new visitors per minute (default 60)")
    simulate.add_argument("--duration", type=float, default=60.0,
                          help="seconds to run (visits still under way then end as a closed tab would); "
                               "0: until stopped (default 60)")
    simulate.add_argument("--scenario", choices=sorted(SCENARIOS), default="steady")
    simulate.add_argument("--seed", type=int, default=1, help="the same seed gives the same visitors")
    simulate.add_argument("--compression", type=float, default=1.0,
                          help="how much faster than real time visitors read and click (default 1)")
    simulate.add_argument("--site", default="demo")
    simulate.add_argument("--endpoint", help="the ingest API (default: the deployed stack's)")
    simulate.add_argument("--bounce", type=float, default=0.35, help="share of visits that leave at once")
    simulate.add_argument("--purchase", type=float, default=0.6, help="share of checkouts that buy")
    simulate.add_argument("--truth", type=Path, help="write the ground truth (JSON) here")
    simulate.add_argument("--record", type=Path, help="write the journeys (JSONL) here, for Locust to replay")
    simulate.add_argument("--ledger", type=Path, help="where to write the acknowledged events (JSONL)")
    simulate.add_argument("--quiet", action="store_true", help="print only the final JSON summary")
    check = commands.add_parser("reconcile", help="compare a run's acknowledged events with what is stored")
    check.set_defaults(func=reconcile_command)
    check.add_argument("--ledger", type=Path, nargs="+", help="ledgers of one run (default: the last run's)")


def default_ledger(config: Config) -> Path:
    return config.emulator.state_dir / "ledgers" / "last.jsonl"


def ingest_url(config: Config, public: bool = False) -> str:
    """Where events go: the URL a LocalStack or AWS deploy saved, else the embedded gateway."""
    settings = config.emulator
    return stackstate.ingest_url(settings.state_dir, settings.stack_name, public) or \
        f"http://{settings.host}:{settings.gateway_port}"


def simulate_command(args: argparse.Namespace, config: Config) -> int:
    endpoint = args.endpoint or ingest_url(config)
    run = Run(endpoint, args.site, SCENARIOS[args.scenario], args.seed, args.rate, args.duration,
              args.compression, Rates(bounce=args.bounce, purchase=args.purchase),
              ledger=args.ledger or default_ledger(config), keep=bool(args.truth or args.record))
    console = Console(stderr=True)
    try:
        if args.quiet:
            asyncio.run(run.run())
        else:
            with Live(_table(run), console=console, refresh_per_second=4) as live:
                asyncio.run(_with_display(run, live))
    except KeyboardInterrupt:
        pass  # stopped: the summary covers what was sent so far
    summary = _summary(run)
    if args.truth:
        args.truth.write_text(json.dumps({"sessions": run.sessions, "totals": truth.totals(run.sessions)}, indent=1))
    if args.record:
        args.record.write_text("".join(json.dumps(j) + "\n" for j in run.journeys))
    if not args.quiet:
        console.print(_table(run, "finished"))
    print(json.dumps(summary))
    return 0 if run.progress.errors == 0 else 1


async def _with_display(run: Run, live: Live) -> None:
    async def refresh() -> None:
        while True:
            live.update(_table(run))
            await asyncio.sleep(0.25)

    ticker = asyncio.create_task(refresh())
    try:
        await run.run()
    finally:
        ticker.cancel()


def _summary(run: Run) -> dict[str, Any]:
    p = run.progress
    seconds = time.monotonic() - p.started
    return {"visits": p.visits, "events_sent": p.sent, "acknowledged": p.acknowledged, "retried": p.retried,
            "errors": p.errors, "requests": p.requests, "seconds": round(seconds, 1),
            "events_per_s": round(p.acknowledged / seconds, 1) if seconds else 0.0,
            "statuses": {str(k): v for k, v in sorted(p.statuses.items())},
            "acknowledged_per_second": [p.acked_per_s.get(i, 0) for i in range(int(seconds) + 1)]}


def _table(run: Run, state: str = "running") -> Table:
    p = run.progress
    table = Table(title=f"liveinsight simulate · {run.scenario.name} · {state}", show_header=False)
    for name, value in (("visitors active", p.active), ("visits", p.visits), ("events sent", p.sent),
                        ("acknowledged", p.acknowledged), ("retried", p.retried), ("errors", p.errors),
                        ("seconds", f"{time.monotonic() - p.started:.0f} / {run.duration:.0f}")):
        table.add_row(name, str(value))
    return table


def reconcile_command(args: argparse.Namespace, config: Config) -> int:
    settings = config.emulator
    deployed = stackstate.read(settings.state_dir, settings.stack_name)
    named = aws.from_source(config.source)  # LocalStack or AWS, as the environment names it
    target = settings.aws if deployed.get("target", "embedded") == "embedded" and not named.endpoint_url else named
    ledger = [event for path in args.ledger or [default_ledger(config)] for event in reconcile_module.read_ledger(path)]
    result = reconcile_module.reconcile(aws.client("dynamodb", target),
                                        stackstate.outputs(settings.state_dir, settings.stack_name), ledger)
    print(json.dumps(result))
    return 0 if result["passed"] else 1
