"""The budget part of the value tab (portfolio, explanations)."""

from __future__ import annotations

import time


def test_budget_marks_the_funded_set_and_explains_the_rest(app):
    import prioritisation.decisions.portfolio.selection as portfolio

    app.tabs.selected_index = 1
    panel = app.budget
    assert panel is not None
    panel.slider.value = 800_000
    expected = portfolio.select_prepared(app.state.prepared, app.state.weights(), 800_000.0)
    assert panel.portfolio.selected == expected.selected
    assert "gefinancierd voor" in panel.summary.value
    for iid in expected.selected:
        assert f">{iid}</span>" in panel.funded.value
    assert 'stroke="#1f2933"' in app.value_chart.value  # funded dots have a ring
    assert "pw-below" in panel.below.value
    panel.why.click()
    deadline = time.monotonic() + 60
    while panel._busy and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "<li>" in panel.explained.value


def test_budget_names_the_rule_and_the_other_rules_set_under_the_funded_set(app):
    from prioritisation.explain.portfolio_text import rule_lines

    app.tabs.selected_index = 1
    panel = app.budget
    p = panel.portfolio
    assert p is not None and p.rule == "priority" and p.alternative is not None
    html = panel.funded.value
    assert "Regel: in volgorde van prioriteit" in html
    assert "Met de grootste totale score zouden " in html
    assert p.alternative.text in html
    assert html.index("pw-funded-list") < html.index("Regel: in volgorde van prioriteit")
    assert all(line in html for line in rule_lines(p))
