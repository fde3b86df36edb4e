"""Why and why not: funding explanations, analysts' overviews and charts (data → altair,
never displayed here)."""
