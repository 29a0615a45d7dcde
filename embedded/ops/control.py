"""The emulator's own endpoints, beside the AWS APIs. Each answers only a request carrying
the stack's token (header X-LiveInsight-Token; the SNS sink, which SNS posts to, takes it
as ?token=), and a POST or DELETE only as application/json, so no web page a developer
opens can read them or inject a fault. moto's own `/moto-api/` (reset, state, config) needs
the token too. And since moto checks no signature, no request a browser sent on a page's
behalf reaches the AWS APIs at all: one with an `Origin`, a cross-site `Sec-Fetch-Site`, or
(when the emulator listens on loopback) a `Host` that is not a loopback name, which is how
a DNS-rebinding page would come:

  GET /_liveinsight/requests            requests per AWS operation
  GET|POST|DELETE /_liveinsight/faults  the injected faults (POST a fault, DELETE ?id= or all)
  POST /_liveinsight/sink               an SNS HTTP(S) endpoint: keeps what is delivered
  GET /_liveinsight/sink                the notifications delivered, oldest first
  GET /_liveinsight/alarm-history       every alarm state change, oldest first
  GET /_liveinsight/partitions          the hottest DynamoDB partition keys of the last minute,
                                        and each table's largest item
  GET /_liveinsight/memory[?kind=T][&collect=1]  the emulator's resident memory, its most
                                        numerous kinds of object (after a full garbage collection
                                        with collect=1), what holds objects of type T, and with
                                        PYTHONTRACEMALLOC set, where the memory was allocated
"""

from __future__ import annotations

import gc
import hmac
import json
import tracemalloc
from collections import Counter, deque
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import psutil

from . import faults

PREFIX = "/_liveinsight/"
MOTO_API = "/moto-api/"
NO_TOKEN = "the stack's control token is missing or wrong"
KEEP = 1000  # notifications and alarm changes held in memory
SINK_FILE_BYTES = 4 << 20  # notifications.jsonl rotates past this, keeping the one before
LOOPBACK = ("127.0.0.1", "localhost", "[::1]")


