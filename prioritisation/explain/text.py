"""Results as terminal text: a ranking, the weights and their schemes, a round of returned forms.

Pure functions from a result object to the text (or the table frame) a command prints; no
option parsing, no files. Tables go through :func:`prioritisation.core.text.text_table`, which
shows control characters instead of obeying them. (Scenarios, comparisons and the audit log
are said in :mod:`prioritisation.scenarios.text`, beside the words of the audit.)
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from prioritisation.core.i18n import N_, fmt_number, fmt_percent, fmt_shares, tr
from prioritisation.core.text import text_table, weights_line
from prioritisation.engine.scoring import Ranking, aggregate_label, method_label

# The weight schemes in words, for the headings of the weights table.
SCHEMES = {"equal": N_("scheme.equal"), "roc": N_("scheme.roc"), "swing": N_("scheme.swing"),
           "ahp": N_("scheme.ahp")}  # fmt: skip


def ranking_frame(ranking: Ranking) -> pd.DataFrame:
    """The ranking as the table ``rank`` prints: rank, id, title, theme, score, reason."""
    t = ranking.table
    return pd.DataFrame(
        {
            tr("col.rank"): t["rank"].astype("Int64"),
            tr("col.id"): t.index,
            tr("col.title"): t["title"],
            tr("col.theme"): t["theme"],
            tr("col.score"): t["score"].map(lambda v: fmt_number(v, 3)),
            tr("col.reason"): [
                "; ".join(r) if r else ("" if e else tr("rank.not_eligible"))
                for r, e in zip(t["reasons"], t["eligible"], strict=True)
            ],
        }
    )


def ranking_text(ranking: Ranking) -> str:
    """A header in words (method, aggregation, weights) and the ranking table.

    >>> from prioritisation.data.sample import sample_path
    >>> from prioritisation.data.workbook import read_workbook
    >>> from prioritisation.engine.scoring import rank
    >>> from prioritisation.core.i18n import set_language
    >>> set_language("en")
    >>> print(ranking_text(rank(read_workbook(sample_path()))))  # doctest: +ELLIPSIS
    Ranking: weighted sum (WSM), the mean of the assessors' scores; weights: Innovation value 30%, ...
    <BLANKLINE>
    rank  id  ...
    ----  ...
       1  ELOKET  ...
    ...
    >>> set_language(None)
    """
    header = tr("rank.header", None, method=method_label(ranking.method),
                aggregate=aggregate_label(ranking.aggregate),
                weights=weights_line(ranking.weights, ranking.labels))  # fmt: skip
    return header + "\n\n" + text_table(ranking_frame(ranking), max_width=60)


def weights_frame(labels: Mapping[str, str], report: Mapping) -> pd.DataFrame:
    """The weights in force beside each scheme's, one row per criterion; headings in words."""
    ids = list(report["weights"])
    in_force = fmt_shares(report["weights"], 1)  # each column adds up to 100 %
    columns = {tr("weights.criterion"): [labels.get(c, c) for c in ids],
               tr("weights.in_force"): [in_force[c] for c in ids]}  # fmt: skip
    for scheme, weights in report["schemes"].items():
        heading = tr(SCHEMES[scheme]) if scheme in SCHEMES else scheme
        shares = fmt_shares({c: weights[c] for c in ids}, 1)
        columns[heading] = [shares[c] for c in ids]
    return pd.DataFrame(columns)


def weights_text(labels: Mapping[str, str], report: Mapping) -> str:
    """What ``weights`` prints: the table of :func:`weights_frame`, then AHP consistency (the
    group's, each member's, who was left out, the random index used).

    ``report``: :func:`prioritisation.engine.weights.weights_report`.
    """
    lines = [text_table(weights_frame(labels, report)), ""]
    ahp = report.get("ahp")
    if ahp is None:
        lines.append(tr("weights.no_ahp"))
        return "\n".join(lines)

    def flag(r):
        text = "" if r["consistent"] else tr("weights.inconsistent")
        return text + (tr("weights.incomplete", None, n=len(r["missing"])) if r["missing"] else "")

    lines.append(tr("weights.group_cr", None, n=len(ahp["members"]),
                    cr=fmt_number(ahp["consistency_ratio"], 3), flag=flag(ahp)))  # fmt: skip
    for name, r in ahp["members"].items():
        lines.append(tr("weights.member_cr", None, name=name,
                        cr=fmt_number(r["consistency_ratio"], 3), flag=flag(r)))  # fmt: skip
    for name in ahp["excluded_members"]:
        lines.append(tr("weights.excluded", None, name=name))
    n = len(report["weights"])
    ri = fmt_number(ahp["random_index"]["table"].get(str(n), 1.49), 2)
    lines.append(tr("weights.ri", None, n=n, ri=ri))
    return "\n".join(lines)


def collect_frame(result) -> pd.DataFrame:
    """One row per returned form: who, how complete, what it adds or changes, its problems.

    ``result``: :class:`prioritisation.data.collect.Collected`."""
    report = result.report()
    return pd.DataFrame({
        tr("col.assessor"): report["assessor"].fillna("?"),
        tr("col.form"): report["form"],
        tr("col.filled"): [f"{f}/{e} ({fmt_percent(c)})" for f, e, c in
                           zip(report["filled"], report["expected"], report["complete"], strict=True)],
        tr("col.new"): report["new"], tr("col.changed"): report["changed"],
        tr("col.unchanged"): report["unchanged"], tr("col.duplicates"): report["duplicates"],
        tr("col.problems"): report["problems"],
        tr("col.missing"): report["missing"].map(lambda m: m.replace("; ", ", ")),
    })  # fmt: skip


def collect_text(result, out, backup) -> str:
    """What ``collect`` prints: the forms' table, the scores that change, what was written
    (``out``, and the ``backup`` of the workbook when it was updated in place)."""
    lines = [tr("collect.report"), text_table(collect_frame(result), max_width=50)]
    for f in result.forms:
        if f.workbook_differs:
            lines.append(tr("collect.other_workbook", None, form=f.name))
    changed = result.changes.dropna(subset=["old"])
    if len(changed):
        lines += ["", tr("collect.changes")]
        lines += [f"  {r.assessor}, {r.idea_id}, {r.criterion_id}: {fmt_number(r.old, 1)} → "
                  f"{fmt_number(r.new, 1)} ({r.form} {tr('loc.row', None, row=r.row)})"
                  for r in changed.itertuples()]  # fmt: skip
    if result.ok:
        new = int(result.changes["old"].isna().sum())
        lines += ["", tr("collect.written", None, path=out, new=new, changed=len(changed))]
        if backup:
            lines.append(tr("collect.backup", None, path=backup))
    return "\n".join(lines)
