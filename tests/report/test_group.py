"""The report's group section: a closed round's decision read back from the store."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from prioritisation.data.workbook import read_workbook
from prioritisation.engine.run import resolve_run
from prioritisation.report import group, overview
from prioritisation.report.context import build_context
from prioritisation.scenarios import rounds
from prioritisation.scenarios.db import open_store
from tests.group_helpers import small_workbook

SETS = {"An": {"innovation": 8, "desirability": 1, "viability": 1},
        "Bart": {"desirability": 6, "viability": 3, "feasibility": 1},
        "Chris": {"feasibility": 5, "innovation": 5}}  # fmt: skip


@pytest.fixture(scope="module")
def closed(tmp_path_factory):
    """A round on the small workbook: three members share (Bart twice), the chair closes it."""
    folder = tmp_path_factory.mktemp("round")
    path = small_workbook(folder)
    wb = read_workbook(path)
    url = str(folder / "s.sqlite")
    with open_store(url=url) as store:
        rounds.open_round(store, "Mei", wb, chair="An", by="an")
        rounds.share_weights(store, "Mei", "Bart", {"innovation": 1}, by="bart", wb=wb)
        for member, weights in SETS.items():
            rounds.share_weights(store, "Mei", member, weights, by=member.lower(), wb=wb)
        run = resolve_run(wb)
        analysis, _ = rounds.round_analysis(store, "Mei", run, by="an")
        saved = rounds.close_round(store, "Mei", by="An", run=run, analysis=analysis)
    return path, url, saved, analysis


def context(closed, **kw):
    path, url, saved, _ = closed
    return build_context(str(path), scenario=saved.name, scenario_version=saved.version,
                         store=url, **kw)  # fmt: skip


def test_the_decision_of_a_round_has_a_group_section(closed):
    ctx = context(closed)
    analysis = closed[3]
    assert ctx.group is not None and ctx.group.name == "Mei"
    assert ctx.group.members == ["Bart", "An", "Chris"]  # in the order they first shared
    html = group.group_section(ctx)
    assert "Het besluit van de stuurgroep" in html
    low = min(analysis.satisfaction["compromise"])
    assert f"minstens {int(low * 100 + 1e-7)} %" in html
    for m in ("An", "Bart", "Chris"):
        assert f"<td>{m}</td>" in html
    # who gains or loses what: each member's own best against the chosen set
    changes = html[html.index('class="group-changes"') :]
    for m, own in analysis.own.items():
        lost = [i for i in own.funded if i not in analysis.compromise.funded]
        row = re.search(rf"<tr><td>{m}</td>.*?</tr>", changes).group(0)
        assert (", ".join(lost) or "—") in row
    # the group's weights are the mean of the shared sets, as shares
    shares = pd.DataFrame(SETS).T.fillna(0.0)
    shares = shares.div(shares.sum(axis=1), axis=0).mean()
    for c, v in ctx.group.group_weights.items():
        assert v == pytest.approx(shares.get(c, 0.0))


def test_the_decision_record_names_the_round_and_each_members_last_version(closed):
    ctx = context(closed)
    rows = dict(group.record_rows(ctx))
    assert "Mei" in rows["Ronde"]
    assert "Bart: 2× gedeeld" in rows["Gewichten van de leden"]
    assert "Chris: 1× gedeeld" in rows["Gewichten van de leden"]
    assert "Gewichten van de leden" in overview.cover(ctx)


def test_anonymised_the_members_are_member_1_2_3(closed):
    ctx = context(closed, anonymise=True, lang="en")
    html = group.group_section(ctx) + overview.cover(ctx)
    assert "member 1" in html and "member 3" in html
    for name in ("Bart", "Chris"):
        assert name not in html
    assert "member 1: shared 2×" in html  # Bart shared first


def test_a_scenario_not_from_a_round_has_no_group_section(closed):
    from prioritisation.scenarios.scenario import make_scenario

    path, url, _, _ = closed
    with open_store(url=url) as store:
        store.save(make_scenario(read_workbook(path), "Los", "An"))
    ctx = build_context(str(path), scenario="Los", store=url)
    assert ctx.group is None and group.group_section(ctx) == "" and group.record_rows(ctx) == []


def test_anonymise_goes_from_the_cli_to_the_notebook(closed, tmp_path):
    import argparse
    import json

    from prioritisation.commands import report
    from prioritisation.report.jobs import plan_jobs
    from prioritisation.report.pipeline import NOTEBOOK

    parser = argparse.ArgumentParser()
    report.register(parser.add_subparsers())
    args = parser.parse_args(["report", "wb.xlsx", "--out", "x.pdf", "--anonymise"])
    assert args.anonymise
    path, url, saved, _ = closed
    (job,) = plan_jobs(path, tmp_path / "r.pdf", scenarios=[saved.label.replace(" v", "@")],
                       store=url, anonymise=args.anonymise)  # fmt: skip
    assert job.parameters()["anonymise"] is True
    source = "".join(json.loads(NOTEBOOK.read_text())["cells"][1]["source"])
    assert "anonymise = False" in source  # the notebook's parameter papermill sets
