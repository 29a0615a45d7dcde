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
    deploy.add_argument("--target", choices=["embedded", "localstack", "aws"], default="embedded",
                        help="embedded: the emulator (moto); localstack: AWS_ENDPOINT_URL, by default "
                             "http://localhost:4566; aws: the account of the standard AWS configuration")
    deploy.add_argument("--template", type=Path, default=settings_module.TEMPLATE)
    deploy.add_argument("--stack", help="stack name (default: LIVEINSIGHT_STACK or liveinsight)")
    deploy.add_argument("--parameter", action="append", default=[], metavar="KEY=VALUE",
                        help="template parameter override; repeatable")

    demo_user = commands.add_parser("demo-user", help="make the dashboard's database and the demo user, site and "
                                    "a new token, against the stack the environment names (as `up` does); print them "
                                    "(the password and token only on a terminal)")
    demo_user.add_argument("--secrets", action="store_true", help="print the password and token to a pipe too")
    token = commands.add_parser("token", help="the dashboard's API tokens: create, list or revoke")
    token.add_argument("action", choices=["create", "list", "revoke"])
    token.add_argument("subject", help="a username (create, list), or a token's first characters (revoke)")
    token.add_argument("--days", type=int, help="create: the token's lifetime in days")
    ingest = commands.add_parser("ingest-url", help="print where events go, for the deployed stack")
    ingest.add_argument("--public", action="store_true", help="as a browser on the host reaches it")

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
        from botocore.exceptions import BotoCoreError, ClientError

        from . import cloud
        from . import deploy as deploy_module
        from .intrinsics import TemplateError
        overrides = dict(p.split("=", 1) for p in args.parameter)
        if args.target == "embedded":
            os.environ.update(settings_module.aws_env(settings))
        elif args.target == "localstack":
            for name, value in settings_module.localstack_env().items():
                os.environ.setdefault(name, value)
        try:
            outputs = (deploy_module.deploy(settings, args.template.resolve(), stack, overrides)
                       if args.target == "embedded" else
                       cloud.deploy_stack(settings, args.template.resolve(), stack, args.target, overrides))
        except (TemplateError, BotoCoreError, ClientError) as error:  # bad template, credentials or endpoint
            print(f"error: {error}", file=sys.stderr)
            return 1
        print(json.dumps(outputs, indent=2))
        return 0
    if args.command == "demo-user":
        from . import supervisor
        env = dict(os.environ) if "AWS_ENDPOINT_URL" in os.environ else supervisor.child_env(settings)
        demo = supervisor.prepare_dashboard(settings, env)
        if not (args.secrets or sys.stdout.isatty()):
            demo.update(password=supervisor.HIDDEN, token=supervisor.HIDDEN)
        print(json.dumps(demo, indent=2))
        return 0
    if args.command == "token":
        import subprocess

        from . import supervisor
        extra = ["--days", str(args.days)] if args.days and args.action == "create" else []
        manage = [sys.executable, str(settings_module.ROOT / "django_app" / "manage.py"), "liveinsight_token"]
        command = [*manage, args.action, args.subject, *extra]
        return subprocess.run(command, env=supervisor.child_env(settings)).returncode
    if args.command == "ingest-url":
        from . import deploy as deploy_module
        print(deploy_module.ingest_url(settings, stack, public=args.public))
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
