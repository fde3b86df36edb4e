"""The roadmap tab ("Meerjarenplan"): the plan over the years within the yearly budgets.

A budget field per year, prefilled with the workbook's yearly budgets and read with
:func:`prioritisation.core.parse.amount` (``600.000``, ``€ 600 000``); "back to the workbook"
puts them back. The plan is :func:`~prioritisation.decisions.roadmap.plan.plan_run` on the
session's run (its weights, funding rule, constraints, and total budget, which binds as well):
what ``prioritisation roadmap`` computes for the same weights and budgets. It is drawn as a
Gantt chart with the spend per year against each budget and a table
(:mod:`prioritisation.app.roadmap_chart`); under "what changes", the plan at the workbook's
yearly budgets is compared with this one in words (:mod:`prioritisation.explain.roadmap_text`).

The member's yearly budgets are part of the run (:attr:`AppState.budget_per_year`), so the
other tabs and the PDF use them too.
"""

from __future__ import annotations

from dataclasses import replace

import ipywidgets as w

from prioritisation.app import views
from prioritisation.app.roadmap_chart import gantt_svg, legend_html, plan_table_html
from prioritisation.app.ui import guarded
from prioritisation.core import parse
from prioritisation.core.errors import UsageError
from prioritisation.core.i18n import fmt_money, fmt_number, get_language, tr
from prioritisation.core.text import escape
from prioritisation.decisions.roadmap.plan import Roadmap, plan_run
from prioritisation.explain.portfolio_text import roadmap_view
from prioritisation.explain.roadmap_text import diff_lines, plan_diff


def amount_text(value: float, lang: str | None = None) -> str:
    """An amount as the budget field shows it, in a form :func:`parse.amount` reads back the
    same in every language: ``700.000`` in Dutch, ``700 000`` in English (where ``700,000``
    would be read as seven hundred).

    >>> amount_text(700000.0, "nl"), amount_text(700000.0, "en"), amount_text(12.5, "nl")
    ('700.000', '700 000', '12,50')
    """
    digits = 0 if float(value).is_integer() else 2
    text = fmt_number(value, digits, "nl")
    if get_language(lang) != "nl":
        text = text.replace(".", " ")
    return text


