"""Decisions on top of a ranking: the portfolio under a budget, the roadmap over the years,
the budget frontier, sensitivity and robustness, and the members' agreement (group)."""
