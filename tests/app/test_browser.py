"""The app end to end: Voila serving it, headless Chromium (Debian's) driving it.

One server on the sample for the module (started on a free port of 127.0.0.1, stopped after);
each test opens its own page, hence its own kernel.
"""

from __future__ import annotations

import io
from urllib.parse import urlparse

import openpyxl
import pandas as pd
import pytest

from prioritisation import prepare, rank, rank_prepared, read_workbook
from prioritisation.engine.weights import normalise_weights
from tests.appserver import (
    AppServer,
    browser_missing,
    first_rows,
    forged_execute,
    open_app,
    open_tab,
)
from tests.conftest import SAMPLE, xlsx

pytestmark = [pytest.mark.browser, pytest.mark.slow]

if reason := browser_missing():
    pytest.skip(reason, allow_module_level=True)


def test_page_shows_the_samples_ranking_in_dutch_and_loads_nothing_from_outside(server, context):
    page = context.new_page()
    outside = []
    page.on("request", lambda r: urlparse(r.url).hostname not in ("127.0.0.1", None)
            and r.url.startswith("http") and outside.append(r.url))  # fmt: skip
    page.goto(server.url)
    page.wait_for_selector(".pw-ranking tbody tr", timeout=90_000)
    expected = list(rank(read_workbook(SAMPLE)).table.index)
    assert first_rows(page, 100) == expected
    text = page.inner_text(".pw-app")
    for word in ("Gewichten", "Rangschikking", "Innovatiewaarde", "In aanmerking", "Reden"):
        assert word in text
    assert "Traceback" not in page.content()
    assert outside == []
    page.close()


def test_keyboard_on_a_weight_slider_reorders_as_the_engine_predicts(server, context):
    page = open_app(context, server.url)
    wb = read_workbook(SAMPLE)
    positions = {"innovation": 100, "desirability": 30, "viability": 20, "feasibility": 20}
    shares = normalise_weights(pd.Series(positions, dtype=float))
    expected = list(rank_prepared(prepare(wb), shares).table.index)
    assert first_rows(page) != expected[:5]
    page.focus(".pw-weight-innovation .noUi-handle")
    page.keyboard.press("End")
    page.wait_for_function(
        "id => document.querySelector('.pw-ranking tbody tr').dataset.id === id",
        arg=expected[0], timeout=30_000,
    )  # fmt: skip
    assert first_rows(page, 100) == expected
    assert "59 %" in page.inner_text(".pw-share-innovation")  # 100 / 170
    page.close()


def test_excel_download_is_the_ranking_on_screen(server, context):
    page = open_app(context, server.url)
    shown = first_rows(page)
    open_tab(page, 4)
    page.click(".pw-excel")
    page.wait_for_selector(".pw-excel-link a", timeout=30_000)
    with page.expect_download() as info:
        page.click(".pw-excel-link a")
    download = info.value
    assert download.suggested_filename == "rangschikking.xlsx"
    data = open(download.path(), "rb").read()
    rows = list(
        openpyxl.load_workbook(io.BytesIO(data))["rangschikking"].iter_rows(values_only=True)
    )
    assert [r[0] for r in rows[1:6]] == shown
    page.close()


def test_every_tab_renders_without_errors(server, context):
    page = open_app(context, server.url)
    checks = [(1, ".pw-value-chart svg"), (2, ".pw-members tbody tr"),
              (3, ".pw-detail-criteria tbody tr")]  # fmt: skip
    checks.append((1, ".pw-budget-summary .pw-note"))
    checks.append((2, ".pw-stability-list li"))
    for index, selector in checks:
        open_tab(page, index)
        page.wait_for_selector(selector, timeout=30_000)
    if page.locator(".pw-weight-mode").count():  # pairwise (AHP) mode
        page.click(".pw-weight-mode button:nth-child(2)")
        page.wait_for_selector(".pw-ahp-pair", timeout=30_000)
    assert page.inner_text(".pw-status") == ""
    page.close()


def test_the_browser_cannot_run_code(server, context, tmp_path):
    """An ``execute_request`` sent over the kernel's websocket is dropped by Voila."""
    page = open_app(context, server.url)
    marker = tmp_path / "pwned.txt"
    replies = forged_execute(page, f"open({str(marker)!r}, 'w').write('x')")
    assert not marker.exists()
    assert "kernel_info_reply" in replies  # the socket worked
    assert "execute_reply" not in replies and "execute_input" not in replies
    page.close()


