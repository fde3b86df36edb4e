"""``prioritisation sensitivity`` end to end: JSON shape, text, options, bad input."""

from __future__ import annotations

import json

import pytest

from tests.conftest import run_cli, xlsx


@pytest.fixture(scope="module")
def sample_doc():
    from tests.conftest import SAMPLE

    proc = run_cli("sensitivity", SAMPLE, "--samples", "2000", "--seed", "1", "--format", "json",
                   check_exit=0)  # fmt: skip
    return json.loads(proc.stdout)


def test_json_has_stability_smaa_and_consensus(sample_doc):
    doc = sample_doc
    assert doc["samples"] == 2000 and doc["seed"] == 1 and doc["method"] == "wsm"
    assert doc["winner"] == "ELOKET"
    for cid, interval in doc["stability"].items():
        assert set(interval) == {"low", "high"}
        assert 0 <= interval["low"] <= doc["weights"][cid] <= interval["high"] <= 1
    ranking = doc["ranking"]
    assert [r["rank"] for r in ranking] == sorted(r["rank"] for r in ranking)
    for record in ranking:
        acc = record["rank_acceptability"]
        assert len(acc) == len(ranking) and abs(sum(acc) - 1) < 1e-4
        assert record["p_first"] == acc[0]
        assert abs(record["p_top_k"] - sum(acc[:3])) < 1e-4
        se = record["rank_acceptability_se"]
        assert len(se) == len(acc) and record["p_first_se"] == se[0]
        for p, e in zip(acc, se, strict=True):  # binomial: sqrt(p(1 − p)/N), to rounding
            assert abs(e - (p * (1 - p) / 2000) ** 0.5) < 2e-6
        assert record["p_top_k_se"] >= 0 and record["expected_rank_se"] >= 0
    assert {r["id"] for r in doc["not_ranked"]} == {"CRM", "APP", "BOEKH", "COLLBEH"}
    c = doc["consensus"]
    assert 0 < c["kendall_w"] < 1 and len(c["members"]) == 7
    assert c["most_changed"] and set(c["member_ranks"]) == {r["id"] for r in ranking}


def test_json_has_both_member_views_named(sample_doc):
    """Both views, named as the app names them, each idea with every member's rank and the
    difference (highest − lowest), the widest first; the sampling in words."""
    views = sample_doc["disagreement"]
    assert (
        views["scores"]["label"] == "Verschil in beoordeling (volgens de eigen scores van elk lid)"
    )
    assert views["weights"]["label"] == (
        "Verschil in prioriteiten (volgens de eigen gewichten van elk lid)")  # fmt: skip
    eligible = {r["id"] for r in sample_doc["ranking"]}
    for name, view in views.items():
        assert view["view"] == name and len(view["members"]) == 7
        assert {d["id"] for d in view["ideas"]} == eligible
        differences = [d["difference"] for d in view["ideas"]]
        assert differences == sorted(differences, reverse=True) and differences[0] > 0
        for d in view["ideas"]:
            assert list(d["ranks"]) == view["members"]
            assert d["difference"] == max(d["ranks"].values()) - min(d["ranks"].values())
            assert all(1 <= r <= len(eligible) for r in d["ranks"].values())
    # the weights view of a member is their own ranking in the consensus block's "auto" view
    # (every member of the sample has pairwise judgments)
    member_ranks = sample_doc["consensus"]["member_ranks"]
    for d in views["weights"]["ideas"]:
        assert d["ranks"] == member_ranks[d["id"]]
    assert views["scores"]["ideas"][0]["id"] != views["weights"]["ideas"][0]["id"]
    assert sample_doc["sampling_text"].startswith("2.000 trekkingen rond de huidige gewichten")


def test_same_seed_same_output_and_spread_option(sample_path):
    args = ("sensitivity", sample_path, "--samples", "500", "--seed", "4", "--format", "json")
    a, b = run_cli(*args, check_exit=0).stdout, run_cli(*args, check_exit=0).stdout
    assert a == b
    tight = json.loads(run_cli(*args, "--spread", "0.01", "--top", "1", check_exit=0).stdout)
    assert tight["spread"] == 0.01 and tight["top_k"] == 1
    assert tight["ranking"][0]["p_first"] > json.loads(a)["ranking"][0]["p_first"]


