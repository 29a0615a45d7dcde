"""Start an embedded stack for a benchmark, on free ports, and stop it afterwards."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from embedded.ports import free_port
from embedded.settings import Settings
from liveinsight.config import Config
from liveinsight.stack import Stack


@contextlib.contextmanager
def embedded_stack(parameters: dict[str, str] | None = None) -> Iterator[Config]:
    with running_stack(parameters) as stack:
        yield stack.config


@contextlib.contextmanager
def running_stack(parameters: dict[str, str] | None = None, retention_scale: float = 1.0) -> Iterator[Stack]:
    with tempfile.TemporaryDirectory() as state:
        settings = Settings(state_dir=Path(state), region="us-east-1", stack_name="liveinsight",
                            moto_port=free_port(), gateway_port=free_port(), retention_scale=retention_scale)
        stack = Stack(Config(emulator=settings, django_port=free_port(), source=dict(os.environ)), parameters)
        try:
            stack.start()
            yield stack
        finally:
            stack.stop()
