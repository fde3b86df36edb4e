"""The budget part of the "value and cost" tab: which ideas the budget funds, and why not others.

Uses the portfolio engine on the session's run
(:func:`~prioritisation.decisions.portfolio.selection.select_run`: the run's budget — the
slider sets its total, the workbook's yearly budgets keep binding — its funding rule and
constraints, as the CLI and the report; under the funded set, the rule that chose it and
what the other rule would fund instead, in the CLI's words), and
:func:`~prioritisation.explain.funding.explain_portfolio` on demand for "what would it take".
"""

from __future__ import annotations

import math
import sys
import threading

import ipywidgets as w
import numpy as np

from prioritisation.app import views
from prioritisation.core.errors import UsageError
from prioritisation.core.i18n import fmt_money, get_language, tr
from prioritisation.core.text import escape
from prioritisation.explain.portfolio_text import rule_lines

BELOW = 6  # ideas shown just below the line


def budget_step(total: float) -> int:
    for step in (1_000, 5_000, 10_000, 50_000, 100_000):
        if total / step <= 400:
            return step
    return 500_000


class BudgetPanel:
    def __init__(self, app):
        self.app = app
        state = app.state
        wb = state.wb
        costs = wb.ideas["cost"].where(state.prepared.eligible)
        total = float(np.nansum(costs.to_numpy(float)))
        self.available = total > 0
        step = budget_step(total or 1.0)
        top = int(math.ceil((total or 1.0) / step) * step)
        default = self._default_budget(top)
        top = max(top, default)
        self.slider = w.IntSlider(value=default, min=0, max=top, step=step,
                                  continuous_update=False, readout=False,
                                  description=tr("budget.title"),
                                  layout=w.Layout(width="420px"))  # fmt: skip
        self.slider.add_class("pw-budget")
        if state.base.budget.empty:  # the workbook names no budget: the slider's is the run's
            state.budget_total = float(default)
        self.amount = w.HTML().add_class("pw-budget-amount")
        self.summary = w.HTML().add_class("pw-budget-summary")
        self.funded = w.HTML().add_class("pw-budget-funded")
        self.below = w.HTML().add_class("pw-budget-below")
        self.why = w.Button(description=tr("budget.why"), layout=w.Layout(width="320px"))
        self.why.add_class("pw-budget-why")
        self.explained = w.HTML().add_class("pw-budget-explained")
        self.portfolio = None
        self._busy = False
        self.slider.observe(self._on_budget, names="value")
        self.why.on_click(self._on_why)

    def _default_budget(self, top: int) -> int:
        """The run's budget (the workbook's total, else the sum of its yearly budgets), else
        half of what could be funded."""
        from prioritisation.decisions.portfolio.options import total_budget

        try:
            return int(round(total_budget(self.app.state.base)))
        except UsageError:  # no budget in the workbook
            return top // 2

    def head(self) -> w.Widget:
        """Above the chart: the budget slider, what it funds."""
        if not self.available:
            return w.HTML(f"<p class='pw-note'>{escape(tr('value.no_cost'))}</p>")
        return w.VBox([
            w.HTML(f"<h3>{escape(tr('budget.title'))}</h3>"
                   f"<p class='pw-muted'>{escape(tr('budget.help'))}</p>"),
            w.HBox([self.slider, self.amount]).add_class("pw-budget-row"), self.summary,
            self.funded,
        ])  # fmt: skip

    def tail(self) -> w.Widget:
        """Below the chart: the ideas just below the line, why, and what would fund them."""
        if not self.available:
            return w.VBox([])
        return w.VBox([self.below, self.why, self.explained])

    # ------------------------------------------------------------------ rendering

    def render(self) -> set[str]:
        """Select for the current weights and budget; the funded ids (for the chart)."""
        from prioritisation.decisions.portfolio.selection import select_run

        self.explained.value = ""
        state = self.app.state
        run = state.run()
        lang = get_language()
        currency = state.wb.currency
        self.amount.value = f"<b>{escape(fmt_money(self.slider.value, currency, lang))}</b>"
        if run is None or not self.available:
            self.portfolio = None
            self.summary.value = self.below.value = self.funded.value = ""
            return set()
        p = select_run(run, lang)
        self.portfolio = p
        if p.status == "infeasible":
            self.summary.value = (
                "<p class='pw-box'>" + "<br>".join(escape(c) for c in p.conflicts) + "</p>"
            )
            self.below.value = self.funded.value = ""
            return set()
        self.summary.value = (
            "<p class='pw-note'>"
            + escape(
                tr(
                    "budget.summary",
                    lang,
                    n=len(p.selected),
                    cost=fmt_money(p.total_cost, currency, lang),
                    budget=fmt_money(p.budget, currency, lang),
                    rest=fmt_money(p.remaining, currency, lang),
                )
            )  # fmt: skip
            + "</p>"
        )
        t = p.table
        funded = t[t["funded"]]
        below = t[~t["funded"] & t["eligible"]].head(BELOW)
        names = ", ".join(
            f"<span class='pw-id' title='{escape(r['title'])}'>{escape(i)}</span>"
            for i, r in funded.iterrows()
        )
        rule, *others = rule_lines(p)  # the rule that chose the set, and the other rule's set
        self.funded.value = (
            f"<p class='pw-funded-list'><b>{escape(tr('budget.funded', lang))}:</b> {names}</p>"
            f"<p class='pw-rule'><b>{escape(rule)}</b></p>"
            + "".join(f"<p class='pw-muted'>{escape(line)}</p>" for line in others)
        )
        self.below.value = (
            self._table(below, tr("budget.below", lang), lang, currency) if len(below) else ""
        )
        return set(p.selected)

    def _table(self, rows, title, lang, currency) -> str:
        head = (f"<th class='num'>{escape(tr('app.col.rank', lang))}</th><th>{escape(tr('app.col.idea', lang))}</th>"
                f"<th class='num'>{escape(tr('app.col.score', lang))}</th>"
                f"<th class='num'>{escape(tr('app.col.cost', lang))}</th>"
                f"<th>{escape(tr('app.col.reason', lang))}</th>")  # fmt: skip
        body = "".join(
            f"<tr data-id='{escape(i)}'><td class='num'>{'' if np.isnan(r['rank']) else int(r['rank'])}</td>"
            f"<td><span class='pw-id'>{escape(i)}</span> {escape(r['title'])}</td>"
            f"<td class='num'>{views.fmt_score(float(r['score']), lang)}</td>"
            f"<td class='num'>{escape(fmt_money(r['cost'], currency, lang))}</td>"
            + f"<td>{escape(r['reason'])}</td></tr>"
            for i, r in rows.iterrows()
        )
        table = (f"<table class='pw-table pw-below'><thead><tr>{head}</tr></thead>"
                 f"<tbody>{body}</tbody></table>")  # fmt: skip
        return f"<h3>{escape(title)}</h3>" + views.scroll_x(table, title)

    # ------------------------------------------------------------------ callbacks

    def _on_budget(self, change) -> None:
        self.app.state.budget_total = float(change["new"])
        self.app.stale.add("roadmap")  # the total budget binds the roadmap as well
        self.app.render_value()

    def _on_why(self, _button) -> None:
        """Explain in a background thread: with many ideas it takes seconds, and the sliders
        must keep working meanwhile. A result for a portfolio that changed meanwhile is dropped."""
        if self.portfolio is None or self.portfolio.status == "infeasible" or self._busy:
            return
        self._busy = True
        self.why.disabled = True
        self.explained.value = f"<p class='pw-muted'>{escape(tr('app.loading'))}</p>"
        threading.Thread(target=self._explain, args=(self.portfolio,), daemon=True).start()

    def _explain(self, portfolio) -> None:
        from prioritisation.explain.funding import explain_portfolio

        try:
            explanation = explain_portfolio(portfolio, hints=3)
            t = portfolio.table
            ids = list(t[~t["funded"] & t["eligible"]].head(BELOW).index)
            items = "".join(
                f"<li><b>{escape(i)}</b> {escape(t.at[i, 'title'])}: {escape(explanation.why(i))}</li>"
                for i in ids
            )
            if portfolio is self.portfolio:
                self.explained.value = f"<ul class='pw-explained'>{items}</ul>" if items else ""
        except Exception as exc:  # noqa: BLE001 - one plain line, never a traceback
            print(f"prioritisation app (explain): {type(exc).__name__}: {exc}", file=sys.stderr)
            self.explained.value = (
                f"<p class='pw-box'>{escape(tr('app.error', None, error=type(exc).__name__))}</p>"
            )
        finally:
            self._busy = False
            self.why.disabled = False
