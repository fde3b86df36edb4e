"""What the portfolio, roadmap and frontier commands print, as lines and tables (no file, no
terminal): shared by the commands so that each says the same thing the same way.

Every view starts with the rule that chose the set ("Regel: in volgorde van prioriteit"), the
summary line, and what the other rule would fund instead, in one sentence with numbers; theme
minimums the walk did not reach follow in words. The tables are
:class:`pandas.DataFrame` objects with headings in the result's language; the commands lay
them out.

>>> from prioritisation.data.sample import sample_path
>>> from prioritisation.data.workbook import read_workbook
>>> from prioritisation.decisions.portfolio.selection import select_portfolio
>>> p = select_portfolio(read_workbook(sample_path()), "1.500.000", lang="en")
>>> print("\\n".join(rule_lines(p)))
Rule: in order of priority
With the largest total score, DATA, ERFGOED, LAPTOP, SCHOOL, REGIO would be funded and ZOEK,
PODIUM would drop out; the total score rises by 1.64.
"""

from __future__ import annotations

import pandas as pd

from prioritisation.core.i18n import fmt_money, fmt_number, tr
from prioritisation.decisions.portfolio.rules import rule_name
from prioritisation.decisions.smaa import fmt_estimate


def status_text(status: str, lang) -> str:
    """``funded`` / ``not funded`` in words."""
    return tr("status.funded", lang) if status == "funded" else tr("status.not_funded", lang)


def rule_lines(result) -> list[str]:
    """The rule that chose the set, what the other rule would do instead, and theme minimums
    not reached (a :class:`~prioritisation.decisions.portfolio.selection.Portfolio` or a
    :class:`~prioritisation.decisions.roadmap.plan.Roadmap`)."""
    lang = result.lang
    lines = [tr("rule.header", lang, rule=rule_name(result.rule, lang))]
    if result.alternative is not None and result.status != "infeasible":
        lines.append(result.alternative.text)
    lines += list(getattr(result, "shortfalls", ()))
    return lines


def solve_status(result) -> str:
    """How the set was found: walked in order of priority, proven optimal, or not proven."""
    lang = result.lang
    if result.rule == "priority":
        return tr("portfolio.complete", lang)
    if result.optimal:
        return tr("portfolio.optimal", lang)
    return tr("portfolio.not_optimal", lang, status=result.status, gap=result.gap)


def portfolio_view(portfolio, explanation, probability=None) -> tuple[list[str], pd.DataFrame]:
    """Header lines and the table of ``portfolio`` command's text output."""
    lang, cur = portfolio.lang, portfolio.currency
    t = explanation.table
    columns = {
        tr("col.status", lang): t["status"].map(lambda s: status_text(s, lang)),
        tr("col.rank", lang): t["rank"].astype("Int64"),
        tr("col.id", lang): t.index,
        tr("col.title", lang): t["title"],
        tr("col.cost", lang): t["cost"].map(lambda v: fmt_money(v, cur, lang)),
        tr("col.score", lang): t["score"].map(lambda v: fmt_number(v, 3, lang)),
    }  # fmt: skip
    if probability is not None:
        pt = probability.table.reindex(t.index)
        columns[tr("col.p_funded", lang)] = [
            fmt_estimate(p, se, lang)
            for p, se in zip(pt["p_funded"], pt["p_funded_se"], strict=True)
        ]
    columns[tr("col.reason", lang)] = t["explanation"]
    header = tr(
        "portfolio.header", lang, budget=fmt_money(portfolio.budget, cur, lang),
        count=len(portfolio.selected), cost=fmt_money(portfolio.total_cost, cur, lang),
        remaining=fmt_money(portfolio.remaining, cur, lang),
        value=fmt_number(portfolio.total_value, 3, lang), status=solve_status(portfolio),
    )  # fmt: skip
    lines = rule_lines(portfolio)
    return [lines[0], header, *lines[1:]], pd.DataFrame(columns)


def roadmap_view(roadmap) -> tuple[list[str], pd.DataFrame, pd.DataFrame]:
    """Header lines, the table of years and the plan of ``roadmap`` command's text output."""
    lang, cur = roadmap.lang, roadmap.currency
    t = roadmap.table

    def money(v):
        return fmt_money(v, cur, lang)

    plan = pd.DataFrame({
        tr("col.status", lang): t["status"].map(lambda s: status_text(s, lang)),
        tr("col.id", lang): t.index, tr("col.title", lang): t["title"],
        tr("col.start", lang): t["start"], tr("col.end", lang): t["end"],
        tr("col.per_year", lang): t["per_year"].map(money),
        tr("col.score", lang): t["score"].map(lambda v: fmt_number(v, 3, lang)),
        tr("col.reason", lang): t["reason"],
    })  # fmt: skip
    y = roadmap.years
    years = pd.DataFrame({
        tr("col.year", lang): y.index.astype(str), tr("col.budget", lang): y["budget"].map(money),
        tr("col.spend", lang): y["spend"].map(money), tr("col.left", lang): y["remaining"].map(money),
        tr("col.running", lang): y["running"].map(", ".join),
    })  # fmt: skip
    header = tr(
        "roadmap.header", lang, years=", ".join(f"{yr} {money(b)}" for yr, b in y["budget"].items()),
        count=len(roadmap.selected), cost=money(roadmap.total_cost),
        value=fmt_number(roadmap.total_value, 3, lang), status=solve_status(roadmap),
    )  # fmt: skip
    lines = rule_lines(roadmap)
    return [lines[0], header, *lines[1:]], years, plan


def frontier_view(frontier) -> tuple[list[str], pd.DataFrame]:
    """The rule line and the table of ``frontier`` command's text output."""
    lang, cur = frontier.lang, frontier.currency
    p = frontier.points
    frame = pd.DataFrame({
        tr("col.budget", lang): p["budget"].map(lambda v: fmt_money(v, cur, lang)),
        tr("col.value", lang): p["value"].map(lambda v: fmt_number(v, 3, lang)),
        tr("col.count", lang): p["count"],
        tr("col.entering", lang): p["entering"].map(", ".join),
        tr("col.leaving", lang): p["leaving"].map(", ".join),
    })  # fmt: skip
    return [tr("rule.header", lang, rule=rule_name(frontier.rule, lang))], frame
