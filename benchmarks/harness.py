"""Start an embedded stack for a benchmark, on free ports, and stop it afterwards."""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from pathlib import Path

from embedded.ports import free_port
from embedded.settings import Settings
from embedded.supervisor import Stack


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
