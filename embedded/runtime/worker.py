"""One Lambda execution environment: imports the handler once, then serves invocations.

It talks to the runtime over the socket whose descriptor is its first argument, with
4-byte length-prefixed JSON frames. Its stdout and stderr are the function's
log stream, like Lambda's. Only the standard library is imported here; run it with `python -I`, so
nothing but the zip, the standard library and the runtime's SDK is importable.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import json
import os
import resource
import socket
import struct
import sys
import time
import traceback
from typing import Any

# What the Lambda Python runtime provides beside the function's own zip.
# what Lambda's Python runtime provides beside the standard library (the SDK and its
# dependencies): a function zip leaves them out (package.py), and a worker imports them from here
RUNTIME_PROVIDED = frozenset({"boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3", "six"})
_HEADER = struct.Struct("!I")


class _RuntimeProvided(importlib.abc.MetaPathFinder):
    """Finds the runtime's own packages in site-packages, and nothing else there."""

    def __init__(self, paths: list[str]) -> None:
        self.paths = paths

    def find_spec(self, name: str, path: Any, target: Any = None) -> Any:
        if path is None and name.split(".")[0] in RUNTIME_PROVIDED:
            return importlib.machinery.PathFinder.find_spec(name, self.paths)
        return None


def isolate(task_root: str) -> None:
    """Import path of a Lambda sandbox: the zip, the standard library, the runtime's SDK."""
    site = [p for p in sys.path if "site-packages" in p]
    sys.path[:] = [task_root] + [p for p in sys.path if p and "site-packages" not in p]
    sys.meta_path.append(_RuntimeProvided(site))


class Context:
    def __init__(self, request_id: str, deadline_ms: int) -> None:
        env = os.environ
        self.aws_request_id = request_id
        self.function_name = env["AWS_LAMBDA_FUNCTION_NAME"]
        self.function_version = env["AWS_LAMBDA_FUNCTION_VERSION"]
        self.invoked_function_arn = env["LIVEINSIGHT_FUNCTION_ARN"]
        self.memory_limit_in_mb = int(env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"])
        self.log_group_name = env["AWS_LAMBDA_LOG_GROUP_NAME"]
        self.log_stream_name = env["AWS_LAMBDA_LOG_STREAM_NAME"]
        self.identity = None
        self.client_context = None
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self) -> int:
        return max(0, self._deadline_ms - int(time.time() * 1000))


def _recv(sock: socket.socket, size: int) -> bytes:
    data = bytearray()
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return bytes(data)


def _send(sock: socket.socket, message: dict[str, Any]) -> None:
    payload = json.dumps(message, default=str).encode()
    sock.sendall(_HEADER.pack(len(payload)) + payload)


def _error(exc: BaseException) -> dict[str, Any]:
    return {
        "errorType": type(exc).__name__,
        "errorMessage": str(exc),
        "stackTrace": traceback.format_tb(exc.__traceback__),
    }


def _load_handler() -> Any:
    module_name, _, function_name = os.environ["_HANDLER"].rpartition(".")
    return getattr(importlib.import_module(module_name), function_name)


def serve(sock: socket.socket) -> None:
    memory = os.environ["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"]
    started = time.perf_counter()
    try:
        handler, init_error = _load_handler(), None
    except Exception as exc:  # noqa: BLE001 - any init error fails every invocation, as on Lambda
        handler, init_error = None, _error(exc)
        print(json.dumps(init_error), flush=True)
    init_ms: float | None = (time.perf_counter() - started) * 1000
    sock.sendall(_HEADER.pack(0))  # ready
    while True:
        try:
            request = json.loads(_recv(sock, _HEADER.unpack(_recv(sock, 4))[0]))
        except EOFError:
            return
        request_id = request["request_id"]
        sys.stdout.write(f"START RequestId: {request_id} Version: $LATEST\n")
        sys.stdout.flush()
        begin = time.perf_counter()
        if init_error is not None:
            reply = {"ok": False, "error": init_error}
        else:
            try:
                result = handler(request["event"], Context(request_id, request["deadline_ms"]))
                reply = {"ok": True, "result": result}
            except Exception as exc:  # noqa: BLE001 - whatever a handler raises is the invocation's error
                reply = {"ok": False, "error": _error(exc)}
                print(f"[ERROR] {type(exc).__name__}: {exc}", flush=True)
        duration = (time.perf_counter() - begin) * 1000
        used = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        init = f"\tInit Duration: {init_ms:.2f} ms" if init_ms is not None else ""
        sys.stderr.flush()
        sys.stdout.write(
            f"END RequestId: {request_id}\n"
            f"REPORT RequestId: {request_id}\tDuration: {duration:.2f} ms\t"
            f"Billed Duration: {int(duration) + 1} ms\tMemory Size: {memory} MB\t"
            f"Max Memory Used: {used} MB{init}\n"
        )
        sys.stdout.flush()
        reply["duration_ms"] = duration
        _send(sock, reply)
        init_ms = None


def main() -> None:
    sock = socket.socket(fileno=int(sys.argv[1]))  # the runtime's end of the control socket
    isolate(os.environ["LAMBDA_TASK_ROOT"])
    os.chdir(os.environ["LAMBDA_TASK_ROOT"])
    serve(sock)


if __name__ == "__main__":
    main()
