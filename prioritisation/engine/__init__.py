"""Scoring: aggregation, normalisation, gates and ranking, the weight schemes, the seeded
weight sampling and the decision methods; on top, ``run`` resolves a workbook and options into one
run that every shell uses."""
