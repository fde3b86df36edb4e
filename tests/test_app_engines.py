"""The app's parts that use the other engines (in process, no browser): scenarios (store),
budget (portfolio, explain), robustness (sensitivity), members' agreement (group), pairwise
weights (AHP in weights), PDF (report). Each test needs its engine."""

from __future__ import annotations

import base64
import re
import time

import numpy as np
import pytest

from prioritisation.app import build_app
from tests.conftest import SAMPLE


@pytest.fixture
def app(tmp_path, monkeypatch):
    monkeypatch.setenv("PRIORITISATION_STORE", str(tmp_path / "scenarios.sqlite"))
    return build_app(SAMPLE)


def test_scenarios_save_open_and_compare(app):
    app.tabs.selected_index = 4
    panel = app.scenarios
    assert panel is not None and panel.store is not None
    panel.save.click()
    assert "Geef het scenario een naam." in panel.saved.value  # nothing saved
    assert panel.store.list() == []
    panel.name.value, panel.author.value = "Werkmap", "An"
    panel.save.click()
    assert "Bewaard als Werkmap v1" in panel.saved.value
    app.sliders["innovation"].value = 100
    shares = app.state.weights().copy()
    panel.name.value = "Innovatie eerst"
    panel.save.click()
    app.reset.click()
    assert app.state.weights()["innovation"] == pytest.approx(0.3)
    panel.choice.value = "Innovatie eerst"
    panel.open.click()
    assert app.state.weights().to_dict() == pytest.approx(shares.to_dict())
    assert app.sliders["innovation"].value == round(100 * shares["innovation"])
    panel.a.value, panel.b.value = "Werkmap", "Innovatie eerst"
    panel.compare.click()
    assert "pw-compare-weights" in panel.comparison.value
    assert "pw-compare-ranking" in panel.comparison.value  # the order changes


def test_budget_marks_the_funded_set_and_explains_the_rest(app):
    import prioritisation.decisions.portfolio.selection as portfolio

    app.tabs.selected_index = 1
    panel = app.budget
    assert panel is not None
    panel.slider.value = 800_000
    expected = portfolio.select_prepared(app.state.prepared, app.state.weights(), 800_000.0)
    assert panel.portfolio.selected == expected.selected
    assert "gefinancierd voor" in panel.summary.value
    for iid in expected.selected:
        assert f">{iid}</span>" in panel.funded.value
    assert 'stroke="#1f2933"' in app.value_chart.value  # funded dots have a ring
    assert "pw-below" in panel.below.value
    panel.why.click()
    deadline = time.monotonic() + 60
    while panel._busy and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "<li>" in panel.explained.value


def test_robustness_shows_stability_and_smaa(app):
    app.tabs.selected_index = 2
    panel = app.robustness
    assert "blijft ELOKET eerst" in panel.stability.value
    panel.button.click()
    assert "pw-smaa-table" in panel.smaa.value


def test_members_agreement_from_the_group_engine(app):
    app.tabs.selected_index = 2
    assert "Kendall" in app.members.value


def test_pairwise_mode_sets_the_ahp_weights(app):
    import prioritisation.engine.weights as weights

    if not hasattr(weights, "ahp_kernel"):
        pytest.skip("no AHP in this package")
    app.mode.value = "pairs"
    assert app.ahp.box in app.sidebar.children
    first = app.ahp.pairs[0]
    app.ahp.sliders[first].value = 5
    expected, _lam, _ci, cr = weights.ahp_kernel(app.ahp.matrix())
    got = app.state.weights().to_numpy()
    assert np.allclose(got, expected)
    assert "consistentieratio" in app.ahp.consistency.value
    # contradictory judgments: A > B, B > C, but C > A
    a, b, c = app.state.wb.criterion_ids[:3]
    app.ahp.sliders[(a, b)].value = 9
    app.ahp.sliders[(b, c)].value = 9
    app.ahp.sliders[(a, c)].value = 1 / 9
    assert "spreken elkaar tegen" in app.ahp.consistency.value
    # a slider move hands control back to the sliders
    app.mode.value = "sliders"
    app.sliders["innovation"].value = 50
    assert app.state.exact is None


@pytest.mark.slow
def test_pdf_report_is_offered_for_download(app):
    app.tabs.selected_index = 4
    app.pdf.button.click()
    app.pdf.thread.join(300)
    match = re.search(r'download="([^"]+)" href="data:application/pdf;base64,([^"]+)"',
                      app.pdf.link.value)  # fmt: skip
    assert match, app.pdf.status.value
    assert base64.b64decode(match.group(2)).startswith(b"%PDF")
    assert match.group(1) == "rapport.pdf"
