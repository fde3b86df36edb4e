"""The Group tab end to end: three members in three real browser contexts on one app and one
store, known by a trusted proxy's header (``--user-header X-Remote-User``) as the logins of
the workbook's members sheet: an (chair), bart, chris.

Each member sets different weights and shares them; the round is blind, so each sees only
their own until the chair reveals; then, within 2 s, every member's Group tab shows all three,
the group's weights are their mean and the compromise's lowest satisfaction is the brute-force
max-min on the workbook (12 ideas)."""

from __future__ import annotations

import time

import pandas as pd
import pytest

from prioritisation.data.workbook import read_workbook
from prioritisation.engine.run import resolve_run
from tests.appserver import CHROMIUM, FLAGS, AppServer, browser_missing
from tests.group_helpers import (
    MOVES,
    brute_force_maxmin,
    member_pages,
    member_rows,
    move_sliders,
    shown_weights,
    small_workbook,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

if reason := browser_missing():
    pytest.skip(reason, allow_module_level=True)

LIVE = 2.0  # seconds: what one member does shows on the others' pages within this


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


def test_three_members_share_the_chair_reveals_and_everyone_sees_the_group(tmp_path, browser):
    path = small_workbook(tmp_path)
    args = ["--user-header", "X-Remote-User"]
    with AppServer(path, pool_size=None, args=args) as server:
        pages = member_pages(browser, server.url)
        an = pages["an"]
        assert an.locator(".pw-round-open").count() == 1  # the chair's controls
        assert pages["bart"].locator(".pw-round-open").count() == 0
        an.click(".pw-round-open")
        for page in pages.values():  # the round opened: every page knows, no reload
            page.wait_for_selector(".pw-round-state[data-round]", timeout=LIVE * 1000 + 1000)
        positions = {}
        for login, page in pages.items():
            positions[login] = move_sliders(page, MOVES[login])
            page.wait_for_selector(".pw-share-weights:not([disabled])", timeout=10_000)
            page.click(".pw-share-weights")
            page.wait_for_function(
                "() => /gedeeld op/i.test(document.querySelector('.pw-share-note').textContent)",
                timeout=20_000,
            )
        # blind: a member sees only their own weights; the chair sees who has shared
        for login in ("bart", "chris"):
            pages[login].wait_for_selector(".pw-member-row", timeout=10_000)
            assert member_rows(pages[login]) == [login.capitalize()]
        an.wait_for_function("() => document.querySelectorAll('.pw-who-shared .pw-shared')"
                             ".length === 3", timeout=10_000)  # fmt: skip

        started = time.monotonic()
        an.click(".pw-round-reveal")
        seen = {}
        for login, page in pages.items():
            left = max(0.05, LIVE - (time.monotonic() - started))
            page.wait_for_function(
                "() => document.querySelectorAll('.pw-member-row').length === 3 && "
                "document.querySelector('.pw-sat-sentence') !== null",
                timeout=left * 1000,
            )
            seen[login] = time.monotonic() - started
        print("reveal → all three on each page (s):", {k: round(v, 2) for k, v in seen.items()})
        assert max(seen.values()) <= LIVE

        shares = {login.capitalize(): pd.Series(p, dtype=float) / sum(p.values())
                  for login, p in positions.items()}  # fmt: skip
        sets = pd.DataFrame(shares).T
        assert len({tuple(row.round(6)) for _, row in sets.iterrows()}) == 3  # three different
        run = resolve_run(read_workbook(path))
        best = brute_force_maxmin(run, sets)
        for login, page in pages.items():
            rows = shown_weights(page)
            group = shown_weights(page, ".pw-group-row")["group"]
            for member, weights in rows.items():
                for c, v in weights.items():
                    assert v == pytest.approx(sets.at[member, c], abs=1e-6), (login, member, c)
            for c, v in group.items():
                assert v == pytest.approx(sets[c].mean(), abs=1e-6), (login, c)
            low = float(page.get_attribute(".pw-sat-sentence", "data-min"))
            assert low == pytest.approx(best, abs=1e-6), login
            assert "het minst" in page.inner_text(".pw-sat-sentence")
        for page in pages.values():
            page.context.close()
