"""A small keep-alive HTTP/1.1 load generator on asyncio, cheap enough per request
that on two cores it leaves most of the CPU to the system being measured."""

from __future__ import annotations

import asyncio
import statistics
import time
from dataclasses import dataclass, field


@dataclass
class Result:
    requests: int = 0
    errors: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    latencies_ms: list[float] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        return statistics.quantiles(self.latencies_ms, n=100, method="inclusive")[int(p) - 1]


def request_bytes(method: str, host: str, port: int, path: str, body: bytes = b"",
                  headers: dict[str, str] | None = None) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}:{port}", f"Content-Length: {len(body)}"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def _connection(host: str, port: int, payloads, result: Result, stop_at: float) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while time.perf_counter() < stop_at:
            payload = next(payloads, None)
            if payload is None:  # a finite list of requests is done
                return
            started = time.perf_counter()
            writer.write(payload)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head[9:12])
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            if length:
                await reader.readexactly(length)
            result.latencies_ms.append((time.perf_counter() - started) * 1000)
            result.requests += 1
            result.statuses[status] = result.statuses.get(status, 0) + 1
            if status >= 400:
                result.errors += 1
    finally:
        writer.close()


async def _run(host: str, port: int, payloads, connections: int, seconds: float) -> Result:
    result = Result()
    started = time.perf_counter()
    await asyncio.gather(*(_connection(host, port, payloads, result, started + seconds)
                           for _ in range(connections)))
    result.seconds = time.perf_counter() - started
    return result


def run(host: str, port: int, payloads, connections: int, seconds: float) -> Result:
    """Send requests from `payloads` (an iterator of raw requests) for `seconds`, or until it ends."""
    try:
        import uvloop

        return uvloop.run(_run(host, port, payloads, connections, seconds))
    except ImportError:
        return asyncio.run(_run(host, port, payloads, connections, seconds))
