"""The two funding rules, side by side: which set each chooses and what differs, in words.

- ``priority`` ("in volgorde van prioriteit", the default): walk down the ranking and fund what
  fits (:func:`prioritisation.decisions.priority.priority_walk`); :func:`walk_order` is the
  ranking's order of the ideas that can be funded.
- ``best`` ("grootste totale score"): the set with the largest total score (the exact MILP of
  :mod:`.milp`).

Whichever rule is in force, the other is computed too: :func:`alternative` says what the other
rule would fund instead, with the change in total score, in one sentence ("In volgorde van
prioriteit zou ZOEK gefinancierd worden, en vielen LAPTOP, SCHOOL af; de totale score daalt met
0,48."). Negative numbers are shown with a true minus sign (U+2212, :func:`signed`).

>>> import numpy as np
>>> a = alternative("priority", ["A", "B", "C"], np.array([True, False, True]),
...                 np.array([False, True, True]), np.array([0.5, 0.4, 0.3]),
...                 np.array([10.0, 20.0, 30.0]), "en")
>>> a.gained, a.lost, round(a.value_change, 2)
(('A',), ('B',), 0.1)
>>> a.text
'In order of priority, A would be funded and B would drop out; the total score rises by 0.10.'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from prioritisation.core.i18n import N_, fmt_number, tr
from prioritisation.engine.scoring import rank_positions

RULES = ("priority", "best")
# the rule's name ("Regel: in volgorde van prioriteit") and the sentence's lead
RULE_NAMES = {"priority": N_("rule.priority"), "best": N_("rule.best")}
RULE_LEADS = {"priority": N_("rule.lead.priority"), "best": N_("rule.lead.best")}
MINUS = "\u2212"


def rule_name(rule: str, lang: str | None = None) -> str:
    """``"in volgorde van prioriteit"`` / ``"grootste totale score"`` (in ``lang``).

    >>> rule_name("priority", "en"), rule_name("best", "en")
    ('in order of priority', 'largest total score')
    """
    return tr(RULE_NAMES[rule], lang)


def other_rule(rule: str) -> str:
    return "best" if rule == "priority" else "priority"


def signed(value: float, digits: int = 2, lang: str | None = None) -> str:
    """A number with a true minus sign when negative (``−0,48``), never a hyphen.

    >>> signed(-0.475, 3, "nl"), signed(0.5, 1, "en")
    ('−0,475', '0.5')
    """
    text = fmt_number(value, digits, lang)
    return MINUS + text[1:] if text.startswith("-") else text


def walk_order(problem, values) -> list[int]:
    """The ideas the walk goes through, best first: those that can be funded and have a score,
    in the ranking's order (score high to low, ties by id, as
    :func:`~prioritisation.engine.scoring.rank_positions`)."""
    values = np.asarray(values, dtype=float)
    ok = np.asarray(problem.fundable, dtype=bool) & np.isfinite(values)
    _, order = rank_positions(values, list(problem.ids), ok)
    return [int(i) for i in order if ok[i]]


@dataclass(frozen=True)
class Alternative:
    """What the rule not in force would fund: ``selected`` (ids, ranking order), its
    ``total_value`` and ``total_cost``, ``gained`` (ids it would fund that the rule in force
    does not), ``lost`` (ids funded now that it would drop), ``value_change`` (its total score
    minus the one in force), ``status`` of that selection and ``text`` (one sentence)."""

    rule: str
    selected: tuple[str, ...]
    total_value: float
    total_cost: float
    gained: tuple[str, ...]
    lost: tuple[str, ...]
    value_change: float
    status: str
    text: str

    def to_json(self) -> dict:
        return {
            "rule": self.rule, "selected": list(self.selected),
            "total_value": _round(self.total_value), "total_cost": _round(self.total_cost),
            "gained": list(self.gained), "lost": list(self.lost),
            "value_change": _round(self.value_change), "status": self.status, "text": self.text,
        }  # fmt: skip


def _round(v):
    return None if v is None or not np.isfinite(v) else round(float(v), 10)


def alternative(
    rule: str,
    ids: Sequence[str],
    x_alt,
    x_now,
    values,
    costs,
    lang: str | None = None,
    order: Sequence[str] | None = None,
    status: str = "",
) -> Alternative:
    """The other rule's set (``x_alt``, bool per idea in ``ids`` order; ``None`` when it found
    none) against the set in force (``x_now``), in words. ``rule`` is the other rule;
    ``order`` the ranking's ids (default ``ids``), which sorts the lists."""
    ids = list(ids)
    rank = {iid: k for k, iid in enumerate(order or ids)}
    values = np.nan_to_num(np.asarray(values, dtype=float))
    costs = np.asarray(costs, dtype=float)
    now = np.asarray(x_now, dtype=bool)
    lead = tr(RULE_LEADS[rule], lang)
    if x_alt is None:
        text = tr("alt.none", lang, rule=lead)
        return Alternative(rule, (), float("nan"), float("nan"), (), (), float("nan"),
                           status, text)  # fmt: skip
    alt = np.asarray(x_alt, dtype=bool)

    def sort(mask):
        return tuple(sorted((ids[i] for i in np.flatnonzero(mask)), key=rank.get))

    gained, lost = sort(alt & ~now), sort(now & ~alt)
    change = float(values[alt].sum() - values[now].sum())
    text = difference_text(lead, gained, lost, change, lang)
    return Alternative(rule, sort(alt), float(values[alt].sum()), float(costs[alt].sum()),
                       gained, lost, change, status, text)  # fmt: skip


def difference_text(lead: str, gained, lost, change: float, lang) -> str:
    """One sentence: what the other rule funds instead and how the total score changes."""
    if not gained and not lost:
        return tr("alt.same", lang, rule=lead)
    digits = 2 if abs(change) >= 0.005 or change == 0 else 3
    amount = fmt_number(abs(change), digits, lang)
    if round(change, digits) > 0:
        score = tr("alt.rises", lang, value=amount)
    elif round(change, digits) < 0:
        score = tr("alt.falls", lang, value=amount)
    else:
        score = tr("alt.equal", lang)
    listed_gained, listed_lost = ", ".join(gained), ", ".join(lost)
    if gained and lost:
        key = N_("alt.both_one") if len(gained) == 1 else N_("alt.both_many")
        part = N_("alt.lost_one") if len(lost) == 1 else N_("alt.lost_many")
        lost_part = tr(part, lang, ids=listed_lost)
        return tr(key, lang, rule=lead, gained=listed_gained, lost=lost_part, score=score)
    if gained:
        key = N_("alt.gained_one") if len(gained) == 1 else N_("alt.gained_many")
        return tr(key, lang, rule=lead, ids=listed_gained, score=score)
    key = N_("alt.dropped_one") if len(lost) == 1 else N_("alt.dropped_many")
    return tr(key, lang, rule=lead, ids=listed_lost, score=score)
