"""A throwaway PostgreSQL server for the dashboard's tiers: `initdb` and `pg_ctl` in a
temporary directory, on a free port, run as the `postgres` user when the tests run as root
(PostgreSQL refuses root). Debian's packages put the programs in /usr/lib/postgresql/N/bin."""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
from pathlib import Path

import psycopg

from embedded.ports import free_port

REQUIRE = "LIVEINSIGHT_REQUIRE_POSTGRES"


class Unavailable(RuntimeError):
    """PostgreSQL cannot run here; the message says why."""


def programs() -> Path:
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    installed = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name))
    if not installed:
        raise Unavailable("PostgreSQL is not installed (Debian: apt-get install postgresql; `make test` does it)")
    return installed[-1].parent


class Server:
    def __init__(self) -> None:
        self.bin = programs()
        self.owner = _unprivileged()
        self.root = Path(tempfile.mkdtemp(prefix="liveinsight-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self.password = secrets.token_urlsafe(16)
        self.url = f"postgres://liveinsight:{self.password}@127.0.0.1:{self.port}/liveinsight"
        self.admin_url = self.url.rsplit("/", 1)[0] + "/postgres"  # the server's own database

    def start(self) -> str:
        secret = self.root / "password"
        secret.write_text(self.password)
        if self.owner:
            os.chown(self.root, self.owner.pw_uid, self.owner.pw_gid)
            os.chown(secret, self.owner.pw_uid, self.owner.pw_gid)
        self._run("initdb", "-D", str(self.data), "-U", "liveinsight", "--auth=scram-sha-256",
                  f"--pwfile={secret}", "-E", "UTF8", "--no-sync")
        options = (f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.root}"
                   " -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "server.log"), "-w", "-t", "60",
                  "-o", options, "start")
        with psycopg.connect(self.admin_url, autocommit=True) as admin:
            admin.execute("CREATE DATABASE liveinsight")
        return self.url

    def connections(self) -> int:
        """Connections open to the dashboard's database, this query's own left out."""
        with psycopg.connect(self.admin_url) as conn:
            row = conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = 'liveinsight'").fetchone()
            return int(row[0]) if row else 0

    def stop(self) -> None:
        if self.data.exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop", check=False)
        shutil.rmtree(self.root, ignore_errors=True)

    def log(self) -> str:
        path = self.root / "server.log"
        return path.read_text()[-2000:] if path.exists() else ""

    def _run(self, program: str, *args: str, check: bool = True) -> None:
        user = {"user": self.owner.pw_uid, "group": self.owner.pw_gid, "extra_groups": []} if self.owner else {}
        done = subprocess.run([str(self.bin / program), *args], capture_output=True, text=True, timeout=120,
                              cwd=self.root, **user)  # type: ignore[call-overload]
        if check and done.returncode != 0:
            raise Unavailable(f"{program} failed: {done.stderr.strip()[-1000:]} {self.log()}")


def _unprivileged() -> pwd.struct_passwd | None:
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam("postgres")
    except KeyError:
        raise Unavailable("running as root, and there is no `postgres` user to run PostgreSQL as") from None
