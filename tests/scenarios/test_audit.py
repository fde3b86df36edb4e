"""The audit trail: what a save records, and each entry in words
(prioritisation/scenarios/audit.py)."""

from __future__ import annotations

import pytest

from prioritisation.scenarios.audit import describe_change, field_label
from prioritisation.scenarios.compare import compare
from prioritisation.scenarios.scenario import make_scenario


def test_audit_records_who_changed_what(wb, store):
    store.save(make_scenario(wb, "A", "An"))
    store.save(make_scenario(wb, "A", "Bart", weights="innovation=60", thresholds="feasibility=3",
                             include="ZOEK"))  # fmt: skip
    store.log("Carla", "include", "LEESCLUB", False, True, scenario="A")
    audit = store.audit()
    assert list(audit.columns[:9]) == ["at", "actor", "action", "scenario", "version", "field",
                                       "item", "old", "new"]  # fmt: skip
    second = audit[audit["version"] == 2]
    assert second.iloc[0]["action"] == "save" and second.iloc[0]["actor"] == "Bart"
    changes = {
        (r.field, r.item): (r.old, r.new) for r in second.itertuples() if r.action == "change"
    }
    assert changes[("weight", "innovation")][0] == "0.3"
    assert float(changes[("weight", "innovation")][1]) == pytest.approx(60 / 130)
    assert changes[("threshold", "feasibility")] == (None, "3.0")
    assert changes[("include", "ZOEK")] == ("False", "True")
    assert ("method", None) not in changes  # unchanged settings are not logged
    last = audit.iloc[-1]
    assert (last["actor"], last["action"], last["item"]) == ("Carla", "log", "LEESCLUB")
    assert audit["at"].tolist() == sorted(audit["at"].tolist())


def test_audit_and_settings_in_plain_words(wb, store):
    store.save(make_scenario(wb, "A", "An"))
    store.save(make_scenario(wb, "A", "Bart", weights="innovation=60", thresholds="feasibility=3",
                             budget=900000, include="ZOEK"))  # fmt: skip
    labels = wb.criterion_labels()
    texts = [describe_change(e, labels=labels) for e in store.audit().to_dict("records")]
    assert texts[0] == "aangemaakt"
    assert "gewicht Innovatiewaarde: 30,0 % → 46,2 %" in texts
    assert "drempel Technische haalbaarheid: — → 3,00" in texts
    assert "budget: €\u00a01.500.000 → €\u00a0900.000" in texts
    assert "verplicht opgenomen ZOEK: nee → ja" in texts
    english = [describe_change(e, "en", labels=wb.criterion_labels("en"))
               for e in store.audit().to_dict("records")]  # fmt: skip
    assert "weight Innovation value: 30.0 % → 46.2 %" in english
    settings = compare(wb, store.get("A", 1), store.get("A"), lang="en").settings.set_index(
        "setting"
    )
    assert settings.loc["threshold feasibility", "label"] == "threshold Technical feasibility"
    assert settings.loc["threshold feasibility", "changed"]
    assert not settings.loc["method", "changed"]


def test_field_labels_in_both_languages():
    labels = {"feasibility": "Technische haalbaarheid"}
    assert (
        field_label("threshold", "feasibility", labels, "nl") == "drempel Technische haalbaarheid"
    )
    assert field_label("weight", None, None, "en") == "weight"
    assert field_label("include", "ZOEK", None, "nl") == "verplicht opgenomen ZOEK"
    assert field_label("something_else") == "something_else"
