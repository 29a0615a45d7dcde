"""`liveinsight up|down|status`: the whole stack as child processes (the emulator, the API
gateway with the functions, the dashboard) with the demo and, if asked, simulated traffic."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from rich.console import Console

from embedded import deploy, ports, supervision
from embedded.intrinsics import TemplateError
from embedded.settings import ROOT, TEMPLATE, Settings

from . import demo
from .config import Config, child_env

TRAFFIC_RATE = 20.0  # new simulated visitors per minute while `up` runs
SECRETS_FD = "LIVEINSIGHT_SECRETS_FD"  # where a detached `up` hands its terminal the demo secrets


@dataclass(frozen=True)
class Part:
    name: str
    port: int
    variable: str
    what: str
    command: list[str]
    health: Callable[[], bool]


def gateway_command(settings: Settings, stack_name: str, port: int) -> list[str]:
    return [sys.executable, "-m", "embedded.serve", "--stack", stack_name, "--port", str(port)]


def parts(config: Config) -> list[Part]:
    settings = config.emulator
    py, host, bind = sys.executable, settings.host, settings.bind
    return [
        Part("moto", settings.moto_port, "LIVEINSIGHT_MOTO_PORT", "moto (the AWS emulator)",
             [py, "-m", "embedded.motoserver", "--host", bind, "--port", str(settings.moto_port)],
             lambda: ports.http_ok(f"{settings.endpoint_url}/")),
        Part("gateway", settings.gateway_port, "LIVEINSIGHT_GATEWAY_PORT", "the API Gateway data plane",
             gateway_command(settings, settings.stack_name, settings.gateway_port),
             lambda: ports.listening(host, settings.gateway_port)),
        Part("django", config.django_port, "LIVEINSIGHT_DJANGO_PORT", "the Django dashboard",
             [py, "-m", "uvicorn", "config.asgi:application", "--app-dir", str(ROOT / "django_app"),
              "--host", config.dashboard_bind or bind, "--port", str(config.django_port), "--no-access-log",
              "--lifespan", "off",
              "--no-proxy-headers"],
             lambda: ports.http_ok(f"{config.dashboard_url}/healthz")),
    ]


def _printer(name: str) -> Callable[[str], None]:
    return lambda line: print(f"{name:<8}| {line}", flush=True)


class Stack:
    def __init__(self, config: Config, parameters: dict[str, str] | None = None) -> None:
        self.config, self.parameters = config, parameters or {}
        self.demo: dict[str, str] = {}
        self.children: list[tuple[Part, subprocess.Popen[str]]] = []
        self.traffic: subprocess.Popen[str] | None = None
        self.watchdog: supervision.Watchdog | None = None

    @property
    def settings(self) -> Settings:
        return self.config.emulator

    def start(self, progress: Callable[[str], object] = lambda _: None) -> None:
        """Start every part in order, each once the one before answers; `progress` hears what
        is being waited for."""
        all_parts = parts(self.config)
        for part in all_parts:
            ports.ensure_free(self.settings.host, part.port, part.what, part.variable)
        env = child_env(self.config)
        self.watchdog = supervision.Watchdog(ROOT)
        for part in all_parts:
            if part.name == "gateway":
                progress(f"deploying {TEMPLATE.name} to the emulator")
                started = time.monotonic()
                deploy.deploy(self.settings, TEMPLATE, self.settings.stack_name, self.parameters)
                print(f"deploy  | stack {self.settings.stack_name} deployed in "
                      f"{time.monotonic() - started:.1f} s", flush=True)
            if part.name == "django":
                progress("preparing the dashboard's database and the demo")
                self.demo = demo.prepare_dashboard(self.config, env)
            progress(f"starting {part.what}")
            process = supervision.spawn(part.command, env, ROOT, self.watchdog, _printer(part.name))
            self.children.append((part, process))
            ports.wait_until(lambda p=part, c=process: p.health() or c.poll() is not None, 60, part.what)
            if process.poll() is not None:
                raise RuntimeError(f"{part.what} exited with code {process.returncode}")

    def start_traffic(self, rate: float) -> None:
        """A gentle, endless simulation on the demo site, so the dashboard is alive at once."""
        ledger = self.settings.state_dir / "ledgers" / "up.jsonl"
        command = [sys.executable, "-m", "liveinsight", "simulate", "--rate", str(rate), "--duration", "0",
                   "--quiet", "--seed", str(int(time.time())), "--ledger", str(ledger)]
        self.traffic = supervision.spawn(command, child_env(self.config), ROOT, self.watchdog, _printer("traffic"))

    def failed(self) -> Part | None:
        return next((part for part, p in self.children if p.poll() is not None), None)

    def stop(self) -> None:
        """Stop the parts in reverse order, so each can still flush to the ones it uses."""
        processes = [p for _, p in self.children] + ([self.traffic] if self.traffic else [])
        supervision.stop(list(reversed(processes)))
        if self.watchdog:
            self.watchdog.release()


@contextlib.contextmanager
def another_gateway(config: Config, template: Path, stack_name: str, env: dict[str, str] | None = None,
                    parameters: dict[str, str] | None = None) -> Iterator[int]:
    """Deploy another template on the running emulator and serve its API on a free port."""
    deploy.deploy(config.emulator, template, stack_name, parameters)
    port = ports.free_port()
    process = subprocess.Popen(gateway_command(config.emulator, stack_name, port), cwd=ROOT,
                               env={**child_env(config), **(env or {})})
    try:
        ports.wait_until(lambda: ports.listening(config.emulator.host, port), 30, f"{stack_name} gateway")
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


def banner(config: Config, login: dict[str, str], traffic: float = 0, show_secrets: bool = True) -> str:
    """What is up, and where. The demo password and API token appear only when `show_secrets` says
    the banner goes to a terminal, never into a log file."""
    settings, web = config.emulator, config.dashboard_url
    password, token, shared, screen = ((login.get("password"), login.get("token"), login.get("shared"),
                                        f"{login.get('shared')}screen") if show_secrets else (demo.HIDDEN,) * 4)
    return "\n".join([
        "LiveInsight is up:",
        f"  ingest API   POST http://{settings.host}:{settings.gateway_port}/events",
        f"  dashboard    {web}/   login {login.get('username')} / {password}",
        f"  API token    {token}   (Authorization: Token ...; `liveinsight token create demo` makes another)",
        f"  shared view  {shared}   (the demo site's live page, no login; `liveinsight share`)",
        f"  big screen   {screen}   (for a projector, with a QR code of the shared view)",
        f"  API docs     {web}/api/docs/",
        f"  demo shop    {web}/demo/",
        f"  AWS emulator AWS_ENDPOINT_URL={settings.endpoint_url}",
        f"  traffic      {traffic:g} simulated visitors a minute on the demo site (--no-traffic: none)"
        if traffic else "  traffic      none (liveinsight simulate sends some)",
        "Stop with Ctrl-C.",
    ])


def up(config: Config, parameters: dict[str, str] | None = None, traffic: float = TRAFFIC_RATE) -> int:
    descriptor = config.source.get(SECRETS_FD)
    config = replace(config, source={k: v for k, v in config.source.items() if k != SECRETS_FD})  # not for children
    stack = Stack(config, parameters)
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    try:
        # a spinner on a terminal while the parts start (rich draws nothing into a log)
        with Console().status("starting LiveInsight") as spinner:
            stack.start(lambda what: spinner.update(f"{what} ..."))
        if traffic > 0:
            stack.start_traffic(traffic)
        handed = _hand_secrets(descriptor, stack.demo)
        print(banner(config, stack.demo, traffic, show_secrets=not handed and sys.stdout.isatty()), flush=True)
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


def _hand_secrets(descriptor: str | None, login: dict[str, str]) -> bool:
    """Under `up --detach`, pass the demo login and token to the command that started us, which
    shows them on its terminal; our own output goes to a log."""
    if not descriptor:
        return False
    with os.fdopen(int(descriptor), "w") as out:
        out.write(json.dumps(login))
    return True


def _pid_file(config: Config) -> Path:
    return config.emulator.state_dir / "up.pid"


def up_detached(config: Config, parameters: dict[str, str] | None = None, traffic: float = TRAFFIC_RATE) -> int:
    config.emulator.state_dir.mkdir(parents=True, exist_ok=True)
    log = config.emulator.state_dir / "up.log"
    secrets_in, secrets_out = os.pipe()
    with open(log, "w") as out:
        extra = [f"--parameter={k}={v}" for k, v in (parameters or {}).items()] + [f"--traffic={traffic}"]
        process = subprocess.Popen([sys.executable, "-m", "liveinsight", "up", *extra], cwd=ROOT,
                                   env={**child_env(config), SECRETS_FD: str(secrets_out)},
                                   pass_fds=(secrets_out,), stdout=out, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
    os.close(secrets_out)
    try:
        return _await_detached(config, process, log, secrets_in, traffic)
    finally:
        os.close(secrets_in)


def _await_detached(config: Config, process: subprocess.Popen[bytes], log: Path, secrets_in: int,
                    traffic: float) -> int:
    _pid_file(config).write_text(str(process.pid))
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            print(log.read_text()[-3000:], file=sys.stderr)
            _pid_file(config).unlink(missing_ok=True)
            return 1
        if "Stop with Ctrl-C." in log.read_text():
            login = json.loads(os.read(secrets_in, 65536) or b"{}")  # written before the banner
            shown = banner(config, login, traffic, show_secrets=sys.stdout.isatty())
            print(shown.replace("Stop with Ctrl-C.", "Stop with `liveinsight down`."))
            print(f"Log: {log}")
            return 0
        time.sleep(0.2)
    print(f"the stack did not come up within 180 s; see {log}", file=sys.stderr)
    return 1


def status(config: Config) -> int:
    healthy = True
    for part in parts(config):
        ok = part.health()
        healthy &= ok
        print(f"{part.name:<8} {'up  ' if ok else 'down'}  port {part.port}")
    return 0 if healthy else 1


def down(config: Config) -> int:
    pid_file = _pid_file(config)
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
