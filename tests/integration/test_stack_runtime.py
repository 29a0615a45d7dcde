"""The Lambda runtime: real context, environment, isolation, timeouts, errors, concurrency."""

import concurrent.futures
import json

import pytest
import requests

pytestmark = pytest.mark.integration


def test_handler_gets_a_payload_v2_event_and_a_real_context(stack):
    response = requests.post(f"{stack.probe}/things/42?a=1&a=2&b=x", data='{"k": 1}',
                             headers={"content-type": "application/json", "Cookie": "c1=v1; c2=v2",
                                      "User-Agent": "probe-agent"}, timeout=10)

    assert response.status_code == 200
    assert response.headers["x-probe"] == "1"
    assert response.headers["set-cookie"] == "probe=1; Path=/"
    seen = response.json()
    event, context = seen["event"], seen["context"]
    assert event["version"] == "2.0"
    assert event["routeKey"] == "ANY /{proxy+}"
    assert event["rawPath"] == "/things/42"
    assert event["rawQueryString"] == "a=1&a=2&b=x"
    assert event["queryStringParameters"] == {"a": "1,2", "b": "x"}
    assert event["pathParameters"] == {"proxy": "things/42"}
    assert event["cookies"] == ["c1=v1", "c2=v2"]
    assert event["headers"]["user-agent"] == "probe-agent"
    assert event["body"] == '{"k": 1}' and event["isBase64Encoded"] is False
    http = event["requestContext"]["http"]
    assert http == {"method": "POST", "path": "/things/42", "protocol": "HTTP/1.1",
                    "sourceIp": "127.0.0.1", "userAgent": "probe-agent"}
    assert event["requestContext"]["requestId"] == response.headers["apigw-requestid"]
    assert isinstance(event["requestContext"]["timeEpoch"], int)
    assert context["function_name"] == "probe-probe"
    assert context["memory_limit_in_mb"] == 128
    assert context["invoked_function_arn"].endswith(":function:probe-probe")
    assert len(context["aws_request_id"]) == 36
    assert 0 < context["remaining_ms"] <= 1000
    assert seen["env"] == {"PROBE_GREETING": "hello", "AWS_LAMBDA_FUNCTION_NAME": "probe-probe",
                           "AWS_REGION": "us-east-1"}


def test_handler_sees_its_zip_and_the_runtime_sdk_only(stack):
    seen = requests.get(f"{stack.probe}/imports", timeout=10).json()

    assert seen["importable"] == {"boto3": True, "moto": False, "django": False}


def test_binary_body_arrives_base64_encoded(stack):
    body = bytes(range(256))
    seen = requests.post(f"{stack.probe}/bin", data=body,
                         headers={"content-type": "application/octet-stream"}, timeout=10).json()

    assert seen["event"]["isBase64Encoded"] is True


def test_timeout_gives_504_and_later_requests_still_succeed(stack):
    slow = requests.get(f"{stack.probe}/sleep?seconds=3", timeout=10)
    after = requests.get(f"{stack.probe}/trivial", timeout=10)

    assert slow.status_code == 504
    assert slow.json() == {"message": "Endpoint request timed out"}
    assert after.status_code == 200 and after.text == "ok"


def test_handler_exception_gives_500(stack):
    response = requests.get(f"{stack.probe}/fail", timeout=10)

    assert response.status_code == 500
    assert response.json() == {"message": "Internal Server Error"}


def test_invocations_beyond_reserved_concurrency_wait_then_throttle(stack):
    # GIVEN the probe's reserved concurrency of 2 and a queue wait of 0.5 s
    url = f"{stack.probe}/sleep?seconds=0.7"
    with concurrent.futures.ThreadPoolExecutor(2) as pool:  # both workers warm: no cold start in the timing
        warm = list(pool.map(lambda _: requests.get(f"{stack.probe}/sleep?seconds=0.3", timeout=10), range(2)))
    assert [r.status_code for r in warm] == [200, 200]

    # WHEN four slow invocations arrive at once
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        statuses = sorted(r.status_code for r in pool.map(lambda _: requests.get(url, timeout=10), range(4)))

    # THEN two run and two are throttled as Lambda does
    assert statuses == [200, 200, 429, 429]


def test_result_without_status_code_is_200_json(stack):
    # API Gateway wraps a plain JSON result; the ingest answers use statusCode, so check via the probe body
    response = requests.get(f"{stack.probe}/trivial", timeout=10)

    assert response.status_code == 200
    assert json.loads(json.dumps(response.text)) == "ok"
