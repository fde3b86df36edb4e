"""prioritisation/scenarios/text.py: scenarios, a comparison and the audit log as terminal text."""

from __future__ import annotations

from prioritisation.core.i18n import set_language
from prioritisation.scenarios.compare import compare
from prioritisation.scenarios.scenario import make_scenario
from prioritisation.scenarios.text import (
    audit_text,
    budget_text,
    compare_text,
    describe,
    listing_frame,
    saved_text,
    scenarios_text,
)


def test_list_and_audit_tables_show_control_characters_escaped(wb, store, monkeypatch):
    import re

    from prioritisation.scenarios import scenario

    set_language("en")
    # names an older client let through (today's save refuses them): still shown escaped
    monkeypatch.setattr(scenario, "_CONTROL", re.compile(r"(?!x)x"))
    store.save(make_scenario(wb, "Basis\x1b[2J", "An\x07x", note="x\u202ey"))
    store.save(make_scenario(wb, "Basis\x1b[2J", "Bart", weights="innovation=60"))
    scenarios = store.list()
    frame = listing_frame(scenarios, wb.sha256)
    assert list(frame.columns)[:3] == ["name", "version", "author"] and len(frame.columns) == 8
    assert frame["name"].tolist() == ["Basis\x1b[2J"] * 2  # the frame keeps the data
    text = scenarios_text(scenarios, wb.sha256, store.display)
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
    assert "Basis\\x1b[2J" in text and "An\\x07x" in text and "x\\u202ey" in text
    log = audit_text(store.audit(), wb.criterion_labels(), store.display)
    assert "\x1b" not in log and "Basis\\x1b[2J v2" in log
    assert "weight Innovation value: 30.0 % → " in log


def test_empty_store_says_so(wb, store):
    set_language("en")
    assert store.display in scenarios_text([], wb.sha256, store.display)
    assert store.display in audit_text(store.audit(), {}, store.display)


def test_describe_saved_and_budget(wb, store):
    set_language("en")
    saved = store.save(make_scenario(wb, "Lezen", "Carla", budget="2027=700.000; 2028: 600000",
                                     include="ZOEK", note="strenger"))  # fmt: skip
    text = describe(saved, wb.criterion_labels())
    assert "'Lezen' version 1" in text and "Carla" in text and "Note: strenger" in text
    assert "ZOEK" in text
    assert "2027: €700,000" in budget_text(saved.budget)
    assert "version 1" in saved_text(saved, store.display)


def test_compare_text_in_words(wb, store):
    set_language("nl")
    a = store.save(make_scenario(wb, "A", "An", budget="1.500.000"))
    b = store.save(make_scenario(wb, "B", "Bart", weights="desirability=90",
                                 thresholds="feasibility=3", budget="1.500.000"))  # fmt: skip
    text = compare_text(wb.criterion_labels(), compare(wb, a, b))
    assert "drempel Technische haalbaarheid  —  3,00" in text
    assert "Wenselijkheid            30,0 %  56,2 %  +26,2 %" in text
    assert (
        "Gefinancierd in A: 11 ideeën, €\u00a01.495.000 van €\u00a01.500.000." in text
    )  # in order of priority
