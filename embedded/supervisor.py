"""`liveinsight up|down|status`: run the whole embedded stack as child processes."""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from . import deploy, ports
from .intrinsics import TemplateError
from .settings import ROOT, TEMPLATE, Settings, aws_env


@dataclass(frozen=True)
class Part:
    name: str
    port: int
    variable: str
    what: str
    command: list[str]
    health: Callable[[], bool]


def parts(settings: Settings) -> list[Part]:
    py, host, bind = sys.executable, settings.host, settings.bind
    return [
        Part("moto", settings.moto_port, "LIVEINSIGHT_MOTO_PORT", "moto (the AWS emulator)",
             [py, "-m", "embedded.motoserver", "--host", bind, "--port", str(settings.moto_port)],
             lambda: ports.http_ok(f"{settings.endpoint_url}/")),
        Part("gateway", settings.gateway_port, "LIVEINSIGHT_GATEWAY_PORT", "the API Gateway data plane",
             [py, "-m", "embedded.cli", "gateway", "--stack", settings.stack_name,
              "--port", str(settings.gateway_port)],
             lambda: ports.listening(host, settings.gateway_port)),
        Part("django", settings.django_port, "LIVEINSIGHT_DJANGO_PORT", "the Django dashboard",
             [py, "-m", "uvicorn", "config.asgi:application", "--app-dir", str(ROOT / "django_app"),
              "--host", bind, "--port", str(settings.django_port), "--no-access-log", "--lifespan", "off",
              "--no-proxy-headers"],
             lambda: ports.http_ok(f"http://{host}:{settings.django_port}/healthz")),
    ]


def child_env(settings: Settings) -> dict[str, str]:
    """The environment of the stack's parts and tools: each finds the same stack from it."""
    return {"DJANGO_SETTINGS_MODULE": "config.settings.dev", **os.environ, **aws_env(settings),
            "LIVEINSIGHT_STATE_DIR": str(settings.state_dir),
            "LIVEINSIGHT_STACK": settings.stack_name, "LIVEINSIGHT_MOTO_PORT": str(settings.moto_port),
            "LIVEINSIGHT_GATEWAY_PORT": str(settings.gateway_port),
            "LIVEINSIGHT_DJANGO_PORT": str(settings.django_port), "PYTHONUNBUFFERED": "1"}


