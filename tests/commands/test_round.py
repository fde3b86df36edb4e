"""``prioritisation round …`` and ``group --round`` end to end, in process, as the members of the
sample's steering group (their logins through JUPYTERHUB_USER): open, share, a blind round
seen by a member and by the chair, reveal, close, read-only afterwards
(prioritisation/commands/round.py, prioritisation/commands/_who.py)."""

from __future__ import annotations

import json
import shutil

import pytest

from prioritisation.core.i18n import fmt_percent
from prioritisation.data.workbook import read_workbook
from prioritisation.decisions.group_decision import analyse_group
from prioritisation.engine.run import resolve_run
from prioritisation.scenarios.db import open_store
from prioritisation.scenarios.integrity import verify
from prioritisation.scenarios.rounds import current_sets
from tests.conftest import SAMPLE, cli

SHARES = {"bart": "innovation=1, desirability=3", "chris": "viability=2; feasibility=1",
          "dina": "innovation=2, viability=1"}  # fmt: skip


@pytest.fixture
def book(tmp_path):
    path = tmp_path / "ronde.xlsx"
    shutil.copy(SAMPLE, path)
    return path


def as_(login, *args, check_exit=0):
    return cli(*args, env={"JUPYTERHUB_USER": login, "PRIORITISATION_STORE": ""},
               check_exit=check_exit)  # fmt: skip


def _open_and_share(book):
    as_("an", "round", "open", book, "Mei")
    for login, weights in SHARES.items():
        as_(login, "round", "share", book, "Mei", "--weights", weights)


def test_a_blind_round_from_open_to_close(book):
    opened = as_("an", "round", "open", book, "Mei", "--format", "json")
    record = json.loads(opened.stdout)
    assert record["blind"] and record["chair"] == "An (Cultuurconnect)"
    assert record["workbook_sha256"] == read_workbook(book).sha256
    for login, weights in SHARES.items():
        shared = as_(login, "round", "share", book, "Mei", "--weights", weights)
        assert "deelde in de ronde 'Mei'" in shared.stdout
    # Bart sees his own weights only, in the group command as in show
    seen = json.loads(as_("bart", "group", book, "--round", "Mei", "--budget", "600.000",
                          "--format", "json").stdout)  # fmt: skip
    assert seen["members"] == ["Bart (Bib Brugge)"] and seen["hidden_members"] == 2
    assert set(seen["weights"]) == {"Bart (Bib Brugge)"}
    assert seen["weights"]["Bart (Bib Brugge)"] == {"innovation": 0.25, "desirability": 0.75,
                                                    "viability": 0.0, "feasibility": 0.0}  # fmt: skip
    assert all(set(v) == {"in", "out", "in_count", "out_count"}
               for v in seen["split"]["contested"].values())  # fmt: skip
    assert seen["round"]["result_read_from_store"] is False
    text = as_("bart", "group", book, "--round", "Mei", "--budget", "600.000").stdout
    assert "Blinde ronde: je ziet alleen je eigen gewichten" in text
    assert "Chris (BiblioWaas)" not in text and "Aangemeld als Bart (Bib Brugge)" in text
    # the chair sees everyone, and reads the result stored by Bart's run
    chair = json.loads(as_("an", "group", book, "--round", "Mei", "--budget", "600.000",
                           "--format", "json").stdout)  # fmt: skip
    assert len(chair["members"]) == 3 and chair["round"]["result_read_from_store"] is True
    wb = read_workbook(book)
    with open_store(book) as store:
        sets = current_sets(store, "Mei")
    expected = analyse_group(resolve_run(wb, budget="600.000"), sets).to_dict()
    assert {k: chair[k] for k in expected} == expected
    # only the chair reveals and closes
    refused = as_("bart", "round", "reveal", book, "Mei", check_exit=2)
    assert "alleen de voorzitter van de ronde 'Mei' (An (Cultuurconnect))" in refused.stderr
    as_("an", "round", "reveal", book, "Mei")
    assert len(json.loads(as_("bart", "round", "show", book, "Mei", "--format", "json")
                          .stdout)["weights"]) == 3  # fmt: skip
    closed = as_("an", "--lang", "en", "round", "close", book, "Mei", "--budget", "600.000")
    assert (
        "Decision stored as scenario Mei v1; funded: " + ", ".join(chair["compromise"]["funded"])
        in closed.stdout
    )
    after = as_("bart", "round", "share", book, "Mei", "--weights", "innovation=1", check_exit=2)
    assert "is afgesloten door An (Cultuurconnect) (beslissing: Mei v1)" in after.stderr
    listing = as_("an", "round", "list", book).stdout
    assert "Mei" in listing and "afgesloten" in listing and "Mei v1" in listing
    shown = as_("an", "scenario", "show", book, "Mei", "--format", "json").stdout
    scenario = json.loads(shown)["scenario"]
    assert scenario["selection"]["include"] == chair["compromise"]["funded"]
    assert scenario["note"].startswith("Decision of group round 'Mei': the compromise")  # --lang en
    low = fmt_percent(chair["compromise"]["min_satisfaction"], 1, "en")
    assert f"lowest satisfaction {low}, group weights: mean of the shares" in scenario["note"]
    with open_store(book) as store:
        assert verify(store).ok


def test_who_may_do_what(book):
    refused = as_("bart", "round", "open", book, "Mei", check_exit=2)
    assert "alleen de voorzitter of een analist opent een ronde" in refused.stderr
    as_("lies", "round", "open", book, "Mei", "--not-blind")  # an analyst prepares the round
    other = as_("bart", "round", "share", book, "Mei", "--weights", "innovation=1", "--member",
                "Chris (BiblioWaas)", check_exit=2)  # fmt: skip
    assert "kan alleen de eigen gewichten delen" in other.stderr
    stranger = as_("zoe", "round", "share", book, "Mei", "--weights", "innovation=1", check_exit=2)
    assert "'zoe' is geen lid met stemrecht" in stranger.stderr
    as_("lies", "round", "share", book, "Mei", "--weights", "innovation=1", "--member",
        "Chris (BiblioWaas)")  # fmt: skip
    local = as_("zoe", "round", "share", book, "Mei", "--weights", "viability=1", "--user", "bart")
    assert "NIET geverifieerd" in local.stdout
    with open_store(book) as store:
        assert list(current_sets(store, "Mei").index) == ["Chris (BiblioWaas)", "Bart (Bib Brugge)"]
    unverified = as_("zoe", "round", "close", book, "Mei", "--user", "an", check_exit=2)
    assert "vragen een echte login, niet --user" in unverified.stderr
    shown = as_("bart", "round", "show", book, "Mei").stdout  # not blind: everyone sees all
    assert "Chris (BiblioWaas)" in shown and "Bart (Bib Brugge) (--user)" in shown
    assert "gewichten gedeeld" in shown


def test_a_round_on_another_workbook_is_refused(book, tmp_path):
    _open_and_share(book)
    changed = tmp_path / "ronde2.xlsx"
    wb = read_workbook(book)
    from prioritisation.data.writer import write_workbook

    write_workbook(wb, changed)  # the same content, another file: another SHA-256
    store = f"sqlite:///{book.parent / 'ronde.scenarios.sqlite'}"
    proc = cli("group", changed, "--round", "Mei", "--store", store, check_exit=2)
    assert "werd geopend op een andere versie van het werkboek" in proc.stderr
    unknown = as_("an", "group", book, "--round", "Juni", check_exit=2)
    assert "geen ronde 'Juni'" in unknown.stderr and "(rondes: Mei)" in unknown.stderr
