"""Group rounds (schema version 3).

Adds ``rounds`` (one row per round opened: name, the workbook's SHA-256, blind or not, the
chair, who opened it and when) and ``round_events`` (a member's weights shared, the weights
revealed, a result stored, the round closed), both history like ``scenarios`` and
``audit_log``: links of the store's hash chain (``seq``, ``prev_hash``, ``hash``), guarded by
the same triggers that refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL). Sets
``store_meta``'s schema version to 3. The tables are written out as they are at this
revision, not taken from :mod:`prioritisation.scenarios.schema`.
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TABLES = ("rounds", "round_events")

SQLITE_TRIGGERS = [
    f"CREATE TRIGGER {table}_no_{verb} BEFORE {verb.upper()} ON {table} "
    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: history is never changed or removed'); END"
    for table in TABLES
    for verb in ("update", "delete")
]

# the function ``prioritisation_append_only`` was created by revision 0002
POSTGRES_TRIGGERS = [
    statement
    for table in TABLES
    for statement in (
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION prioritisation_append_only()",
        f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION prioritisation_append_only()",
    )
]


def _chain_columns() -> list[sa.Column]:
    return [sa.Column("seq", sa.Integer), sa.Column("prev_hash", sa.String(64)),
            sa.Column("hash", sa.String(64))]  # fmt: skip


def upgrade() -> None:
    op.create_table(
        "rounds",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("workbook_sha256", sa.String(64), nullable=False),
        sa.Column("workbook", sa.String(500)),
        sa.Column("blind", sa.Integer, nullable=False),
        sa.Column("chair", sa.String(200), nullable=False),
        sa.Column("opened_by", sa.String(200), nullable=False),
        sa.Column("opened_at", sa.String(40), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        *_chain_columns(),
        sa.UniqueConstraint("name", name="uq_round_name"),
    )
    op.create_table(
        "round_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("round_name", sa.String(200), nullable=False),
        sa.Column("at", sa.String(40), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("member", sa.String(200)),
        sa.Column("digest", sa.String(64)),
        sa.Column("payload", sa.Text, nullable=False),
        *_chain_columns(),
    )
    op.create_index("ix_rounds_seq", "rounds", ["seq"], unique=True)
    op.create_index("ix_round_events_seq", "round_events", ["seq"], unique=True)
    op.create_index("ix_round_events_round", "round_events", ["round_name"])
    bind = op.get_bind()
    for statement in POSTGRES_TRIGGERS if bind.dialect.name == "postgresql" else SQLITE_TRIGGERS:
        op.execute(statement)
    op.execute("UPDATE store_meta SET value = '3' WHERE key = 'schema_version'")


def downgrade() -> None:
    raise NotImplementedError("the store's history is never dropped by a migration")
