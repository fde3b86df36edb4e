"""One truth: the CLI, the app and the report give the same answer to the same question.

Each shell is driven through its real entry point and read where a person reads it:

- the CLI: ``main(argv)`` with ``--format json`` (``rank``, ``portfolio``, ``roadmap``,
  ``sensitivity``);
- the app as its widgets build it by default (``build_app``, tabs opened as a member opens
  them): the ranking table's rows, the funded ideas listed under the budget, the members tab's
  two tables, the robustness panel;
- the report the app's "Maak PDF" button makes: the app's own job (``PdfPanel.job_options`` →
  ``PdfPanel.job``), its parameters given to ``report.ipynb`` as papermill gives them and the
  notebook's cells run in order (what nbconvert renders): the context its first cell builds
  and the HTML of every section.

On the sample and on a generated workbook of 60 ideas (yearly and total budget,
prerequisites, exclusive groups, five assessors, pairwise judgments from four of them and
from one member who scored nothing). Calling one shared function three times would not count:
these are the shells themselves.
"""

from __future__ import annotations

import ast
import contextlib
import io
import json
import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from prioritisation.app import build_app
from prioritisation.cli import main
from prioritisation.decisions.group import short_name
from tests.conftest import SAMPLE

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "prioritisation" / "report" / "report.ipynb"
VIEWS = {
    "scores": "Verschil in beoordeling (volgens de eigen scores van elk lid)",
    "weights": "Verschil in prioriteiten (volgens de eigen gewichten van elk lid)",
}
TABS = {"value": 1, "members": 2, "save": 4}


def generated_workbook(path: Path, n: int = 60, seed: int = 11) -> Path:
    """The portfolio benchmark's generator (``n`` ideas, prerequisites, groups, durations) with
    five assessors, yearly budgets and a total, and AHP judgments: four assessors and Dirk,
    who judged the criteria but scored no idea (a4 scored but did not judge)."""
    from benchmarks.bench_portfolio import synthetic
    from prioritisation.data.writer import write_workbook

    wb = synthetic(n, seed=seed, assessors=5)
    crit = list(wb.criteria.index)
    rng = np.random.default_rng(seed)
    scale = [1 / 5, 1 / 3, 1 / 2, 1, 2, 3, 5]
    rows = [
        {"assessor": who, "criterion_a": a, "criterion_b": b, "value": float(rng.choice(scale))}
        for who in ("a0", "a1", "a2", "a3", "Dirk (jury)")
        for i, a in enumerate(crit)
        for b in crit[i + 1 :]
    ]
    settings = {"title": "Gegenereerd", "method": "wsm", "aggregate": "mean",
                "budget": 4_000_000,
                "budget_per_year": "2027=1500000; 2028=1500000; 2029=1200000"}  # fmt: skip
    return write_workbook(replace(wb, settings=settings, pairwise=pd.DataFrame(rows)), path)


@pytest.fixture(scope="module",
                params=["sample", pytest.param("generated", marks=pytest.mark.slow)])  # fmt: skip
def workbook(request, tmp_path_factory) -> Path:
    if request.param == "sample":
        return SAMPLE
    return generated_workbook(tmp_path_factory.mktemp("generated") / "ideeen.xlsx")


# ---------------------------------------------------------------------- the three shells


def cli(*argv) -> dict:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main([*argv, "--format", "json"]) == 0
    return json.loads(out.getvalue())


@pytest.fixture(scope="module")
def shells(workbook, tmp_path_factory):
    """The three shells' answers for one workbook (the app with its own scenario store)."""
    docs = {cmd: cli(cmd, str(workbook)) for cmd in ("rank", "portfolio", "roadmap", "sensitivity")}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PRIORITISATION_STORE", str(tmp_path_factory.mktemp("store") / "s.sqlite"))
        app = build_app(workbook)
        for tab in ("value", "members", "save"):  # as a member opens them
            app.tabs.selected_index = TABS[tab]
        job = app.pdf.job(tmp_path_factory.mktemp("pdf") / "rapport.pdf", "nl",
                          app.pdf.job_options())  # fmt: skip
        report = run_report_notebook(job.parameters())
    return docs, app, report


def run_report_notebook(parameters: dict) -> dict:
    """``report.ipynb`` as papermill runs it: the parameters cell, the injected parameters,
    then every cell in order; returns the namespace and ``html``, each cell's displayed value."""
    cells = [c for c in json.loads(NOTEBOOK.read_text())["cells"] if c["cell_type"] == "code"]
    namespace: dict = {}
    shown = []
    for k, cell in enumerate(cells):
        tree = ast.parse("".join(cell["source"]))
        last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
        exec(compile(tree, f"report.ipynb[{k}]", "exec"), namespace)  # noqa: S102
        if last is not None:
            shown.append(str(eval(compile(ast.Expression(last.value), "cell", "eval"), namespace)))  # noqa: S307
        if "parameters" in (cell.get("metadata", {}).get("tags") or []):
            namespace.update(parameters)  # papermill's injected cell
    return {"ctx": namespace["ctx"], "html": "\n".join(shown)}


# ---------------------------------------------------------------------- reading them


def app_view_rows(html: str, view: str) -> tuple[list[str], list[list[int]]]:
    """The app's table of one member view: member names (from the headings' full names) and
    per row [id, group, each member, difference]."""
    part = html.split(f'class="pw-view pw-view-{view}"', 1)[1].split('class="pw-view ', 1)[0]
    members = re.findall(r"<th class='num' title='([^']+)'>", part)
    rows = []
    for iid, cells in re.findall(r"<tr data-id='([^']+)'>(.*?)</tr>", part):
        rows.append([iid, *(int(v) for v in re.findall(r"<td class='num[^']*'>(\d+)</td>", cells))])
    return members, rows


