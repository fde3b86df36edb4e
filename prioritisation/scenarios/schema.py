"""The store's tables and how a scenario and an audit value are written into them.

Five tables: ``scenarios`` (one row per saved version; weights, thresholds, budget and
selection as JSON text), ``audit_log`` (one row per change), ``rounds`` (one row per group
round opened: its name, the workbook's SHA-256, blind or not, the chair),
``round_events`` (what happened in a round: a member's weights shared, the weights revealed,
a result stored, the round closed; see :mod:`prioritisation.scenarios.rounds`) and
``store_meta`` (the schema version). The same definitions serve SQLite and PostgreSQL. All but
the last are history: rows are only ever added (triggers refuse UPDATE and DELETE), and each
row is a link of the store's hash chain (``seq``, ``prev_hash``, ``hash``; see
:mod:`prioritisation.scenarios.integrity`).

These definitions are what the code reads and writes; the database itself is created and
upgraded by the migrations (:mod:`prioritisation.scenarios.migrations`), which a test keeps equal
to them.

>>> sorted(metadata.tables)
['audit_log', 'round_events', 'rounds', 'scenarios', 'store_meta']
>>> stored_text(0.25), stored_text(["ZOEK"]), stored_text(None)
('0.25', '["ZOEK"]', None)
"""

from __future__ import annotations

import json
from datetime import datetime

import numpy as np
import sqlalchemy as sa

from prioritisation.scenarios.scenario import AUTHOR_MAX, NAME_MAX, Scenario

# The schema version written in ``store_meta`` (1: before the hash chain; 2: with it; 3: with
# group rounds). The migrations keep it; Alembic's own ``alembic_version`` table names the
# exact revision.
SCHEMA_VERSION = 3

metadata = sa.MetaData()

scenarios_table = sa.Table(
    "scenarios", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(NAME_MAX), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("author", sa.String(AUTHOR_MAX), nullable=False),
    sa.Column("created", sa.String(40), nullable=False),  # ISO 8601, UTC
    sa.Column("method", sa.String(40), nullable=False),
    sa.Column("aggregate", sa.String(40), nullable=False),
    sa.Column("weights", sa.Text, nullable=False),  # JSON
    sa.Column("thresholds", sa.Text, nullable=False),  # JSON
    sa.Column("budget", sa.Text, nullable=False),  # JSON
    sa.Column("selection", sa.Text, nullable=False),  # JSON
    sa.Column("note", sa.Text, nullable=False, default=""),
    sa.Column("workbook_sha256", sa.String(64)),
    sa.Column("workbook", sa.String(500)),
    sa.Column("seq", sa.Integer),  # position in the store's hash chain
    sa.Column("prev_hash", sa.String(64)),
    sa.Column("hash", sa.String(64)),
    sa.UniqueConstraint("name", "version", name="uq_scenario_version"),
    sa.Index("ix_scenarios_seq", "seq", unique=True),
)  # fmt: skip

audit_table = sa.Table(
    "audit_log", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.String(40), nullable=False),  # ISO 8601, UTC
    sa.Column("actor", sa.String(AUTHOR_MAX), nullable=False),
    sa.Column("action", sa.String(40), nullable=False),  # create, change, save, log
    sa.Column("scenario", sa.String(NAME_MAX)),
    sa.Column("version", sa.Integer),
    sa.Column("field", sa.String(100), nullable=False),  # weight, threshold, include, …
    sa.Column("item", sa.String(200)),  # criterion or idea id
    sa.Column("old", sa.Text),
    sa.Column("new", sa.Text),
    sa.Column("workbook_sha256", sa.String(64)),
    sa.Column("seq", sa.Integer),  # position in the store's hash chain
    sa.Column("prev_hash", sa.String(64)),
    sa.Column("hash", sa.String(64)),
    sa.Index("ix_audit_log_seq", "seq", unique=True),
)  # fmt: skip

