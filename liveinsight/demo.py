"""The demo the stack starts with: the dashboard's database, the demo user (staff), its API
token, and the demo site with its checkout funnel."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys

from embedded.settings import ROOT

from .config import Config

DEMO_USER = "demo"
DEMO_FUNNEL = "checkout=page:/demo/products/*,page:/demo/cart/,page:/demo/checkout/,goal:purchase"
HIDDEN = "(shown only on a terminal: `liveinsight demo-user --secrets`)"
MANAGE = [sys.executable, str(ROOT / "django_app" / "manage.py")]  # the dashboard's commands


def demo_password(config: Config) -> str:
    """LIVEINSIGHT_DEMO_PASSWORD, or one made at random once per state directory (kept there,
    readable by its owner only), so a presenter's saved login survives a restart."""
    if config.demo_password:
        return config.demo_password
    state = config.emulator.state_dir
    path = state / "demo.password"
    if not path.exists():
        state.mkdir(parents=True, exist_ok=True)
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as out:
            out.write(secrets.token_urlsafe(12))
    return path.read_text().strip()


def prepare_dashboard(config: Config, env: dict[str, str]) -> dict[str, str]:
    """Migrate the dashboard's database, publish its sites to the stack, and make the demo
    user, a new API token, the demo site and a shared link to it (the one `up` made before
    is revoked); the login, token and link."""
    manage = MANAGE
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    subprocess.run([*manage, "publish_sites"], cwd=ROOT, env=env, check=True)
    origins = [f"http://{host}:{config.django_port}" for host in ("127.0.0.1", "localhost")]
    out = subprocess.run(
        [*manage, "liveinsight_user", DEMO_USER, "--password", demo_password(config), "--staff", "--site", "demo",
         "--site-name", "Demo shop", f"--funnel={DEMO_FUNNEL}", *[f"--origin={o}" for o in origins]],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True,
    ).stdout
    login = dict(json.loads(out))
    shared = subprocess.run([*manage, "liveinsight_share", "renew", "demo", "--label", "up"],
                            cwd=ROOT, env=env, check=True, capture_output=True, text=True).stdout
    login["shared"] = config.dashboard_url + json.loads(shared)["path"]
    return login
