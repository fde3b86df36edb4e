"""The PDF part of the save tab (the report pipeline)."""

from __future__ import annotations

import base64
import re

import pytest


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


def _open_saved(app, name="Basis", author="An"):
    """Save the current weights as a scenario and open it again."""
    app.tabs.selected_index = 4  # the save tab: its panels are made when first shown
    panel = app.scenarios
    panel.name.value, panel.author.value = name, author
    panel.save.click()
    app.reset.click()
    panel.choice.value = name
    panel.open.click()


def _cover(job):
    from prioritisation.report import overview
    from prioritisation.report.context import build_context

    return overview.cover(build_context(**job.parameters()))


def test_the_pdf_of_an_opened_scenario_is_that_stored_version(app, tmp_path):
    _open_saved(app)
    job = app.pdf.job(tmp_path / "r.pdf", "nl", app.pdf.job_options())
    assert (job.scenario, job.scenario_version, job.store) == ("Basis", 1, app.scenarios.store.url)
    assert (job.weights, job.budget, job.based_on) == ("", None, "")
    html = _cover(job)
    assert "Basis (versie 1)" in html and "Basis v1, opgeslagen door An" in html
    assert "eigen gewichten" not in html and "geen opgeslagen scenario" not in html


def test_weights_changed_after_opening_say_so_in_the_record(app, tmp_path):
    _open_saved(app)
    app.sliders["innovation"].value = 60
    job = app.pdf.job(tmp_path / "r.pdf", "nl", app.pdf.job_options())
    assert (job.scenario, job.scenario_version) == ("", None)
    assert (job.based_on, job.based_on_version, job.based_on_author) == ("Basis", 1, "An")
    assert job.weights.startswith("innovation=") and job.budget == 1_500_000
    html = _cover(job)
    assert "eigen gewichten: " in html and "aangepast na het openen van Basis v1" in html
    assert (
        "geen: de gewichten zijn aangepast na het openen van Basis v1 (opgeslagen door An)" in html
    )


def test_without_an_opened_scenario_the_pdf_has_own_weights(app, tmp_path):
    app.tabs.selected_index = 4
    job = app.pdf.job(tmp_path / "r.pdf", "nl", app.pdf.job_options())
    assert (job.scenario, job.based_on) == ("", "")
    assert "geen (geen opgeslagen scenario)" in _cover(job)


def test_the_pdf_and_a_saved_scenario_keep_the_members_yearly_budgets(app, tmp_path, capfd):
    """One truth: a member who lowered 2028 in the roadmap tab gets that roadmap in the PDF
    (as `roadmap --budget-per-year` computes it) and in the scenario they save."""
    import json

    from prioritisation.cli import main
    from prioritisation.report.context import build_context
    from tests.conftest import SAMPLE

    app.state.budget_per_year = {2027: 700_000.0, 2028: 400_000.0, 2029: 500_000.0}
    app.tabs.selected_index = 4  # the save tab: its panels are made when first shown
    job = app.pdf.job(tmp_path / "r.pdf", "nl", app.pdf.job_options())
    assert job.budget_per_year == "2027=700000; 2028=400000; 2029=500000"
    ctx = build_context(**job.parameters())
    capfd.readouterr()
    assert main(["roadmap", str(SAMPLE), "--budget-per-year", job.budget_per_year,
                 "--format", "json", "--weights", job.weights]) == 0  # fmt: skip
    cli = json.loads(capfd.readouterr().out)
    pdf = json.loads(json.dumps(ctx.roadmap.to_json(), default=str))
    assert [(p["id"], p["start"]) for p in pdf["roadmap"]] == [
        (p["id"], p["start"]) for p in cli["roadmap"]
    ]
    assert [y["budget"] for y in pdf["years"]] == [700_000.0, 400_000.0, 500_000.0]
    panel = app.scenarios
    panel.name.value, panel.author.value = "Krap 2028", "An"
    panel.save.click()
    (saved,) = panel.store.list()
    assert saved.budget["per_year"] == {"2027": 700_000.0, "2028": 400_000.0, "2029": 500_000.0}
