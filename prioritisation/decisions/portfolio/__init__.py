"""Portfolio selection: the set of ideas a budget funds, under one of two funding rules.

- ``priority`` (the default, "in volgorde van prioriteit"): walk down the ranking and fund what
  fits (:mod:`prioritisation.decisions.priority`);
- ``best`` ("grootste totale score"): solved exactly (HiGHS MILP): maximise the sum of the
  selected ideas' scores (the scores ``rank`` prints).

Both keep to the same constraints (the walk by skipping; a theme minimum it does not reach is
said in words):

- total cost ≤ budget;
- an idea only with everything in its ``depends_on`` (``x_i ≤ x_j``);
- ineligible ideas and ideas without a cost are never selected;
- optional ``must`` / ``exclude`` lists;
- mutually exclusive groups (at most one idea of each ``group``);
- per-theme minimum / maximum shares of the budget (spearhead balance).

One module per job:

- :mod:`.problem`: the 0–1 problem as arrays (:class:`~.problem.SelectionProblem`) from the
  ideas, dependencies, groups and themes, and the :class:`~.problem.Constraints`;
- :mod:`.options`: those constraints and the budget from user text or lists (validated);
- :mod:`.milp`: the model's rows, the objective and the solve (HiGHS through
  :func:`scipy.optimize.milp`, a proven optimum);
- :mod:`.conflicts`: when the constraints cannot all hold, a minimal conflicting set, in words;
- :mod:`.reasons`: why each idea is (not) funded, in words (under either rule);
- :mod:`.rules`: the two rules side by side: the walk's order and what the other rule would
  fund instead, in one sentence;
- :mod:`.selection`: the public entry points :func:`~.selection.select_run`,
  :func:`~.selection.select_portfolio` and :func:`~.selection.select_prepared` and their
  result, :class:`~.selection.Portfolio`;
- :mod:`.probability`: P(funded) under weight uncertainty (:func:`~.probability.funding_probability`).
"""
