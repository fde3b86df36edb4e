"""The app's state, views and callbacks, in process (no browser): fast and exact.

The browser tests (tests/test_app_browser.py) check the same things through Voila and Chromium.
"""

from __future__ import annotations

import base64
import io
import json
import re

import nbformat
import openpyxl
import pandas as pd
import pytest

from prioritisation import prepare, rank, rank_prepared, read_workbook
from prioritisation.app import build_app
from prioritisation.app.notebook import SOURCE, app_notebook
from prioritisation.app.state import AppState
from prioritisation.app.views import idea_detail_html, ranking_table_html
from prioritisation.engine.weights import normalise_weights
from tests.conftest import ROOT, SAMPLE, run_cli, xlsx


def first_ids(html: str, n: int = 5) -> list[str]:
    return re.findall(r'<tr class="pw-(?:in|out)" data-id="([^"]+)"', html)[:n]


def predicted(wb, positions: dict[str, int]) -> list[str]:
    """The order the engine gives for these slider positions (the test's oracle)."""
    shares = normalise_weights(pd.Series(positions, dtype=float).reindex(wb.criteria.index))
    return list(rank_prepared(prepare(wb), shares).table.index)


@pytest.fixture(autouse=True)
def _scratch_store(tmp_path, monkeypatch):
    """Scenarios saved by a test go to a scratch store, never beside the sample."""
    monkeypatch.setenv("PRIORITISATION_STORE", str(tmp_path / "scenarios.sqlite"))


@pytest.fixture
def app():
    return build_app(SAMPLE)


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

    def forbidden(*_a, **_k):
        raise AssertionError("a slider callback read or re-prepared the workbook")

    monkeypatch.setattr(workbook_module, "check_workbook", forbidden)
    monkeypatch.setattr(state_module, "check_workbook", forbidden)
    monkeypatch.setattr(state_module, "prepare", forbidden)
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
    assert app.table.value == ""
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


def test_idea_detail_lists_scores_comments_and_dependencies():
    wb = read_workbook(SAMPLE)
    html = idea_detail_html(wb, rank(wb), "TICKET")
    assert "ZOEK" in html and "PODIUM" in html  # depends on
    assert "Kan pas na de nieuwe zoektechnologie." in html  # a comment
    assert html.count("<tr>") >= len(wb.assessors)


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
    rows = list(book["ranking"].iter_rows(values_only=True))
    assert rows[0][0] == "id"
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


def test_user_text_is_escaped():
    wb = read_workbook(SAMPLE)
    ideas = wb.ideas.copy()
    ideas.loc["ZOEK", "title"] = "<script>alert(1)</script>"
    ideas.loc["ZOEK", "theme"] = "<b>x</b>"
    evil = type(wb)(criteria=wb.criteria, ideas=ideas, scores=wb.scores, settings=wb.settings)
    ranking = rank(evil)
    for html in (ranking_table_html(ranking), idea_detail_html(evil, ranking, "ZOEK")):
        assert "<script>" not in html and "<b>x</b>" not in html
        assert "&lt;script&gt;" in html


def test_a_failing_callback_shows_a_plain_message(app, monkeypatch):
    def boom(*_a, **_k):
        raise RuntimeError("kapot")

    monkeypatch.setattr(app.state, "ranking", boom)
    app.sliders["innovation"].value = 55
    assert "Er ging iets mis" in app.status.value
    assert "Traceback" not in app.status.value
    assert app.state.positions["innovation"] == 55  # the member's setting is kept


def test_notebook_is_the_generated_few_lines_without_outputs():
    nb = nbformat.read(ROOT / "notebooks" / "app.ipynb", as_version=4)
    assert [c.source for c in nb.cells] == [SOURCE]
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in nb.cells)
    assert nb.metadata.kernelspec.name == app_notebook().metadata.kernelspec.name


def test_voila_configuration_is_safe():
    from prioritisation.commands.app import CONFIG_DIR, DATA_DIR

    conf = json.loads((CONFIG_DIR / "voila.json").read_text())
    assert conf["VoilaConfiguration"]["show_tracebacks"] is False
    assert conf["VoilaConfiguration"]["preheat_kernel"] is True
    assert conf["VoilaConfiguration"]["file_allowlist"] == []
    assert conf["MappingKernelManager"]["allow_tracebacks"] is False
    assert conf["MappingKernelManager"]["cull_idle_timeout"] > 0
    assert conf["Voila"]["ip"] == "127.0.0.1"
    template = DATA_DIR / "voila" / "templates" / conf["VoilaConfiguration"]["template"]
    assert (template / "index.html.j2").exists()


def test_app_command_help():
    proc = run_cli("app", "--help", check_exit=0)
    for option in ("--port", "--token", "--ip"):
        assert option in proc.stdout


def test_kernel_environment_points_at_this_checkout(tmp_path):
    from prioritisation.commands.app import kernel_environment

    env = kernel_environment(str(SAMPLE), "en")
    assert env["PRIORITISATION_APP_WORKBOOK"] == str(SAMPLE.resolve())
    assert env["PRIORITISATION_LANG"] == "en"
    assert env["PYTHONPATH"].split(":")[0] == str(ROOT)


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


@pytest.mark.slow
def test_a_token_keeps_others_out():
    from urllib.request import HTTPRedirectHandler, build_opener

    from tests.appserver import AppServer

    class NoRedirect(HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = build_opener(NoRedirect)

    def status(url):
        try:
            return opener.open(url, timeout=60).status
        except Exception as exc:  # HTTPError carries the code
            return getattr(exc, "code", None)

    with AppServer(SAMPLE, pool_size=0, args=["--token", "s3cret"]) as server:
        assert status(server.url) == 302  # to the login page
        assert status(server.url + "?token=wrong") == 302
        assert status(server.url + "?token=s3cret") == 200