class RoadmapPanel:
    """The widgets of the roadmap tab; :meth:`render` plans for the run in force."""

    def __init__(self, app):
        self.app = app
        state = app.state
        self.workbook_years: dict[int, float] = dict(state.base.budget.per_year)
        shown = state.budget_per_year or self.workbook_years
        lang = get_language()
        self.inputs: dict[int, w.Text] = {}
        for year, value in shown.items():
            field = w.Text(value=amount_text(value, lang), continuous_update=False,
                           description=tr("road.app.year_budget", lang, year=year),
                           style={"description_width": "initial"},
                           layout=w.Layout(width="240px"))  # fmt: skip
            field.add_class("pw-road-year").add_class(f"pw-road-year-{year}")
            field.observe(lambda change, y=year: self._on_year(y, change), names="value")
            self.inputs[year] = field
        self.reset = w.Button(description=tr("road.app.reset", lang),
                              layout=w.Layout(width="300px")).add_class("pw-road-reset")  # fmt: skip
        self.reset.on_click(self._on_reset)
        self.message = w.HTML().add_class("pw-road-message")
        self.summary = w.HTML().add_class("pw-road-summary")
        self.changes = w.HTML().add_class("pw-road-changes")
        self.chart = w.HTML().add_class("pw-road-chart")
        self.table = w.HTML().add_class("pw-road-table")
        self.plan: Roadmap | None = None  # the plan shown
        self.workbook_plan: Roadmap | None = None  # the plan at the workbook's yearly budgets
        self._key = None
        self._muted = False

    def widget(self) -> w.Widget:
        lang = get_language()
        head = w.HTML(f"<h3>{escape(tr('road.app.title', lang))}</h3>"
                      f"<p class='pw-muted'>{escape(tr('road.app.help', lang))}</p>")  # fmt: skip
        if not self.workbook_years:
            return w.VBox([head, w.HTML(
                f"<p class='pw-note pw-road-none'>{escape(tr('road.app.no_years', lang))}</p>")])  # fmt: skip
        fields = w.HBox(list(self.inputs.values())).add_class("pw-road-fields")
        return w.VBox([
            head, fields, self.reset, self.message, self.summary,
            w.HTML(f"<h3>{escape(tr('road.app.changes_title', lang))}</h3>"), self.changes,
            w.HTML(f"<h3>{escape(tr('road.app.plan_title', lang))}</h3>"), self.chart, self.table,
        ])  # fmt: skip

    # ------------------------------------------------------------------ rendering

    def plans(self) -> tuple[Roadmap, Roadmap] | None:
        """The plan of the run in force and the plan at the workbook's yearly budgets (the
        same run otherwise); None when every weight is 0 or the workbook has no years."""
        state = self.app.state
        run = state.run()
        if run is None or not run.budget.per_year:
            return None
        lang = get_language()
        key = (id(run), lang)
        if self._key != key:
            plan = plan_run(run, lang)
            same = run.budget.per_year == self.workbook_years
            base = plan if same else plan_run(
                replace(run, budget=parse.Budget(run.budget.total, self.workbook_years)), lang)  # fmt: skip
            self.plan, self.workbook_plan, self._key = plan, base, key
        return self.plan, self.workbook_plan

    def render(self) -> None:
        if not self.workbook_years:
            return
        state = self.app.state
        if state.run() is None:
            self.summary.value = self.app.all_zero_html()
            self.changes.value = self.chart.value = self.table.value = ""
            return
        plan, base = self.plans()
        lang, cur = get_language(), state.wb.currency
        total = state.run().budget.total
        cap = (f"<p class='pw-muted pw-road-cap'>{escape(tr('road.app.total', lang, total=fmt_money(total, cur, lang)))}</p>"
               if total is not None else "")  # fmt: skip
        if plan.status == "infeasible":
            self.summary.value = cap + (
                "<p class='pw-box pw-road-infeasible'>"
                + "<br>".join(escape(c) for c in plan.conflicts) + "</p>"
            )  # fmt: skip
            self.changes.value = self.chart.value = self.table.value = ""
            return
        header = roadmap_view(plan)[0]  # the rule, the totals, the other rule: the CLI's words
        self.summary.value = (
            f"<p class='pw-note pw-road-head'>{escape(header[1])}</p>"
            f"<p class='pw-rule'><b>{escape(header[0])}</b></p>"
            + "".join(f"<p class='pw-muted'>{escape(line)}</p>" for line in header[2:])
            + cap
        )
        if base.status == "infeasible":
            lines = [tr("road.app.workbook_infeasible", lang)]
        else:
            lines = diff_lines(plan_diff(base, plan), lang, cur)
        items = "".join(f"<li>{escape(line)}</li>" for line in lines)
        self.changes.value = f"<div role='status'><ul class='pw-road-diff'>{items}</ul></div>"
        changed = plan.years["budget"].to_dict() != self.workbook_years
        self.chart.value = views.chart_html(
            legend_html(plan, changed) + gantt_svg(plan, self.workbook_years if changed else None),
            tr("road.app.chart_title", lang),
        )
        self.table.value = plan_table_html(plan)

    # ------------------------------------------------------------------ callbacks

    def set_year(self, year: int, text: str) -> None:
        """Read one year's budget; a valid amount changes the run (every tab follows), an
        invalid one is said and changes nothing."""
        lang = get_language()
        try:
            value = parse.amount(text)
        except UsageError:
            self.message.value = (f"<p class='pw-box' role='alert'>"
                                  f"{escape(tr('road.app.bad_amount', lang, year=year, value=text))}</p>")  # fmt: skip
            return
        self.message.value = ""
        state = self.app.state
        years = dict(state.budget_per_year or self.workbook_years)
        years[year] = value
        state.budget_per_year = None if years == self.workbook_years else years
        self._show(years)
        self.app.weights_changed()  # the run changed: every tab is stale, this one redrawn

    def _show(self, years: dict[int, float]) -> None:
        """The fields show the amounts in force, written the one way (``600.000``)."""
        lang = get_language()
        self._muted = True
        try:
            for year, field in self.inputs.items():
                field.value = amount_text(years[year], lang)
        finally:
            self._muted = False

    @property
    def status(self) -> w.HTML:  # where :func:`guarded` says that a callback failed
        return self.app.status

    @guarded
    def _on_year(self, year: int, change) -> None:
        if not self._muted:
            self.set_year(year, change["new"])

    @guarded
    def _on_reset(self, _button) -> None:
        self.message.value = ""
        self.app.state.budget_per_year = None
        self._show(self.workbook_years)
        self.app.weights_changed()
