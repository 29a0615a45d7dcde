"""Debian's Chromium, driven by Playwright; no browser download."""

import os
import shutil

import pytest
from playwright.sync_api import sync_playwright

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# A desktop Chrome user agent, so the server counts these visits as people, not bots;
# set on the browser too, since beacons sent while a page unloads ignore the context's.
DESKTOP_UA = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
              "Chrome/130.0.0.0 Safari/537.36")
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-agent={DESKTOP_UA}"]


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail("Debian's chromium is not installed (.ci/run installs it: apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def context(browser):
    context = browser.new_context(user_agent=DESKTOP_UA, viewport={"width": 1280, "height": 800})
    # the outbound link leaves for a site this machine cannot reach: answer it locally
    context.route("https://www.example.org/**", lambda route: route.fulfill(body="<h1>Partners</h1>",
                                                                             content_type="text/html"))
    yield context
    context.close()
