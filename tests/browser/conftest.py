"""Debian's Chromium, driven by pytest-playwright (no browser download): its fixtures give
each test a context with tracing and screenshots kept on failure (`make test` passes
--tracing retain-on-failure --screenshot only-on-failure; they land in build/test-results)."""

import os
import shutil

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# A desktop Chrome user agent, so the server counts these visits as people, not bots;
# set on the browser too, since beacons sent while a page unloads ignore the context's.
DESKTOP_UA = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
              "Chrome/130.0.0.0 Safari/537.36")
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-agent={DESKTOP_UA}"]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        pytest.fail("Debian's chromium is not installed (.ci/run installs it: apt-get install chromium)")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "user_agent": DESKTOP_UA, "viewport": {"width": 1280, "height": 800}}


@pytest.fixture(autouse=True)
def _partners(context):
    # the outbound link leaves for a site this machine cannot reach: answer it locally
    context.route("https://www.example.org/**", lambda route: route.fulfill(body="<h1>Partners</h1>",
                                                                             content_type="text/html"))
