import pytest

from embedded.routes import compile_route, select

ROUTES = [compile_route(key, key) for key in (
    "POST /events", "GET /items/{id}", "ANY /items/{id}", "GET /{proxy+}", "$default", "GET /",
)]


@pytest.mark.parametrize(
    "method, path, route, params",
    [
        ("POST", "/events", "POST /events", {}),
        ("GET", "/events", "GET /{proxy+}", {"proxy": "events"}),
        ("GET", "/items/7", "GET /items/{id}", {"id": "7"}),
        ("DELETE", "/items/7", "ANY /items/{id}", {"id": "7"}),
        ("GET", "/a/b/c", "GET /{proxy+}", {"proxy": "a/b/c"}),
        ("GET", "/", "GET /", {}),
        ("PUT", "/nothing", "$default", {}),
    ],
)
def test_most_specific_route_wins(method, path, route, params):
    found, found_params = select(ROUTES, method, path)

    assert (found.key, found_params) == (route, params)


def test_no_route_and_no_default_is_none():
    assert select([compile_route("POST /events", "f")], "GET", "/events") is None
