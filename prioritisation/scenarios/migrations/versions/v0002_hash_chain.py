"""The hash chain and append-only history (schema version 2).

Adds ``seq``, ``prev_hash`` and ``hash`` to ``scenarios`` and ``audit_log`` (a unique index on
``seq``), seals the rows already there in the order they were written (by time; at equal times
a version before its audit entries; then by id), creates the triggers that refuse UPDATE and
DELETE on both tables (and TRUNCATE on PostgreSQL) and sets ``store_meta``'s schema version
to 2.
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from prioritisation.scenarios.integrity import GENESIS, link_hash

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

HISTORY = {"scenarios": "created", "audit_log": "at"}  # table → its time column

SQLITE_TRIGGERS = [
    f"CREATE TRIGGER {table}_no_{verb} BEFORE {verb.upper()} ON {table} "
    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: history is never changed or removed'); END"
    for table in HISTORY
    for verb in ("update", "delete")
]

POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION prioritisation_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: history is never changed or removed', TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$
"""

POSTGRES_TRIGGERS = [
    statement
    for table in HISTORY
    for statement in (
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION prioritisation_append_only()",
        f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION prioritisation_append_only()",
    )
]


def upgrade() -> None:
    for table in HISTORY:
        op.add_column(table, sa.Column("seq", sa.Integer))
        op.add_column(table, sa.Column("prev_hash", sa.String(64)))
        op.add_column(table, sa.Column("hash", sa.String(64)))
        op.create_index(f"ix_{table}_seq", table, ["seq"], unique=True)
    bind = op.get_bind()
    _seal_existing_rows(bind)
    if bind.dialect.name == "postgresql":
        op.execute(POSTGRES_FUNCTION)
        for statement in POSTGRES_TRIGGERS:
            op.execute(statement)
    else:
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)
    op.execute("UPDATE store_meta SET value = '2' WHERE key = 'schema_version'")


def _seal_existing_rows(bind) -> None:
    meta = sa.MetaData()
    rows = []
    for rank, (name, time_column) in enumerate(HISTORY.items()):
        table = sa.Table(name, meta, autoload_with=bind)
        for row in bind.execute(sa.select(table)):
            m = dict(row._mapping)
            rows.append(((_when(m[time_column]), rank, m["id"]), name, table, m))
    rows.sort(key=lambda r: r[0])
    prev = GENESIS
    for seq, (_, name, table, m) in enumerate(rows, start=1):
        digest = link_hash(name, seq, prev, m)
        bind.execute(
            table.update().where(table.c.id == m["id"]).values(seq=seq, prev_hash=prev, hash=digest)
        )
        prev = digest


def _when(text) -> str:
    """An ISO time as a sortable UTC text (times that do not read sort as written)."""
    try:
        when = datetime.fromisoformat(str(text))
    except ValueError:
        return str(text)
    if when.tzinfo is not None:
        when = when.astimezone(UTC).replace(tzinfo=None)
    return when.isoformat()


def downgrade() -> None:
    raise NotImplementedError("the hash chain is part of the record; it is never removed")