def _detach_child() -> None:
    """Run in the child: own process group (Ctrl-C reaches only the supervisor, which
    stops the parts in order), and die with the supervisor even if it is killed."""
    os.setpgrp()
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _spawn(name: str, command: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    """A part of the stack as a child process, its output streamed under its name."""
    process = subprocess.Popen(command, cwd=ROOT, env=env, text=True, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, preexec_fn=_detach_child)
    threading.Thread(target=_stream, args=(name, process), daemon=True).start()
    return process


def _stream(name: str, process: subprocess.Popen[str]) -> None:
    assert process.stdout is not None
    for line in process.stdout:
        print(f"{name:<8}| {line.rstrip()}", flush=True)


DEMO_USER = "demo"
SECRETS_FD = "LIVEINSIGHT_SECRETS_FD"  # where a detached `up` hands its terminal the demo secrets


def demo_password(settings: Settings) -> str:
    """LIVEINSIGHT_DEMO_PASSWORD, or one made at random once per state directory (kept there,
    readable by its owner only), so a presenter's saved login survives a restart."""
    if settings.demo_password:
        return settings.demo_password
    path = settings.state_dir / "demo.password"
    if not path.exists():
        settings.state_dir.mkdir(parents=True, exist_ok=True)
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as out:
            out.write(secrets.token_urlsafe(12))
    return path.read_text().strip()
DEMO_FUNNEL = "checkout=page:/demo/products/*,page:/demo/cart/,page:/demo/checkout/,goal:purchase"


def prepare_dashboard(settings: Settings, env: dict[str, str]) -> dict[str, str]:
    """Migrate the dashboard's database, publish its sites to the fresh emulator, and make
    the demo user, its API token and the demo site."""
    manage = [sys.executable, str(ROOT / "django_app" / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    subprocess.run([*manage, "publish_sites"], cwd=ROOT, env=env, check=True)
    origins = [f"http://{host}:{settings.django_port}" for host in ("127.0.0.1", "localhost")]
    out = subprocess.run(
        [*manage, "liveinsight_user", DEMO_USER, "--password", demo_password(settings), "--staff", "--site", "demo",
         "--site-name", "Demo shop", f"--funnel={DEMO_FUNNEL}", *[f"--origin={o}" for o in origins]],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True,
    ).stdout
    return json.loads(out)


class Stack:
    def __init__(self, settings: Settings, parameters: dict[str, str] | None = None) -> None:
        self.settings, self.parameters = settings, parameters or {}
        self.demo: dict[str, str] = {}
        self.children: list[tuple[Part, subprocess.Popen[str]]] = []
        self.traffic: subprocess.Popen[str] | None = None

    def start(self) -> None:
        all_parts = parts(self.settings)
        for part in all_parts:
            ports.ensure_free(self.settings.host, part.port, part.what, part.variable)
        env = child_env(self.settings)
        os.environ.update(aws_env(self.settings))
        for part in all_parts:
            if part.name == "gateway":
                started = time.monotonic()
                deploy.deploy(self.settings, TEMPLATE, self.settings.stack_name, self.parameters)
                print(f"deploy  | stack {self.settings.stack_name} deployed in "
                      f"{time.monotonic() - started:.1f} s", flush=True)
            if part.name == "django":
                self.demo = prepare_dashboard(self.settings, env)
            process = _spawn(part.name, part.command, env)
            self.children.append((part, process))
            ports.wait_until(lambda p=part, c=process: p.health() or c.poll() is not None, 60, part.what)
            if process.poll() is not None:
                raise RuntimeError(f"{part.what} exited with code {process.returncode}")

    def start_traffic(self, rate: float) -> None:
        """A gentle, endless simulation on the demo site, so the dashboard is alive at once."""
        ledger = self.settings.state_dir / "ledgers" / "up.jsonl"
        command = [sys.executable, "-m", "embedded.cli", "simulate", "--rate", str(rate), "--duration", "0",
                   "--quiet", "--seed", str(int(time.time())), "--ledger", str(ledger)]
        self.traffic = _spawn("traffic", command, child_env(self.settings))

    def failed(self) -> Part | None:
        return next((part for part, p in self.children if p.poll() is not None), None)

    def stop(self) -> None:
        """Stop the parts in reverse order, so each can still flush to the ones it uses."""
        processes = [p for _, p in self.children] + ([self.traffic] if self.traffic else [])
        for process in reversed(processes):
            if process.poll() is None:
                process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


@contextlib.contextmanager
def another_gateway(settings: Settings, template: Path, stack_name: str,
                    env: dict[str, str] | None = None, parameters: dict[str, str] | None = None) -> Iterator[int]:
    """Deploy another template on the running emulator and serve its API on a free port."""
    deploy.deploy(settings, template, stack_name, parameters)
    port = ports.free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "embedded.cli", "gateway", "--stack", stack_name, "--port", str(port)],
        cwd=ROOT, env={**child_env(settings), **aws_env(settings), **(env or {})},
    )
    try:
        ports.wait_until(lambda: ports.listening(settings.host, port), 30, f"{stack_name} gateway")
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


HIDDEN = "(shown only on a terminal: `liveinsight demo-user --secrets`)"


def banner(settings: Settings, demo: dict[str, str], traffic: float = 0, show_secrets: bool = True) -> str:
    """What is up, and where. The demo password and API token appear only when `show_secrets` says
    the banner goes to a terminal, never into a log file."""
    host = settings.host
    password, token = (demo.get("password"), demo.get("token")) if show_secrets else (HIDDEN, HIDDEN)
    return "\n".join([
        "LiveInsight is up:",
        f"  ingest API   POST http://{host}:{settings.gateway_port}/events",
        f"  dashboard    http://{host}:{settings.django_port}/   login {demo.get('username')} / {password}",
        f"  API token    {token}   (Authorization: Token ...; `liveinsight token create demo` makes another)",
        f"  API docs     http://{host}:{settings.django_port}/api/docs/",
        f"  demo shop    http://{host}:{settings.django_port}/demo/",
        f"  AWS emulator AWS_ENDPOINT_URL={settings.endpoint_url}",
        f"  traffic      {traffic:g} simulated visitors a minute on the demo site (--no-traffic: none)"
        if traffic else "  traffic      none (liveinsight simulate sends some)",
        "Stop with Ctrl-C.",
    ])


TRAFFIC_RATE = 20.0  # new simulated visitors per minute while `up` runs


def up(settings: Settings, parameters: dict[str, str] | None = None, traffic: float = TRAFFIC_RATE) -> int:
    descriptor = os.environ.pop(SECRETS_FD, None)  # not for the parts we start
    stack = Stack(settings, parameters)
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    try:
        stack.start()
        settings.state_dir.mkdir(parents=True, exist_ok=True)
        if traffic > 0:
            stack.start_traffic(traffic)
        handed = _hand_secrets(descriptor, stack.demo)
        print(banner(settings, stack.demo, traffic, show_secrets=not handed and sys.stdout.isatty()), flush=True)
        while not stopping.wait(0.5):
            failed = stack.failed()
            if failed:
                print(f"{failed.what} stopped unexpectedly; shutting down", flush=True)
                return 1
        return 0
    except KeyboardInterrupt:
        return 0
    except (ports.PortInUse, TimeoutError, RuntimeError, TemplateError, subprocess.CalledProcessError) as error:
        print(f"error: {error}", file=sys.stderr, flush=True)
        return 1
    finally:
        stack.stop()
        print("LiveInsight stopped.", flush=True)


def _hand_secrets(descriptor: str | None, demo: dict[str, str]) -> bool:
    """Under `up --detach`, pass the demo login and token to the command that started us, which
    shows them on its terminal; our own output goes to a log."""
    if not descriptor:
        return False
    with os.fdopen(int(descriptor), "w") as out:
        out.write(json.dumps(demo))
    return True


def _pid_file(settings: Settings) -> Path:
    return settings.state_dir / "up.pid"


def up_detached(settings: Settings, parameters: dict[str, str] | None = None,
                traffic: float = TRAFFIC_RATE) -> int:
    settings.state_dir.mkdir(parents=True, exist_ok=True)
    log = settings.state_dir / "up.log"
    secrets_in, secrets_out = os.pipe()
    with open(log, "w") as out:
        extra = [f"--parameter={k}={v}" for k, v in (parameters or {}).items()] + [f"--traffic={traffic}"]
        process = subprocess.Popen([sys.executable, "-m", "embedded.cli", "up", *extra], cwd=ROOT,
                                   env={**child_env(settings), SECRETS_FD: str(secrets_out)},
                                   pass_fds=(secrets_out,), stdout=out, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
    os.close(secrets_out)
    try:
        return _await_detached(settings, process, log, secrets_in, traffic)
    finally:
        os.close(secrets_in)


def _await_detached(settings: Settings, process: subprocess.Popen[bytes], log: Path, secrets_in: int,
                    traffic: float) -> int:
    _pid_file(settings).write_text(str(process.pid))
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            print(log.read_text()[-3000:], file=sys.stderr)
            _pid_file(settings).unlink(missing_ok=True)
            return 1
        text = log.read_text()
        if "Stop with Ctrl-C." in text:
            demo = json.loads(os.read(secrets_in, 65536) or b"{}")  # written before the banner
            shown = banner(settings, demo, traffic, show_secrets=sys.stdout.isatty())
            shown = shown.replace("Stop with Ctrl-C.", "Stop with `liveinsight down`.")
            print(shown)
            print(f"Log: {log}")
            return 0
        time.sleep(0.2)
    print("the stack did not come up within 180 s; see " + str(log), file=sys.stderr)
    return 1


def status(settings: Settings) -> int:
    healthy = True
    for part in parts(settings):
        ok = part.health()
        healthy &= ok
        print(f"{part.name:<8} {'up  ' if ok else 'down'}  port {part.port}")
    return 0 if healthy else 1


def down(settings: Settings) -> int:
    pid_file = _pid_file(settings)
    if not pid_file.exists():
        print("LiveInsight is not running (no detached stack).")
        return 0
    pid = int(pid_file.read_text())
    try:
        os.kill(pid, signal.SIGTERM)
        for _ in range(150):
            os.kill(pid, 0)
            time.sleep(0.1)
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    pid_file.unlink(missing_ok=True)
    print("LiveInsight stopped.")
    return 0
