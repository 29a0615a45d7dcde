"""The `liveinsight` command: subcommands dispatched through `set_defaults(func=...)`, each
given the parsed arguments and the configuration, built once here."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

from botocore.exceptions import BotoCoreError, ClientError

from embedded import aws, cloud, deploy, package, serve, template
from embedded.intrinsics import TemplateError
from embedded.settings import TEMPLATE

from . import chaos, demo, loadtest, simulate, stack
from .config import Config, child_env, load


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="liveinsight", description="LiveInsight, on one machine.")
    parser.add_argument("--stack", help="the stack (default: LIVEINSIGHT_STACK or liveinsight)")
    commands = parser.add_subparsers(dest="command", required=True)
    _stack_commands(commands)
    _deploy_commands(commands)
    _dashboard_commands(commands)
    simulate.add(commands)
    loadtest.add(commands)
    chaos.add(commands)
    args = parser.parse_args(argv)
    config = load().with_flags(stack_name=args.stack)
    return int(args.func(args, config))


def _stack_flag(parser: argparse.ArgumentParser) -> None:
    """`--stack` after the command too (`deploy --stack S`); unset, it leaves the top-level one."""
    parser.add_argument("--stack", default=argparse.SUPPRESS, help="the stack (as before the command)")


def _stack_commands(commands: argparse._SubParsersAction) -> None:
    up = commands.add_parser("up", help="run the whole embedded stack")
    up.add_argument("--detach", action="store_true", help="run in the background; stop with `down`")
    up.add_argument("--parameter", action="append", default=[], metavar="KEY=VALUE",
                    help="template parameter override; repeatable")
    up.add_argument("--traffic", type=float, default=None, metavar="PER_MINUTE",
                    help="simulated visitors a minute on the demo site (default 20)")
    up.add_argument("--no-traffic", action="store_true", help="start no simulated traffic")
    up.set_defaults(func=_up)
    commands.add_parser("down", help="stop a detached stack").set_defaults(func=lambda a, c: stack.down(c))
    commands.add_parser("status", help="show which parts of the stack are healthy").set_defaults(
        func=lambda a, c: stack.status(c))
    gateway = commands.add_parser("gateway", help="serve a deployed HTTP API (started by `up`)")
    _stack_flag(gateway)
    gateway.add_argument("--port", type=int)
    gateway.add_argument("--api-id")
    gateway.set_defaults(func=_gateway)


def _deploy_commands(commands: argparse._SubParsersAction) -> None:
    deploying = commands.add_parser("deploy", help="deploy the SAM template")
    deploying.add_argument("--target", choices=["embedded", "localstack", "aws"], default="embedded",
                           help="embedded: the emulator (moto); localstack: AWS_ENDPOINT_URL, by default "
                                "http://localhost:4566; aws: the account of the standard AWS configuration")
    deploying.add_argument("--template", type=Path, default=TEMPLATE)
    _stack_flag(deploying)
    deploying.add_argument("--parameter", action="append", default=[], metavar="KEY=VALUE",
                           help="template parameter override; repeatable")
    deploying.set_defaults(func=_deploy)
    ingest = commands.add_parser("ingest-url", help="print where events go, for the deployed stack")
    ingest.add_argument("--public", action="store_true", help="as a browser on the host reaches it")
    ingest.set_defaults(func=lambda a, c: print(simulate.ingest_url(c, public=a.public)) or 0)
    packaging = commands.add_parser("package", help="build the functions' deployment zips")
    packaging.add_argument("--template", type=Path, default=TEMPLATE)
    packaging.set_defaults(func=_package)


def _dashboard_commands(commands: argparse._SubParsersAction) -> None:
    demo_user = commands.add_parser("demo-user", help="make the dashboard's database and the demo user, site and "
                                    "a new token, against the stack the environment names (as `up` does); print them "
                                    "(the password and token only on a terminal)")
    demo_user.add_argument("--secrets", action="store_true", help="print the password and token to a pipe too")
    demo_user.set_defaults(func=_demo_user)
    token = commands.add_parser("token", help="the dashboard's API tokens: create, list or revoke")
    token.add_argument("action", choices=["create", "list", "revoke"])
    token.add_argument("subject", help="a username (create, list), or a token's first characters (revoke)")
    token.add_argument("--days", type=int, help="create: the token's lifetime in days")
    token.set_defaults(func=_token)
    share = commands.add_parser("share", help="read-only links to a site's live page and history: create, list, revoke")
    share.add_argument("action", choices=["create", "list", "revoke"])
    share.add_argument("subject", help="a site (create, list), or a link's key (revoke)")
    share.add_argument("--days", type=int, help="create: the link stops working after this many days")
    share.add_argument("--label", help="create: a note to tell links apart")
    share.set_defaults(func=_share)


def _up(args: argparse.Namespace, config: Config) -> int:
    parameters = dict(p.split("=", 1) for p in args.parameter)
    traffic = 0.0 if args.no_traffic else (stack.TRAFFIC_RATE if args.traffic is None else args.traffic)
    return (stack.up_detached(config, parameters, traffic) if args.detach
            else stack.up(config, parameters, traffic))


LOCALSTACK = {"AWS_ENDPOINT_URL": "http://localhost:4566", "AWS_DEFAULT_REGION": "us-east-1",
              "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test"}  # LocalStack's usual configuration


def _deploy(args: argparse.Namespace, config: Config) -> int:
    settings, name = config.emulator, config.emulator.stack_name
    overrides = dict(p.split("=", 1) for p in args.parameter)
    try:
        if args.target == "embedded":
            outputs = deploy.deploy(settings, args.template.resolve(), name, overrides)
        else:
            source = {**LOCALSTACK, **config.source} if args.target == "localstack" else config.source
            outputs = cloud.deploy_stack(settings, aws.from_source(source), args.template.resolve(), name,
                                         args.target, overrides, config.source.get("LIVEINSIGHT_PUBLIC_ENDPOINT"))
    except (TemplateError, BotoCoreError, ClientError) as error:  # bad template, credentials or endpoint
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(json.dumps(outputs, indent=2))
    return 0


def _demo_user(args: argparse.Namespace, config: Config) -> int:
    # against LocalStack or AWS when the environment names an endpoint; else the emulator
    env = dict(config.source) if "AWS_ENDPOINT_URL" in config.source else child_env(config)
    login = demo.prepare_dashboard(config, env)
    if not (args.secrets or sys.stdout.isatty()):
        login.update(password=demo.HIDDEN, token=demo.HIDDEN)
    print(json.dumps(login, indent=2))
    return 0


def _token(args: argparse.Namespace, config: Config) -> int:
    extra = ["--days", str(args.days)] if args.days and args.action == "create" else []
    manage = [*demo.MANAGE, "liveinsight_token"]
    return subprocess.run([*manage, args.action, args.subject, *extra], env=child_env(config)).returncode


def _share(args: argparse.Namespace, config: Config) -> int:
    extra = [f"--days={args.days}"] * bool(args.days) + [f"--label={args.label}"] * bool(args.label)
    manage = [*demo.MANAGE, "liveinsight_share"]
    done = subprocess.run([*manage, args.action, args.subject, *(extra if args.action == "create" else [])],
                          env=child_env(config), capture_output=True, text=True)
    if done.returncode:
        print(done.stderr.strip(), file=sys.stderr)
        return done.returncode
    answer = json.loads(done.stdout)
    if "path" in answer:
        answer["url"] = config.dashboard_url + answer.pop("path")
    print(json.dumps(answer, indent=2))
    return 0


def _package(args: argparse.Namespace, config: Config) -> int:
    for name, path in package.build_all(template.load(args.template), args.template.parent).items():
        print(f"{name}: {path} ({path.stat().st_size} bytes)")
    return 0


def _gateway(args: argparse.Namespace, config: Config) -> int:
    settings = config.emulator
    serve.run(settings, settings.stack_name, args.port or settings.gateway_port, args.api_id)
    return 0


if __name__ == "__main__":
    sys.exit(main())
