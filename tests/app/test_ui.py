"""The app's widgets and callbacks, in process (no browser): fast and exact.

The browser tests (tests/app/test_browser.py) check the same things through Voila and Chromium.
"""

from __future__ import annotations

import base64
import io
import re

import openpyxl
import pandas as pd
import pytest

from prioritisation import prepare, rank, rank_prepared, read_workbook
from prioritisation.app import build_app
from prioritisation.app.state import AppState
from prioritisation.engine.weights import normalise_weights
from tests.app.conftest import first_ids
from tests.conftest import SAMPLE, xlsx


def predicted(wb, positions: dict[str, int]) -> list[str]:
    """The order the engine gives for these slider positions (the test's oracle)."""
    shares = normalise_weights(pd.Series(positions, dtype=float).reindex(wb.criteria.index))
    return list(rank_prepared(prepare(wb), shares).table.index)


def test_first_view_is_the_engines_ranking(app):
    expected = list(rank(read_workbook(SAMPLE)).table.index)
    assert first_ids(app.table.value, 100) == expected
    assert "Rangschikking" in app.tabs.titles[0]
    # every criterion has a slider labelled with its label and a share in %
    assert set(app.sliders) == {"innovation", "desirability", "viability", "feasibility"}
    assert app.shares["innovation"].value.count("30 %") == 1


def test_slider_reranks_as_the_engine_predicts_without_reading_files(app, monkeypatch):
    import prioritisation.app.state as state_module
    import prioritisation.data.workbook as workbook_module
    import prioritisation.engine.run as run_module

    def forbidden(*_a, **_k):
        raise AssertionError("a slider callback read or re-prepared the workbook")

    monkeypatch.setattr(workbook_module, "check_workbook", forbidden)
    monkeypatch.setattr(state_module, "checked_workbook", forbidden)
    monkeypatch.setattr(run_module, "prepare", forbidden)
    monkeypatch.setattr(run_module, "resolve_run", forbidden)
    before = first_ids(app.table.value)
    app.sliders["innovation"].value = 100
    positions = dict(app.state.positions)
    assert positions["innovation"] == 100
    after = first_ids(app.table.value, 100)
    assert after == predicted(app.state.wb, positions)
    assert after[:5] != before
    assert app.status.value == ""


def test_reset_restores_the_workbooks_weights(app):
    start = first_ids(app.table.value, 100)
    app.sliders["feasibility"].value = 0
    app.sliders["innovation"].value = 90
    app.reset.click()
    assert {c: s.value for c, s in app.sliders.items()} == app.state.default_positions()
    assert first_ids(app.table.value, 100) == start


def test_all_weights_zero_is_explained_not_an_error(app):
    for slider in app.sliders.values():
        slider.value = 0
    assert "minstens één criterium" in app.weights_note.value
    # the message stands where the ranking was
    assert "minstens één criterium" in app.table.value and "pw-ranking" not in app.table.value
    app.sliders["desirability"].value = 10
    assert app.weights_note.value == ""
    assert first_ids(app.table.value, 1)


def test_theme_filter_keeps_rank_order(app):
    app.theme.value = "E-inclusie"
    ids = first_ids(app.table.value, 100)
    wb = app.state.wb
    assert ids and all(wb.ideas.at[i, "theme"] == "E-inclusie" for i in ids)
    full = list(app.state.ranking().table.index)
    assert ids == [i for i in full if i in ids]


def test_hidden_tabs_render_when_opened(app):
    assert app.members.value == "" and app.detail.value == ""
    app.sliders["viability"].value = 5
    assert app.members.value == ""  # not visible: not rendered
    app.tabs.selected_index = 2
    assert "pw-members" in app.members.value
    app.tabs.selected_index = 3
    assert "pw-detail-criteria" in app.detail.value
    app.idea.value = "CRM"
    assert "CRM: alle klantgegevens" in app.detail.value
    assert "niet gerangschikt" in app.detail.value  # below the viability threshold


def test_value_cost_chart_is_inline_svg(app):
    app.tabs.selected_index = 1
    assert "<svg" in app.value_chart.value
    assert "http" not in app.value_chart.value.split("<svg", 1)[0]


