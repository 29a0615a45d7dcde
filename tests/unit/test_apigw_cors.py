"""API Gateway's CORS rules and stage throttling, as pure functions."""

from embedded.apigw.cors import Cors, is_preflight
from embedded.apigw.throttle import Throttle

API = {"AllowOrigins": ["https://shop.example"], "AllowMethods": ["POST", "OPTIONS"],
       "AllowHeaders": ["content-type"], "MaxAge": 600}


def test_an_api_without_cors_has_none():
    assert Cors.from_api(None) is None and Cors.from_api({}) is None


def test_a_preflight_from_an_allowed_origin_is_answered_with_the_apis_rules():
    cors = Cors.from_api(API)

    assert cors.preflight("https://shop.example") == [
        (b"access-control-allow-origin", b"https://shop.example"), (b"access-control-allow-methods", b"POST,OPTIONS"),
        (b"access-control-allow-headers", b"content-type"), (b"access-control-max-age", b"600")]
    assert cors.preflight("https://evil.example") == []


def test_only_a_real_preflight_is_one():
    assert is_preflight("OPTIONS", {"origin": "https://a", "access-control-request-method": "POST"})
    assert not is_preflight("OPTIONS", {"origin": "https://a"})
    assert not is_preflight("OPTIONS", {"origin": "", "access-control-request-method": "POST"})
    assert not is_preflight("POST", {"origin": "https://a", "access-control-request-method": "POST"})


def test_an_answer_gets_the_apis_cors_headers_in_place_of_the_functions():
    cors = Cors.from_api({**API, "ExposeHeaders": ["retry-after"], "AllowCredentials": True})
    given = [(b"content-type", b"application/json"), (b"access-control-allow-origin", b"*")]

    assert cors.response("https://shop.example", given) == [
        (b"content-type", b"application/json"), (b"access-control-allow-origin", b"https://shop.example"),
        (b"access-control-expose-headers", b"retry-after"), (b"access-control-allow-credentials", b"true")]
    assert cors.response("https://evil.example", given) == [(b"content-type", b"application/json")]
    assert cors.response(None, given) == [(b"content-type", b"application/json")]


def test_a_wildcard_allows_every_origin():
    assert Cors.from_api({"AllowOrigins": ["*"]}).allows("https://any.example")


def test_stage_throttling_is_a_token_bucket():
    now = [0.0]
    bucket = Throttle(rate=2, burst=3, clock=lambda: now[0])

    assert [bucket.allow() for _ in range(4)] == [True, True, True, False]  # the burst, then refused
    now[0] = 1.0  # a second refills two
    assert [bucket.allow() for _ in range(3)] == [True, True, False]
    now[0] = 100.0  # never past the burst
    assert sum(bucket.allow() for _ in range(10)) == 3


def test_a_stage_without_limits_is_not_throttled():
    assert Throttle.from_stage({}) is None
    assert Throttle.from_stage({"DefaultRouteSettings": {"ThrottlingBurstLimit": 5}}).burst == 5