class Control:
    def __init__(self, app: Any, token: str, sink_file: Path | None = None, partitions: Any = None,
                 loopback: bool = True) -> None:
        self.app, self.token, self.partitions, self.loopback = app, token, partitions, loopback
        self.counts: Counter[str] = Counter()
        self.notifications: deque[dict[str, Any]] = deque(maxlen=KEEP)
        self.history: deque[dict[str, Any]] = deque(maxlen=KEEP)
        self.sink_file = sink_file

    def alarm_changed(self, change: dict[str, Any]) -> None:
        self.history.append(change)
        print(f"alarm {change['alarm']}: {change['from']} -> {change['to']}", flush=True)

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        path = environ.get("PATH_INFO", "")
        if self._from_a_browser(environ):
            return _answer_json(start_response, "403 Forbidden", {"error": "the emulator answers no browser"})
        given = environ.get("HTTP_X_LIVEINSIGHT_TOKEN", "")
        if path.startswith(MOTO_API) and not hmac.compare_digest(given, self.token):
            return _answer_json(start_response, "403 Forbidden", {"error": NO_TOKEN})
        if not path.startswith(PREFIX) and faults.outage():
            # A connection that was open when the outage began: one last answer, then it closes,
            # and new connections are dropped (motoserver.Server.handle).
            down = b'{"__type":"ServiceUnavailable","message":"the emulator is down (an injected outage)"}'
            start_response("503 Service Unavailable", [("Connection", "close"), ("Content-Length", str(len(down))),
                                                       ("Content-Type", "application/x-amz-json-1.0")])
            return [down]
        if not path.startswith(PREFIX):
            operation = environ.get("HTTP_X_AMZ_TARGET", "").rsplit(".", 1)[-1][:64]
            if operation and (operation in self.counts or len(self.counts) < KEEP):  # a client's names: bounded
                self.counts[operation] += 1
            return self.app(environ, start_response)
        method = environ["REQUEST_METHOD"]
        name = path[len(PREFIX):]
        refused = self._refused(name, method, environ)
        if refused:
            status, body = refused
        else:
            try:
                status, body = self._answer(name, method, environ)
            except (faults.Invalid, ValueError, KeyError) as error:
                status, body = "400 Bad Request", {"error": str(error)}
        return _answer_json(start_response, status, body)

    def _from_a_browser(self, environ: dict[str, Any]) -> bool:
        if "HTTP_ORIGIN" in environ or environ.get("HTTP_SEC_FETCH_SITE", "none") not in ("none", "same-origin"):
            return True
        if not self.loopback:
            return False
        host = environ.get("HTTP_HOST", "127.0.0.1").lower()
        name = host[:host.find("]") + 1] if host.startswith("[") else host.split(":")[0]
        return name not in LOOPBACK and not name.endswith(".localhost")

    def _refused(self, name: str, method: str, environ: dict[str, Any]) -> tuple[str, Any] | None:
        given = environ.get("HTTP_X_LIVEINSIGHT_TOKEN", "")
        if name == "sink":
            given = given or parse_qs(environ.get("QUERY_STRING", "")).get("token", [""])[0]
        if not hmac.compare_digest(given, self.token):
            return "403 Forbidden", {"error": NO_TOKEN}
        content_type = environ.get("CONTENT_TYPE", "").split(";")[0].strip()
        if method in ("POST", "DELETE") and name != "sink" and content_type != "application/json":
            return "415 Unsupported Media Type", {"error": "send application/json"}
        return None

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
        if name == "memory":
            query = parse_qs(environ.get("QUERY_STRING", ""))
            return "200 OK", census(query.get("kind", [""])[0], query.get("collect", [""])[0] == "1")
        if name == "partitions" and self.partitions is not None:
            return "200 OK", self.partitions.report()
        return "404 Not Found", {"error": f"no {PREFIX}{name}"}

    def _deliver(self, message: dict[str, Any]) -> None:
        """An SNS delivery: a notification, or a subscription confirmation (kept, not followed)."""
        self.notifications.append(message)
        if self.sink_file:
            if self.sink_file.exists() and self.sink_file.stat().st_size > SINK_FILE_BYTES:
                self.sink_file.replace(self.sink_file.with_name(self.sink_file.name + ".1"))  # rotated
            with self.sink_file.open("a") as out:
                out.write(json.dumps(message) + "\n")


def census(kind: str = "", collect: bool = False, top: int = 30) -> dict[str, Any]:
    """What the emulator holds: resident memory, live objects counted by type (after a full
    garbage collection if asked), and for `kind`, the containers holding a sample of those."""
    found: dict[str, Any] = {"collected": gc.collect()} if collect else {}
    objects = gc.get_objects()
    kinds = Counter(type(o).__qualname__ for o in objects)
    found.update(resident_mb=round(psutil.Process().memory_info().rss / 2**20, 1),
                 objects=dict(kinds.most_common(top)))
    if kind:
        sample = [o for o in objects if type(o).__qualname__ == kind][::1000][:200]
        holders: Counter[int] = Counter()
        named: dict[int, str] = {}
        for one in sample:
            for holder in gc.get_referrers(one):
                if holder is not sample and holder is not objects:
                    holders[id(holder)] += 1
                    size = len(holder) if hasattr(holder, "__len__") else "?"
                    named[id(holder)] = f"{type(holder).__qualname__} of {size}"
        found["held_by"] = {f"{named[h]} #{h}": n for h, n in holders.most_common(top)}
    if tracemalloc.is_tracing():  # PYTHONTRACEMALLOC=N: where the memory held was allocated
        lines = tracemalloc.take_snapshot().statistics("traceback")[:top]
        found["allocated_at"] = [{"kb": round(s.size / 1024), "count": s.count, "at": s.traceback.format()[-6:]}
                                 for s in lines]
    return found


def _json(environ: dict[str, Any]) -> Any:
    size = int(environ.get("CONTENT_LENGTH") or 0)
    return json.loads(environ["wsgi.input"].read(size) or b"{}")


def _answer_json(start_response: Any, status: str, body: Any) -> list[bytes]:
    data = json.dumps(body, default=str).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
    return [data]
