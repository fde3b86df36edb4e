"""``prioritisation weights`` end to end: weights in force, schemes, AHP consistency."""

from __future__ import annotations

import json

import pytest

from tests.conftest import cli, xlsx


def test_weights_json_on_the_sample(sample_path):
    doc = json.loads(cli("weights", sample_path, "--format", "json", check_exit=0).stdout)
    assert doc["weights"] == pytest.approx(
        {"innovation": 0.3, "desirability": 0.3, "viability": 0.2, "feasibility": 0.2}
    )
    assert set(doc["schemes"]) == {"equal", "roc", "swing", "ahp"}
    cr = doc["consistency_ratio"]
    assert cr["group"] < 0.1 and len(cr["members"]) == 7
    assert cr["members"]["Fien (Bib Gent)"] > 0.1, "an inconsistent member is reported"
    assert doc["ahp"]["inconsistent_members"] == ["Fien (Bib Gent)"]
    assert doc["ahp"]["members"]["Geert (VVSG)"]["complete"] is False
    assert doc["ahp"]["random_index"]["source"] == "Saaty (1980)"
    assert sum(doc["ahp"]["weights"].values()) == pytest.approx(1.0)


def test_weights_in_force_follow_the_option_and_rank_uses_ahp(sample_path):
    doc = json.loads(
        cli("weights", sample_path, "--weights", "ahp", "--format", "json", check_exit=0).stdout
    )
    assert doc["weights"] == pytest.approx(doc["ahp"]["weights"])
    ranked = json.loads(
        cli("rank", sample_path, "--weights", "ahp", "--format", "json", check_exit=0).stdout
    )
    assert ranked["weights"] == pytest.approx(doc["ahp"]["weights"])


def test_weights_table_in_english_flags_inconsistency(sample_path):
    out = cli("--lang", "en", "weights", sample_path, check_exit=0).stdout
    assert "Fien (Bib Gent): consistency ratio" in out and "INCONSISTENT" in out
    assert "Saaty (1980), n = 4: 0.90" in out


def test_no_pairwise_sheet_and_bad_requests(tmp_path):
    path = xlsx(tmp_path, ideas=[["id", "title"], ["A", "a"]],
                scores=[["idea_id", "assessor", "innovation"], ["A", "An", 3]])  # fmt: skip
    doc = json.loads(cli("weights", path, "--format", "json", check_exit=0).stdout)
    assert doc["ahp"] is None and doc["consistency_ratio"] is None
    proc = cli("--lang", "en", "rank", path, "--weights", "ahp", check_exit=2)
    assert "pairwise" in proc.stderr and "Traceback" not in proc.stderr