def test_language_switch_keeps_the_weights(app):
    app.sliders["innovation"].value = 70
    app.lang.value = "en"
    assert app.tabs.titles[0] == "Ranking"
    assert "Innovation value" in app.slider_box.children[0].value
    assert app.sliders["innovation"].value == 70
    assert "of the total" in app.shares["innovation"].value
    app.lang.value = "nl"
    assert app.tabs.titles[0] == "Rangschikking"


def test_excel_download_holds_the_current_ranking(app):
    app.sliders["innovation"].value = 100
    app.tabs.selected_index = 4
    app.excel.click()
    match = re.search(r'download="([^"]+)" href="data:[^;]+;base64,([^"]+)"', app.excel_link.value)
    assert match and match.group(1) == "rangschikking.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(match.group(2))))
    rows = list(book["rangschikking"].iter_rows(values_only=True))
    assert rows[0][:6] == ("id", "titel", "thema", "kost", "rang", "score")
    ws = book["rangschikking"]  # the same builder as ``rank --format xlsx``: the same formats
    assert (ws["D2"].number_format, ws["F2"].number_format) == ('"€" #,##0', "0.000")
    assert [r[0] for r in rows[1:6]] == first_ids(app.table.value)
    # a later weight change withdraws the link: it would no longer match the screen
    app.sliders["innovation"].value = 20
    assert app.excel_link.value == ""


def test_bad_workbook_shows_every_problem_not_a_traceback(tmp_path):
    bad = xlsx(tmp_path, ideas=[["id", "title", "cost"], ["A", "Eerste", "veel"], ["A", "Dubbel", 5]],
               scores=[["idea_id", "criterion_id", "assessor", "score"], ["A", "innovation", "x", 9]])  # fmt: skip
    _wb, problems = AppState.load(bad).wb, AppState.load(bad).problems
    assert problems
    app = build_app(bad)
    html = app.root.children[-1].value
    assert "Deze werkmap kan ik niet gebruiken" in html
    for p in problems:
        assert p.format().replace("'", "&#x27;") in html
    assert "Traceback" not in html


def test_missing_file_is_a_message(tmp_path):
    app = build_app(tmp_path / "nope.xlsx")
    assert "nope.xlsx" in app.root.children[-1].value


def test_a_failing_callback_shows_a_plain_message(app, monkeypatch):
    def boom(*_a, **_k):
        raise RuntimeError("kapot")

    monkeypatch.setattr(app.state, "ranking", boom)
    app.sliders["innovation"].value = 55
    assert "Er ging iets mis" in app.status.value
    assert "Traceback" not in app.status.value
    assert app.state.positions["innovation"] == 55  # the member's setting is kept


def test_exact_weights_hold_until_a_slider_moves(app):
    shares = {"innovation": 0.123, "desirability": 0.377, "viability": 0.25, "feasibility": 0.25}
    app.state.apply_weights(shares)
    app.show_positions()
    app.weights_changed()
    assert app.state.weights()["innovation"] == pytest.approx(0.123)
    assert app.sliders["innovation"].value == 12
    assert first_ids(app.table.value, 100) == list(
        rank_prepared(app.state.prepared, pd.Series(shares)).table.index
    )
    app.sliders["innovation"].value = 40
    assert app.state.exact is None
    assert app.state.weights()["innovation"] == pytest.approx(40 / (40 + 38 + 25 + 25))


def test_members_tab_shows_both_views_named(app):
    from prioritisation.decisions.group import consensus_prepared
    from prioritisation.engine.run import resolve_run

    app.tabs.selected_index = 2
    html = app.members.value
    assert "Kendall" in html
    assert "Verschil in beoordeling (volgens de eigen scores van elk lid)" in html
    assert "Verschil in prioriteiten (volgens de eigen gewichten van elk lid)" in html
    run = resolve_run(app.state.wb)
    for view in ("scores", "weights"):
        part = html.split(f'class="pw-view pw-view-{view}"', 1)[1].split('class="pw-view ')[0]
        shown = re.findall(r"<tr data-id='([^']+)'", part)
        expected = list(consensus_prepared(run.prepared, run.weights, view).most_changed(5).index)
        assert shown[:5] == expected, view
