"""The report's context: the workbook or a stored scenario, ranked, with the engines' results."""

from __future__ import annotations

import pytest

from prioritisation.core.errors import UsageError
from prioritisation.report import overview
from prioritisation.report.context import build_context, total_budget
from prioritisation.report.jobs import plan_jobs


def test_total_budget_reads_one_amount():
    assert total_budget("1.500.000") == 1_500_000 and total_budget(250000) == 250_000
    assert total_budget(None) is None and total_budget(" ") is None
    for bad in ("-5", "veel", "2027=5"):
        with pytest.raises(UsageError):
            total_budget(bad)


def test_scenario_context_uses_the_stored_settings(stored):
    jobs = plan_jobs(stored, "r.pdf", scenarios=["Basis@2", "Lezen <eerst>"])
    basis = build_context(**jobs[0].parameters())
    assert basis.scenario == "Basis (versie 2)" and basis.scenario_version == "2"
    assert basis.ranking.weights.round(6).nunique() == 1  # equal weights
    assert "PERSO" in basis.portfolio.table.index[~basis.portfolio.table["funded"]]
    cover = overview.cover(basis)
    assert "Carla" in cover and "niet financieren: PERSO" in cover
    lezen = build_context(**jobs[1].parameters())
    cover = overview.cover(lezen)
    assert "Lezen &lt;eerst&gt; (versie 1)" in cover and "<eerst>" not in cover
    assert "Voorstel &lt;b&gt;werkgroep&lt;/b&gt;" in cover
    assert lezen.roadmap is not None and list(lezen.roadmap.years.index) == [2027, 2028]
