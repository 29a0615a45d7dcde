"""A command's configuration, built once at its entry point and passed down. Precedence: a
command-line flag, then the environment, then `.env` (read with python-dotenv, never written
into the environment), then the defaults. Every variable is listed in `.env.example`."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from dotenv import dotenv_values

from embedded import settings as emulator_settings
from embedded.settings import ROOT, Settings


@dataclass(frozen=True)
class Config:
    emulator: Settings
    django_port: int = 8000
    demo_password: str = ""  # empty: one made at random per state directory
    dashboard_bind: str = ""  # where the dashboard alone listens (a room's phones); empty: as the emulator
    source: Mapping[str, str] = field(default_factory=dict)  # environment over .env: what children inherit

    @property
    def dashboard_url(self) -> str:
        return f"http://{self.emulator.host}:{self.django_port}"

    def with_flags(self, **flags: Any) -> Config:
        """The flags given on the command line (None: not given) over everything else."""
        given = {k: v for k, v in flags.items() if v is not None}
        emulator = replace(self.emulator, **{k: v for k, v in given.items() if hasattr(self.emulator, k)})
        return replace(self, emulator=emulator, **{k: v for k, v in given.items() if not hasattr(self.emulator, k)})


def read_source(environ: Mapping[str, str] | None = None, dotenv: Path = ROOT / ".env") -> dict[str, str]:
    from_file = {k: v for k, v in dotenv_values(dotenv).items() if v is not None} if dotenv.exists() else {}
    return {**from_file, **(os.environ if environ is None else environ)}


def load(environ: Mapping[str, str] | None = None, dotenv: Path = ROOT / ".env") -> Config:
    source = read_source(environ, dotenv)
    return Config(emulator=emulator_settings.load(source), source=source,
                  django_port=int(source.get("LIVEINSIGHT_DJANGO_PORT", "8000")),
                  demo_password=source.get("LIVEINSIGHT_DEMO_PASSWORD", ""),
                  dashboard_bind=source.get("LIVEINSIGHT_DASHBOARD_BIND", ""))


def child_env(config: Config) -> dict[str, str]:
    """The environment of the stack's parts and tools: each finds the same stack from it."""
    emulator = config.emulator
    return {"DJANGO_SETTINGS_MODULE": "config.settings.dev", **config.source,
            **emulator_settings.aws_env(emulator, config.source),
            "LIVEINSIGHT_STATE_DIR": str(emulator.state_dir), "LIVEINSIGHT_STACK": emulator.stack_name,
            "LIVEINSIGHT_MOTO_PORT": str(emulator.moto_port), "LIVEINSIGHT_GATEWAY_PORT": str(emulator.gateway_port),
            "LIVEINSIGHT_DJANGO_PORT": str(config.django_port), "PYTHONUNBUFFERED": "1",
            "LIVEINSIGHT_RETENTION_SCALE": str(emulator.retention_scale)}
