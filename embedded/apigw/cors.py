"""API Gateway's CORS for HTTP APIs: a preflight from an allowed origin is answered by the
gateway itself; other answers get the CORS headers for an allowed origin, in place of any
the integration set."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Headers = list[tuple[bytes, bytes]]


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
        """The API's CorsConfiguration, as GetApi answers it; None when it has none."""
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

    def preflight(self, origin: str) -> Headers:
        """The answer's headers to a preflight; none for an origin not allowed."""
        if not self.allows(origin):
            return []
        headers = [(b"access-control-allow-origin", origin.encode())]
        for key, value in ((b"access-control-allow-methods", self.methods),
                           (b"access-control-allow-headers", self.headers), (b"access-control-max-age", self.max_age)):
            if value:
                headers.append((key, value.encode()))
        return headers + self._credentials()

    def response(self, origin: str | None, headers: Headers) -> Headers:
        """An integration's answer headers, with its own CORS headers replaced by the API's."""
        kept = [h for h in headers if not h[0].startswith(b"access-control-")]
        if not self.allows(origin):
            return kept
        assert origin is not None
        kept.append((b"access-control-allow-origin", origin.encode()))
        if self.expose:
            kept.append((b"access-control-expose-headers", self.expose.encode()))
        return kept + self._credentials()

    def _credentials(self) -> Headers:
        return [(b"access-control-allow-credentials", b"true")] if self.credentials else []


def is_preflight(method: str, headers: dict[str, str]) -> bool:
    return method == "OPTIONS" and bool(headers.get("origin")) and "access-control-request-method" in headers
