"""Warm workers for one function, as many as its reserved concurrency."""

from __future__ import annotations

import asyncio
import os
import socket
import struct
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from ..aws import Target

WORKER = Path(__file__).with_name("worker.py")
_HEADER = struct.Struct("!I")
INIT_TIMEOUT = 10.0  # Lambda's limit for a function's init phase
LogSink = Callable[[str, str, str], None]  # (log group, log stream, line)


@dataclass(frozen=True)
class FunctionConfig:
    name: str
    arn: str
    handler: str
    timeout: float
    memory_mb: int
    concurrency: int
    environment: dict[str, str]
    code_dir: Path
    log_group: str


@dataclass
class Outcome:
    """What one invocation came to: ok, error, timeout or throttled."""

    status: str
    result: Any = None
    error: dict[str, Any] | None = None
    duration_ms: float = 0.0
    cold: bool = False


class Worker:
    def __init__(self, process: asyncio.subprocess.Process, reader: Any, writer: Any, stream: str):
        self.process, self.reader, self.writer, self.log_stream = process, reader, writer, stream

    async def call(self, message: dict[str, Any]) -> dict[str, Any]:
        payload = orjson.dumps(message)
        self.writer.write(_HEADER.pack(len(payload)) + payload)
        size = _HEADER.unpack(await self.reader.readexactly(4))[0]
        return orjson.loads(await self.reader.readexactly(size))

    def kill(self) -> None:
        if self.process.returncode is None:
            self.process.kill()
        self.writer.close()


@dataclass(eq=False)
class Function:
    """One deployed function and its execution environments."""

    config: FunctionConfig
    base_env: dict[str, str]
    log: LogSink
    queue_timeout: float = 5.0
    idle: list[Worker] = field(default_factory=list)
    running: int = 0
    _workers: int = 0
    _freed: asyncio.Condition = field(default_factory=asyncio.Condition)

    async def invoke(self, event: Any) -> Outcome:
        try:
            worker, cold = await self._acquire()
        except (TimeoutError, OSError, asyncio.IncompleteReadError):
            error = {"errorType": "Runtime.InitError", "errorMessage": "the execution environment failed to start"}
            return Outcome("error", error=error, cold=True)
        if worker is None:
            return Outcome("throttled")
        request_id = str(uuid.uuid4())
        deadline = time.time() + self.config.timeout
        self.running += 1
        try:
            reply = await asyncio.wait_for(
                worker.call({"request_id": request_id, "event": event, "deadline_ms": int(deadline * 1000)}),
                timeout=max(0.0, deadline - time.time()),
            )
        except (TimeoutError, asyncio.IncompleteReadError, ConnectionError) as exc:
            timed_out = isinstance(exc, asyncio.TimeoutError)
            await self._discard(worker, request_id, timed_out)
            kind = "timeout" if timed_out else "error"
            error = {"errorType": "Sandbox.Timedout" if timed_out else "Runtime.ExitError",
                     "errorMessage": f"Task timed out after {self.config.timeout:.2f} seconds"
                     if timed_out else "worker exited"}
            return Outcome(kind, error=error, duration_ms=self.config.timeout * 1000, cold=cold)
        finally:
            self.running -= 1
        await self._release(worker)
        status = "ok" if reply["ok"] else "error"
        return Outcome(status, reply.get("result"), reply.get("error"), reply["duration_ms"], cold)

    async def _acquire(self) -> tuple[Worker | None, bool]:
        def ready() -> bool:
            return bool(self.idle) or self._workers < self.config.concurrency

        async with self._freed:
            if not ready():
                try:
                    await asyncio.wait_for(self._freed.wait_for(ready), self.queue_timeout)
                except TimeoutError:
                    return None, False
            if self.idle:
                return self.idle.pop(), False
            self._workers += 1
        try:
            return await self._spawn(), True
        except BaseException:
            async with self._freed:
                self._workers -= 1
                self._freed.notify()
            raise

    async def _release(self, worker: Worker) -> None:
        async with self._freed:
            self.idle.append(worker)
            self._freed.notify()

    async def _discard(self, worker: Worker, request_id: str, timed_out: bool) -> None:
        worker.kill()
        if timed_out:
            self.log(self.config.log_group, worker.log_stream,
                     f"{time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())} {request_id} "
                     f"Task timed out after {self.config.timeout:.2f} seconds")
        async with self._freed:
            self._workers -= 1
            self._freed.notify()

    async def _spawn(self) -> Worker:
        parent, child = socket.socketpair()
        stream = f"{time.strftime('%Y/%m/%d')}/[$LATEST]{uuid.uuid4().hex}"
        env = {
            **self.base_env,
            **self.config.environment,
            "_HANDLER": self.config.handler,
            "LAMBDA_TASK_ROOT": str(self.config.code_dir),
            "AWS_LAMBDA_FUNCTION_NAME": self.config.name,
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(self.config.memory_mb),
            "AWS_LAMBDA_LOG_GROUP_NAME": self.config.log_group,
            "AWS_LAMBDA_LOG_STREAM_NAME": stream,
            "AWS_EXECUTION_ENV": "AWS_Lambda_python3.12",
            "LIVEINSIGHT_FUNCTION_ARN": self.config.arn,
            "PYTHONUNBUFFERED": "1",
        }
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-I", str(WORKER), str(child.fileno()),
            env=env, pass_fds=[child.fileno()],
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )
        child.close()
        for pipe in (process.stdout, process.stderr):
            asyncio.create_task(self._pump(pipe, stream))
        reader, writer = await asyncio.open_connection(sock=parent)
        worker = Worker(process, reader, writer, stream)
        try:  # the worker says so once its handler is imported
            await asyncio.wait_for(reader.readexactly(4), INIT_TIMEOUT)
        except (TimeoutError, asyncio.IncompleteReadError):
            worker.kill()
            raise
        return worker

    async def _pump(self, pipe: Any, stream: str) -> None:
        while line := await pipe.readline():
            self.log(self.config.log_group, stream, line.decode(errors="replace").rstrip("\n"))

    async def close(self) -> None:
        for worker in self.idle:
            worker.kill()
        self.idle.clear()


def base_environment(target: Target) -> dict[str, str]:
    """What a worker inherits: the basics, and the AWS configuration that points its SDK at
    the stack it belongs to, as Lambda's does; nothing else."""
    env = {k: os.environ[k] for k in ("PATH", "HOME", "LANG", "TZ") if k in os.environ}
    aws = {"AWS_ENDPOINT_URL": target.endpoint_url, "AWS_REGION": target.region, "AWS_DEFAULT_REGION": target.region,
           "AWS_ACCESS_KEY_ID": target.access_key, "AWS_SECRET_ACCESS_KEY": target.secret_key}
    return {**env, **{k: v for k, v in aws.items() if v}}
