"""Planning the reports: options checked in this process, scenarios resolved, outputs named."""

from __future__ import annotations

import json
import shutil

import pytest

from prioritisation.core.errors import UsageError, WorkbookError
from prioritisation.report.jobs import parse_languages, plan_jobs, scenario_part

from ..conftest import SAMPLE


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
     {"budget": "veel"}, {"budget": "2027=500000"}],
)  # fmt: skip
def test_plan_jobs_rejects_bad_options(kwargs, tmp_path):
    with pytest.raises(UsageError):
        plan_jobs(SAMPLE, tmp_path / "x.pdf", **kwargs)


def test_plan_jobs_rejects_a_bad_workbook(tmp_path):
    with pytest.raises(WorkbookError):
        plan_jobs(tmp_path / "missing.xlsx", tmp_path / "x.pdf")


def test_scenario_without_a_store_is_a_clear_usage_error():
    with pytest.raises(UsageError, match="scenario"):
        plan_jobs(SAMPLE, "x.pdf", scenarios=["basis"])


def test_plan_jobs_resolves_scenarios_to_fixed_versions(stored, tmp_path):
    jobs = plan_jobs(stored, tmp_path / "r.pdf", scenarios=["all"], langs=["nl", "en"])
    assert [(j.scenario, j.scenario_version, j.lang) for j in jobs] == [
        ("Basis", 2, "nl"), ("Basis", 2, "en"), ("Lezen <eerst>", 1, "nl"), ("Lezen <eerst>", 1, "en")
    ]  # fmt: skip
    assert jobs[2].out.name == f"r-{scenario_part('Lezen <eerst>')}-nl.pdf"
    assert jobs[2].out.name.startswith("r-Lezen__eerst_-")
    assert jobs[0].store.startswith("sqlite:///")
    one = plan_jobs(stored, tmp_path / "r.pdf", scenarios=["Basis@1"])
    assert (one[0].scenario, one[0].scenario_version, one[0].out.name) == ("Basis", 1, "r.pdf")
    with pytest.raises(UsageError, match="Nope"):
        plan_jobs(stored, tmp_path / "r.pdf", scenarios=["Nope"])
    with pytest.raises(UsageError):
        plan_jobs(stored, tmp_path / "r.pdf", scenarios=["Basis"], weights="equal")


def test_no_store_is_a_usage_error_and_creates_nothing(tmp_path):
    path = tmp_path / "sample.xlsx"
    shutil.copy(SAMPLE, path)
    with pytest.raises(UsageError):
        plan_jobs(path, tmp_path / "r.pdf", scenarios=["all"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sample.xlsx"]


def test_an_output_path_that_cannot_be_written_is_a_usage_error(tmp_path):
    blocker = tmp_path / "bestand.txt"
    blocker.write_text("x")
    with pytest.raises(UsageError, match="bestand.txt"):
        plan_jobs(SAMPLE, blocker / "r.pdf")


# --------------------------------------------------------------------------- unique, safe names


@pytest.fixture
def look_alikes(tmp_path):
    """Scenarios whose names differ only in characters a file name cannot keep, and long ones."""
    from prioritisation.data.workbook import read_workbook
    from prioritisation.scenarios.db import open_store
    from prioritisation.scenarios.scenario import make_scenario

    path = tmp_path / "s.xlsx"
    shutil.copy(SAMPLE, path)
    wb = read_workbook(path)
    with open_store(path) as st:
        for name in ("Basis 1", "Basis_1", "Basis/1", "é" * 200, "x" * 199 + "y"):
            st.save(make_scenario(wb, name, "An"))
    return path


def test_distinct_scenarios_never_share_a_report_file(look_alikes, tmp_path):
    jobs = plan_jobs(look_alikes, tmp_path / "out" / "c.pdf", scenarios=["all"])
    outs = [j.out for j in jobs]
    assert len(jobs) == 5 and len(set(outs)) == 5
    for out in outs:  # short enough for any file system, and the OS accepts it
        assert len(out.name.encode("utf-8")) <= 80, out.name
        out.write_bytes(b"x")
    assert len(list((tmp_path / "out").iterdir())) == 5
    assert [o.name for o in outs[:3]] == [f"c-{scenario_part(n)}.pdf"
                                          for n in ("Basis 1", "Basis_1", "Basis/1")]  # fmt: skip


def test_two_versions_of_one_scenario_get_two_files(stored, tmp_path):
    jobs = plan_jobs(stored, tmp_path / "r.pdf", scenarios=["Basis@1", "Basis@2"])
    assert [j.scenario_version for j in jobs] == [1, 2]
    assert jobs[0].out != jobs[1].out and "-v1-" in jobs[0].out.name


def test_a_report_over_an_earlier_report_needs_no_force(tmp_path, monkeypatch):
    """The report's own PDF carries its marker; a stranger's file needs force."""
    from prioritisation.data import outputs

    out = tmp_path / "r.pdf"
    out.write_bytes(b"%PDF-1.7")
    with pytest.raises(UsageError, match="--force"):
        plan_jobs(SAMPLE, out)
    assert plan_jobs(SAMPLE, out, force=True)[0].out == out
    monkeypatch.setattr(outputs, "_pdf_marked", lambda data: True)
    assert plan_jobs(SAMPLE, out)[0].out == out


def test_a_folder_that_cannot_be_written_is_an_environment_failure(tmp_path, monkeypatch):
    """Exit code 3 with a plain message, not a usage error and not "a bug". Tests run as
    root, where chmod stops no write: the refusal is simulated (os.access says no)."""
    import os

    from prioritisation.core.errors import EnvironmentFailure
    from prioritisation.report import jobs

    locked = tmp_path / "alleen-lezen"
    locked.mkdir()
    locked.chmod(0o555)
    if os.geteuid() == 0:
        monkeypatch.setattr(jobs.os, "access", lambda path, mode: False)
    try:
        with pytest.raises(EnvironmentFailure) as err:
            plan_jobs(SAMPLE, locked / "r.pdf")
    finally:
        locked.chmod(0o755)
    assert err.value.exit_code == 3
    assert "geen toelating" in err.value.lines()[0] and "r.pdf" in err.value.lines()[0]


def test_yearly_budgets_travel_to_the_report_and_not_beside_a_scenario(tmp_path):
    (job,) = plan_jobs(SAMPLE, tmp_path / "r.pdf", budget_per_year="2028: 400.000, 2027=700000")
    assert job.budget_per_year == "2027=700000; 2028=400000"
    assert job.parameters()["budget_per_year"] == job.budget_per_year
    with pytest.raises(UsageError):
        plan_jobs(SAMPLE, tmp_path / "r.pdf", scenarios=["Basis"], budget_per_year="2027=1")
