"""The deployed stack's description, read and written in one place: the state directory,
and in it `stacks/<stack>.json`, which a deploy writes (to the emulator, LocalStack or AWS)
and the dashboard, the simulator, Locust and `reconcile` read. Standard library only."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def state_dir(env: Mapping[str, str]) -> Path:
    """LIVEINSIGHT_STATE_DIR, or `.liveinsight` in the repository: the one place it is decided."""
    return Path(env.get("LIVEINSIGHT_STATE_DIR") or ROOT / ".liveinsight")


def path(directory: Path, stack: str) -> Path:
    return directory / "stacks" / f"{stack}.json"


def read(directory: Path, stack: str) -> dict[str, Any]:
    """What the last deploy of a stack saved (empty if none): outputs, resources, target, URLs."""
    file = path(directory, stack)
    return json.loads(file.read_text()) if file.exists() else {}


def write(directory: Path, stack: str, state: dict[str, Any]) -> None:
    file = path(directory, stack)
    file.parent.mkdir(parents=True, exist_ok=True)
    partial = file.with_suffix(".tmp")
    partial.write_text(json.dumps(state, indent=2, sort_keys=True))
    partial.replace(file)


def outputs(directory: Path, stack: str) -> dict[str, str]:
    """The outputs of the last deploy of a stack."""
    saved = read(directory, stack)
    if not saved:
        raise FileNotFoundError(f"stack {stack} is not deployed ({path(directory, stack)} is missing)")
    return dict(saved["outputs"])


def ingest_url(directory: Path, stack: str, public: bool = False) -> str | None:
    """The ingest API a LocalStack or AWS deploy saved (`public`: as a browser on the host
    reaches it); None for the emulator, whose gateway's address is the caller's to know."""
    saved = read(directory, stack)
    return saved.get("public_ingest_url" if public else "ingest_url")
