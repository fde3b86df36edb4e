"""The robustness summary: stability, SMAA and consensus of one ranking, bad options."""

from __future__ import annotations

import pytest

from prioritisation.core.errors import UsageError
from prioritisation.decisions.sensitivity import robustness


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
     ({"top_k": 0}, "usage.top_k"), ({"weights": "zz=1"}, "usage.weights_unknown")],
)  # fmt: skip
def test_bad_options_are_usage_errors_before_any_work(sample_path, kwargs, code):
    from prioritisation.data.workbook import read_workbook

    with pytest.raises(UsageError) as caught:
        robustness(read_workbook(sample_path), **kwargs)
    assert caught.value.code == code
