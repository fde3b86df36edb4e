"""The audit trail in data and in words: what changed between two versions of a scenario.

:func:`scenario_changes` lists the entries a save writes (one ``create``/``save`` entry, then
one ``change`` entry per weight, threshold, method, aggregation, budget line, selected idea
and note that differs); :func:`describe_change` says one entry in the user's language.

>>> from prioritisation.data.sample import sample_path
>>> from prioritisation.data.workbook import read_workbook
>>> from prioritisation.scenarios.scenario import make_scenario
>>> wb = read_workbook(sample_path())
>>> a = make_scenario(wb, "A", "An")
>>> b = make_scenario(wb, "A", "Bart", thresholds="feasibility=3")
>>> [describe_change(e, "en", wb.criterion_labels("en")) for e in scenario_changes(a, b)]
['version saved', 'threshold Technical feasibility: — → 3.00']
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from prioritisation.core.i18n import N_, fmt_money, fmt_number, tr
from prioritisation.scenarios.scenario import Scenario
from prioritisation.scenarios.schema import stored_text


def scenario_changes(previous: Scenario | None, new: Scenario) -> list[dict]:
    """Audit entries for saving ``new`` after ``previous`` (``None``: the first version).

    One ``save``/``create`` entry, then one ``change`` entry per weight, threshold, method,
    aggregation, budget line, selected idea and note that differs."""
    entries = [{"action": "create" if previous is None else "save", "field": "version",
                "item": None, "old": None if previous is None else str(previous.version),
                "new": str(new.version)}]  # fmt: skip

    def add(field_, item, old, new_):
        if same_value(old, new_):
            return
        entries.append({"action": "change", "field": field_, "item": item,
                        "old": stored_text(old), "new": stored_text(new_)})  # fmt: skip

    p = previous
    add("method", None, p and p.method, new.method)
    add("aggregate", None, p and p.aggregate, new.aggregate)
    for cid in union(p.weights if p else {}, new.weights):
        add("weight", cid, (p.weights if p else {}).get(cid), new.weights.get(cid))
    for cid in union(p.thresholds if p else {}, new.thresholds):
        add("threshold", cid, (p.thresholds if p else {}).get(cid), new.thresholds.get(cid))
    old_budget = p.budget if p else {"total": None, "per_year": {}}
    add("budget_total", None, old_budget.get("total"), new.budget.get("total"))
    old_years, new_years = old_budget.get("per_year") or {}, new.budget.get("per_year") or {}
    for year in union(old_years, new_years):
        add("budget_year", year, old_years.get(year), new_years.get(year))
    for kind in ("include", "exclude"):
        old_ids = set((p.selection if p else {}).get(kind) or [])
        new_ids = set(new.selection.get(kind) or [])
        for iid in sorted(old_ids | new_ids):
            add(kind, iid, iid in old_ids if p else None, iid in new_ids)
    add("note", None, (p.note if p else None) or None, new.note or None)
    return entries


def union(a: Mapping, b: Mapping) -> list:
    """The keys of ``a`` then those of ``b`` not in ``a``."""
    return list(dict.fromkeys([*a, *b]))


def same_value(a, b) -> bool:
    """Equal, floats to within 1e-12 (a weight read back from JSON is the same weight)."""
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=0, abs_tol=1e-12)
    return a == b


FIELD_NAMES = {
    "method": N_("audit.field.method"),
    "aggregate": N_("audit.field.aggregate"),
    "weight": N_("audit.field.weight"),
    "threshold": N_("audit.field.threshold"),
    "budget_total": N_("audit.field.budget_total"),
    "budget_year": N_("audit.field.budget_year"),
    "include": N_("audit.field.include"),
    "exclude": N_("audit.field.exclude"),
    "note": N_("audit.field.note"),
}


def field_name(field_: str, lang: str | None = None) -> str:
    """The name of an audit or comparison field in words (``weight`` → ``gewicht``); an
    unknown field as written."""
    key = FIELD_NAMES.get(field_)
    return tr(key, lang) if key else str(field_)


def field_label(
    field_: str, item=None, labels: Mapping | None = None, lang: str | None = None
) -> str:
    """``("threshold", "feasibility")`` → ``drempel Technische haalbaarheid`` (nl).

    >>> field_label("threshold", "feasibility", {"feasibility": "Technical feasibility"}, "en")
    'threshold Technical feasibility'
    """
    name = field_name(field_, lang)
    if item is None or (isinstance(item, float) and math.isnan(item)) or item == "":
        return name
    return f"{name} {(labels or {}).get(item, item)}"


def value_text(field_: str, value, lang: str | None = None) -> str:
    """A stored audit or setting value in words: ``46,2 %`` for a weight, ``€ 900.000`` for a
    budget, ``ja``/``nee`` for a selected idea, ``—`` for none."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value == "":
        return "—"
    if field_ in ("include", "exclude"):
        return tr("audit.yes", lang) if str(value) == "True" else tr("audit.no", lang)
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    if field_ == "weight":
        return f"{fmt_number(100 * number, 1, lang)} %"
    if field_ in ("budget_total", "budget_year"):
        return fmt_money(number, lang=lang)
    return fmt_number(number, 2, lang)


def describe_change(entry: Mapping, lang: str | None = None, labels: Mapping | None = None) -> str:
    """One audit entry in words: ``gewicht Innovatiewaarde: 30,0 % → 46,2 %``."""
    field_ = entry.get("field")
    if field_ == "version":
        if entry.get("action") == "create":
            return tr("audit.created", lang)
        return tr("audit.saved", lang)
    old = value_text(field_, entry.get("old"), lang)
    new = value_text(field_, entry.get("new"), lang)
    return f"{field_label(field_, entry.get('item'), labels, lang)}: {old} → {new}"
