"""The robustness part of the members tab (stability, SMAA with the run's sampling)."""

from __future__ import annotations

from prioritisation.decisions.smaa import fmt_estimate, smaa_prepared
from prioritisation.engine.run import resolve_run


def test_robustness_shows_stability_and_smaa_with_the_runs_sampling(app):
    app.tabs.selected_index = 2
    panel = app.robustness
    assert "blijft ELOKET eerst" in panel.stability.value
    assert "pw-smaa-table" in panel.smaa.value
    # the page says how the weights were drawn: the run's sampling, the same as the CLI's
    run = resolve_run(app.state.wb)
    assert run.sampling.samples == 10_000 and run.sampling.seed == 0
    assert "10.000 trekkingen rond de huidige gewichten (spreiding 0,07;" in panel.smaa.value
    expected = smaa_prepared(run.prepared, run.weights, samples=10_000, seed=0,
                             spread=run.sampling.spread)  # fmt: skip
    first = expected.p_first.idxmax()
    share = fmt_estimate(
        expected.p_first[first], expected.p_first_se[first], "nl"
    )  # "65,0 % ± 0,5 %"
    row = panel.smaa.value.split(f"data-id='{first}'", 1)[1].split("</tr>", 1)[0]
    assert share in row


def test_smaa_follows_the_weights_in_force(app):
    app.tabs.selected_index = 2
    before = app.robustness.smaa.value
    app.sliders["innovation"].value = 100
    assert app.robustness.smaa.value != before
