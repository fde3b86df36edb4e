"""The typed workbook, and the names a workbook's settings may use."""

from __future__ import annotations

from prioritisation.core.model import AGGREGATIONS, METHOD_NAMES
from prioritisation.data.sample import sample_workbook
from prioritisation.engine.methods import METHODS


def test_the_method_names_a_workbook_may_name_are_the_registered_methods():
    """The validator (data layer) cannot import the engine; this keeps its list honest."""
    assert set(METHOD_NAMES) == set(METHODS) and list(METHOD_NAMES) == sorted(METHOD_NAMES)
    assert "mean" in AGGREGATIONS


def test_workbook_properties():
    wb = sample_workbook()
    assert wb.criterion_ids == ["innovation", "desirability", "viability", "feasibility"]
    assert wb.idea_ids[0] == "ZOEK" and len(wb.assessors) == 7
    assert wb.language == "nl" and wb.currency == "EUR" and wb.title.startswith("Innovatieagenda")
    assert abs(wb.weights().sum() - 1) < 1e-12
    assert wb.criterion_labels("en")["viability"] == "Financial viability"
    assert wb.criterion_labels("nl")["viability"] == "Financiële leefbaarheid"