def test_the_run_resolver_sets_method_and_sampling(sample_path):
    """The command resolves a run: the method, and draws around the weights (the members'
    own spread on the sample) unless told to draw uniformly."""
    args = ("sensitivity", sample_path, "--samples", "300", "--format", "json")
    default = json.loads(run_cli(*args, check_exit=0).stdout)
    assert default["sampling"] == "around" and default["spread"] == pytest.approx(0.0689, abs=1e-4)
    uniform = json.loads(run_cli(*args, "--sampling", "uniform", "--method", "promethee",
                                 check_exit=0).stdout)  # fmt: skip
    assert uniform["method"] == "promethee" and uniform["sampling"] == "uniform"
    assert uniform["spread"] is None and uniform["winner"] == "ELOKET"
    for extra in (["--method", "topsis"], ["--method", "promethee", "--vary-scores"]):
        proc = run_cli(*args, *extra)
        assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    assert "topsis" in run_cli(*args, "--method", "topsis").stderr


def test_text_output_in_both_languages(sample_path):
    nl = run_cli("sensitivity", sample_path, "--samples", "500", check_exit=0).stdout
    assert "blijft eerste zolang" in nl and "Kendalls W" in nl
    assert "Methode gewogen som" in nl and " % ± " in nl and "standaardfout" in nl
    assert (
        "scores gecombineerd met het gemiddelde; 500 trekkingen rond de huidige gewichten "
        "(spreiding 0,07; zoals de eigen gewichten van de 7 leden uiteenlopen), startgetal 0"
    ) in nl
    scores = nl.index("Verschil in beoordeling (volgens de eigen scores van elk lid)")
    weights = nl.index("Verschil in prioriteiten (volgens de eigen gewichten van elk lid)")
    assert scores < weights
    for part in (nl[scores:weights], nl[weights:]):
        head = next(line for line in part.splitlines() if line.startswith("id "))
        assert head.split() == ["id", "titel", "groep", "An", "Bart", "Chris", "Dina", "Emre",
                                "Fien", "Geert", "verschil"]  # fmt: skip
        assert "… en nog 12 ideeën" in part and "verschil = hoogste min laagste" in part
    en = run_cli("--lang", "en", "sensitivity", sample_path, "--samples", "500",
                 "--vary-scores", "--score-spread", "sd", check_exit=0).stdout  # fmt: skip
    assert "stays first as long as" in en and "Chance of each place" in en
    assert "% ± " in en and "standard error" in en
    assert "Difference in assessment (by each member's own scores)" in en
    assert "Difference in priorities (by each member's own weights)" in en
    assert "500 draws around the current weights" in en


def test_the_table_rows_are_the_json_ideas(sample_path):
    """The table shows the first ten ideas of each JSON view, with the same ranks."""
    args = ("sensitivity", sample_path, "--samples", "200")
    doc = json.loads(run_cli(*args, "--format", "json", check_exit=0).stdout)
    text = run_cli(*args, check_exit=0).stdout
    for view, title in (("scores", "Verschil in beoordeling"), ("weights", "Verschil in prior")):
        lines = text[text.index(title) :].splitlines()
        start = next(k for k, line in enumerate(lines) if line.startswith("id ")) + 2
        lines = lines[start : start + 10]
        for line, idea in zip(lines, doc["disagreement"][view]["ideas"][:10], strict=True):
            numbers = [int(v) for v in line.split()[-9:]]
            assert line.split()[0] == idea["id"]
            assert numbers == [idea["group_rank"], *idea["ranks"].values(), idea["difference"]]


def test_bad_values_exit_2_without_traceback(sample_path, tmp_path):
    for extra in (
        ["--samples", "0"],
        ["--spread", "-1"],
        ["--top", "0"],
        ["--weights", "zz=1"],
        ["--view", "scores"],
    ):  # both views are always shown: no --view
        proc = run_cli("sensitivity", sample_path, *extra)
        assert proc.returncode == 2, (extra, proc.stderr)
        assert "Traceback" not in proc.stderr and proc.stderr.strip()
    path = xlsx(tmp_path, ideas=[["id", "title"], ["A", "a"]],
                scores=[["idea_id", "assessor", "innovation"], ["A", "An", 3]])  # fmt: skip
    proc = run_cli("sensitivity", path, "--format", "json", "--samples", "10")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["ranking"] == [] and doc["not_ranked"][0]["id"] == "A"


def test_nothing_eligible_is_said_in_plain_words(tmp_path):
    path = xlsx(tmp_path, ideas=[["id", "title"], ["A", "a"], ["B", "b"]],
                scores=[["idea_id", "assessor", "innovation"], ["A", "An", 3], ["B", "An", 4]])  # fmt: skip
    out = run_cli("--lang", "en", "sensitivity", path, "--samples", "10", check_exit=0).stdout
    assert "No idea is eligible" in out
