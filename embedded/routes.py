"""HTTP API route selection, as API Gateway does it.

The most specific route wins: exact paths over `{param}` paths over greedy
`{proxy+}` paths, and a method over ANY. `$default` catches the rest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Route:
    key: str
    method: str
    pattern: re.Pattern[str] | None
    rank: tuple[int, ...]
    target: str


def compile_route(route_key: str, target: str) -> Route:
    if route_key == "$default":
        return Route(route_key, "ANY", None, (3,), target)
    method, path = route_key.split(" ", 1)
    regex, greedy, params = "", False, 0
    for part in path.strip("/").split("/") if path != "/" else []:
        if part.startswith("{") and part.endswith("+}"):
            regex += f"/(?P<{part[1:-2]}>.+)"
            greedy = True
        elif part.startswith("{") and part.endswith("}"):
            regex += f"/(?P<{part[1:-1]}>[^/]+)"
            params += 1
        else:
            regex += "/" + re.escape(part)
    pattern = re.compile((regex or "/") + "$")
    rank = (2 if greedy else 1 if params else 0, -len(path), 1 if method == "ANY" else 0)
    return Route(route_key, method, pattern, rank, target)


def select(routes: list[Route], method: str, path: str) -> tuple[Route, dict[str, str]] | None:
    best: tuple[Route, dict[str, str]] | None = None
    for route in routes:
        if route.method not in ("ANY", method):
            continue
        if route.pattern is None:
            match: dict[str, str] | None = {}
        else:
            found = route.pattern.match(path)
            match = found.groupdict() if found else None
        if match is not None and (best is None or route.rank < best[0].rank):
            best = (route, match)
    return best
