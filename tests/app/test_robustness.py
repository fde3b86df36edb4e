"""The robustness part of the members tab (stability, SMAA)."""

from __future__ import annotations


def test_robustness_shows_stability_and_smaa(app):
    app.tabs.selected_index = 2
    panel = app.robustness
    assert "blijft ELOKET eerst" in panel.stability.value
    panel.button.click()
    assert "pw-smaa-table" in panel.smaa.value
