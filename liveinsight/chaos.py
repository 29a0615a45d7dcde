"""`liveinsight chaos` and `liveinsight alarms`: the emulator's faults and notifications."""

from __future__ import annotations

import argparse
import json
import time
import urllib.request
from typing import Any

from embedded.settings import TOKEN_HEADER, Settings, control_token

from .config import Config


def add(commands: Any) -> None:
    chaos = commands.add_parser("chaos", help="inject faults into the embedded stack")
    chaos.set_defaults(func=chaos_command)
    kinds = chaos.add_subparsers(dest="kind", required=True)
    ddb = kinds.add_parser("dynamodb", help="throttle, slow down or fail DynamoDB requests")
    ddb.add_argument("--table", help="only this table (default: all)")
    ddb.add_argument("--operation", help="only this operation, e.g. TransactWriteItems (default: all)")
    ddb.add_argument("--throttle", type=float, help="fraction refused with ProvisionedThroughputExceededException")
    ddb.add_argument("--latency-ms", type=int, help="added to every request")
    ddb.add_argument("--error", type=float, help="fraction answered 500 InternalServerError")
    fn = kinds.add_parser("lambda", help="make invocations fail or time out")
    fn.add_argument("--function", help="only this function (default: all)")
    fn.add_argument("--errors", type=float, help="fraction of invocations that fail")
    fn.add_argument("--timeouts", type=float, help="fraction of invocations that time out")
    kinds.add_parser("outage", help="drop every connection to the emulator")
    for parser in (ddb, fn, kinds.choices["outage"]):
        parser.add_argument("--for", dest="seconds", type=float, help="seconds (default: until cleared)")
    clear = kinds.add_parser("clear", help="remove one fault, or all")
    clear.add_argument("--id", type=int)
    kinds.add_parser("list", help="show the active faults")
    alarms = commands.add_parser("alarms", help="alarm state changes and the notifications SNS delivered")
    alarms.set_defaults(func=alarms_command)
    alarms.add_argument("--follow", "-f", action="store_true", help="keep printing new ones")


def _call(settings: Settings, path: str, method: str = "GET", body: Any = None) -> Any:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"{settings.endpoint_url}/_liveinsight/{path}", data=data, method=method,
                                     headers={"Content-Type": "application/json",
                                              TOKEN_HEADER: control_token(settings.state_dir)})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return json.loads(answer.read())
    except urllib.error.HTTPError as error:
        raise SystemExit(f"error: {json.loads(error.read()).get('error', error)}") from None
    except OSError as error:
        raise SystemExit(f"error: the emulator at {settings.endpoint_url} does not answer ({error})") from None


def chaos_command(args: argparse.Namespace, config: Config) -> int:
    settings = config.emulator
    if args.kind == "list":
        print(json.dumps(_call(settings, "faults"), indent=1))
    elif args.kind == "clear":
        print(json.dumps(_call(settings, "faults" + (f"?id={args.id}" if args.id else ""), "DELETE")))
    else:
        names = {"dynamodb": ("table", "operation", "throttle", "latency_ms", "error", "seconds"),
                 "lambda": ("function", "errors", "timeouts", "seconds"), "outage": ("seconds",)}[args.kind]
        spec = {"target": args.kind, **{n: getattr(args, n) for n in names if getattr(args, n) is not None}}
        print(json.dumps(_call(settings, "faults", "POST", spec)))
    return 0


def alarms_command(args: argparse.Namespace, config: Config) -> int:
    settings = config.emulator
    shown: set[str] = set()
    while True:
        entries = [(c["at"], f"{c['at']}  {c['alarm']}: {c['from']} -> {c['to']}  {c['reason']}")
                   for c in _call(settings, "alarm-history")]
        for message in _call(settings, "sink"):
            text = message.get("Message", "")
            body = json.loads(text) if text.startswith("{") else {}
            at = body.get("StateChangeTime", message.get("Timestamp", ""))
            entries.append((at, f"{at}  SNS {message.get('Type', '')} to {message.get('TopicArn', '')}: "
                                f"{message.get('Subject') or text[:120]}"))
        for _, line in sorted(entries):
            if line not in shown:
                shown.add(line)
                print(line, flush=True)
        if not args.follow:
            return 0
        time.sleep(2)
