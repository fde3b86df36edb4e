"""The roadmap: which ideas to fund and in which year they start, within yearly budgets.

One exact 0–1 program (HiGHS via :func:`scipy.optimize.milp`) chooses the set *and* the
start years jointly — not a fixed set scheduled afterwards — because a shrinking budget
changes which set is best. :mod:`.model` builds and solves the time-indexed program;
:mod:`.plan` is the public entry point (:func:`~.plan.plan_roadmap`), its result
(:class:`~.plan.Roadmap`) and the reasons in words.
"""
