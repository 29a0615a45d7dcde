"""The payload format 2.0 mapping, against AWS's documented example event
(docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html;
without the authorizer and stage variables, which an API without them does not send) and its
documented rules for a function's answer."""

import base64
import json
from pathlib import Path

import pytest

from embedded.apigw.event import request_headers, to_event, to_response

DOCUMENTED = json.loads((Path(__file__).parent.parent / "events" / "apigw_v2_documented.json").read_text())


def scope(method="POST", path="/my/path", query=b"", headers=(), client=("192.0.2.1", 51234)):
    return {"type": "http", "http_version": "1.1", "method": method, "path": path, "query_string": query,
            "headers": [(k.encode(), v.encode()) for k, v in headers], "client": client}


def documented_request():
    return scope(query=b"parameter1=value1&parameter1=value2&parameter2=value", headers=[
        ("header1", "value1"), ("header2", "value1"), ("header2", "value2"), ("cookie", "cookie1; cookie2"),
        ("user-agent", "agent"), ("host", "id.execute-api.us-east-1.amazonaws.com")])


def test_the_documented_request_becomes_the_documented_event():
    event = to_event(documented_request(), b"Hello from Lambda", "$default", {"parameter1": "value1"}, "id",
                     "api-id", "123456789012", 1584039838.0)

    # the headers a client sent, beyond the documented two, pass through
    assert {k: v for k, v in event["headers"].items() if k.startswith("header")} == DOCUMENTED["headers"]
    assert event["headers"]["user-agent"] == "agent" and "cookie" not in event["headers"]
    assert {**event, "headers": DOCUMENTED["headers"]} == DOCUMENTED


def test_the_source_address_is_the_tcp_peer_whatever_a_header_says():
    event = to_event(scope(headers=[("x-forwarded-for", "203.0.113.7")], client=("198.51.100.4", 1)), b"",
                     "POST /events", {}, "r", "a", "1", 0.0)

    assert event["requestContext"]["http"]["sourceIp"] == "198.51.100.4"
    assert event["headers"]["x-forwarded-for"] == "203.0.113.7"  # passed on, not believed


@pytest.mark.parametrize("content_type, body, text, encoded", [
    ("text/plain", b'{"a": 1}', '{"a": 1}', False),
    ("application/json; charset=utf-8", "é".encode(), "é", False),
    ("", b"plain", "plain", False),
    ("application/octet-stream", b"\x00\x01", base64.b64encode(b"\x00\x01").decode(), True),
    ("text/plain", b"\xff\xfe", base64.b64encode(b"\xff\xfe").decode(), True),  # not UTF-8
])
def test_bodies_are_text_or_base64_as_the_content_type_says(content_type, body, text, encoded):
    headers = [("content-type", content_type)] if content_type else []
    event = to_event(scope(headers=headers), body, "POST /events", {}, "r", "a", "1", 0.0)

    assert (event["body"], event["isBase64Encoded"]) == (text, encoded)


def test_an_empty_body_and_no_query_leave_their_fields_out():
    event = to_event(scope(method="GET", path="/"), b"", "GET /", {}, "r", "a", "1", 0.0)

    assert not {"body", "queryStringParameters", "pathParameters", "cookies"} & set(event)
    assert event["isBase64Encoded"] is False and event["rawQueryString"] == ""


def test_path_parameters_are_decoded():
    event = to_event(scope(path="/sites/a%20b"), b"", "GET /sites/{id}", {"id": "a%20b"}, "r", "a", "1", 0.0)

    assert event["pathParameters"] == {"id": "a b"}


def test_repeated_headers_are_joined_with_commas_and_names_lowered():
    joined = request_headers([(b"Accept", b"a"), (b"accept", b"b"), (b"X-One", b"1")])
    assert joined == {"accept": "a,b", "x-one": "1"}


def test_a_result_without_a_status_code_is_a_200_of_json():
    # "If your Lambda function returns valid JSON and doesn't return a statusCode, API Gateway assumes..."
    assert to_response({"hello": "world"}) == (200, [(b"content-type", b"application/json")], b'{"hello":"world"}')
    assert to_response("text") == (200, [(b"content-type", b"application/json")], b'"text"')


def test_a_proxy_result_maps_status_headers_cookies_and_body():
    status, headers, body = to_response({
        "statusCode": 201, "headers": {"Content-Type": "text/plain", "X-Custom": 7, "Content-Length": "999"},
        "cookies": ["a=1", "b=2; Secure"], "body": "made"})

    assert status == 201 and body == b"made"
    assert headers == [(b"content-type", b"text/plain"), (b"x-custom", b"7"),
                       (b"set-cookie", b"a=1"), (b"set-cookie", b"b=2; Secure")]  # the length is the gateway's


def test_a_base64_body_is_decoded_and_json_is_the_default_type():
    status, headers, body = to_response({"statusCode": 200, "body": base64.b64encode(b"\x00ok").decode(),
                                         "isBase64Encoded": True})

    assert (status, body) == (200, b"\x00ok") and headers == [(b"content-type", b"application/json")]


@pytest.mark.parametrize("result", [
    {"statusCode": "teapot"},
    {"statusCode": 200, "body": "%%%", "isBase64Encoded": True},
    {"statusCode": 200, "headers": "not a map"},
])
def test_a_malformed_proxy_result_is_the_gateways_500(result):
    failed = (500, [(b"content-type", b"application/json")], b'{"message":"Internal Server Error"}')
    assert to_response(result) == failed
