"""The API Gateway HTTP API data plane: payload format 2.0 to Lambda, and back.

An ASGI app, run by uvicorn. Routes, integrations and CORS are read from the
emulator's API Gateway, where the deploy put what the template defines.
"""

from __future__ import annotations

import asyncio
import base64
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, unquote

import orjson

from . import routes
from .aws import client
from .runtime import functions, injected, invocations, streams
from .runtime.pool import Function, base_environment
from .settings import ACCOUNT_ID, Settings, control_token
from .telemetry import Telemetry

MAX_PAYLOAD = 10 * 1024 * 1024  # HTTP API's request limit
_TEXT_TYPES = ("text/", "application/json", "application/xml", "application/x-www-form-urlencoded",
               "application/javascript", "+json", "+xml")


@dataclass(frozen=True)
class Cors:
    origins: frozenset[str]
    methods: str
    headers: str
    expose: str
    max_age: str
    credentials: bool

    @classmethod
    def from_api(cls, config: dict[str, Any] | None) -> Cors | None:
        if not config:
            return None
        return cls(
            origins=frozenset(config.get("AllowOrigins", [])),
            methods=",".join(config.get("AllowMethods", [])),
            headers=",".join(config.get("AllowHeaders", [])),
            expose=",".join(config.get("ExposeHeaders", [])),
            max_age=str(config.get("MaxAge", "")),
            credentials=bool(config.get("AllowCredentials", False)),
        )

    def allows(self, origin: str | None) -> bool:
        return origin is not None and ("*" in self.origins or origin in self.origins)

    def preflight(self, origin: str) -> list[tuple[bytes, bytes]]:
        headers = [(b"access-control-allow-origin", origin.encode())]
        for name, value in (("methods", self.methods), ("headers", self.headers), ("max-age", self.max_age)):
            if value:
                key = b"access-control-max-age" if name == "max-age" else f"access-control-allow-{name}".encode()
                headers.append((key, value.encode()))
        return headers + self._credentials()

    def response(self, origin: str) -> list[tuple[bytes, bytes]]:
        headers = [(b"access-control-allow-origin", origin.encode())]
        if self.expose:
            headers.append((b"access-control-expose-headers", self.expose.encode()))
        return headers + self._credentials()

    def _credentials(self) -> list[tuple[bytes, bytes]]:
        return [(b"access-control-allow-credentials", b"true")] if self.credentials else []