def test_a_bad_workbook_shows_its_messages(context, tmp_path):
    bad = xlsx(tmp_path, ideas=[["id", "title", "cost"], ["A", "Eerste", "veel"]],
               scores=[["idea_id", "criterion_id", "assessor", "score"], ["B", "innovation", "x", 9]])  # fmt: skip
    with AppServer(bad, pool_size=0) as bad_server:
        page = open_app(context, bad_server.url)
        text = page.inner_text(".pw-problems-panel")
        assert "Deze werkmap kan ik niet gebruiken" in text
        assert "blad 'ideas', rij 2, kolom 'cost'" in text
        assert "Traceback" not in page.content()
        page.close()


def test_a_saved_scenario_survives_a_restart(context, tmp_path):
    """Save in one server's kernel; stop everything; a new server's page opens it again."""
    env = {"PRIORITISATION_STORE": str(tmp_path / "scenarios.sqlite")}
    positions = {"innovation": 100, "desirability": 30, "viability": 20, "feasibility": 20}
    shares = normalise_weights(pd.Series(positions, dtype=float))
    expected = list(rank_prepared(prepare(read_workbook(SAMPLE)), shares).table.index)
    with AppServer(SAMPLE, pool_size=0, env=env) as first:
        page = open_app(context, first.url)
        page.focus(".pw-weight-innovation .noUi-handle")
        page.keyboard.press("End")
        page.wait_for_function(
            "() => document.querySelector('.pw-share-innovation').innerText.includes('59 %')"
        )
        open_tab(page, 4)
        page.fill(".pw-scen-name input", "Innovatie eerst")
        page.fill(".pw-scen-author input", "An")
        page.click(".pw-scen-save")
        page.wait_for_selector(".pw-scen-message .pw-note", timeout=30_000)
        page.close()
    with AppServer(SAMPLE, pool_size=0, env=env) as second:
        page = open_app(context, second.url)
        assert first_rows(page, 1) != expected[:1]
        open_tab(page, 4)
        page.wait_for_selector(".pw-scen-open", timeout=30_000)
        assert "Innovatie eerst" in page.inner_text(".pw-scen-choice").replace("\xa0", " ")
        page.click(".pw-scen-open")
        page.wait_for_function(
            "() => document.querySelector('.pw-share-innovation').innerText.includes('59 %')",
            timeout=30_000,
        )
        open_tab(page, 0)
        page.wait_for_function(
            "id => document.querySelector('.pw-ranking tbody tr').dataset.id === id",
            arg=expected[0], timeout=30_000,
        )  # fmt: skip
        assert first_rows(page, 100) == expected
        page.close()


def test_the_proxy_user_is_the_scenario_author(context):
    """Behind a trusted proxy (``--user-header``), the header names the author; preheated too,
    also when the preheated kernel waited in the pool for a while (it once gave up after 5 s
    and showed "Niet geverifieerd")."""
    import time

    with AppServer(SAMPLE, pool_size=1, args=["--user-header", "X-Remote-User"]) as server:
        time.sleep(12)  # the pool's kernel is ready and waits for a page
        page = context.new_page()
        page.set_extra_http_headers({"X-Remote-User": "bart"})
        page.goto(server.url)
        page.wait_for_selector(".pw-ranking tbody tr", timeout=90_000)
        assert "Aangemeld als Bart (Bib Brugge) (lid)." in page.inner_text(".pw-identity")
        open_tab(page, 4)
        page.wait_for_selector(".pw-scen-author input", timeout=30_000)
        page.wait_for_function(
            "() => document.querySelector('.pw-scen-author input').value === 'Bart (Bib Brugge)'",
            timeout=30_000,
        )
        assert page.locator(".pw-scen-author input").is_disabled()
        page.close()


def test_generate_pdf_shows_progress_and_offers_the_file(server, context):
    page = open_app(context, server.url)
    open_tab(page, 4)
    page.wait_for_selector(".pw-pdf", timeout=30_000)
    page.click(".pw-pdf")
    page.wait_for_selector(".pw-pdf-progress", state="visible", timeout=30_000)
    page.wait_for_selector(".pw-pdf-link a", timeout=180_000)
    with page.expect_download() as info:
        page.click(".pw-pdf-link a")
    assert info.value.suggested_filename == "rapport.pdf"
    assert open(info.value.path(), "rb").read(5) == b"%PDF-"
    assert page.inner_text(".pw-pdf-status") == ""
    page.close()
