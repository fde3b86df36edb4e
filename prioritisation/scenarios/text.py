"""Scenarios, their comparison and the audit log as terminal text.

Pure functions from stored scenarios, a :class:`~prioritisation.scenarios.compare.Comparison`
or the audit frame to the text (or the table frame) that ``scenario`` and ``audit`` print.
Tables go through :func:`prioritisation.core.text.text_table` and every text through the
commands' ``emit``, both of which show the control characters a member may have typed into a
name, an author or a note instead of obeying them.

>>> from prioritisation.data.sample import sample_path
>>> from prioritisation.data.workbook import read_workbook
>>> from prioritisation.scenarios.scenario import make_scenario
>>> from prioritisation.core.i18n import set_language
>>> set_language("en")
>>> wb = read_workbook(sample_path())
>>> print(describe(make_scenario(wb, "Basis", "An", budget="1.500.000"), wb.criterion_labels()))
... # doctest: +ELLIPSIS
Scenario 'Basis' version None — An,
Method wsm, aggregation mean; budget €1,500,000
Innovation value 30%, Desirability 30%, Financial viability 20%, Technical feasibility 20%
Thresholds: Innovation value ≥ 2.00, Financial viability ≥ 2.00
>>> set_language(None)
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from prioritisation.core.i18n import (
    fmt_date,
    fmt_money,
    fmt_number,
    fmt_percent,
    percent_shares,
    tr,
)
from prioritisation.core.text import text_table, weights_line
from prioritisation.scenarios.audit import describe_change, value_text
from prioritisation.scenarios.scenario import Scenario


def when(scenario: Scenario) -> str:
    """When a version was saved, ``27/11/2026 17:03 UTC`` (empty before it is saved)."""
    return fmt_date(scenario.created, time=True)


def budget_text(budget: Mapping) -> str:
    """A scenario's budget: ``€ 1.500.000 (2027: € 700.000, …)``, or ``geen``."""
    total = budget.get("total")
    text = fmt_money(total) if total is not None else tr("none")
    years = budget.get("per_year") or {}
    if years:
        text += " (" + ", ".join(f"{y}: {fmt_money(v)}" for y, v in years.items()) + ")"
    return text


def describe(scenario: Scenario, labels: Mapping | None = None) -> str:
    """A scenario's settings in a few lines of plain words."""
    thresholds = ", ".join(f"{(labels or {}).get(c, c)} ≥ {fmt_number(v, 2)}"
                           for c, v in scenario.thresholds.items() if v is not None)  # fmt: skip
    lines = [
        tr("scenario.header", None, name=scenario.name, version=scenario.version,
           author=scenario.author, created=when(scenario)),
        tr("scenario.settings", None, method=scenario.method, aggregate=scenario.aggregate,
           budget=budget_text(scenario.budget)),
        weights_line(scenario.weights, labels),
        tr("scenario.thresholds", None, thresholds=thresholds or tr("none")),
    ]  # fmt: skip
    sel = scenario.selection
    if sel.get("include") or sel.get("exclude"):
        lines.append(tr("scenario.selection", None,
                        include=", ".join(sel.get("include") or []) or "—",
                        exclude=", ".join(sel.get("exclude") or []) or "—"))  # fmt: skip
    if scenario.note:
        lines.append(tr("scenario.note", None, note=scenario.note))
    return "\n".join(lines)


def saved_text(scenario: Scenario, store: str) -> str:
    """The line ``scenario save`` prints: which version was saved by whom, in which store."""
    return tr("scenario.saved", None, name=scenario.name, version=scenario.version,
              author=scenario.author, created=when(scenario), store=store)  # fmt: skip


def listing_frame(scenarios: list[Scenario], current_sha256: str | None) -> pd.DataFrame:
    """The table ``scenario list`` prints: one row per version; whether it was made on this
    workbook (``current_sha256``) or another version of it."""
    return pd.DataFrame({
        tr("col.name"): [s.name for s in scenarios],
        tr("col.version"): [s.version for s in scenarios],
        tr("col.author"): [s.author for s in scenarios],
        tr("col.created"): [when(s) for s in scenarios],
        tr("col.method"): [f"{s.method}/{s.aggregate}" for s in scenarios],
        tr("col.weights"): [weights_line(s.weights) for s in scenarios],
        tr("col.workbook"): [tr("workbook.this") if s.workbook_sha256 == current_sha256
                             else tr("workbook.other") for s in scenarios],
        tr("col.note"): [s.note for s in scenarios],
    })  # fmt: skip


def scenarios_text(scenarios: list[Scenario], current_sha256: str | None, store: str) -> str:
    """What ``scenario list`` prints: the table of :func:`listing_frame`, or that the store
    holds none."""
    if not scenarios:
        return tr("scenario.none", None, store=store)
    return text_table(listing_frame(scenarios, current_sha256), max_width=60)


