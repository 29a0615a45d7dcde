"""A shared link in Chromium: the live page with no login, alive, and gone once revoked."""

import time
import uuid

import pytest
import requests

from tests.browser.test_dashboard_live import SCREENSHOTS, ingest, until

pytestmark = pytest.mark.integration


def test_a_shared_link_shows_the_live_page_without_a_login_until_revoked(stack, context):
    owner = {"Authorization": f"Token {stack.demo['token']}"}
    made = requests.post(f"{stack.dashboard}/api/sites/demo/links", json={"label": "browser"}, headers=owner,
                         timeout=10).json()
    page = context.new_page()  # a fresh context: no session cookie
    page.goto(made["url"])
    until(page, "() => document.getElementById('updated').dateTime !== ''")
    assert "/accounts/login/" not in page.url and page.locator("nav.shared").is_visible()

    path = f"/shared-{uuid.uuid4().hex[:8]}"
    ingest(stack, path)
    until(page, f"() => [...document.querySelectorAll('#top-pages li span')].some(e => e.textContent === '{path}')")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "shared-live.png"), full_page=True)

    gone = requests.delete(f"{stack.dashboard}/api/sites/demo/links/{made['key']}", headers=owner, timeout=10)
    assert gone.status_code == 204
    deadline = time.monotonic() + 15  # its stream ends at the next check (5 s), and the page reloads
    while page.locator("#site").count():  # reloaded, the page is a 404 with no site on it
        assert time.monotonic() < deadline, "the revoked link still shows the site"
        time.sleep(0.2)
    # the page reloads itself; ask over HTTP, so as not to race that navigation
    assert requests.get(made["url"], timeout=10).status_code == 404
