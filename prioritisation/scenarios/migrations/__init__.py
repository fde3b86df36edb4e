"""The store's schema, versioned with Alembic; :func:`upgrade` brings a store to the newest.

Each change of the store's tables is one migration module in ``versions/`` (``revision``,
``down_revision``, ``upgrade()``), run in order by Alembic (SQLAlchemy's own migration tool) on
SQLite and PostgreSQL alike:

- ``0001`` (baseline): the tables of schema version 1 (``scenarios``, ``audit_log``,
  ``store_meta``). A store written before the migrations existed (``schema_version`` 1 in
  ``store_meta``, no ``alembic_version`` table) is *stamped* with this revision, not rebuilt.
- ``0002``: the hash chain (``seq``, ``prev_hash``, ``hash`` on both history tables, computed
  for the rows already there, see :mod:`prioritisation.scenarios.integrity`) and the triggers
  that refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL) on history.

- ``0003``: group rounds (``rounds`` and ``round_events``, in the hash chain and guarded by
  the same triggers; see :mod:`prioritisation.scenarios.rounds`).

The store runs :func:`upgrade` when it is opened for writing, inside its write transaction
(``BEGIN IMMEDIATE`` on SQLite, the advisory lock on PostgreSQL), so concurrent openers migrate
once; a store opened read-only is never migrated (:func:`state` says whether it needs it).
The tables the workbench will need later come as new modules here: copy
``v0003_rounds.py``, set ``revision`` and ``down_revision``; never edit a migration that has
been released.

On PostgreSQL the role the app connects with should hold only what an append-only store
needs; the owner runs the migrations (open the store once with the owner's URL after an
upgrade of the program)::

    GRANT CONNECT ON DATABASE prio TO prio_app;
    GRANT USAGE ON SCHEMA public TO prio_app;
    GRANT SELECT, INSERT ON scenarios, audit_log, rounds, round_events TO prio_app;
    GRANT SELECT ON store_meta, alembic_version TO prio_app;
    GRANT USAGE ON SEQUENCE scenarios_id_seq, audit_log_id_seq, rounds_id_seq,
        round_events_id_seq TO prio_app;

(:func:`postgres_grants` writes these lines for a role.)

>>> head_revision()
'0003'
"""

from __future__ import annotations

import re
from pathlib import Path

import sqlalchemy as sa
from alembic.config import Config
from alembic.runtime.environment import EnvironmentContext
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError

from prioritisation.core.errors import UsageError

FOLDER = Path(__file__).resolve().parent
BASELINE = "0001"


def _script() -> ScriptDirectory:
    return ScriptDirectory(str(FOLDER))


def head_revision() -> str:
    """The newest migration: the revision a store has after :func:`upgrade`."""
    return _script().get_current_head()


def current_revision(conn) -> str | None:
    """The store's revision (``None``: never migrated: empty, or written before migrations)."""
    return MigrationContext.configure(conn).get_current_revision()


def state(conn) -> str:
    """``"current"``, ``"behind"`` (an upgrade is due) or ``"newer"`` (written by a newer
    version of the program than this one). Reads only."""
    revision = current_revision(conn)
    if revision == head_revision():
        return "current"
    if revision is None:
        legacy = _legacy_version(conn)
        return "behind" if legacy in (None, "1") else "newer"
    try:
        _script().get_revision(revision)
    except CommandError:
        return "newer"
    return "behind"


def upgrade(conn) -> list[str]:
    """Bring the store on ``conn`` (inside the write transaction) to :func:`head_revision`;
    return the revisions applied. A store of schema version 1 without Alembic's table is
    stamped as the baseline first."""
    found = state(conn)
    if found == "current":
        return []
    if found == "newer":
        shown = conn.engine.url.render_as_string(hide_password=True)
        raise UsageError("usage.store_newer", store=shown)
    script = _script()
    if current_revision(conn) is None and _legacy_version(conn) == "1":
        MigrationContext.configure(conn).stamp(script, BASELINE)
    head = script.get_current_head()
    applied: list[str] = []

    def steps(revision, _context):
        found = script._upgrade_revs(head, revision)
        applied.extend(step.revision.revision for step in found)
        return found

    config = Config()
    config.set_main_option("script_location", str(FOLDER))
    with EnvironmentContext(config, script, fn=steps, destination_rev=head) as env:
        env.configure(connection=conn)
        with env.begin_transaction():
            env.run_migrations()
    return applied


def _legacy_version(conn) -> str | None:
    """``store_meta``'s schema version in a store without ``alembic_version`` (``None``: no
    such table, or no version in it: an empty database)."""
    if not sa.inspect(conn).has_table("store_meta"):
        return None
    return conn.execute(
        sa.text("SELECT value FROM store_meta WHERE key = 'schema_version'")
    ).scalar()


def postgres_grants(role: str, database: str = "prio") -> str:
    """The SQL that gives ``role`` what the app needs on PostgreSQL (see the module's text).

    >>> print(postgres_grants("prio_app").splitlines()[2])
    GRANT SELECT, INSERT ON scenarios, audit_log, rounds, round_events TO prio_app;
    """
    for name in (role, database):
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise ValueError(f"not a plain SQL name: {name!r}")
    return "\n".join([
        f"GRANT CONNECT ON DATABASE {database} TO {role};",
        f"GRANT USAGE ON SCHEMA public TO {role};",
        f"GRANT SELECT, INSERT ON scenarios, audit_log, rounds, round_events TO {role};",
        f"GRANT SELECT ON store_meta, alembic_version TO {role};",
        f"GRANT USAGE ON SEQUENCE scenarios_id_seq, audit_log_id_seq, rounds_id_seq, "
        f"round_events_id_seq TO {role};",
    ])  # fmt: skip
