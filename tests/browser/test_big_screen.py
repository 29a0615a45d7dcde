"""Shared links from the dashboard, and the big-screen view in Chromium: made from the Share
page, it shows large live figures and a QR code of the link; revoked there, it is gone."""

import uuid

import pytest
import requests

from tests.browser.test_dashboard_live import SCREENSHOTS, ingest, sign_in, until

pytestmark = pytest.mark.integration


def test_the_big_screen_of_a_link_made_and_revoked_on_the_share_page(stack, context, new_context):
    page = context.new_page()  # the owner's
    sign_in(stack, page)
    page.click("text=Share")
    page.fill("#id_label", "projector")
    page.fill("#id_days", "1")
    page.click("text=Make a shared link")
    screen_url = page.locator("#made-screen").text_content()
    assert screen_url.endswith("/screen") and page.locator("td", has_text="projector").count() == 1

    screen = new_context().new_page()  # the projector: no login
    screen.set_viewport_size({"width": 1920, "height": 1080})
    screen.goto(screen_url)
    until(screen, "() => document.getElementById('updated').dateTime !== ''")
    path = f"/screen-{uuid.uuid4().hex[:8]}"
    ingest(stack, path)
    until(screen, f"() => [...document.querySelectorAll('#top-pages li span')].some(e => e.textContent === '{path}')")
    assert int(screen.locator("#active-visitors").text_content().replace(",", "")) >= 1
    qr = screen.locator("figure.qr svg")
    assert qr.is_visible() and qr.bounding_box()["width"] >= 200  # big enough to scan across a room
    assert screen_url.removesuffix("screen") in screen.locator("figcaption").text_content()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    screen.screenshot(path=str(SCREENSHOTS / "big-screen.png"))

    page.locator("tr", has_text="projector").locator("text=Revoke").click()
    page.wait_for_load_state()
    assert page.locator("td", has_text="projector").count() == 0
    assert requests.get(screen_url, timeout=10).status_code == 404
