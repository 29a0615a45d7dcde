"""The `liveinsight` command."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from . import settings as settings_module


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="liveinsight", description="LiveInsight, on one machine.")
    commands = parser.add_subparsers(dest="command", required=True)

    up = commands.add_parser("up", help="run the whole embedded stack")
    up.add_argument("--detach", action="store_true", help="run in the background; stop with `down`")
    up.add_argument("--parameter", action="append", default=[], metavar="KEY=VALUE",
                    help="template parameter override; repeatable")
    up.add_argument("--traffic", type=float, default=None, metavar="PER_MINUTE",
                    help="simulated visitors a minute on the demo site (default 20)")
    up.add_argument("--no-traffic", action="store_true", help="start no simulated traffic")
    commands.add_parser("down", help="stop a detached stack")
    commands.add_parser("status", help="show which parts of the stack are healthy")

    deploy = commands.add_parser("deploy", help="deploy the SAM template")
    deploy.add_argument("--target", choices=["embedded"], default="embedded")
    deploy.add_argument("--template", type=Path, default=settings_module.TEMPLATE)
    deploy.add_argument("--stack", help="stack name (default: LIVEINSIGHT_STACK or liveinsight)")
    deploy.add_argument("--parameter", action="append", default=[], metavar="KEY=VALUE",
                        help="template parameter override; repeatable")

    package = commands.add_parser("package", help="build the functions' deployment zips")
    package.add_argument("--template", type=Path, default=settings_module.TEMPLATE)

    gateway = commands.add_parser("gateway", help="serve a deployed HTTP API (started by `up`)")
    gateway.add_argument("--stack")
    gateway.add_argument("--port", type=int)
    gateway.add_argument("--api-id")

    from simulator import cli as simulator_cli

    from . import ops_cli
    simulator_cli.add(commands)
    ops_cli.add(commands)

    args = parser.parse_args(argv)
    settings = settings_module.load()
    stack = getattr(args, "stack", None) or settings.stack_name

    if args.command == "up":
        from . import supervisor
        parameters = dict(p.split("=", 1) for p in args.parameter)
        traffic = 0.0 if args.no_traffic else (supervisor.TRAFFIC_RATE if args.traffic is None else args.traffic)
        return (supervisor.up_detached(settings, parameters, traffic) if args.detach
                else supervisor.up(settings, parameters, traffic))
    if args.command == "down":
        from . import supervisor
        return supervisor.down(settings)
    if args.command == "status":
        from . import supervisor
        return supervisor.status(settings)
    if args.command == "deploy":
        from . import deploy as deploy_module
        from .intrinsics import TemplateError
        overrides = dict(p.split("=", 1) for p in args.parameter)
        os.environ.update(settings_module.aws_env(settings))
        try:
            outputs = deploy_module.deploy(settings, args.template.resolve(), stack, overrides)
        except TemplateError as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
        print(json.dumps(outputs, indent=2))
        return 0
    if args.command == "package":
        from . import package as package_module
        from . import template
        for name, path in package_module.build_all(template.load(args.template), args.template.parent).items():
            print(f"{name}: {path} ({path.stat().st_size} bytes)")
        return 0
    if args.command == "chaos":
        return ops_cli.chaos(args, settings)
    if args.command == "alarms":
        return ops_cli.alarms(args, settings)
    if args.command == "simulate":
        return simulator_cli.simulate(args, settings)
    if args.command == "reconcile":
        return simulator_cli.reconcile(args, settings)
    if args.command == "gateway":
        from . import serve
        serve.run(settings, stack, args.port or settings.gateway_port, args.api_id)
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
