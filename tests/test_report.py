"""The report: sections (fast, no kernel) and the papermill → WeasyPrint pipeline (slow)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest

from prioritisation.core.errors import UsageError, WorkbookError
from prioritisation.report import pipeline as report
from prioritisation.report import sections as report_sections
from prioritisation.report.pipeline import ReportError, check_executed, parse_languages, plan_jobs

from .conftest import SAMPLE, run_cli, xlsx

INJECTION = '<script>alert("x")</script> & <b>vet</b>'
INELIGIBLE = {"APP", "CRM", "BOEKH", "COLLBEH"}  # the sample's ideas below a threshold


def pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    text = "\n".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)
    return re.sub(r"[ \t\u00a0]+", " ", text)


@pytest.fixture
def ctx():
    return report_sections.build_context(str(SAMPLE), lang="nl", date="2027-01-15")


# --------------------------------------------------------------------------- sections


def test_cover_has_the_decision_record(ctx):
    html = report_sections.cover(ctx)
    assert ctx.wb.sha256[:12] in html
    assert f"prioritisation {report_sections.__version__}" in html
    assert "15 januari 2027" in html
    assert "€ 1.500.000" in html  # Dutch currency format
    assert "ELOKET" in html  # the winner
    assert "gewogen som (WSM)" in html


def test_cover_in_english(ctx):
    en = report_sections.build_context(str(SAMPLE), lang="en", date="2027-01-15")
    html = report_sections.cover(en)
    assert "15 January 2027" in html and "€1,500,000" in html and "Decision record" in html


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
    c = report_sections.build_context(str(path), lang="nl")
    everything = "".join(
        f(c)
        for f in (report_sections.cover, report_sections.criteria_section,
                  report_sections.ranking_section, report_sections.not_selected_section,
                  report_sections.appendix)
    )  # fmt: skip
    for raw in ("<script", "<img src=x", "<b>", "<i>x"):
        assert raw not in everything
    assert (
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;vet&lt;/b&gt;"
        in everything
    )
    assert "&lt;img src=x onerror=alert(1)&gt;" in everything


def test_criteria_section_lists_labels_weights_and_assessors(ctx):
    html = report_sections.criteria_section(ctx)
    for label in ("Innovatiewaarde", "Wenselijkheid", "Financiële leefbaarheid",
                  "Technische haalbaarheid"):  # fmt: skip
        assert label in html
    assert "30 %" in html and "minstens 2,0" in html
    assert "7 beoordelaars" in html
    assert "data:image/svg+xml;base64," in html


def test_not_selected_gives_every_ineligible_idea_its_reason(ctx):
    html = report_sections.not_selected_section(ctx)
    for iid in INELIGIBLE:
        assert f'<span class="id">{iid}</span>' in html
    assert "Financiële leefbaarheid 1,71 onder de drempel 2,00 (0,29 te laag)" in html
    assert "Innovatiewaarde minstens 2,00 halen" in html


def test_ranking_section_marks_ineligible_ideas(ctx):
    html = report_sections.ranking_section(ctx)
    assert html.count("niet in aanmerking</span>") == len(INELIGIBLE)


def test_appendix_has_one_card_per_idea_with_comments(ctx):
    html = report_sections.appendix(ctx)
    assert html.count('class="card"') == len(ctx.wb.ideas)
    assert "Vraagt een veel groter budget dan we hebben." in html
    assert "Spreiding" in html


def test_scenario_without_a_store_is_a_clear_usage_error():
    with pytest.raises(UsageError, match="scenario"):
        plan_jobs(SAMPLE, "x.pdf", scenarios=["basis"])


# --------------------------------------------------------------------------- planning


def test_parse_languages():
    assert parse_languages("nl,en") == ["nl", "en"]
    assert parse_languages(None, "en") == ["en"]
    assert parse_languages(" EN , nl, en") == ["en", "nl"]
    with pytest.raises(UsageError):
        parse_languages("fr")


def test_plan_jobs_names_batch_outputs(tmp_path):
    jobs = plan_jobs(SAMPLE, tmp_path / "rapport.pdf", langs=["nl", "en"], budget="1.200.000")
    assert [j.out.name for j in jobs] == ["rapport-nl.pdf", "rapport-en.pdf"]
    assert jobs[0].budget == 1_200_000
    params = jobs[0].parameters()
    assert json.loads(json.dumps(params)) == params  # JSON-simple only
    single = plan_jobs(SAMPLE, tmp_path / "one.pdf", langs=["en"])
    assert single[0].out == tmp_path / "one.pdf"
    folder = plan_jobs(SAMPLE, tmp_path, langs=["nl", "en"])
    assert folder[1].out == tmp_path / "sample-en.pdf"
    new_folder = plan_jobs(SAMPLE, f"{tmp_path}/nieuw/", langs=["nl"])
    assert new_folder[0].out == tmp_path / "nieuw" / "sample.pdf"


@pytest.mark.parametrize(
    "kwargs",
    [{"weights": "nope=1"}, {"method": "magic"}, {"aggregate": "max"}, {"budget": "-5"},
     {"budget": "veel"}],
)  # fmt: skip
def test_plan_jobs_rejects_bad_options(kwargs, tmp_path):
    with pytest.raises(UsageError):
        plan_jobs(SAMPLE, tmp_path / "x.pdf", **kwargs)


def test_plan_jobs_rejects_a_bad_workbook(tmp_path):
    with pytest.raises(WorkbookError):
        plan_jobs(tmp_path / "missing.xlsx", tmp_path / "x.pdf")


def _executed(outputs_per_cell, statuses=None):
    nb = nbformat.v4.new_notebook()
    for i, outputs in enumerate(outputs_per_cell):
        cell = nbformat.v4.new_code_cell("x")
        cell.outputs = outputs
        cell.metadata["papermill"] = {"status": (statuses or {}).get(i, "completed")}
        nb.cells.append(cell)
    return nb


def _html(text):
    return nbformat.v4.new_output("display_data", data={"text/html": text})


def test_check_executed_accepts_a_complete_run():
    check_executed(_executed([[_html("<p>a</p>")], [_html(report_sections.END_MARKER)]]), "r")


def test_check_executed_catches_errors_timeouts_and_missing_end():
    error = nbformat.v4.new_output("error", ename="KeyError", evalue="'x'", traceback=[])
    with pytest.raises(ReportError, match="KeyError"):
        check_executed(_executed([[error], [_html(report_sections.END_MARKER)]]), "r")
    with pytest.raises(ReportError):  # papermill leaves a timed-out cell "running"
        check_executed(_executed([[], []], statuses={1: "running"}), "r")
    with pytest.raises(ReportError):
        check_executed(_executed([[_html("<p>a</p>")], []]), "r")


# --------------------------------------------------------------------------- the pipeline


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """One CLI call: both languages, an HTML-injection title, HTML kept for inspection."""
    out = tmp_path_factory.mktemp("reports")
    proc = run_cli("report", SAMPLE, "--out", out / "rapport.pdf", "--lang", "nl,en",
                   "--title", INJECTION, "--keep-html", out / "html")  # fmt: skip
    return out, proc


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_pdf_holds_winner_reasons_labels_and_sha(batch, lang):
    out, proc = batch
    assert proc.returncode == 0, proc.stderr
    pdf = out / f"rapport-{lang}.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    text = pdf_text(pdf)
    wb_sha = report_sections.read_workbook(SAMPLE).sha256
    assert wb_sha[:12] in text
    assert "ELOKET" in text and "Hulp bij e-loket en Mijn Burgerprofiel" in text
    for iid in INELIGIBLE:
        assert iid in text
    if lang == "nl":
        labels = ("Innovatiewaarde", "Wenselijkheid", "Financiële leefbaarheid",
                  "Technische haalbaarheid")  # fmt: skip
        for phrase in ("Ideeën die het niet haalden", "onder de drempel 2,00 (0,29 te laag)",
                       "€ 1.500.000", "Beslissingsrecord", "pagina 2 /",
                       "Gefinancierd binnen het budget", "Budgetlijn", "Afhankelijkheid",
                       "Roadmap", "Hoe stevig is de rangschikking?"):  # fmt: skip
            assert phrase in text, phrase
    else:
        labels = ("Innovation value", "Desirability", "Financial viability",
                  "Technical feasibility")  # fmt: skip
        for phrase in ("Ideas that did not make it", "below the threshold 2.00 (0.29 short)",
                       "€1,500,000", "Decision record", "page 2 /",
                       "Funded within the budget", "Budget line", "Dependency", "Roadmap",
                       "How solid is the ranking?"):  # fmt: skip
            assert phrase in text, phrase
    for label in labels:
        assert label in text, label


@pytest.mark.slow
def test_pdf_shows_an_html_title_as_text(batch):
    out, proc = batch
    assert proc.returncode == 0, proc.stderr
    text = pdf_text(out / "rapport-nl.pdf")
    assert '<script>alert("x")</script> & <b>vet</b>' in text
    html = (out / "html" / "rapport-nl.report.html").read_text(encoding="utf-8")
    assert "<script" not in html and "&lt;script&gt;" in html
    assert "rs.cover" not in html and "build_context" not in html  # no code in the report


@pytest.mark.slow
def test_bad_workbook_exits_2_and_leaves_no_pdf(tmp_path):
    bad = xlsx(tmp_path, ideas=[["id", "title", "cost"], ["A", "x", "veel"]])
    out = tmp_path / "r.pdf"
    proc = run_cli("report", bad, "--out", out)
    assert proc.returncode == 2
    assert "veel" in proc.stderr and "Traceback" not in proc.stderr
    assert not out.exists() and not list(tmp_path.glob("*.pdf*"))


@pytest.mark.slow
def test_scenario_without_a_store_exits_2_and_leaves_no_pdf(tmp_path):
    proc = run_cli("report", SAMPLE, "--out", tmp_path / "r.pdf", "--scenario", "basis")
    assert proc.returncode == 2 and "scenario" in proc.stderr
    assert not (tmp_path / "r.pdf").exists()


@pytest.mark.slow
def test_cell_error_and_timeout_leave_no_file(tmp_path, monkeypatch):
    """A cell that fails or runs too long: exit non-zero, the old file at --out untouched."""
    out = tmp_path / "r.pdf"
    out.write_bytes(b"old")
    for source, match in (("raise RuntimeError('kapot')", "kapot"),
                          ("import time\ntime.sleep(60)", "langer dan 3 s")):  # fmt: skip
        nb = nbformat.v4.new_notebook()
        params = nbformat.v4.new_code_cell("workbook = ''")
        params.metadata["tags"] = ["parameters"]
        nb.cells = [params, nbformat.v4.new_code_cell(source)]
        nb.metadata["kernelspec"] = {"name": "python3", "language": "python",
                                     "display_name": "Python 3"}  # fmt: skip
        template = tmp_path / "broken.ipynb"
        nbformat.write(nb, template)
        monkeypatch.setattr(report, "NOTEBOOK", template)
        jobs = plan_jobs(SAMPLE, out)
        with pytest.raises(ReportError, match=match):
            report.make_reports(jobs, timeout=3, progress=False)
        assert out.read_bytes() == b"old"
        assert not list(tmp_path.glob(".r.pdf*"))


def test_disagreement_lists_the_largest_spreads_with_who_scored(ctx):
    html = report_sections.disagreement_section(ctx, top=3)
    assert html.count("<tr>") == 1 + 3
    top = ctx.ranking.spread.stack().idxmax()
    assert f'<span class="id">{top[0]}</span>' in html
    assert "Geert (VVSG)" in html or "Bart (Bib Brugge)" in html


def test_portfolio_section_lists_the_funded_set_within_the_budget(ctx):
    p = ctx.portfolio
    assert p is not None and p.selected
    html = report_sections.portfolio_section(ctx)
    for iid in p.selected:
        assert f'<span class="id">{iid}</span>' in html
    assert "€ 1.500.000" in html and "Totaal" in html
    assert "data:image/svg+xml;base64," in html  # the frontier


def test_not_funded_gives_gate_budget_and_dependency_reasons(ctx):
    html = report_sections.not_selected_section(ctx)
    t = ctx.portfolio.table
    for iid in t.index[~t["funded"]]:
        assert f'<span class="id">{iid}</span>' in html
    kinds = set(t.loc[~t["funded"], "reason_kind"])
    assert {"not_eligible", "budget", "prerequisite"} <= kinds
    assert "Drempel" in html and "Budgetlijn" in html and "Afhankelijkheid" in html
    assert "onder de budgetlijn" in html and "eeft ZOEK nodig" in html
    assert "onder de drempel 2,00 (0,29 te laag)" in html


def test_roadmap_and_robustness_sections(ctx):
    roadmap = report_sections.roadmap_section(ctx)
    assert "2027" in roadmap and "2029" in roadmap and "Roadmap" in roadmap
    robust = report_sections.robustness_section(ctx)
    winner = ctx.ranking.winner
    assert f"{winner} blijft eerste tussen" in robust
    assert "10.000" in robust and "Kendalls W" in robust


def test_without_budget_there_is_no_portfolio_but_gates_still_explain(tmp_path):
    path = xlsx(
        tmp_path,
        criteria=[["id", "threshold"], ["innovation", 2], ["desirability", None]],
        ideas=[["id", "title", "cost"], ["A", "Goed", 10], ["B", "Zwak", 20]],
        scores=[["idea_id", "assessor", "innovation", "desirability"],
                ["A", "x", 4, 4], ["B", "x", 1, 5]],
    )  # fmt: skip
    c = report_sections.build_context(str(path), lang="en")
    assert c.portfolio is None and c.roadmap is None
    assert "No budget was given" in report_sections.portfolio_section(c)
    assert report_sections.roadmap_section(c) == ""
    assert "innovation 1.00 below the threshold 2.00" in report_sections.not_selected_section(c)


# --------------------------------------------------------------------------- scenarios


@pytest.fixture
def stored(tmp_path):
    """A copy of the sample with two saved scenarios (Basis has two versions)."""
    import shutil

    from prioritisation.data.workbook import read_workbook
    from prioritisation.scenarios.db import open_store
    from prioritisation.scenarios.scenario import make_scenario

    path = tmp_path / "sample.xlsx"
    shutil.copy(SAMPLE, path)
    wb = read_workbook(path)
    with open_store(path) as st:
        st.save(make_scenario(wb, "Basis", "An"))
        st.save(make_scenario(wb, "Lezen <eerst>", "Bart", weights="desirability=50",
                              budget="2027=600000,2028=500000", note="Voorstel <b>werkgroep</b>"))  # fmt: skip
        st.save(make_scenario(wb, "Basis", "Carla", weights="equal", exclude="PERSO"))
    return path


def test_plan_jobs_resolves_scenarios_to_fixed_versions(stored, tmp_path):
    jobs = plan_jobs(stored, tmp_path / "r.pdf", scenarios=["all"], langs=["nl", "en"])
    assert [(j.scenario, j.scenario_version, j.lang) for j in jobs] == [
        ("Basis", 2, "nl"), ("Basis", 2, "en"), ("Lezen <eerst>", 1, "nl"), ("Lezen <eerst>", 1, "en")
    ]  # fmt: skip
    assert jobs[2].out.name == "r-Lezen__eerst_-nl.pdf"
    assert jobs[0].store.startswith("sqlite:///")
    one = plan_jobs(stored, tmp_path / "r.pdf", scenarios=["Basis@1"])
    assert (one[0].scenario, one[0].scenario_version, one[0].out.name) == ("Basis", 1, "r.pdf")
    with pytest.raises(UsageError, match="Nope"):
        plan_jobs(stored, tmp_path / "r.pdf", scenarios=["Nope"])
    with pytest.raises(UsageError):
        plan_jobs(stored, tmp_path / "r.pdf", scenarios=["Basis"], weights="equal")


def test_no_store_is_a_usage_error_and_creates_nothing(tmp_path):
    import shutil

    path = tmp_path / "sample.xlsx"
    shutil.copy(SAMPLE, path)
    with pytest.raises(UsageError):
        plan_jobs(path, tmp_path / "r.pdf", scenarios=["all"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sample.xlsx"]


def test_scenario_context_uses_the_stored_settings(stored):
    jobs = plan_jobs(stored, "r.pdf", scenarios=["Basis@2", "Lezen <eerst>"])
    basis = report_sections.build_context(**{k: v for k, v in jobs[0].parameters().items()})
    assert basis.scenario == "Basis (versie 2)" and basis.scenario_version == "2"
    assert basis.ranking.weights.round(6).nunique() == 1  # equal weights
    assert "PERSO" in basis.portfolio.table.index[~basis.portfolio.table["funded"]]
    cover = report_sections.cover(basis)
    assert "Carla" in cover and "niet financieren: PERSO" in cover
    lezen = report_sections.build_context(**jobs[1].parameters())
    cover = report_sections.cover(lezen)
    assert "Lezen &lt;eerst&gt; (versie 1)" in cover and "<eerst>" not in cover
    assert "Voorstel &lt;b&gt;werkgroep&lt;/b&gt;" in cover
    assert lezen.roadmap is not None and list(lezen.roadmap.years.index) == [2027, 2028]


@pytest.mark.slow
def test_pdf_for_every_scenario_in_one_call(stored, tmp_path):
    out = tmp_path / "out"
    proc = run_cli("report", stored, "--scenario", "all", "--out", f"{out}/")
    assert proc.returncode == 0, proc.stderr
    names = sorted(p.name for p in out.iterdir())
    assert names == ["sample-Basis.pdf", "sample-Lezen__eerst_.pdf"]
    text = pdf_text(out / "sample-Basis.pdf")
    assert "Basis (versie 2)" in text and "Carla" in text


def test_an_output_path_that_cannot_be_written_is_a_usage_error(tmp_path):
    blocker = tmp_path / "bestand.txt"
    blocker.write_text("x")
    with pytest.raises(UsageError, match="bestand.txt"):
        plan_jobs(SAMPLE, blocker / "r.pdf")
