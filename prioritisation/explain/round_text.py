"""The words of a steering group's round for people: plain sentences, no widgets, no files.

What the app's Group tab and the report's group section say about a
:class:`~prioritisation.decisions.group_decision.GroupAnalysis`: how satisfied the least
satisfied member is (:func:`satisfaction_sentence`), what each member gains and loses
compared with their own best selection (:func:`gains_and_losses`, :func:`change_sentence`),
when a member last shared weights (:func:`shared_text`), and the members' names made
anonymous for publication (:func:`anonymous_names`). (The ``group`` command's tables and
lines are in :mod:`prioritisation.explain.group_text`.)

>>> satisfaction_sentence({"An": 0.93, "Bart": 0.874, "Chris": 1.0}, "nl")
'Iedereen haalt minstens 87 % van zijn eigen beste selectie; Bart het minst.'
>>> satisfaction_sentence({"An": 0.93, "Bart": 0.874, "Chris": 1.0}, "en")
'Everyone gets at least 87% of their own best selection; Bart the least.'
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from prioritisation.core.i18n import fmt_percent, get_language, tr

TIE = 1e-9  # members this close to the lowest satisfaction are all "the least"


def join_names(names: Sequence[str], lang: str | None = None) -> str:
    """``["An", "Bart", "Chris"]`` → ``"An, Bart en Chris"`` (nl) / ``"An, Bart, and Chris"``.

    >>> join_names(["An", "Bart", "Chris"], "nl"), join_names(["An"], "en")
    ('An, Bart en Chris', 'An')
    """
    from babel.lists import format_list

    names = [str(n) for n in names]
    if not names:
        return ""
    return format_list(names, locale="nl_BE" if get_language(lang) == "nl" else "en")


def floor_percent(value: float, lang: str | None = None) -> str:
    """A share as a whole percentage rounded *down* (what "at least" may promise).

    >>> floor_percent(0.8749, "nl"), floor_percent(0.99999999999, "en"), floor_percent(float("nan"))
    ('87 %', '100%', '')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return fmt_percent(math.floor(100 * float(value) + 1e-7) / 100, 0, lang)


def least_satisfied(per_member: Mapping[str, float]) -> tuple[float, tuple[str, ...]]:
    """The lowest satisfaction and the members at it (ties within :data:`TIE`); members
    without a value (NaN) are left out.

    >>> least_satisfied({"An": 0.9, "Bart": 0.8, "Chris": 0.8 + 1e-12})
    (0.8, ('Bart', 'Chris'))
    """
    values = {m: float(v) for m, v in per_member.items() if v == v and v is not None}
    if not values:
        return math.nan, ()
    low = min(values.values())
    return low, tuple(m for m, v in values.items() if v <= low + TIE)


def satisfaction_sentence(
    per_member: Mapping[str, float], lang: str | None = None, *, named: bool = True
) -> str:
    """ "Iedereen haalt minstens 87 % van zijn eigen beste selectie; Bart het minst." (the
    lowest satisfaction rounded down; every member at it is named, unless ``named`` is
    false (a blind round); when all are equal, no one is singled out). Empty without values.

    >>> satisfaction_sentence({"An": 1.0, "Bart": 1.0}, "nl")
    'Iedereen haalt 100 % van zijn eigen beste selectie.'
    >>> satisfaction_sentence({"An": 0.9, "Bart": 0.8, "Chris": 0.8}, "en")
    'Everyone gets at least 80% of their own best selection; Bart and Chris the least.'
    """
    low, least = least_satisfied(per_member)
    if not least:
        return ""
    counted = [v for v in per_member.values() if v == v and v is not None]
    if len(least) == len(counted):
        return tr("gt.sat_all_equal", lang, pct=floor_percent(low, lang))
    if not named:
        return tr("gt.sat_floor", lang, pct=floor_percent(low, lang))
    return tr("gt.sat_sentence", lang, pct=floor_percent(low, lang),
              least=join_names(least, lang))  # fmt: skip


@dataclass(frozen=True)
class Change:
    """What a chosen set means for one member: ``lost`` (ideas of their own best selection
    that it leaves out), ``gained`` (ideas it funds that their own best selection did not)
    and their ``satisfaction`` with it (0–1)."""

    member: str
    satisfaction: float
    lost: tuple[str, ...]
    gained: tuple[str, ...]


def gains_and_losses(
    own: Mapping[str, Iterable[str]], chosen: Iterable[str], satisfaction: Mapping[str, float]
) -> list[Change]:
    """Each member's :class:`Change` for the ``chosen`` set, given each member's own best
    selection (``own``: member → idea ids), in the order of ``own``.

    >>> [c.lost for c in gains_and_losses({"An": ["A", "B"], "Bo": ["C"]}, ["A", "C"], {})]
    [('B',), ()]
    """
    chosen = list(chosen)
    out = []
    for member, funded in own.items():
        funded = list(funded)
        out.append(Change(
            member=member, satisfaction=float(satisfaction.get(member, math.nan)),
            lost=tuple(i for i in funded if i not in chosen),
            gained=tuple(i for i in chosen if i not in funded),
        ))  # fmt: skip
    return out


def change_sentence(change: Change, lang: str | None = None, titles=None) -> str:
    """One member's gains and losses in a sentence (ideas by id, or ``titles[id]``).

    >>> change_sentence(Change("Bart", 0.874, ("A", "B"), ("C",)), "nl")
    'Bart: 87 % van de eigen beste selectie; mist A en B, krijgt er C bij.'
    >>> change_sentence(Change("An", 1.0, (), ()), "en")
    'An: 100% of their own best selection; exactly their own best selection.'
    """
    names = (lambda ids: join_names([titles.get(i, i) for i in ids], lang)) if titles else (
        lambda ids: join_names(ids, lang)
    )  # fmt: skip
    parts = []
    if change.lost:
        parts.append(tr("gt.change_lost", lang, ideas=names(change.lost)))
    if change.gained:
        parts.append(tr("gt.change_gained", lang, ideas=names(change.gained)))
    detail = ", ".join(parts) if parts else tr("gt.change_same", lang)
    return tr("gt.change_sentence", lang, member=change.member,
              pct=floor_percent(change.satisfaction, lang), detail=detail)  # fmt: skip


def anonymous_names(members: Iterable[str], lang: str | None = None) -> dict[str, str]:
    """The members' names for publication: ``lid 1``, ``lid 2``, … in the order given.

    >>> anonymous_names(["An", "Bart"], "nl"), anonymous_names(["An"], "en")
    ({'An': 'lid 1', 'Bart': 'lid 2'}, {'An': 'member 1'})
    """
    return {m: tr("gt.anonymous", lang, n=k) for k, m in enumerate(dict.fromkeys(members), 1)}


def shared_text(at: datetime | None, lang: str | None = None) -> str:
    """When a member last shared weights, in local time; "not shared yet" without a time.

    >>> from datetime import UTC
    >>> shared_text(None, "nl")
    'Nog niet gedeeld.'
    >>> shared_text(datetime(2027, 5, 4, 14, 32, tzinfo=UTC), "en").startswith("Last shared on 04-05-2027 at ")
    True
    """
    if at is None:
        return tr("gt.not_shared", lang)
    local = at.astimezone()
    return tr("gt.shared_at", lang, date=local.strftime("%d-%m-%Y"),
              time=local.strftime("%H:%M"))  # fmt: skip
