"""The emulator's own endpoints, beside the AWS APIs:

  GET /_liveinsight/requests            requests per AWS operation
  GET|POST|DELETE /_liveinsight/faults  the injected faults (POST a fault, DELETE ?id= or all)
  POST /_liveinsight/sink               an SNS HTTP(S) endpoint: keeps what is delivered
  GET /_liveinsight/sink                the notifications delivered, oldest first
  GET /_liveinsight/alarm-history       every alarm state change, oldest first
  GET /_liveinsight/partitions          the hottest DynamoDB partition keys of the last minute,
                                        and each table's largest item
"""

from __future__ import annotations

import json
from collections import Counter, deque
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from . import faults

PREFIX = "/_liveinsight/"
KEEP = 1000


class Control:
    def __init__(self, app: Any, sink_file: Path | None = None, partitions: Any = None) -> None:
        self.app, self.partitions = app, partitions
        self.counts: Counter[str] = Counter()
        self.notifications: deque[dict[str, Any]] = deque(maxlen=KEEP)
        self.history: deque[dict[str, Any]] = deque(maxlen=KEEP)
        self.sink_file = sink_file

    def alarm_changed(self, change: dict[str, Any]) -> None:
        self.history.append(change)
        print(f"alarm {change['alarm']}: {change['from']} -> {change['to']}", flush=True)

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        path = environ.get("PATH_INFO", "")
        if not path.startswith(PREFIX) and faults.outage():
            # A connection that was open when the outage began: one last answer, then it closes,
            # and new connections are dropped (motoserver.Server.handle).
            down = b'{"__type":"ServiceUnavailable","message":"the emulator is down (an injected outage)"}'
            start_response("503 Service Unavailable", [("Connection", "close"), ("Content-Length", str(len(down))),
                                                       ("Content-Type", "application/x-amz-json-1.0")])
            return [down]
        if not path.startswith(PREFIX):
            target = environ.get("HTTP_X_AMZ_TARGET")
            if target:
                self.counts[target.rsplit(".", 1)[-1]] += 1
            return self.app(environ, start_response)
        method = environ["REQUEST_METHOD"]
        name = path[len(PREFIX):]
        try:
            status, body = self._answer(name, method, environ)
        except (faults.Invalid, ValueError, KeyError) as error:
            status, body = "400 Bad Request", {"error": str(error)}
        data = json.dumps(body, default=str).encode()
        start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
        return [data]

    def _answer(self, name: str, method: str, environ: dict[str, Any]) -> tuple[str, Any]:
        if name == "requests":
            return "200 OK", self.counts
        if name == "faults":
            if method == "POST":
                return "201 Created", faults.add(_json(environ))
            if method == "DELETE":
                wanted = parse_qs(environ.get("QUERY_STRING", "")).get("id")
                return "200 OK", {"cleared": faults.clear(int(wanted[0]) if wanted else None)}
            return "200 OK", faults.active()
        if name == "sink":
            if method == "POST":
                self._deliver(_json(environ))
                return "200 OK", {}
            return "200 OK", list(self.notifications)
        if name == "alarm-history":
            return "200 OK", list(self.history)
        if name == "partitions" and self.partitions is not None:
            return "200 OK", self.partitions.report()
        return "404 Not Found", {"error": f"no {PREFIX}{name}"}

    def _deliver(self, message: dict[str, Any]) -> None:
        """An SNS delivery: a notification, or a subscription confirmation (kept, not followed)."""
        self.notifications.append(message)
        if self.sink_file:
            with self.sink_file.open("a") as out:
                out.write(json.dumps(message) + "\n")


def _json(environ: dict[str, Any]) -> Any:
    size = int(environ.get("CONTENT_LENGTH") or 0)
    return json.loads(environ["wsgi.input"].read(size) or b"{}")
