"""The linear form of a method's ranking: equal to the method's scores at the weights in
force, on the eligible ideas only; TOPSIS refused by name."""

from __future__ import annotations

import numpy as np
import pytest

from prioritisation.core.errors import UsageError
from prioritisation.decisions.linear import check_robust_method, linear_form, robust_methods
from prioritisation.engine.scoring import prepare
from prioritisation.engine.weights import resolve_weights


@pytest.mark.parametrize("method", ["wsm", "promethee", "wpm"])
def test_the_linear_form_gives_the_methods_scores(sample_path, method):
    from prioritisation.data.workbook import read_workbook

    wb = read_workbook(sample_path)
    weights = resolve_weights(wb, "roc")
    form = linear_form(prepare(wb), weights, method)
    ranked = form.ranking.ranked
    assert form.ids == list(ranked.index) and "CRM" not in form.ids, "eligible ideas only"
    scores = form.values @ weights.to_numpy()
    if method == "wpm":
        scores = np.exp(scores)
    np.testing.assert_allclose(scores, ranked["score"].to_numpy(), rtol=0, atol=1e-12)


def test_topsis_is_refused_and_unknown_methods_keep_their_message():
    assert robust_methods() == ["promethee", "wpm", "wsm"]
    with pytest.raises(UsageError) as caught:
        check_robust_method("topsis")
    assert caught.value.code == "usage.robust_method"
    text = caught.value.lines("nl")[0]
    assert "topsis" in text and "promethee, wpm, wsm" in text and "--" not in text
    with pytest.raises(UsageError) as caught:
        check_robust_method("ahp")
    assert caught.value.code == "usage.method"
