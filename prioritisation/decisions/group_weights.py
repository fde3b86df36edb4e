"""The members' own weight sets and the group's weights made from them.

A weight set is one member's shares per criterion (they sum to 1; a member may put a
criterion at 0). :func:`member_weight_sets` reads them from a workbook, as a table with one
row per member: from the ``member_weights`` sheet (member, criterion, weight; a criterion a
member did not list weighs 0) or from each member's own AHP judgments in the ``pairwise``
sheet. In a round the sets come from the store instead
(:func:`prioritisation.scenarios.rounds.current_sets`), in the same shape.

:func:`group_weights` combines them, criterion by criterion, and says how far apart the
members are:

- ``mean`` (default): the mean of the members' *shares*, normalised. Every member's set
  counts once, whatever the scale they typed their weights on (that is why shares, not raw
  weights, are averaged), and the result is the weight set that is on average closest to
  the members' (least squares);
- ``median``: the median share per criterion, normalised (one outlying member moves it less);
- ``geometric``: the geometric mean per criterion, normalised, with every share first
  raised to a stated ``floor`` (a single 0 would otherwise zero the criterion for everyone).

>>> sets = pd.DataFrame({"a": [0.6, 0.2, 0.4], "b": [0.4, 0.8, 0.6]}, index=["An", "Bo", "Cas"])
>>> weights, spread = group_weights(sets)
>>> weights.round(3).to_dict()
{'a': 0.4, 'b': 0.6}
>>> spread.round(3).loc["a"].to_dict()
{'min': 0.2, 'max': 0.6, 'range': 0.4, 'std': 0.163}
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from prioritisation.core.errors import UsageError
from prioritisation.core.i18n import N_, fmt_number, tr
from prioritisation.core.model import Workbook
from prioritisation.engine.run import Run
from prioritisation.engine.run import member_weight_sets as ahp_weight_sets

SOURCES = ("auto", "sheet", "pairwise")
HOWS = ("mean", "median", "geometric")
DEFAULT_FLOOR = 0.01  # the share a 0 counts as in the geometric mean
SPREAD_COLUMNS = ["min", "max", "range", "std"]
HOW_WORDS = {"mean": N_("group.how.mean"), "median": N_("group.how.median"),
             "geometric": N_("group.how.geometric")}  # fmt: skip


def how_words(how: str, floor: float = DEFAULT_FLOOR, lang: str | None = None) -> str:
    """How the group's weights are made, in words.

    >>> how_words("geometric", 0.01, "en")
    'geometric mean of the shares (0 counts as 0.01)'
    """
    return tr(HOW_WORDS[how], lang, floor=fmt_number(floor, 2, lang))


def as_shares(sets: pd.DataFrame, criteria: Iterable[str] | None = None) -> pd.DataFrame:
    """Each row of ``sets`` as shares of its total (criteria missing from a row weigh 0);
    ``UsageError`` for a negative weight or a member whose weights are all 0.

    >>> as_shares(pd.DataFrame({"a": [3.0], "b": [1.0]}, index=["An"])).loc["An"].tolist()
    [0.75, 0.25]
    """
    frame = sets.astype(float) if criteria is None else sets.reindex(columns=list(criteria))
    frame = frame.astype(float).fillna(0.0)
    for member, row in frame.iterrows():
        if (row < 0).any():
            raise UsageError("usage.member_weight_negative", member=member,
                             criterion=row.index[int(np.argmax(row < 0))])  # fmt: skip
        if not row.sum() > 0:
            raise UsageError("usage.member_weights_zero", member=member)
    frame = frame.div(frame.sum(axis=1), axis=0)
    frame.index = pd.Index([str(m) for m in frame.index], name="member")
    frame.columns.name = "criterion"
    return frame


def member_weight_sets(run_or_wb: Run | Workbook, source: str = "auto") -> pd.DataFrame:
    """The members' own weight sets (rows: members in sheet order, columns: the workbook's
    criteria, shares) from the workbook.

    ``source``: ``sheet`` (the ``member_weights`` sheet), ``pairwise`` (each member's AHP
    judgments; a member whose judgments do not connect every criterion is left out) or
    ``auto`` (default: the sheet when the workbook has one, else the judgments). Observers
    and analysts of the ``members`` sheet have no say: their sets are left out. Empty when
    there is nothing to read.

    >>> from prioritisation.data.sample import sample_path
    >>> from prioritisation.data.workbook import read_workbook
    >>> sets = member_weight_sets(read_workbook(sample_path()))
    >>> len(sets), sets.sum(axis=1).round(6).unique().tolist()
    (7, [1.0])
    """
    wb = run_or_wb.wb if isinstance(run_or_wb, Run) else run_or_wb
    if source not in SOURCES:
        raise UsageError("usage.member_weights_source", value=source, choices=", ".join(SOURCES))
    sheet = getattr(wb, "member_weights", None)
    has_sheet = sheet is not None and not sheet.empty
    if source == "sheet" or (source == "auto" and has_sheet):
        if not has_sheet:
            raise UsageError("usage.member_weights_missing")
        wide = sheet.pivot_table(index="member", columns="criterion", values="weight",
                                 aggfunc="last", sort=False)  # fmt: skip
        sets = as_shares(wide, wb.criteria.index)
    else:
        sets = ahp_weight_sets(wb).astype(float)
        sets.index = pd.Index([str(m) for m in sets.index], name="member")
        sets.columns.name = "criterion"
    return sets.loc[[m for m in sets.index if has_say(wb, m)]]


def has_say(wb: Workbook, member: str) -> bool:
    """Whether ``member``'s weights count: everyone, unless the ``members`` sheet names them
    (by name or login) as an observer or analyst."""
    members = getattr(wb, "members", None)
    if members is None or members.empty:
        return True
    key = str(member).strip().casefold()
    rows = members[(members.index.astype(str).str.casefold() == key)
                   | (members["name"].astype(str).str.casefold() == key)]  # fmt: skip
    return rows.empty or bool(rows["role"].isin(["member", "chair"]).any())


def group_weights(
    sets: pd.DataFrame, how: str = "mean", floor: float = DEFAULT_FLOOR
) -> tuple[pd.Series, pd.DataFrame]:
    """The group's weights (shares) from the members' sets, and the spread per criterion.

    ``how``: ``mean`` (default), ``median`` or ``geometric`` (shares below ``floor`` count as
    ``floor``); see the module's text. The spread (criteria × ``min``, ``max``, ``range``,
    ``std``: the members' population standard deviation) is of the members' shares.

    >>> sets = pd.DataFrame({"a": [1.0, 0.0], "b": [0.0, 1.0], "c": [0.0, 0.0]})
    >>> group_weights(sets, "geometric", floor=0.01)[0].round(4).tolist()
    [0.4762, 0.4762, 0.0476]
    """
    if how not in HOWS:
        raise UsageError("usage.group_how", value=how, choices=", ".join(HOWS))
    if not 0 < floor < 1:
        raise UsageError("usage.group_floor", value=floor)
    if sets.empty:
        raise UsageError("usage.no_member_weights")
    shares = as_shares(sets)
    values = shares.to_numpy(float)
    if how == "mean":
        combined = values.mean(axis=0)
    elif how == "median":
        combined = np.median(values, axis=0)
    else:
        combined = np.exp(np.log(np.maximum(values, floor)).mean(axis=0))
    if not combined.sum() > 0:  # a median of zeros everywhere: fall back on the mean
        combined = values.mean(axis=0)
    weights = pd.Series(combined / combined.sum(), index=shares.columns, name="weight")
    spread = pd.DataFrame(
        {"min": values.min(axis=0), "max": values.max(axis=0),
         "range": values.max(axis=0) - values.min(axis=0), "std": values.std(axis=0)},
        index=shares.columns,
    )[SPREAD_COLUMNS]  # fmt: skip
    return weights, spread