rounds_table = sa.Table(
    "rounds", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(NAME_MAX), nullable=False),
    sa.Column("workbook_sha256", sa.String(64), nullable=False),
    sa.Column("workbook", sa.String(500)),
    sa.Column("blind", sa.Integer, nullable=False),  # 1: members see only their own weights
    sa.Column("chair", sa.String(AUTHOR_MAX), nullable=False),
    sa.Column("opened_by", sa.String(AUTHOR_MAX), nullable=False),
    sa.Column("opened_at", sa.String(40), nullable=False),  # ISO 8601, UTC
    sa.Column("note", sa.Text, nullable=False, default=""),
    sa.Column("seq", sa.Integer),  # position in the store's hash chain
    sa.Column("prev_hash", sa.String(64)),
    sa.Column("hash", sa.String(64)),
    sa.UniqueConstraint("name", name="uq_round_name"),
    sa.Index("ix_rounds_seq", "seq", unique=True),
)  # fmt: skip

round_events_table = sa.Table(
    "round_events", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("round_name", sa.String(NAME_MAX), nullable=False),
    sa.Column("at", sa.String(40), nullable=False),  # ISO 8601, UTC
    sa.Column("actor", sa.String(AUTHOR_MAX), nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),  # share, reveal, result, close
    sa.Column("member", sa.String(AUTHOR_MAX)),  # whose weights (share)
    sa.Column("digest", sa.String(64)),  # the inputs of a stored result
    sa.Column("payload", sa.Text, nullable=False),  # JSON
    sa.Column("seq", sa.Integer),  # position in the store's hash chain
    sa.Column("prev_hash", sa.String(64)),
    sa.Column("hash", sa.String(64)),
    sa.Index("ix_round_events_round", "round_name"),
    sa.Index("ix_round_events_seq", "seq", unique=True),
)  # fmt: skip

meta_table = sa.Table(
    "store_meta", metadata,
    sa.Column("key", sa.String(100), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)  # fmt: skip

AUDIT_COLUMNS = ["at", "actor", "action", "scenario", "version", "field", "item", "old", "new",
                 "workbook_sha256"]  # fmt: skip


def dump_json(value) -> str:
    """``value`` as JSON text (NumPy numbers as plain numbers, non-ASCII kept)."""
    return json.dumps(value, ensure_ascii=False, default=_plain_json)


def _plain_json(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, tuple | set):
        return list(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def stored_text(value) -> str | None:
    """An audit ``old``/``new`` value as stored: floats in full (``repr``), lists and dicts as
    JSON, anything else as text; ``None`` stays ``None``."""
    if value is None:
        return None
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, list | tuple | dict):
        return dump_json(value)
    return str(value)


def scenario_row(scenario: Scenario) -> dict:
    """The ``scenarios`` row of a saved version (``version`` and ``created`` set)."""
    return dict(
        name=scenario.name, version=scenario.version, author=scenario.author,
        created=scenario.created.isoformat(), method=scenario.method,
        aggregate=scenario.aggregate, weights=dump_json(scenario.weights),
        thresholds=dump_json(scenario.thresholds), budget=dump_json(scenario.budget),
        selection=dump_json(scenario.selection), note=scenario.note or "",
        workbook_sha256=scenario.workbook_sha256, workbook=scenario.workbook,
    )  # fmt: skip


def row_to_scenario(row) -> Scenario:
    """The :class:`~prioritisation.scenarios.scenario.Scenario` a ``scenarios`` row holds."""
    m = row._mapping
    return Scenario(
        name=m["name"], author=m["author"], method=m["method"], aggregate=m["aggregate"],
        weights=json.loads(m["weights"]), thresholds=json.loads(m["thresholds"]),
        budget=json.loads(m["budget"]), selection=json.loads(m["selection"]), note=m["note"] or "",
        workbook_sha256=m["workbook_sha256"], workbook=m["workbook"], version=int(m["version"]),
        created=datetime.fromisoformat(m["created"]), id=int(m["id"]),
    )  # fmt: skip
