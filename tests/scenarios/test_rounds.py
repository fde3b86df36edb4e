"""Group rounds in the store (prioritisation/scenarios/rounds.py and migration 0003), on
SQLite and PostgreSQL: the latest shared set is current, history is append-only and in the
hash chain, a blind round hides the others' weights until the chair reveals, results are
stored once per change of inputs, closing saves the decision as a scenario and makes the
round read-only."""

from __future__ import annotations

import dataclasses
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import sqlalchemy as sa

from prioritisation.core.errors import UsageError
from prioritisation.decisions.group_decision import analyse_group
from prioritisation.decisions.group_weights import member_weight_sets
from prioritisation.engine.run import resolve_run
from prioritisation.scenarios.db import open_store
from prioritisation.scenarios.integrity import verify
from prioritisation.scenarios.rounds import (
    close_round,
    current_sets,
    get_round,
    history,
    list_rounds,
    open_round,
    reveal,
    round_analysis,
    share_weights,
    store_result,
    stored_result,
)

CHAIR = "An (Cultuurconnect)"
BART = "Bart (Bib Brugge)"
CHRIS = "Chris (BiblioWaas)"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_store(request, tmp_path):
    url = f"sqlite:///{tmp_path / 'r.sqlite'}" if request.param == "sqlite" else (
        request.getfixturevalue("pg_db"))  # fmt: skip
    with open_store(url=url) as store:
        yield store


def _with_members_sets(store, wb, name="Mei"):
    open_round(store, name, wb, chair=CHAIR, by="an")
    sets = member_weight_sets(wb)
    for member, row in sets.iterrows():
        share_weights(store, name, member, row.to_dict(), by=member, wb=wb)
    return sets


def test_the_latest_shared_set_is_current_and_history_is_kept(wb, any_store):
    open_round(any_store, "Mei", wb, chair=CHAIR, by="an", note="eerste ronde")
    share_weights(any_store, "Mei", BART, {"innovation": 3, "desirability": 1}, by="bart", wb=wb)
    share_weights(any_store, "Mei", CHRIS, "viability=1", by="chris", wb=wb)
    share_weights(any_store, "Mei", BART, {"feasibility": 2, "viability": 2}, by="bart", wb=wb)
    sets = current_sets(any_store, "Mei")
    assert list(sets.index) == [BART, CHRIS]
    assert sets.loc[BART].to_dict() == {"feasibility": 0.5, "viability": 0.5, "innovation": 0.0,
                                        "desirability": 0.0}  # fmt: skip
    events = history(any_store, "Mei")
    assert events["kind"].tolist() == ["share"] * 3 and events["actor"].tolist()[0] == "bart"
    current = get_round(any_store, "Mei")
    assert (current.blind, current.chair, current.note, current.members) == (
        True, CHAIR, "eerste ronde", (BART, CHRIS))  # fmt: skip
    assert current.workbook_sha256 == wb.sha256 and current.workbook == "sample.xlsx"
    result = verify(any_store)
    assert result.ok and result.entries == 4  # the round and three events, in one chain
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        with any_store.engine.begin() as conn:
            conn.exec_driver_sql("UPDATE round_events SET actor = 'Mallory'")
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        with any_store.engine.begin() as conn:
            conn.exec_driver_sql("DELETE FROM rounds")


