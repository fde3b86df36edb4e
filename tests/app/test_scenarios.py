"""The scenarios part of the save tab (the scenario store)."""

from __future__ import annotations

import pytest


def test_scenarios_save_open_and_compare(app):
    app.tabs.selected_index = 4
    panel = app.scenarios
    assert panel is not None and panel.store is not None
    panel.save.click()
    assert "Geef het scenario een naam." in panel.saved.value  # nothing saved
    assert panel.store.list() == []
    panel.name.value, panel.author.value = "Werkmap", "An"
    panel.save.click()
    assert "Bewaard als Werkmap v1" in panel.saved.value
    app.sliders["innovation"].value = 100
    shares = app.state.weights().copy()
    panel.name.value = "Innovatie eerst"
    panel.save.click()
    app.reset.click()
    assert app.state.weights()["innovation"] == pytest.approx(0.3)
    panel.choice.value = "Innovatie eerst"
    panel.open.click()
    assert app.state.weights().to_dict() == pytest.approx(shares.to_dict())
    assert app.sliders["innovation"].value == round(100 * shares["innovation"])
    panel.a.value, panel.b.value = "Werkmap", "Innovatie eerst"
    panel.compare.click()
    assert "pw-compare-weights" in panel.comparison.value
    assert "pw-compare-ranking" in panel.comparison.value  # the order changes
