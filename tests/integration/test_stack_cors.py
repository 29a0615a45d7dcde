"""CORS answers of the HTTP API come from the template's CorsConfiguration."""

import pytest
import requests

from embedded import template
from embedded.settings import TEMPLATE

pytestmark = pytest.mark.integration


def template_cors():
    sam = template.load(TEMPLATE)
    origins = sam["Parameters"]["CorsAllowOrigins"]["Default"].split(",")
    return origins, sam["Resources"]["HttpApi"]["Properties"]["CorsConfiguration"]


def preflight(stack, origin):
    return requests.options(
        f"{stack.api}/events",
        headers={"Origin": origin, "Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "content-type"},
        timeout=5,
    )


def test_preflight_from_an_allowed_origin_gets_the_template_headers(stack):
    origins, cors = template_cors()

    response = preflight(stack, origins[0])

    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == origins[0]
    assert response.headers["access-control-allow-methods"] == ",".join(cors["AllowMethods"])
    assert response.headers["access-control-allow-headers"] == ",".join(cors["AllowHeaders"])
    assert response.headers["access-control-max-age"] == str(cors["MaxAge"])


def test_preflight_from_another_origin_gets_no_cors_headers(stack):
    response = preflight(stack, "https://evil.example")

    assert not [h for h in response.headers if h.lower().startswith("access-control-")]


def test_simple_request_from_allowed_origin_carries_allow_origin(stack):
    origins, _ = template_cors()

    response = stack.post("{}", headers={"Origin": origins[1], "content-type": "text/plain"})

    assert response.headers["access-control-allow-origin"] == origins[1]