@dataclass
class Throttle:
    """A stage's default route throttling, as API Gateway applies it: a token bucket that
    holds `burst` requests and refills at `rate` a second; past it, 429."""

    rate: float
    burst: float
    tokens: float = 0.0
    at: float = 0.0

    @classmethod
    def from_stage(cls, stage: dict[str, Any]) -> Throttle | None:
        limits = stage.get("DefaultRouteSettings") or {}
        if "ThrottlingRateLimit" not in limits and "ThrottlingBurstLimit" not in limits:
            return None
        rate = float(limits.get("ThrottlingRateLimit", 10_000))
        burst = float(limits.get("ThrottlingBurstLimit", 5_000))
        return cls(rate, burst, burst, time.monotonic())

    def allow(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


class Gateway:
    """The HTTP API's data plane and, beside it, the stack's stream event source mappings:
    the Lambda service of one stack."""

    def __init__(self, settings: Settings, api_id: str, telemetry: Telemetry, queue_timeout: float = 5.0,
                 mapping_ids: list[str] | None = None):
        self.settings, self.api_id, self.telemetry = settings, api_id, telemetry
        self.queue_timeout = queue_timeout
        self.routes: list[routes.Route] = []
        self.targets: dict[str, Function] = {}
        self.mapping_ids = mapping_ids or []
        self.pollers: list[streams.ShardPoller] = []
        self._tasks: list[asyncio.Task[None]] = []
        self.cors: Cors | None = None
        self.injected = injected.Injected(settings.endpoint_url, control_token(settings.state_dir))
        self.dims = (("ApiId", api_id),)
        self.stage_dims = (("ApiId", api_id), ("Stage", "$default"))
        self.functions: set[Function] = set()
        self.throttle: Throttle | None = None
        self.in_flight = 0

    def load(self) -> None:
        """Read the API as deployed; called at start-up, off the request path."""
        apigw = client("apigatewayv2")
        api = apigw.get_api(ApiId=self.api_id)
        self.cors = Cors.from_api(api.get("CorsConfiguration"))
        stages = {s["StageName"]: s for s in apigw.get_stages(ApiId=self.api_id)["Items"]}
        self.throttle = Throttle.from_stage(stages.get("$default", {}))
        integrations = {i["IntegrationId"]: i for i in apigw.get_integrations(ApiId=self.api_id)["Items"]}
        env = base_environment()
        by_name: dict[str, Function] = {}
        for route in apigw.get_routes(ApiId=self.api_id)["Items"]:
            integration = integrations[route["Target"].split("/", 1)[1]]
            name = functions.name_from_uri(integration["IntegrationUri"])
            if name not in by_name:
                config = functions.load(self.settings, name)
                by_name[name] = Function(config, env, self.telemetry.log, self.queue_timeout)
            self.routes.append(routes.compile_route(route["RouteKey"], name))
            self.targets[name] = by_name[name]
        checkpoints = streams.Checkpoints(self.settings.state_dir / "streams")
        for mapping in streams.mappings(self.mapping_ids):
            if not mapping.enabled:
                continue
            if mapping.function not in by_name:
                config = functions.load(self.settings, mapping.function)
                by_name[mapping.function] = Function(config, env, self.telemetry.log, self.queue_timeout)
            for shard in streams.shards(mapping.stream_arn):
                self.pollers.append(streams.ShardPoller(mapping, shard, by_name[mapping.function], self.telemetry,
                                                        checkpoints, self.injected))
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
            status, headers, body, integration_ms = 429, _json_type(), b'{"message":"Too Many Requests"}', None
        else:
            self.in_flight += 1
            try:
                status, headers, body, integration_ms = await self._handle(scope, receive)
            finally:
                self.in_flight -= 1
        headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
        self._record(status, (time.perf_counter() - started) * 1000, integration_ms)

    async def _lifespan(self, receive: Any, send: Any) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await asyncio.to_thread(self.load)
                self.telemetry.start()
                self.injected.start()
                self._tasks = [asyncio.create_task(p.run()) for p in self.pollers]
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.close()
                self.telemetry.stop()
                self.injected.stop()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _handle(self, scope: dict[str, Any], receive: Any) -> tuple[int, list, bytes, float | None]:
        request_id = base64.b32encode(uuid.uuid4().bytes[:10]).decode().rstrip("=")
        base = [(b"apigw-requestid", request_id.encode())]
        method, path = scope["method"], scope["path"]
        headers = _headers(scope["headers"])
        origin = headers.get("origin")
        cors = self.cors
        if cors and method == "OPTIONS" and origin and "access-control-request-method" in headers:
            extra = cors.preflight(origin) if cors.allows(origin) else []
            return 204, base + extra, b"", None
        declared = headers.get("content-length", "0")
        if not declared.isdigit() or int(declared) > MAX_PAYLOAD:
            return 413, base + _json_type(), b'{"message":"Request Entity Too Large"}', None
        try:
            body = await asyncio.wait_for(_read_body(receive), self.settings.read_timeout)
        except TimeoutError:
            return 408, base + _json_type(), b'{"message":"Request Timeout"}', None
        if body is None:
            return 413, base + _json_type(), b'{"message":"Request Entity Too Large"}', None
        found = routes.select(self.routes, method, path)
        if found is None:
            return 404, base + _json_type(), b'{"message":"Not Found"}', None
        route, params = found
        event = _event(scope, headers, body, route.key, params, request_id, self.api_id)
        function = self.targets[route.target]
        begin = time.perf_counter()
        fault = self.injected.decide(function.config.name)
        outcome = await (injected.fail(fault, function.config.timeout) if fault else function.invoke(event))
        integration_ms = (time.perf_counter() - begin) * 1000
        invocations.record(self.telemetry, function, outcome)
        if outcome.status == "throttled":
            status, out_headers, out_body = 429, _json_type(), b'{"message":"Too Many Requests"}'
        elif outcome.status == "timeout":
            status, out_headers, out_body = 504, _json_type(), b'{"message":"Endpoint request timed out"}'
        elif outcome.status == "error":
            status, out_headers, out_body = 500, _json_type(), b'{"message":"Internal Server Error"}'
        else:
            status, out_headers, out_body = _response(outcome.result)
        if cors:
            out_headers = [h for h in out_headers if not h[0].startswith(b"access-control-")]
            if origin and cors.allows(origin):
                out_headers += cors.response(origin)
        return status, base + out_headers, out_body, integration_ms

    def _record(self, status: int, latency_ms: float, integration_ms: float | None) -> None:
        metric = self.telemetry.metric
        for dims in (self.dims, self.stage_dims):
            metric("AWS/ApiGateway", "Count", dims, 1, "Count")
            metric("AWS/ApiGateway", "4xx", dims, 1 if 400 <= status < 500 else 0, "Count")
            metric("AWS/ApiGateway", "5xx", dims, 1 if status >= 500 else 0, "Count")
            metric("AWS/ApiGateway", "Latency", dims, latency_ms, "Milliseconds")
            if integration_ms is not None:
                metric("AWS/ApiGateway", "IntegrationLatency", dims, integration_ms, "Milliseconds")


def _headers(raw: list[tuple[bytes, bytes]]) -> dict[str, str]:
    headers: dict[str, str] = {}
    for key, value in raw:
        name = key.decode("latin-1").lower()
        text = value.decode("latin-1")
        headers[name] = f"{headers[name]},{text}" if name in headers else text
    return headers


async def _read_body(receive: Any) -> bytes | None:
    chunks, size = [], 0
    while True:
        message = await receive()
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_PAYLOAD:
            return None
        chunks.append(chunk)
        if not message.get("more_body"):
            return b"".join(chunks)


def _event(scope: dict[str, Any], headers: dict[str, str], body: bytes, route_key: str,
           params: dict[str, str], request_id: str, api_id: str) -> dict[str, Any]:
    now = time.time()
    query = scope["query_string"].decode("latin-1")
    client_ip = scope["client"][0] if scope.get("client") else "127.0.0.1"
    cookies = [c.strip() for c in headers.pop("cookie", "").split(";") if c.strip()]
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": scope["path"],
        "rawQueryString": query,
        "headers": headers,
        "requestContext": {
            "accountId": ACCOUNT_ID,
            "apiId": api_id,
            "domainName": headers.get("host", ""),
            "domainPrefix": headers.get("host", "").split(".", 1)[0],
            "http": {
                "method": scope["method"],
                "path": scope["path"],
                "protocol": f"HTTP/{scope.get('http_version', '1.1')}",
                "sourceIp": client_ip,
                "userAgent": headers.get("user-agent", ""),
            },
            "requestId": request_id,
            "routeKey": route_key,
            "stage": "$default",
            "time": datetime.fromtimestamp(now, UTC).strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "timeEpoch": int(now * 1000),
        },
        "isBase64Encoded": False,
    }
    if cookies:
        event["cookies"] = cookies
    if query:
        grouped: dict[str, list[str]] = {}
        for key, value in parse_qsl(query, keep_blank_values=True):
            grouped.setdefault(key, []).append(value)
        event["queryStringParameters"] = {k: ",".join(v) for k, v in grouped.items()}
    if params:
        event["pathParameters"] = {k: unquote(v) for k, v in params.items()}
    if body:
        content_type = headers.get("content-type", "")
        if not content_type or any(t in content_type for t in _TEXT_TYPES):
            try:
                event["body"] = body.decode("utf-8")
            except UnicodeDecodeError:
                event["body"], event["isBase64Encoded"] = base64.b64encode(body).decode(), True
        else:
            event["body"], event["isBase64Encoded"] = base64.b64encode(body).decode(), True
    return event


def _json_type() -> list[tuple[bytes, bytes]]:
    return [(b"content-type", b"application/json")]


def _response(result: Any) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    """Map a Lambda proxy result to HTTP, as payload format 2.0 does."""
    if not isinstance(result, dict) or "statusCode" not in result:
        return 200, _json_type(), orjson.dumps(result)
    try:
        status = int(result["statusCode"])
        headers = [(k.lower().encode(), str(v).encode()) for k, v in (result.get("headers") or {}).items()
                   if k.lower() != "content-length"]
        headers += [(b"set-cookie", str(c).encode()) for c in result.get("cookies") or []]
        body = result.get("body") or ""
        raw = base64.b64decode(body) if result.get("isBase64Encoded") else str(body).encode()
    except (TypeError, ValueError, AttributeError):
        return 500, _json_type(), b'{"message":"Internal Server Error"}'
    if not any(k == b"content-type" for k, _ in headers):
        headers.append((b"content-type", b"application/json"))
    return status, headers, raw
