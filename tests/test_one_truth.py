"""One truth: the CLI, the app and the report give the same answer to the same question.

Each shell is driven through its real entry point: the CLI's ``main(argv)`` (its JSON), the
app as its widgets build it by default (``build_app``), and the report's context as the report
notebook builds it (``build_context``, which the app's "Maak PDF" path runs too). Calling one
shared function three times would not count: these are the shells themselves.
"""

from __future__ import annotations

import json

import pytest

from prioritisation.app import build_app
from prioritisation.cli import main
from prioritisation.report.context import build_context
from tests.conftest import SAMPLE


def cli_json(capsys, *argv):
    capsys.readouterr()
    assert main([*argv, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def p_first(doc, idea):
    for record in doc["ranking"]:
        if record["id"] == idea:
            return record["p_first"]
    raise KeyError(idea)


@pytest.fixture(scope="module")
def report():
    return build_context(str(SAMPLE), lang="nl")


@pytest.fixture
def app(tmp_path, monkeypatch):
    monkeypatch.setenv("PRIORITISATION_STORE", str(tmp_path / "scenarios.sqlite"))
    return build_app(SAMPLE)


def test_ranking_funded_set_roadmap_and_p_first_agree(capsys, report, app):
    ranking = [r["id"] for r in cli_json(capsys, "rank", str(SAMPLE))["ranking"]]
    portfolio = cli_json(capsys, "portfolio", str(SAMPLE))
    roadmap = cli_json(capsys, "roadmap", str(SAMPLE))
    sensitivity = cli_json(capsys, "sensitivity", str(SAMPLE))

    # ranking
    assert list(report.ranking.table.index) == ranking
    assert list(app.state.ranking().table.index) == ranking
    # funded set: same rule, same budget (the workbook's total; yearly budgets bind the roadmap)
    app.tabs.selected_index = 1
    assert portfolio["rule"] == report.portfolio.rule == app.budget.portfolio.rule == "priority"
    assert portfolio["selected"] == report.portfolio.selected == app.budget.portfolio.selected
    assert portfolio["budget"] == report.portfolio.budget == app.budget.portfolio.budget
    assert sorted(roadmap["selected"]) == sorted(report.roadmap.to_json()["selected"])
    # P(first): the same draws (10.000 around the weights, the members' spread, seed 0)
    app_smaa = app.state.smaa()
    for idea in ("ELOKET", "DIGIPUNT"):
        cli_p = p_first(sensitivity, idea)
        assert report.robustness.smaa.p_first[idea] == pytest.approx(cli_p, abs=1e-4)
        assert app_smaa.p_first[idea] == pytest.approx(cli_p, abs=1e-4)
