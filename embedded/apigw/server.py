"""The HTTP API's data plane as an ASGI app, run by uvicorn: it reads the API as deployed
(routes, integrations, CORS, stage throttling) from the emulator, and joins the pure parts
of this package to the Lambda runtime. Beside it run the stack's stream event source
mappings: together, the Lambda service of one stack."""

from __future__ import annotations

import asyncio
import base64
import time
import uuid
from typing import Any

from .. import routes
from ..aws import client
from ..runtime import functions, injected, invocations, streams
from ..runtime.pool import Function, base_environment
from ..settings import ACCOUNT_ID, Settings, control_token
from ..telemetry import Telemetry
from . import cors as cors_rules
from . import metrics
from .event import Headers, message, request_headers, to_event, to_response
from .throttle import Throttle

MAX_PAYLOAD = 10 * 1024 * 1024  # HTTP API's request limit
Answer = tuple[int, Headers, bytes, float | None]  # status, headers, body, integration ms
_OUTCOMES = {"throttled": (429, "Too Many Requests"), "timeout": (504, "Endpoint request timed out"),
             "error": (500, "Internal Server Error")}


class Gateway:
    def __init__(self, settings: Settings, api_id: str, telemetry: Telemetry, queue_timeout: float = 5.0,
                 mapping_ids: list[str] | None = None):
        self.settings, self.api_id, self.telemetry = settings, api_id, telemetry
        self.queue_timeout = queue_timeout
        self.routes: list[routes.Route] = []
        self.targets: dict[str, Function] = {}
        self.mapping_ids = mapping_ids or []
        self.pollers: list[streams.ShardPoller] = []
        self._tasks: list[asyncio.Task[None]] = []
        self.cors: cors_rules.Cors | None = None
        self.injected = injected.Injected(settings.endpoint_url, control_token(settings.state_dir))
        self.functions: set[Function] = set()
        self.throttle: Throttle | None = None
        self.in_flight = 0

    def load(self) -> None:
        """Read the API as deployed; called at start-up, off the request path."""
        apigw = client("apigatewayv2", self.settings.aws)
        api = apigw.get_api(ApiId=self.api_id)
        self.cors = cors_rules.Cors.from_api(api.get("CorsConfiguration"))
        stages = {s["StageName"]: s for s in apigw.get_stages(ApiId=self.api_id)["Items"]}
        self.throttle = Throttle.from_stage(stages.get(metrics.STAGE, {}))
        integrations = {i["IntegrationId"]: i for i in apigw.get_integrations(ApiId=self.api_id)["Items"]}
        env = base_environment(self.settings.aws)
        by_name: dict[str, Function] = {}

        def function(name: str) -> Function:
            if name not in by_name:
                config = functions.load(self.settings, name)
                by_name[name] = Function(config, env, self.telemetry.log, self.queue_timeout)
            return by_name[name]

        for route in apigw.get_routes(ApiId=self.api_id)["Items"]:
            integration = integrations[route["Target"].split("/", 1)[1]]
            name = functions.name_from_uri(integration["IntegrationUri"])
            self.routes.append(routes.compile_route(route["RouteKey"], name))
            self.targets[name] = function(name)
        checkpoints = streams.Checkpoints(self.settings.state_dir / "streams")
        for mapping in streams.mappings(self.settings.aws, self.mapping_ids):
            if mapping.enabled:
                for shard in streams.shards(self.settings.aws, mapping.stream_arn):
                    self.pollers.append(streams.ShardPoller(mapping, shard, function(mapping.function),
                                                            self.telemetry, checkpoints, self.injected,
                                                            target=self.settings.aws))
        self.functions = set(by_name.values())

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        for function in self.functions:
            await function.close()

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        started = time.perf_counter()
        if self.in_flight >= self.settings.max_in_flight or (self.throttle and not self.throttle.allow()):
            status, headers, body, integration_ms = (*message(429, "Too Many Requests"), None)
        else:
            self.in_flight += 1
            try:
                status, headers, body, integration_ms = await self._handle(scope, receive)
            finally:
                self.in_flight -= 1
        headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
        metrics.record(self.telemetry.metric, self.api_id, status, (time.perf_counter() - started) * 1000,
                       integration_ms)

    async def _lifespan(self, receive: Any, send: Any) -> None:
        while True:
            event = await receive()
            if event["type"] == "lifespan.startup":
                await asyncio.to_thread(self.load)
                self.telemetry.start()
                self.injected.start()
                self._tasks = [asyncio.create_task(p.run()) for p in self.pollers]
                await send({"type": "lifespan.startup.complete"})
            elif event["type"] == "lifespan.shutdown":
                await self.close()
                self.telemetry.stop()
                self.injected.stop()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _handle(self, scope: dict[str, Any], receive: Any) -> Answer:
        request_id = base64.b32encode(uuid.uuid4().bytes[:10]).decode().rstrip("=")
        base = [(b"apigw-requestid", request_id.encode())]
        headers = request_headers(scope["headers"])
        if self.cors and cors_rules.is_preflight(scope["method"], headers):
            return 204, base + self.cors.preflight(headers["origin"]), b"", None
        body = await self._body(headers, receive)
        if isinstance(body, tuple):
            status, extra, text = body
            return status, base + extra, text, None
        found = routes.select(self.routes, scope["method"], scope["path"])
        if found is None:
            status, extra, text = message(404, "Not Found")
            return status, base + extra, text, None
        route, params = found
        event = to_event(scope, body, route.key, params, request_id, self.api_id, ACCOUNT_ID, time.time())
        function = self.targets[route.target]
        begin = time.perf_counter()
        fault = self.injected.decide(function.config.name)
        outcome = await (injected.fail(fault, function.config.timeout) if fault else function.invoke(event))
        integration_ms = (time.perf_counter() - begin) * 1000
        invocations.record(self.telemetry, function, outcome)
        if outcome.status in _OUTCOMES:
            status, out_headers, out_body = message(*_OUTCOMES[outcome.status])
        else:
            status, out_headers, out_body = to_response(outcome.result)
        if self.cors:
            out_headers = self.cors.response(headers.get("origin"), out_headers)
        return status, base + out_headers, out_body, integration_ms

    async def _body(self, headers: dict[str, str], receive: Any) -> bytes | tuple[int, Headers, bytes]:
        """The request's body, or the answer that refuses it: 413 past the payload limit (a
        declared length past it before a byte is read), 408 when it is not in on time."""
        declared = headers.get("content-length", "0")
        if not declared.isdigit() or int(declared) > MAX_PAYLOAD:
            return message(413, "Request Entity Too Large")
        try:
            body = await asyncio.wait_for(_read_body(receive), self.settings.read_timeout)
        except TimeoutError:
            return message(408, "Request Timeout")
        return message(413, "Request Entity Too Large") if body is None else body


async def _read_body(receive: Any) -> bytes | None:
    chunks, size = [], 0
    while True:
        event = await receive()
        chunk = event.get("body", b"")
        size += len(chunk)
        if size > MAX_PAYLOAD:
            return None
        chunks.append(chunk)
        if not event.get("more_body"):
            return b"".join(chunks)
