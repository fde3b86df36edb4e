"""Baseline: the tables of schema version 1 (the store before the hash chain).

A store written before the migrations existed already has these tables: it is stamped with
this revision instead (see :func:`prioritisation.scenarios.migrations.upgrade`). The tables are
written out here as they were, not taken from :mod:`prioritisation.scenarios.schema`, which
describes the newest schema.
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "scenarios",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("created", sa.String(40), nullable=False),
        sa.Column("method", sa.String(40), nullable=False),
        sa.Column("aggregate", sa.String(40), nullable=False),
        sa.Column("weights", sa.Text, nullable=False),
        sa.Column("thresholds", sa.Text, nullable=False),
        sa.Column("budget", sa.Text, nullable=False),
        sa.Column("selection", sa.Text, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("workbook_sha256", sa.String(64)),
        sa.Column("workbook", sa.String(500)),
        sa.UniqueConstraint("name", "version", name="uq_scenario_version"),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.String(40), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("scenario", sa.String(200)),
        sa.Column("version", sa.Integer),
        sa.Column("field", sa.String(100), nullable=False),
        sa.Column("item", sa.String(200)),
        sa.Column("old", sa.Text),
        sa.Column("new", sa.Text),
        sa.Column("workbook_sha256", sa.String(64)),
    )
    meta = op.create_table(
        "store_meta",
        sa.Column("key", sa.String(100), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.bulk_insert(meta, [{"key": "schema_version", "value": "1"}])


def downgrade() -> None:
    raise NotImplementedError("the store's history is never dropped by a migration")