def report_view_rows(html: str, view: str) -> tuple[list[str], list[list[int]]]:
    """The report's table of one member view: member headings (short names) and rows."""
    part = html.split(f"member-view-{view}", 1)[1].split("</table>", 1)[0]
    heads = re.findall(r'<th class="num">([^<]+)</th>', part)
    rows = []
    for iid, cells in re.findall(r'<tr><td><span class="id">([^<]+)</span>(.*?)</tr>', part):
        rows.append(
            [iid, *(int(v) for v in re.findall(r'<td class="num">(?:<strong>)?(\d+)', cells))]
        )
    return heads[1:-1], rows  # without "Groep" and "Verschil"


def cli_view_rows(doc: dict, view: str) -> tuple[list[str], list[list[int]]]:
    found = doc["disagreement"][view]
    rows = [[d["id"], d["group_rank"], *d["ranks"].values(), d["difference"]]
            for d in found["ideas"]]  # fmt: skip
    return found["members"], rows


def text_of(html: str) -> str:
    """HTML as the reader sees it: tags out, entities back, spaces collapsed."""
    import html as h

    return re.sub(r"\s+", " ", h.unescape(re.sub(r"<[^>]+>", " ", html)))


# ---------------------------------------------------------------------- the same answers


def test_ranking_funded_set_roadmap_and_p_first_agree(shells):
    docs, app, report = shells
    ctx = report["ctx"]
    ranking = [r["id"] for r in docs["rank"]["ranking"]]
    # ranking: the app's table rows as shown, the report's ranking
    shown = re.findall(r'<tr class="pw-(?:in|out)" data-id="([^"]+)">', app.table.value)
    assert shown == ranking
    assert list(ctx.ranking.table.index) == ranking
    # funded set: same rule, same budget; the app lists it under the budget slider
    portfolio = docs["portfolio"]
    listed = re.findall(r"<span class='pw-id'[^>]*>([^<]+)</span>", app.budget.funded.value)
    assert sorted(listed) == sorted(portfolio["selected"]) == sorted(ctx.portfolio.selected)
    assert portfolio["selected"] == ctx.portfolio.selected == app.budget.portfolio.selected
    assert portfolio["rule"] == ctx.portfolio.rule == app.budget.portfolio.rule == "priority"
    assert portfolio["budget"] == ctx.portfolio.budget == app.budget.portfolio.budget
    # roadmap: yearly and total budget bind; same ideas, same start years
    roadmap, planned = docs["roadmap"], ctx.roadmap.to_json()
    assert roadmap["selected"] == planned["selected"]
    assert [(r["id"], r["start"]) for r in roadmap["roadmap"]] == [
        (r["id"], r["start"]) for r in planned["roadmap"]]  # fmt: skip
    assert roadmap["years"] == planned["years"]
    # P(first): the same draws (10.000 around the weights, the members' spread, seed 0)
    cli_p = {r["id"]: r["p_first"] for r in docs["sensitivity"]["ranking"]}
    app_p, report_p = app.state.smaa().p_first, ctx.robustness.smaa.p_first
    assert set(cli_p) == set(app_p.index) == set(report_p.index)
    for idea, p in cli_p.items():
        assert app_p[idea] == pytest.approx(p, abs=1e-9), idea
        assert report_p[idea] == pytest.approx(p, abs=1e-9), idea


@pytest.mark.parametrize("view", ["scores", "weights"])
def test_both_disagreement_lists_agree(shells, view):
    """Each member view: the same members, the same ideas in the same order (most
    disagreement first), the same group rank, member ranks and difference in each shell."""
    docs, app, report = shells
    cli_members, cli_rows = cli_view_rows(docs["sensitivity"], view)
    app_members, app_rows = app_view_rows(app.members.value, view)
    report_members, report_rows = report_view_rows(report["html"], view)
    assert len(cli_members) >= 2 and len(cli_rows) > 10
    assert app_members == cli_members
    assert report_members == [short_name(m) for m in cli_members]
    assert app_rows == cli_rows[: len(app_rows)] and len(app_rows) == min(60, len(cli_rows))
    assert report_rows == cli_rows[:10]
    assert cli_rows[0][-1] > 0


def test_views_members_differ_as_their_judgments_do(shells, workbook):
    """Who is in which view follows what each member gave: scores, judgments or both."""
    docs, *_ = shells
    views = docs["sensitivity"]["disagreement"]
    if workbook == SAMPLE:
        assert views["scores"]["members"] == views["weights"]["members"]
    else:
        assert views["scores"]["members"] == ["a0", "a1", "a2", "a3", "a4"]
        assert views["weights"]["members"] == ["Dirk (jury)", "a0", "a1", "a2", "a3"]


def test_the_sampling_the_rule_and_the_views_are_named_on_screen_and_on_the_page(shells):
    docs, app, report = shells
    sampling = docs["sensitivity"]["sampling_text"]
    assert re.fullmatch(r"10\.000 trekkingen rond de huidige gewichten \(spreiding \d,\d\d; .+\), "
                        r"startgetal 0", sampling), sampling  # fmt: skip
    screen = {"members": text_of(app.members.value), "robustness": text_of(app.robustness.smaa.value),
              "budget": text_of(app.budget.funded.value)}  # fmt: skip
    page = text_of(report["html"])
    assert sampling in screen["robustness"] and sampling in page
    assert "in volgorde van prioriteit" in screen["budget"].lower()
    assert "in volgorde van prioriteit" in page.lower()
    for title in VIEWS.values():
        assert screen["members"].count(title) == 1 and page.count(title) == 1
