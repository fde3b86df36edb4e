"""Saved scenarios: the append-only store (SQLite or PostgreSQL), versions, audit trail
and comparisons."""