def test_bad_weights_members_names_and_workbooks_are_refused(wb, any_store):
    open_round(any_store, "Mei", wb, chair=CHAIR, by="an")
    cases = [
        (lambda: open_round(any_store, "Mei", wb, chair=CHAIR, by="an"), "usage.round_exists"),
        (lambda: share_weights(any_store, "Mei", BART, {"bogus": 1}, by="bart", wb=wb),
         "usage.weight_unknown_criterion"),
        (lambda: share_weights(any_store, "Mei", BART, {"innovation": -1}, by="bart"),
         "usage.round_weight"),
        (lambda: share_weights(any_store, "Mei", BART, {"innovation": 0}, by="bart"),
         "usage.round_weights_zero"),
        (lambda: share_weights(any_store, "Mei", "Lies (analist)", {"innovation": 1}, by="lies",
                               wb=wb), "usage.round_member"),
        (lambda: share_weights(any_store, "Juni", BART, {"innovation": 1}, by="bart"),
         "usage.round_unknown"),
        (lambda: share_weights(any_store, "Mei", BART, {"innovation": 1}, by="bart",
                               wb=dataclasses.replace(wb, sha256="0" * 64)), "usage.round_workbook"),
    ]  # fmt: skip
    for call, code in cases:
        with pytest.raises(UsageError) as info:
            call()
        assert info.value.code == code
    assert current_sets(any_store, "Mei").empty and verify(any_store).entries == 1


def test_a_blind_round_hides_the_others_until_the_chair_reveals(wb, any_store):
    _with_members_sets(any_store, wb)
    current = get_round(any_store, "Mei")
    members = list(current.members)
    assert current.visible(BART, members) == [BART]
    assert current.visible(CHAIR, members) == members  # the chair sees all
    with pytest.raises(UsageError) as info:
        reveal(any_store, "Mei", by=BART)
    assert info.value.code == "usage.round_chair_only"
    assert "alleen de voorzitter" in info.value.lines("nl")[0]
    revealed = reveal(any_store, "Mei", by="an (cultuurconnect)")  # names compared without case
    assert revealed.revealed and revealed.visible(BART, members) == members
    with pytest.raises(UsageError) as info:
        reveal(any_store, "Mei", by=CHAIR)
    assert info.value.code == "usage.round_not_hidden"
    open_round(any_store, "Open", wb, chair=CHAIR, by="an", blind=False)
    assert get_round(any_store, "Open").sees_all(BART)
    assert [r.name for r in list_rounds(any_store)] == ["Mei", "Open"]


def test_results_are_stored_once_per_change_of_inputs(wb, any_store):
    sets = _with_members_sets(any_store, wb)
    run = resolve_run(wb, budget="600.000")
    first, cached = round_analysis(any_store, "Mei", run, by="an")
    assert not cached
    assert first.to_dict() == analyse_group(run, sets).to_dict()
    again, cached = round_analysis(any_store, "Mei", run, by="bart")
    assert cached and again.to_dict() == first.to_dict()
    assert stored_result(any_store, "Mei", first.digest) == first.to_dict()
    assert history(any_store, "Mei")["kind"].tolist().count("result") == 1
    share_weights(any_store, "Mei", BART, {"innovation": 1}, by="bart", wb=wb)  # a change
    changed, cached = round_analysis(any_store, "Mei", run, by="an")
    assert not cached and changed.digest != first.digest
    assert changed.weights.loc[BART, "innovation"] == 1.0
    other_budget, cached = round_analysis(any_store, "Mei", resolve_run(wb, budget="700.000"))
    assert not cached  # computed, not stored: nobody asked to store it
    assert history(any_store, "Mei")["kind"].tolist().count("result") == 2
    assert verify(any_store).ok


