"""Results as spreadsheet sheets: the Excel file members take away from ``rank`` and the app.

One builder for one file: ``prioritisation rank --format xlsx`` and the app's Excel download
both write :func:`ranking_sheets` with :func:`ranking_formats`. Sheet names and headings are in
the language in force (Dutch by default); numbers stay numbers, with number formats that a
spreadsheet shows in its own locale (``€ 1.500.000`` and ``0,412`` in a Dutch Excel).
"""

from __future__ import annotations

import pandas as pd

from prioritisation.core.i18n import tr
from prioritisation.engine.scoring import Ranking

MONEY = '"€" #,##0'
SCORE = "0.000"
SHARE = "0.0%"


def _criterion_headings(ranking: Ranking) -> dict[str, tuple[str, str]]:
    """Per criterion id: the heading of its score column and of its contribution column."""
    labels = {c: ranking.labels.get(c, c) for c in ranking.aggregated.columns}
    return {
        c: (label, tr("col.contribution", None, criterion=label)) for c, label in labels.items()
    }


def ranking_sheets(ranking: Ranking) -> dict[str, pd.DataFrame]:
    """The ranking and the weights used, as sheets with headings in words.

    >>> from prioritisation.core.i18n import set_language
    >>> from prioritisation.data.sample import sample_path
    >>> from prioritisation.data.workbook import read_workbook
    >>> from prioritisation.engine.scoring import rank
    >>> set_language("nl")
    >>> sheets = ranking_sheets(rank(read_workbook(sample_path())))
    >>> list(sheets), list(sheets["rangschikking"].columns[:6])
    (['rangschikking', 'gewichten'], ['id', 'titel', 'thema', 'kost', 'rang', 'score'])
    >>> set_language(None)
    """
    flat = ranking.frame().reset_index()
    names = {"id": tr("col.id"), "title": tr("col.title"), "theme": tr("col.theme"),
             "cost": tr("col.cost"), "rank": tr("col.rank"), "score": tr("col.score"),
             "eligible": tr("col.eligible"), "reasons": tr("col.reason")}  # fmt: skip
    for cid, (score, contribution) in _criterion_headings(ranking).items():
        names[cid] = score
        names[f"{cid}_contribution"] = contribution
    ids = ranking.weights.index
    weights = pd.DataFrame({tr("col.id"): ids,
                            tr("col.criterion"): [ranking.labels.get(c, c) for c in ids],
                            tr("col.weight"): ranking.weights.to_numpy()})  # fmt: skip
    return {tr("sheet.ranking"): flat.rename(columns=names), tr("sheet.weights"): weights}


def ranking_formats(ranking: Ranking) -> dict[str, dict[str, str]]:
    """The number formats of :func:`ranking_sheets`, per sheet and heading: money, scores
    (three decimals), weights as percent."""
    ranking_columns = {tr("col.cost"): MONEY, tr("col.score"): SCORE}
    for score, contribution in _criterion_headings(ranking).values():
        ranking_columns[score] = SCORE
        ranking_columns[contribution] = SCORE
    return {tr("sheet.ranking"): ranking_columns, tr("sheet.weights"): {tr("col.weight"): SHARE}}
