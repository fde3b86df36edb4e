"""The selection problem as arrays: ideas, costs, what is fundable, dependencies, groups, themes.

:func:`build_problem` turns plain lists into a :class:`SelectionProblem` (index order = the
workbook's ideas); :func:`problem_for` does it for a prepared workbook. The arrays are what
:mod:`~prioritisation.decisions.portfolio.milp` solves, what the reasons read and what the
roadmap extends with start years.

>>> p = build_problem(["A", "B"], [10, float("nan")], [True, True], [(), ("A",)], 50)
>>> p.fundable.tolist(), p.blocked, p.prereqs
([True, False], ('', 'no_cost'), ((), (0,)))
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from prioritisation.engine.scoring import Prepared


@dataclass(frozen=True)
class Constraints:
    """What the selection must respect besides the budget and the dependencies.

    ``theme_min`` / ``theme_max`` map a theme to a share of the budget (0–1). ``groups``:
    honour the workbook's mutually exclusive groups (at most one idea per group).
    """

    must: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    theme_min: Mapping[str, float] = field(default_factory=dict)
    theme_max: Mapping[str, float] = field(default_factory=dict)
    groups: bool = True


@dataclass(frozen=True, eq=False)
class SelectionProblem:
    """The selection problem as arrays (index order = the workbook's ideas)."""

    ids: tuple[str, ...]
    costs: np.ndarray  # EUR; 0 where unknown (such ideas are not fundable)
    fundable: np.ndarray  # eligible and cost known
    blocked: tuple[str, ...]  # per idea: "" or not_eligible / no_cost
    requires: tuple[tuple[int, int], ...]  # (i, j): i needs j
    prereqs: tuple[tuple[int, ...], ...]  # per idea, every prerequisite (transitive closure)
    groups: Mapping[str, np.ndarray]  # group → member indices (2 or more)
    group_of: tuple[str, ...]
    themes: Mapping[str, np.ndarray]  # theme → member indices
    theme_of: tuple[str, ...]
    must: np.ndarray  # bool
    exclude: np.ndarray  # bool
    theme_min: Mapping[str, float]
    theme_max: Mapping[str, float]
    budget: float

    @property
    def n(self) -> int:
        return len(self.ids)

    def index(self, idea: str) -> int:
        return self.ids.index(idea)

    def with_budget(self, budget: float) -> SelectionProblem:
        return replace(self, budget=float(budget))


def build_problem(
    ids: Sequence[str],
    costs,
    eligible,
    depends_on: Sequence[Iterable[str]],
    budget: float,
    themes: Sequence[str] | None = None,
    groups: Sequence[str] | None = None,
    constraints: Constraints | None = None,
) -> SelectionProblem:
    """Arrays for :func:`~prioritisation.decisions.portfolio.milp.solve` from plain lists (no
    validation of ids beyond lookup)."""
    constraints = constraints or Constraints()
    ids = tuple(str(i) for i in ids)
    n = len(ids)
    pos = {iid: k for k, iid in enumerate(ids)}
    raw_costs = np.asarray(costs, dtype=float)
    known = ~np.isnan(raw_costs)
    eligible = np.asarray(eligible, dtype=bool)
    blocked = tuple(
        "" if e and k else ("not_eligible" if not e else "no_cost")
        for e, k in zip(eligible, known, strict=True)
    )
    requires = tuple((i, pos[d]) for i, deps in enumerate(depends_on) for d in deps if d in pos)
    direct: list[list[int]] = [[] for _ in range(n)]
    for i, j in requires:
        direct[i].append(j)
    prereqs = tuple(tuple(sorted(_closure(i, direct))) for i in range(n))
    theme_of = tuple(str(t or "") for t in (themes if themes is not None else [""] * n))
    group_of = tuple(str(g or "") for g in (groups if groups is not None else [""] * n))
    theme_map = _members(theme_of)
    group_map = (
        {g: m for g, m in _members(group_of).items() if g and len(m) > 1}
        if constraints.groups
        else {}
    )
    must = np.zeros(n, dtype=bool)
    must[[pos[i] for i in constraints.must]] = True
    exclude = np.zeros(n, dtype=bool)
    exclude[[pos[i] for i in constraints.exclude]] = True
    return SelectionProblem(
        ids=ids, costs=np.where(known, raw_costs, 0.0), fundable=eligible & known, blocked=blocked,
        requires=requires, prereqs=prereqs, groups=group_map, group_of=group_of, themes=theme_map,
        theme_of=theme_of, must=must, exclude=exclude,
        theme_min=dict(constraints.theme_min), theme_max=dict(constraints.theme_max),
        budget=float(budget),
    )  # fmt: skip


def problem_for(prepared: Prepared, budget: float, constraints: Constraints) -> SelectionProblem:
    """The selection problem of a prepared workbook (eligibility from its gates)."""
    ideas = prepared.wb.ideas
    return build_problem(
        ids=list(ideas.index), costs=ideas["cost"].to_numpy(float), eligible=prepared.eligible,
        depends_on=list(ideas["depends_on"]), budget=budget, themes=list(ideas["theme"]),
        groups=list(ideas["group"]) if "group" in ideas else None, constraints=constraints,
    )  # fmt: skip


def _closure(i: int, direct: list[list[int]]) -> set[int]:
    seen: set[int] = set()
    stack = list(direct[i])
    while stack:
        j = stack.pop()
        if j not in seen and j != i:
            seen.add(j)
            stack.extend(direct[j])
    return seen


def _members(labels: Sequence[str]) -> dict[str, np.ndarray]:
    out: dict[str, list[int]] = {}
    for k, label in enumerate(labels):
        out.setdefault(label, []).append(k)
    return {k: np.array(v, dtype=int) for k, v in out.items()}
