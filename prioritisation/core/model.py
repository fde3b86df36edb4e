"""The data the engine works on: a loaded, validated workbook.

Frames, not objects per row: the scoring kernels are vectorised over ideas and criteria.

- ``criteria``: index ``id``; columns ``label``, ``label_en``, ``description``, ``direction``
  (``benefit``/``cost``), ``scale_min``, ``scale_max``, ``weight`` (relative, ≥ 0),
  ``threshold`` (NaN when none), ``preference``, ``q``, ``p`` (PROMETHEE), extra columns kept.
- ``ideas``: index ``id``; columns ``title``, ``theme``, ``description``, ``cost`` (EUR, NaN when
  unknown), ``depends_on`` (tuple of ids), ``owner``, ``duration`` (years, ≥ 1),
  ``start_after`` (year or NaN), ``group`` (mutually exclusive group or ""), extra columns kept.
- ``scores``: long form, columns ``idea_id``, ``criterion_id``, ``assessor``, ``score`` (float,
  NaN for an empty cell), ``comment``, ``row`` (the Excel row it came from).
- ``pairwise``: AHP judgments, columns ``assessor``, ``criterion_a``, ``criterion_b``, ``value``,
  ``row``; empty when the workbook has no such sheet.
- ``member_weights``: each member's own weights (the ``member_weights`` sheet), columns
  ``member`` (the member's name), ``criterion``, ``weight``, ``row``; empty without the sheet.
- ``settings``: ``key → value`` from the ``settings`` sheet.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from prioritisation.core.i18n import get_language

DEFAULT_CRITERIA = [
    # id, label (nl), label (en), description (nl)
    (
        "innovation",
        "Innovatiewaarde",
        "Innovation value",
        "Hoe vernieuwend is het idee voor de bibliotheeksector? 1 = bestaat al overal, "
        "5 = nieuw in Vlaanderen en daarbuiten.",
    ),
    (
        "desirability",
        "Wenselijkheid",
        "Desirability",
        "Hoe graag willen gebruikers en bibliotheken dit? 1 = weinig vraag, 5 = breed gedragen nood.",
    ),
    (
        "viability",
        "Financiële leefbaarheid",
        "Financial viability",
        "Is het duurzaam te financieren, ook na de projectfase? 1 = niet, 5 = zonder meer.",
    ),
    (
        "feasibility",
        "Technische haalbaarheid",
        "Technical feasibility",
        "Kunnen we het technisch bouwen en integreren? 1 = zeer onzeker, 5 = bewezen technologie.",
    ),
]

DIRECTIONS = ("benefit", "cost")
PREFERENCES = ("usual", "ushape", "vshape", "level", "linear", "gaussian")
AGGREGATIONS = ("mean", "median", "geomean", "trimmed")
# The decision methods a workbook's ``method`` setting may name. The methods themselves live
# in ``prioritisation.engine.methods`` (a layer above the workbook validator, which may not
# import it); tests/core/test_model.py checks that this list matches the registered ones.
METHOD_NAMES = ("promethee", "topsis", "wpm", "wsm")


@dataclass(frozen=True, eq=False)
class Workbook:
    criteria: pd.DataFrame
    ideas: pd.DataFrame
    scores: pd.DataFrame
    settings: dict = field(default_factory=dict)
    pairwise: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: the ``members`` sheet: login (lower case) → ``name``, ``role``; empty without the sheet
    members: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: the ``member_weights`` sheet, long: ``member`` (name), ``criterion``, ``weight``, ``row``
    member_weights: pd.DataFrame = field(default_factory=pd.DataFrame)
    source: str | None = None
    sha256: str | None = None
    criteria_defaulted: bool = False

    @property
    def criterion_ids(self) -> list[str]:
        return list(self.criteria.index)

    @property
    def idea_ids(self) -> list[str]:
        return list(self.ideas.index)

    @property
    def assessors(self) -> list[str]:
        return sorted(self.scores["assessor"].dropna().unique().tolist())

    @property
    def title(self) -> str:
        return str(self.settings.get("title") or "")

    @property
    def language(self) -> str:
        return str(self.settings.get("language") or get_language())

    @property
    def currency(self) -> str:
        return str(self.settings.get("currency") or "EUR")

    def criterion_labels(self, lang: str | None = None) -> dict[str, str]:
        """``criterion id → label`` in the language asked (``label_en`` for English if given)."""
        lang = get_language(lang)
        labels = {}
        for cid, row in self.criteria.iterrows():
            label = row.get("label") or cid
            if lang == "en" and isinstance(row.get("label_en"), str) and row.get("label_en"):
                label = row["label_en"]
            labels[cid] = str(label)
        return labels

    def weights(self) -> pd.Series:
        """The workbook's weights as shares that sum to 1."""
        w = self.criteria["weight"].astype(float)
        return w / w.sum()
