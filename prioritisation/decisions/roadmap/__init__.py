"""The roadmap: which ideas to fund and in which year they start, within yearly budgets (and
the total budget).

Under the rule ``priority`` (the default) :mod:`.walk` goes down the ranking and starts each
idea in the earliest year its budgets allow (a greedy schedule). Under ``best`` one exact 0–1
program (HiGHS via :func:`scipy.optimize.milp`, :mod:`.model`) chooses the set *and* the start
years jointly — not a fixed set scheduled afterwards — because a shrinking budget changes which
set is best. :mod:`.plan` is the public entry point (:func:`~.plan.plan_run`,
:func:`~.plan.plan_roadmap`), its result (:class:`~.plan.Roadmap`, with the other rule's set
beside it) and the reasons in words.
"""
