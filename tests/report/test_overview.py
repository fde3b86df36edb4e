"""The opening sections: cover and decision record, criteria, ranking; escaping of user text."""

from __future__ import annotations

from prioritisation.core.version import __version__
from prioritisation.report import evidence, funding, overview
from prioritisation.report.context import build_context

from ..conftest import SAMPLE, xlsx
from .conftest import INELIGIBLE, INJECTION


def test_cover_has_the_decision_record(ctx):
    html = overview.cover(ctx)
    assert ctx.wb.sha256[:12] in html
    assert f"prioritisation {__version__}" in html
    assert "15/01/2027" in html  # nl-BE short date
    assert "€\u00a01.500.000" in html  # Dutch currency format, no line break after €
    assert "ELOKET" in html  # the winner
    assert "gewogen som (WSM)" in html


def test_cover_in_english(ctx):
    en = build_context(str(SAMPLE), lang="en", date="2027-01-15")
    html = overview.cover(en)
    assert "15 Jan 2027" in html and "€1,500,000" in html and "Decision record" in html


def test_title_and_user_text_are_escaped(tmp_path):
    path = xlsx(
        tmp_path,
        ideas=[["id", "title", "description"], ["A", "<img src=x onerror=alert(1)>", "<i>x</i>"],
               ["B", "Gewoon", ""]],
        scores=[["idea_id", "assessor", "innovation", "desirability", "viability", "feasibility",
                 "comment"],
                ["A", "<b>Lid</b>", 3, 3, 3, 3, "<script>bad()</script>"],
                ["B", "<b>Lid</b>", 2, 2, 2, 2, ""]],
        settings=[["key", "value"], ["title", INJECTION]],
    )  # fmt: skip
    c = build_context(str(path), lang="nl")
    everything = "".join(
        f(c)
        for f in (overview.cover, overview.criteria_section, overview.ranking_section,
                  funding.not_selected_section, evidence.appendix)
    )  # fmt: skip
    for raw in ("<script", "<img src=x", "<b>", "<i>x"):
        assert raw not in everything
    assert (
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;vet&lt;/b&gt;"
        in everything
    )
    assert "&lt;img src=x onerror=alert(1)&gt;" in everything


def test_criteria_section_lists_labels_weights_and_assessors(ctx):
    html = overview.criteria_section(ctx)
    for label in ("Innovatiewaarde", "Wenselijkheid", "Financiële leefbaarheid",
                  "Technische haalbaarheid"):  # fmt: skip
        assert label in html
    assert "30 %" in html and "minstens 2,0" in html
    assert "7 beoordelaars" in html
    assert "data:image/svg+xml;base64," in html


def test_ranking_section_marks_ineligible_ideas(ctx):
    html = overview.ranking_section(ctx)
    assert html.count("niet in aanmerking</span>") == len(INELIGIBLE)


def test_value_cost_section_totals_the_costs(ctx):
    html = overview.value_cost_section(ctx)
    assert 'class="page-break"' in html and "data:image/svg+xml;base64," in html


def test_the_decision_record_names_the_solver_and_library_versions(ctx):
    import numpy
    import pandas
    import scipy
    from scipy.optimize._highspy import _core

    html = overview.cover(ctx)
    highs = f"{_core.HIGHS_VERSION_MAJOR}.{_core.HIGHS_VERSION_MINOR}.{_core.HIGHS_VERSION_PATCH}"
    assert f"HiGHS {highs} (SciPy {scipy.__version__})" in html
    assert (f"numpy {numpy.__version__}, pandas {pandas.__version__}, "
            f"SciPy {scipy.__version__}") in html  # fmt: skip
    assert "Oplosser" in html and "Rekenbibliotheken" in html


def test_the_solver_version_without_scipys_highs_module(monkeypatch):
    import importlib.metadata
    import sys

    from prioritisation.report.context import solver_version

    def not_installed(name):
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setitem(sys.modules, "scipy.optimize._highspy", None)  # import fails
    monkeypatch.setattr(importlib.metadata, "version", not_installed)
    assert solver_version("1.2.3") == "HiGHS (SciPy 1.2.3)"


def test_the_decision_record_names_the_audit_chain_head(stored):
    from prioritisation.scenarios.db import open_store
    from prioritisation.scenarios.integrity import verify

    ctx = build_context(str(stored), lang="nl", scenario="Basis", date="2027-01-15")
    with open_store(stored, readonly=True) as st:
        head = st.head()
        assert verify(st, head=ctx.chain_head).ok
    assert ctx.chain_head == head and len(head) == 64
    cover = overview.cover(ctx)
    assert head in cover and f"audit verify WERKMAP --head {head[:16]}" in cover


def test_without_a_store_the_record_says_so_and_creates_none(tmp_path):
    import shutil

    from prioritisation.scenarios.db import default_store_path

    path = tmp_path / "s.xlsx"
    shutil.copy(SAMPLE, path)
    ctx = build_context(str(path), lang="nl", date="2027-01-15")
    assert ctx.chain_head is None and "geen bewaarde scenario&#x27;s" in overview.cover(ctx)
    assert not default_store_path(path).exists()


def test_the_record_names_the_stored_scenario_and_its_author(stored):
    ctx = build_context(str(stored), lang="nl", scenario="Basis", scenario_version=1,
                        date="2027-01-15")  # fmt: skip
    assert "Basis v1, opgeslagen door An" in overview.cover(ctx)


def test_weights_changed_after_opening_a_scenario(ctx):
    changed = build_context(str(SAMPLE), lang="nl", weights="innovation=60,desirability=40",
                            based_on="Basis", based_on_version=1, based_on_author="An",
                            date="2027-01-15")  # fmt: skip
    html = overview.cover(changed)
    assert "eigen gewichten: Innovatiewaarde 43 %" in html
    assert "aangepast na het openen van Basis v1" in overview.running(changed)
    assert ("geen: de gewichten zijn aangepast na het openen van Basis v1 "
            "(opgeslagen door An)") in html  # fmt: skip
    en = build_context(str(SAMPLE), lang="en", weights="innovation=1", based_on="Basis",
                       based_on_version=1, based_on_author="An")  # fmt: skip
    assert "changed after opening Basis v1 (saved by An)" in overview.cover(en)
