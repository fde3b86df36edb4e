"""The robustness summary: stability, SMAA and consensus of one ranking, bad options."""

from __future__ import annotations

import pytest

from prioritisation.core.errors import UsageError
from prioritisation.decisions.sensitivity import robustness, robustness_run


def test_robustness_bundles_everything(sample_path):
    from prioritisation.data.workbook import read_workbook

    wb = read_workbook(sample_path)
    result = robustness(wb, samples=1_000, seed=2)
    doc = result.to_dict()
    assert doc["winner"] == "ELOKET" and set(doc["stability"]) == set(wb.criteria.index)
    assert {r["id"] for r in doc["not_ranked"]} == {"CRM", "APP", "BOEKH", "COLLBEH"}
    assert len(doc["ranking"][0]["rank_acceptability"]) == len(doc["ranking"])


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [({"view": "mood"}, "usage.view"), ({"samples": 0}, "usage.samples"),
     ({"top_k": 0}, "usage.top_k"), ({"weights": "zz=1"}, "usage.weights_unknown"),
     ({"method": "topsis"}, "usage.robust_method"),
     ({"method": "promethee", "vary_scores": True}, "usage.vary_scores_method")],
)  # fmt: skip
def test_bad_options_are_usage_errors_before_any_work(sample_path, kwargs, code):
    from prioritisation.data.workbook import read_workbook

    with pytest.raises(UsageError) as caught:
        robustness(read_workbook(sample_path), **kwargs)
    assert caught.value.code == code


def test_robustness_run_uses_the_runs_method_weights_and_draws(sample_path):
    from prioritisation.data.workbook import read_workbook
    from prioritisation.engine.run import resolve_run

    wb = read_workbook(sample_path)
    run = resolve_run(wb, method="promethee", samples=600, seed=4, sampling="uniform")
    doc = robustness_run(run, top_k=2).to_dict()
    same = robustness(wb, method="promethee", samples=600, seed=4, top_k=2).to_dict()
    assert doc == same
    assert doc["method"] == "promethee" and doc["sampling"] == "uniform" and doc["top_k"] == 2
    around = robustness_run(run.with_options(sampling="around", spread=0.05)).to_dict()
    assert around["sampling"] == "around" and around["spread"] == 0.05
    for record in doc["ranking"]:
        assert {"p_first_se", "p_top_k_se", "expected_rank_se", "rank_acceptability_se"} <= set(
            record
        )