def audit_frame(audit: pd.DataFrame, labels: Mapping | None = None) -> pd.DataFrame:
    """The audit log as the table ``audit`` prints: when, who, which scenario version, what
    changed in words. ``audit``: :meth:`~prioritisation.scenarios.db.ScenarioStore.audit`."""
    return pd.DataFrame({
        tr("col.when"): [fmt_date(at, time=True) for at in audit["at"]],
        tr("col.who"): audit["actor"],
        tr("col.scenario"): [f"{s} v{v}" if s and not pd.isna(v) else (s or "")
                             for s, v in zip(audit["scenario"], audit["version"], strict=True)],
        tr("col.what"): [describe_change(e, labels=labels) for e in audit.to_dict("records")],
    })  # fmt: skip


def audit_text(audit: pd.DataFrame, labels: Mapping | None, store: str) -> str:
    """What ``audit`` prints: the table of :func:`audit_frame`, or that the log is empty."""
    if audit.empty:
        return tr("audit.empty", None, store=store)
    return text_table(audit_frame(audit, labels), max_width=70)


def _side(scenario: Scenario) -> str:
    return f"{scenario.label} ({scenario.author}, {when(scenario)})"


def _setting_value(field_: str, value) -> str:
    return (
        value_text(field_, value, None) if field_ not in ("include", "exclude") else (value or "—")
    )


def compare_text(labels: Mapping, result) -> str:
    """What ``scenario compare`` prints: the settings that differ, the weights, the ranks that
    moved and the funded sets side by side. ``result``:
    :class:`~prioritisation.scenarios.compare.Comparison`."""
    out = [tr("compare.header", None, a=_side(result.a), b=_side(result.b))]
    if result.workbook_differs:
        names = ", ".join(result.workbook_differs)
        out.append(tr("scenario.other_workbook", None, names=names))
    changed = result.settings[result.settings["changed"]]
    if len(changed):
        out += ["", tr("compare.settings")]
        frame = pd.DataFrame({
            tr("col.setting"): changed["label"],
            "A": [_setting_value(f, v) for f, v in zip(changed["field"], changed["a"], strict=True)],
            "B": [_setting_value(f, v) for f, v in zip(changed["field"], changed["b"], strict=True)],
        })  # fmt: skip
        out.append(text_table(frame))
    else:
        out += ["", tr("compare.same_settings")]
    w = result.weights
    a, b = percent_shares(w["a"], 1), percent_shares(w["b"], 1)  # each adds up to 100 %
    frame = pd.DataFrame({
        tr("col.criterion"): [labels.get(c, c) for c in w.index],
        "A": [fmt_percent(v / 100, 1) for v in a],
        "B": [fmt_percent(v / 100, 1) for v in b],
        tr("col.difference"): [f"{'+' if y > x else ''}{fmt_percent((y - x) / 100, 1)}"
                               for x, y in zip(a, b, strict=True)],
    })  # fmt: skip
    out += ["", tr("compare.weights"), text_table(frame)]
    r = result.ranking
    frame = pd.DataFrame({
        tr("col.id"): r.index, tr("col.title"): r["title"],
        "A": r["rank_a"], "B": r["rank_b"],
        tr("col.moved"): [("" if pd.isna(m) else f"{'+' if m > 0 else ''}{m}") if i in result.moved
                          else "" for i, m in zip(r.index, r["moved"], strict=True)],
        tr("col.score") + " A": r["score_a"].map(lambda v: fmt_number(v, 3)),
        tr("col.score") + " B": r["score_b"].map(lambda v: fmt_number(v, 3)),
    })  # fmt: skip
    out += ["", tr("compare.ranking", None, n=len(result.moved)), text_table(frame, max_width=50)]
    if result.funded is None:
        out += ["", tr("compare.no_budget")]
        return "\n".join(out)
    for side, portfolio in (("A", result.portfolio_a), ("B", result.portfolio_b)):
        out.append("")
        out.append(tr("compare.funded_total", None, side=side, n=len(portfolio.selected),
                      cost=fmt_money(portfolio.total_cost), budget=fmt_money(portfolio.budget)))  # fmt: skip
        if portfolio.status == "infeasible":
            out += [f"  - {c}" for c in portfolio.conflicts]
    f = result.funded
    changed = f[f["changed"]]
    if len(changed):
        out += ["", tr("compare.funded_changed", None, n=len(changed))]
        frame = pd.DataFrame({
            tr("col.id"): changed.index, tr("col.title"): changed["title"],
            tr("col.cost"): changed["cost"].map(fmt_money),
            "A": [tr("compare.in") if x else tr("compare.out") for x in changed["funded_a"]],
            "B": [tr("compare.in") if x else tr("compare.out") for x in changed["funded_b"]],
            tr("col.reason") + " B": changed["reason_b"],
        })  # fmt: skip
        out.append(text_table(frame, max_width=60))
    else:
        out += ["", tr("compare.funded_same")]
    return "\n".join(out)
