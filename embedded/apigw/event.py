"""Payload format 2.0: an HTTP request (an ASGI scope and its body) as the event a Lambda
integration gets, and the function's result as the HTTP answer."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, unquote

import orjson

Headers = list[tuple[bytes, bytes]]
STAGE = "$default"
# bodies of these types reach the function as text when they are UTF-8; others in base64
TEXT_TYPES = ("text/", "application/json", "application/xml", "application/x-www-form-urlencoded",
              "application/javascript", "+json", "+xml")


def request_headers(raw: Headers) -> dict[str, str]:
    """Header names in lower case; a repeated header's values joined with commas."""
    headers: dict[str, str] = {}
    for key, value in raw:
        name = key.decode("latin-1").lower()
        text = value.decode("latin-1")
        headers[name] = f"{headers[name]},{text}" if name in headers else text
    return headers


def to_event(scope: dict[str, Any], body: bytes, route_key: str, params: dict[str, str], request_id: str,
             api_id: str, account_id: str, now: float) -> dict[str, Any]:
    """The integration's event. The source address is the TCP peer, as API Gateway's is."""
    headers = request_headers(scope["headers"])
    query = scope["query_string"].decode("latin-1")
    cookies = [c.strip() for c in headers.pop("cookie", "").split(";") if c.strip()]
    host = headers.get("host", "")
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": scope["path"],
        "rawQueryString": query,
        "headers": headers,
        "requestContext": {
            "accountId": account_id,
            "apiId": api_id,
            "domainName": host,
            "domainPrefix": host.split(".", 1)[0],
            "http": {
                "method": scope["method"],
                "path": scope["path"],
                "protocol": f"HTTP/{scope.get('http_version', '1.1')}",
                "sourceIp": scope["client"][0] if scope.get("client") else "127.0.0.1",
                "userAgent": headers.get("user-agent", ""),
            },
            "requestId": request_id,
            "routeKey": route_key,
            "stage": STAGE,
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
        event["body"], event["isBase64Encoded"] = _body(body, headers.get("content-type", ""))
    return event


def _body(body: bytes, content_type: str) -> tuple[str, bool]:
    if not content_type or any(t in content_type for t in TEXT_TYPES):
        try:
            return body.decode("utf-8"), False
        except UnicodeDecodeError:
            pass
    return base64.b64encode(body).decode(), True


def message(status: int, text: str) -> tuple[int, Headers, bytes]:
    """One of the gateway's own answers: `{"message": ...}` as JSON."""
    return status, json_type(), orjson.dumps({"message": text})


def json_type() -> Headers:
    return [(b"content-type", b"application/json")]


def to_response(result: Any) -> tuple[int, Headers, bytes]:
    """A Lambda result as HTTP, as payload format 2.0 maps it: a dict with `statusCode` is a
    proxy result; anything else is a 200 with the result as JSON."""
    if not isinstance(result, dict) or "statusCode" not in result:
        return 200, json_type(), orjson.dumps(result)
    try:
        status = int(result["statusCode"])
        headers = [(k.lower().encode(), str(v).encode()) for k, v in (result.get("headers") or {}).items()
                   if k.lower() != "content-length"]
        headers += [(b"set-cookie", str(c).encode()) for c in result.get("cookies") or []]
        body = result.get("body") or ""
        raw = base64.b64decode(body, validate=True) if result.get("isBase64Encoded") else str(body).encode()
    except (TypeError, ValueError, AttributeError):
        return message(500, "Internal Server Error")
    if not any(k == b"content-type" for k, _ in headers):
        headers.append((b"content-type", b"application/json"))
    return status, headers, raw
