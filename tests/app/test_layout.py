"""The app's layout on a phone (390 × 844), in a real browser: the weights above the tabs,
the ranking table at least 300 px wide and scrolling sideways, and with every weight at 0 the
message where the ranking was."""

from __future__ import annotations

import pytest

from tests.appserver import AppServer, browser, browser_missing, open_app
from tests.conftest import SAMPLE

pytestmark = [pytest.mark.browser, pytest.mark.slow]

if reason := browser_missing():
    pytest.skip(reason, allow_module_level=True)


@pytest.fixture(scope="module")
def phone():
    with AppServer(SAMPLE, pool_size=1) as server, browser() as context:
        page = open_app(context, server.url)
        page.set_viewport_size({"width": 390, "height": 844})
        page.wait_for_timeout(500)
        yield page
        page.close()


def box(page, selector: str) -> dict:
    return page.eval_on_selector(selector, "e => e.getBoundingClientRect().toJSON()")


def test_on_a_phone_the_weights_stand_above_the_tabs(phone):
    weights, tabs = box(phone, ".pw-sidebar"), box(phone, ".pw-tabs")
    assert weights["bottom"] <= tabs["top"] + 1
    assert weights["width"] >= 340  # the whole width, not a 290 px column
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # nothing sideways


def test_on_a_phone_the_ranking_gets_300_px_and_scrolls_sideways(phone):
    table = box(phone, ".pw-ranking-panel .pw-scroll")
    assert table["width"] >= 300
    assert table["right"] <= 390
    scroll = phone.eval_on_selector(
        ".pw-ranking-panel .pw-scroll",
        "e => [e.scrollWidth, e.clientWidth, getComputedStyle(e).overflowX]",
    )
    assert scroll[0] > scroll[1] and scroll[2] == "auto"  # the wide table scrolls within its box


def test_with_every_weight_at_zero_the_message_stands_where_the_ranking_was(phone):
    for handle in phone.locator(".pw-weight .noUi-handle").all():
        handle.focus()
        phone.keyboard.press("Home")
    phone.wait_for_selector(".pw-ranking-panel .pw-all-zero", timeout=30_000)
    assert phone.locator(".pw-ranking-panel .pw-ranking").count() == 0
    message = box(phone, ".pw-ranking-panel .pw-all-zero")
    assert message["top"] >= box(phone, ".pw-tabs")["top"]
    assert "minstens één criterium" in phone.inner_text(".pw-ranking-panel")
