"""The live dashboard in Chromium: signed in, it shows a new visitor without a reload,
and tracked strings carrying script stay text."""

import time
import uuid

import pytest

from embedded.settings import ROOT
from tests.ingest_support import event
from tests.stack_support import events_counted, eventually

pytestmark = pytest.mark.integration

SCREENSHOTS = ROOT / "build" / "screenshots"
PAYLOADS = ['<img src=x onerror="window.pwned=1">', "javascript:window.pwned=1",
            "</script><script>window.pwned=1</script>"]


def until(page, script, timeout=5.0):
    """Poll a check in the page (wait_for_function would eval, which the page's CSP forbids)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(script):
        assert time.monotonic() < deadline, f"timed out waiting for {script}"
        time.sleep(0.05)


def sign_in(stack, page):
    page.goto(f"{stack.dashboard}/")
    assert "/accounts/login/" in page.url
    page.fill("#id_username", stack.demo["username"])
    page.fill("#id_password", stack.demo["password"])
    page.click("button[type=submit]")
    page.wait_for_url("**/sites/demo/")
    until(page, "() => document.getElementById('updated').dateTime !== ''")


def ingest(stack, path, referrer="", title="t"):
    vid = uuid.uuid4().hex[:12]
    one = event("page_view", int(time.time() * 1000), "/", visitor_id=f"v-{vid}", session_id=f"s-{vid}",
                url=f"http://127.0.0.1:8000{path}", referrer=referrer, title=title)
    assert stack.post(one).status_code == 200


def test_a_new_visitor_appears_without_a_reload(stack, context):
    page = context.new_page()
    sign_in(stack, page)
    path = f"/fresh-{uuid.uuid4().hex[:8]}"
    page.evaluate("window.notReloaded = true")

    started = time.monotonic()
    ingest(stack, path)
    until(page, f"() => [...document.querySelectorAll('#top-pages li span')].some(e => e.textContent === '{path}')")
    seen_after = time.monotonic() - started

    assert page.evaluate("window.notReloaded") is True
    assert seen_after < 3
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "live-dashboard.png"), full_page=True)


def hostile_visits(stack, context, payload_in_referrer=False):
    """A signed-in page that records script errors, and visits whose strings carry script."""
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    sign_in(stack, page)
    for payload in PAYLOADS:
        referrer = f"https://{uuid.uuid4().hex[:6]}.example/" + (payload if payload_in_referrer else "")
        ingest(stack, "/" + payload.replace(" ", "%20"), referrer=referrer, title=payload)
    return page, errors


def test_script_in_tracked_strings_shows_literally_and_never_runs(stack, context):
    page, errors = hostile_visits(stack, context, payload_in_referrer=True)
    until(page, "() => document.body.innerText.includes('onerror')")

    text = page.inner_text("main")
    assert page.evaluate("window.pwned") is None
    assert 'onerror="window.pwned=1"' in text or "onerror=%22window.pwned=1%22" in text
    assert page.locator("main img").count() == 0
    assert page.locator("main script").count() == 0
    assert errors == []


def test_the_history_page_shows_tracked_strings_as_text_and_runs_none(stack, context):
    before = events_counted(stack, "demo")
    page, errors = hostile_visits(stack, context)
    assert eventually(lambda: events_counted(stack, "demo") >= before + len(PAYLOADS))

    page.goto(f"{stack.dashboard}/sites/demo/history")
    until(page, "() => document.querySelector('#series').width > 0")

    text = page.inner_text("main")
    assert 'onerror="window.pwned=1"' in text and "</script><script>window.pwned=1</script>" in text
    assert page.evaluate("window.pwned") is None
    assert page.locator("main img").count() == 0
    assert page.locator("main script:not([type='application/json'])").count() == 0
    assert "Funnel: checkout" in text and "Entry pages" in text
    assert errors == []
    page.screenshot(path=str(SCREENSHOTS / "history.png"), full_page=True)