def test_closing_saves_the_decision_and_makes_the_round_read_only(wb, any_store):
    sets = _with_members_sets(any_store, wb)
    run = resolve_run(wb, budget="600.000")
    analysis, _ = round_analysis(any_store, "Mei", run, by="an")
    with pytest.raises(UsageError) as info:
        close_round(any_store, "Mei", by=BART, run=run, analysis=analysis)
    assert info.value.code == "usage.round_chair_only"
    saved = close_round(any_store, "Mei", by=CHAIR, run=run, analysis=analysis, lang="nl")
    chosen = list(analysis.compromise.funded)
    assert saved.label == "Mei v1" and saved.author == CHAIR
    assert saved.selection["include"] == chosen
    eligible = {i for i, ok in zip(wb.ideas.index, run.prepared.eligible, strict=True) if ok}
    assert set(saved.selection["exclude"]) == eligible - set(chosen)
    assert saved.weights == pytest.approx(analysis.group_weights.to_dict())
    assert saved.budget["total"] == 600_000 and "compromis" in saved.note
    # opening the scenario funds exactly the chosen set
    from prioritisation.decisions.portfolio.selection import select_run

    reopened = resolve_run(wb, weights=saved.weights, budget=saved.budget, must=chosen,
                           exclude=saved.selection["exclude"], funding_rule="best")  # fmt: skip
    assert set(select_run(reopened).selected) == set(chosen)
    closed = get_round(any_store, "Mei")
    assert closed.closed and closed.closed_by == CHAIR and closed.decision == "Mei v1"
    assert closed.sees_all(BART)  # a closed round is open to read
    record = history(any_store, "Mei").iloc[-1]
    assert record["kind"] == "close" and record["digest"] == analysis.digest
    for call in (
        lambda: share_weights(any_store, "Mei", BART, {"innovation": 1}, by="bart"),
        lambda: reveal(any_store, "Mei", by=CHAIR),
        lambda: store_result(any_store, "Mei", "x" * 64, {}, by=CHAIR),
        lambda: close_round(any_store, "Mei", by=CHAIR, run=run, analysis=analysis),
    ):
        with pytest.raises(UsageError) as info:
            call()
        assert info.value.code == "usage.round_closed"
        assert "afgesloten door An (Cultuurconnect)" in info.value.lines("nl")[0]
        assert "closed by An (Cultuurconnect)" in info.value.lines("en")[0]
    # reading a closed round: the stored result, or computed without storing
    assert round_analysis(any_store, "Mei", run, by="an")[1] is True
    assert round_analysis(any_store, "Mei", resolve_run(wb, budget="800.000"), by="an")[1] is False
    stored = current_sets(any_store, "Mei")
    assert list(stored.index) == list(sets.index) == list(closed.members)
    assert np.allclose(stored.to_numpy(), sets.to_numpy(), atol=1e-15)
    assert verify(any_store).ok


def test_concurrent_shares_are_all_kept(wb, tmp_path):
    url = f"sqlite:///{tmp_path / 'r.sqlite'}"
    with open_store(url=url) as store:
        open_round(store, "Mei", wb, chair=CHAIR, by="an")
    sets = member_weight_sets(wb)

    def share(item):
        member, row = item
        with open_store(url=url) as store:
            for k in range(3):
                share_weights(store, "Mei", member, {**row.to_dict(), "innovation": k + 1.0},
                              by=member)  # fmt: skip

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(share, sets.iterrows()))
    with open_store(url=url) as store:
        assert len(history(store, "Mei")) == 3 * len(sets)
        current = current_sets(store, "Mei")
        assert sorted(current.index) == sorted(sets.index)
        for member in sets.index:  # the third share of each member is current
            row = {**sets.loc[member].to_dict(), "innovation": 3.0}
            total = sum(row.values())
            assert current.loc[member, "innovation"] == pytest.approx(3.0 / total)
        assert verify(store).ok


def test_an_edited_weight_set_is_found_by_the_chain(wb, tmp_path):
    import sqlite3

    path = tmp_path / "r.sqlite"
    with open_store(url=str(path)) as store:
        _with_members_sets(store, wb)
    con = sqlite3.connect(path)
    con.execute("DROP TRIGGER round_events_no_update")
    con.execute("UPDATE round_events SET payload = '{\"weights\": {\"innovation\": 1.0}}' "
                "WHERE member = 'Bart (Bib Brugge)'")  # fmt: skip
    con.commit()
    con.close()
    with open_store(url=str(path)) as store:
        assert current_sets(store, "Mei").loc[BART, "innovation"] == 1.0  # reads as real …
        result = verify(store)
    assert not result.ok and result.problem.code == "chain.edited"  # … but is found
    assert result.problem.table == "round_events"
    assert "rondegebeurtenis" in result.text("nl") and "round event" in result.text("en")
