"""The dashboard's database: SQLite in the state directory unless DATABASE_URL names another
(PostgreSQL in production), with connection settings that fit an ASGI server."""

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dj_database_url
from django.db import OperationalError
from psycopg_pool import PoolTimeout

POSTGRES = "django.db.backends.postgresql"
POOL_WAIT_S = 10  # a request waits this long for a free connection, then gets 503


def configure(env: Mapping[str, str], state_dir: Path) -> dict[str, Any]:
    url = env.get("DATABASE_URL", "")
    if not url:
        return sqlite(env.get("DJANGO_DB_PATH", str(state_dir / "dashboard.sqlite3")))
    config = dj_database_url.parse(url)
    if env.get("DATABASE_PASSWORD"):  # from a secret, so the URL in the task definition holds none
        config["PASSWORD"] = env["DATABASE_PASSWORD"]
    if config["ENGINE"] == POSTGRES:
        config.update(postgres_options(config.get("OPTIONS", {}), int(env.get("DATABASE_POOL_SIZE", "8"))))
    return config


def sqlite(path: str) -> dict[str, Any]:
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": path,
        # many streams open and close at once: writers queue for the lock instead of failing
        "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20,
                    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"},
    }


def postgres_options(options: dict[str, Any], pool_size: int) -> dict[str, Any]:
    """Under ASGI every request runs in a thread of its own, so Django's persistent connections
    (CONN_MAX_AGE) would be opened per request and never reused. A process-wide pool keeps
    them instead, checking each one before handing it out; a request, or a stream once it
    has opened, gives its connection back (CONN_MAX_AGE 0 returns it to the pool)."""
    pool = {"min_size": 1, "max_size": pool_size, "timeout": POOL_WAIT_S}
    return {"CONN_MAX_AGE": 0, "CONN_HEALTH_CHECKS": True, "OPTIONS": {**options, "pool": pool}}


def busy(error: BaseException) -> bool:
    """Whether the error is the pool having no connection to spare: a 503 to retry, not a 500."""
    return isinstance(error, OperationalError) and isinstance(error.__cause__, PoolTimeout)
