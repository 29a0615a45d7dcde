"""Process supervision as it runs on macOS (no prctl there): children in their own sessions,
and a watchdog that ends them when the supervisor is killed outright. No machine here runs
macOS, so the darwin path runs here on Linux, where everything it uses (sessions, process
groups, pipes) behaves as on macOS."""

import os
import signal
import subprocess
import sys
import textwrap
import time

from embedded import supervision
from embedded.settings import ROOT

SUPERVISOR = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from embedded import supervision
    watchdog = supervision.Watchdog(Path("."))
    child = supervision.spawn([sys.executable, "-c", "import time; time.sleep(300)"], {}, Path("."), watchdog,
                              platform="darwin")
    print(child.pid, flush=True)
    time.sleep(300)
""")


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as stat:  # a zombie waiting for its reaper has ended
        return stat.read().split(")")[-1].split()[0] != "Z"


def test_on_macos_a_child_gets_its_own_session_and_no_linux_call():
    assert supervision.popen_options("darwin") == {"start_new_session": True}
    assert "preexec_fn" in supervision.popen_options("linux")


def test_on_macos_a_killed_supervisors_children_are_ended_by_the_watchdog():
    boss = subprocess.Popen([sys.executable, "-c", SUPERVISOR], cwd=ROOT, stdout=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    child = int(boss.stdout.readline())
    assert alive(child) and os.getsid(child) == child  # a session of its own: no terminal Ctrl-C reaches it

    boss.send_signal(signal.SIGKILL)  # no cleanup of its own can run
    boss.wait()
    deadline = time.monotonic() + supervision.GRACE_S + 5
    while alive(child):
        assert time.monotonic() < deadline, "the child outlived its supervisor"
        time.sleep(0.1)


def test_a_released_watchdog_ends_nothing():
    watchdog = supervision.Watchdog(ROOT)
    child = supervision.spawn([sys.executable, "-c", "import time; time.sleep(30)"], dict(os.environ), ROOT,
                              watchdog, platform="darwin")
    watchdog.release()

    assert watchdog.process.returncode == 0 and child.poll() is None
    supervision.stop([child])
    assert child.returncode is not None
