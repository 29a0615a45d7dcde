"""Start an embedded stack for a benchmark, on free ports, and stop it afterwards."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from embedded import deploy, ports
from embedded.settings import ROOT, Settings, aws_env
from embedded.supervisor import Stack, child_env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def embedded_stack(parameters: dict[str, str] | None = None) -> Iterator[Settings]:
    with tempfile.TemporaryDirectory() as state:
        settings = Settings(state_dir=Path(state), region="us-east-1", stack_name="liveinsight",
                            moto_port=free_port(), gateway_port=free_port(), django_port=free_port())
        stack = Stack(settings, parameters)
        try:
            stack.start()
            yield settings
        finally:
            stack.stop()


@contextlib.contextmanager
def gateway_for(settings: Settings, template: Path, stack_name: str) -> Iterator[int]:
    """Deploy another template on the running emulator and serve its API on a free port."""
    deploy.deploy(settings, template, stack_name)
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "embedded.cli", "gateway", "--stack", stack_name, "--port", str(port)],
        cwd=ROOT, env={**child_env(settings), **aws_env(settings)},
    )
    try:
        ports.wait_until(lambda: ports.listening(settings.host, port), 30, f"{stack_name} gateway")
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)
