"""Child processes that stop with their supervisor, on Linux and macOS alike (and under WSL2,
which is Linux). Each child runs in its own session, so a Ctrl-C at the terminal reaches only
the supervisor, which stops the children in order. If the supervisor itself is killed, a
watchdog process, which holds the read end of a pipe the supervisor writes each child's
process group to, sees the pipe close and ends those groups. On Linux each child also asks
the kernel for SIGTERM when its parent dies (PR_SET_PDEATHSIG), a call only Linux has."""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

GRACE_S = 5.0  # how long the watchdog waits between SIGTERM and SIGKILL


def _die_with_parent() -> None:
    """Run in a Linux child before it executes: SIGTERM when the parent dies."""
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def popen_options(platform: str | None = None) -> dict[str, Any]:
    """How a child is started here: a session of its own; on Linux, a death signal too."""
    options: dict[str, Any] = {"start_new_session": True}
    if (platform or sys.platform).startswith("linux"):
        options["preexec_fn"] = _die_with_parent
    return options


class Watchdog:
    """The process that ends the children's process groups if the supervisor dies."""

    def __init__(self, cwd: Path) -> None:
        self.process = subprocess.Popen([sys.executable, "-m", "embedded.supervision"], cwd=cwd,
                                        stdin=subprocess.PIPE, text=True, start_new_session=True)
        assert self.process.stdin is not None
        self.pipe: IO[str] = self.process.stdin

    def watch(self, pid: int) -> None:
        self.pipe.write(f"{pid}\n")
        self.pipe.flush()

    def release(self) -> None:
        """The supervisor stopped its children itself: the watchdog leaves without a kill."""
        try:
            self.pipe.write("released\n")
            self.pipe.close()
        except BrokenPipeError:
            pass
        self.process.wait(timeout=10)


def spawn(command: list[str], env: dict[str, str], cwd: Path, watchdog: Watchdog | None,
          on_line: Callable[[str], None] | None = None, platform: str | None = None) -> subprocess.Popen[str]:
    """A child in a session of its own, known to the watchdog; its output goes line by line to
    `on_line` (from a thread), or is inherited when there is none."""
    output = subprocess.PIPE if on_line else None
    process = subprocess.Popen(command, cwd=cwd, env=env, text=True, stdout=output,
                               stderr=subprocess.STDOUT if on_line else None, **popen_options(platform))
    if watchdog:
        watchdog.watch(process.pid)
    if on_line:
        threading.Thread(target=_relay, args=(process, on_line), daemon=True).start()
    return process


def _relay(process: subprocess.Popen[str], on_line: Callable[[str], None]) -> None:
    assert process.stdout is not None
    for line in process.stdout:
        on_line(line.rstrip())


def stop(processes: list[subprocess.Popen[str]], timeout: float = 10.0) -> None:
    """Stop children in the order given, each given `timeout` seconds before it is killed."""
    for process in processes:
        if process.poll() is None:
            process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _watch(lines: IO[str]) -> None:
    """The watchdog: read process groups until the pipe closes; unless released, end them."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a Ctrl-C is the supervisor's to handle
    groups: list[int] = []
    for line in lines:
        if line.strip() == "released":
            return
        groups.append(int(line))
    for sig in (signal.SIGTERM, signal.SIGKILL):
        alive = [g for g in groups if _signal_group(g, sig)]
        if not alive or sig == signal.SIGKILL:
            return
        threading.Event().wait(GRACE_S)


def _signal_group(group: int, sig: int) -> bool:
    try:
        os.killpg(group, sig)
        return True
    except (ProcessLookupError, PermissionError):
        return False


if __name__ == "__main__":
    _watch(sys.stdin)
