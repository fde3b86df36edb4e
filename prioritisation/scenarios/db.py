"""The scenario store: where it lives, how it is opened, and safe writes from many processes.

The store is append-only. :meth:`ScenarioStore.save` adds version *n + 1* of a name; earlier
versions stay readable with :meth:`ScenarioStore.get`. Each save also writes its audit
entries (:func:`~prioritisation.scenarios.audit.scenario_changes`) in the same transaction;
:meth:`ScenarioStore.audit` returns them as a table.

Where the store lives (:func:`open_store`): a SQLAlchemy URL given explicitly, else the
environment variable ``PRIORITISATION_STORE``, else an SQLite file beside the workbook
(``sample.scenarios.sqlite`` next to ``sample.xlsx``). SQLite runs in WAL mode with
``synchronous=FULL``, a busy timeout and every write in a ``BEGIN IMMEDIATE`` transaction, so
several app users and CLI runs can save at once without "database is locked" errors or lost
versions. The same code runs on PostgreSQL (``postgresql://user@host/db``), where saves are
serialised with a transaction-scoped advisory lock.

A server's password never needs to be in the URL (nor in the environment that holds the URL):
give the URL without it and name a file holding it, either with ``?password_file=PATH`` in the
URL or with the environment variable ``PRIORITISATION_STORE_PASSWORD_FILE``; the file is read
each time a connection is made (:func:`read_password_file`), so a new password takes effect
without a restart. ``prioritisation store init`` writes such files
(:mod:`prioritisation.scenarios.roles`).

Every row written is sealed into the store's hash chain
(:mod:`prioritisation.scenarios.integrity`); :meth:`ScenarioStore.head` gives the chain's head
for a report. Opening a store brings its schema up to date
(:mod:`prioritisation.scenarios.migrations`) under the write lock, unless the store is opened
read-only (a file the user may not write, or ``readonly=True``): then nothing is written, not
even the switch to WAL, and a store that needs an upgrade says so.
"""

from __future__ import annotations

import dataclasses
import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import pandas as pd
import sqlalchemy as sa

from prioritisation.core.errors import UsageError
from prioritisation.scenarios import migrations
from prioritisation.scenarios.audit import scenario_changes
from prioritisation.scenarios.integrity import ChainBroken, ChainWriter, chain_head, verify
from prioritisation.scenarios.scenario import (
    Scenario,
    check_author,
    check_name,
    check_texts,
    scenarios_frame,
)
from prioritisation.scenarios.schema import (
    AUDIT_COLUMNS,
    audit_table,
    row_to_scenario,
    scenario_row,
    scenarios_table,
    stored_text,
)

ENV_VAR = "PRIORITISATION_STORE"
PASSWORD_FILE_ENV = "PRIORITISATION_STORE_PASSWORD_FILE"
PASSWORD_FILE_PARAM = "password_file"  # ?password_file=PATH in a server's URL
BUSY_TIMEOUT_MS = 60_000
_PG_LOCK_KEY = 0x5072696F  # "Prio": the advisory lock that serialises saves on PostgreSQL


def default_store_path(workbook) -> Path:
    """``data/sample.xlsx`` → ``data/sample.scenarios.sqlite`` (a CSV folder: inside it)."""
    path = Path(workbook)
    if path.is_dir():
        return path / "scenarios.sqlite"
    return path.with_name(path.stem + ".scenarios.sqlite")


def store_url(target=None, url: str | None = None) -> str:
    """The SQLAlchemy URL of the store: ``url``, else ``$PRIORITISATION_STORE``, else the SQLite
    file beside the workbook ``target``. ``target`` may itself be a URL."""
    if url:
        return _normalise_url(url)
    if target is not None and "://" in str(target):
        return _normalise_url(str(target))
    env = os.environ.get(ENV_VAR, "").strip()
    if env:
        return _normalise_url(env)
    if target is None:
        raise UsageError("usage.store_needs_workbook")
    return "sqlite:///" + str(default_store_path(target).resolve())


def _normalise_url(url: str) -> str:
    """``postgresql://`` and ``postgres://`` use psycopg 3; a bare path means an SQLite file."""
    url = url.strip()
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    if "://" not in url:
        return "sqlite:///" + str(Path(url).resolve())
    return url


def open_store(
    target=None,
    url: str | None = None,
    *,
    readonly: bool | None = None,
    password_file=None,
) -> ScenarioStore:
    """Open (creating if needed, upgrading if old) the scenario store for a workbook path or URL.

    ``open_store("data/sample.xlsx")`` uses ``$PRIORITISATION_STORE`` when set, else
    ``data/sample.scenarios.sqlite``; ``open_store(url="postgresql://…")`` a server (a bare
    path as ``url`` is an SQLite file). ``readonly``: ``True`` never writes (listing, showing,
    verifying); ``None`` (default) is read-only exactly when the SQLite file or its folder may
    not be written. ``password_file``: where a server's password is (default:
    ``$PRIORITISATION_STORE_PASSWORD_FILE``), used when the URL has none.

    >>> import tempfile
    >>> from prioritisation.data.sample import sample_path
    >>> from prioritisation.data.workbook import read_workbook
    >>> from prioritisation.scenarios.scenario import make_scenario
    >>> wb = read_workbook(sample_path())
    >>> with tempfile.TemporaryDirectory() as folder, open_store(url=f"{folder}/s.sqlite") as store:
    ...     first = store.save(make_scenario(wb, "Lezen", "An", weights="desirability=3"))
    ...     second = store.save(make_scenario(wb, "Lezen", "Bart"))
    ...     [s.label for s in store.list()], store.get("Lezen", 1).author
    (['Lezen v1', 'Lezen v2'], 'An')
    >>> store_url("data/ronde.xlsx", url="postgres://an@server/prio")
    'postgresql+psycopg://an@server/prio'
    """
    if password_file is None:
        password_file = os.environ.get(PASSWORD_FILE_ENV, "").strip() or None
    return ScenarioStore(store_url(target, url), readonly=readonly, password_file=password_file)


def _display_url(url: str) -> str:
    try:
        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except Exception:  # pragma: no cover - a malformed URL is reported by create_engine
        return url


# --------------------------------------------------------------------------- the store


class ScenarioStore:
    """An append-only store of scenario versions and audit entries (SQLite or PostgreSQL).

    Safe to use from several processes and threads at once. Use as a context manager or call
    :meth:`close`. All methods return data (dataclasses, frames); none prints.
    """

    def __init__(self, url: str, readonly: bool | None = None, password_file=None):
        self.url = url
        self.display = _display_url(url)
        self.readonly = _sqlite_readonly(url) if readonly is None else bool(readonly)
        self.engine = None
        try:
            self.engine = _make_engine(url, self.readonly, password_file)
            self.dialect = self.engine.dialect.name
            self._open_schema()
        except Exception as exc:
            if self.engine is not None:
                self.engine.dispose()
            if isinstance(exc, UsageError):
                raise
            raise UsageError(
                "usage.store_unusable", store=self.display, error=error_line(exc)
            ) from exc

    # -- lifecycle
    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> ScenarioStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"ScenarioStore({self.display!r})"

    # -- transactions
    def transaction(self):
        """A write transaction (``BEGIN IMMEDIATE`` on SQLite, the save lock on PostgreSQL)."""
        if self.readonly:
            raise UsageError("usage.store_read_only", store=self.display)
        return _WriteTransaction(self)

    def _open_schema(self) -> None:
        """Bring the schema up to date (under the write lock), or, read-only, check it is."""
        with self.engine.connect() as conn:
            found = migrations.state(conn)
        if found == "current":
            return
        if found == "newer":
            raise UsageError("usage.store_newer", store=self.display)
        if self.readonly:
            raise UsageError("usage.store_needs_upgrade", store=self.display)
        with self.transaction() as conn:
            migrations.upgrade(conn)

    def head(self) -> str | None:
        """The hash of the chain's last entry (``None`` when empty): what a report prints in
        its decision record, and what ``audit verify --head`` checks later."""
        with self.engine.connect() as conn:
            return chain_head(conn)

    # -- writing
    def save(self, scenario: Scenario, *, retries: int = 20) -> Scenario:
        """Append ``scenario`` as the next version of its name; return it with version, time, id.

        Writes the scenario and its audit entries (what changed since the previous version of
        the same name) in one transaction: either both are kept or neither.
        """
        check_texts(scenario.name, scenario.author, scenario.note)
        last_error = None
        for _ in range(max(1, retries)):
            try:
                with self.transaction() as conn:
                    return self._save(conn, scenario)
            except sa.exc.IntegrityError as exc:  # a concurrent save took the version: retry
                last_error = exc
        raise last_error  # pragma: no cover - only after `retries` lost races

    def _save(self, conn, scenario: Scenario) -> Scenario:
        t = scenarios_table
        previous_row = conn.execute(
            sa.select(t).where(t.c.name == scenario.name).order_by(t.c.version.desc()).limit(1)
        ).first()
        previous = row_to_scenario(previous_row) if previous_row is not None else None
        version = (previous.version if previous else 0) + 1
        now = datetime.now(UTC)
        saved = dataclasses.replace(scenario, version=version, created=now, id=None)
        chain = ChainWriter(conn)
        result = conn.execute(t.insert().values(**chain.seal("scenarios", scenario_row(saved))))
        saved = dataclasses.replace(saved, id=int(result.inserted_primary_key[0]))
        entries = scenario_changes(previous, saved)
        if entries:
            conn.execute(
                audit_table.insert(),
                [chain.seal("audit_log", {
                    **e, "at": now.isoformat(), "actor": saved.author, "scenario": saved.name,
                    "version": version, "workbook_sha256": saved.workbook_sha256})
                 for e in entries],
            )  # fmt: skip
        return saved

    def log(self, actor: str, field: str, item=None, old=None, new=None, *,
            scenario: str | None = None, workbook_sha256: str | None = None) -> None:  # fmt: skip
        """Record a change that is not a scenario save (the app: a selection ticked, say)."""
        check_author(actor)
        if scenario is not None:
            check_name(scenario)
        row = dict(at=datetime.now(UTC).isoformat(), actor=str(actor), action="log",
                   scenario=scenario, version=None, field=str(field),
                   item=None if item is None else str(item), old=stored_text(old),
                   new=stored_text(new), workbook_sha256=workbook_sha256)  # fmt: skip
        with self.transaction() as conn:
            conn.execute(audit_table.insert().values(**ChainWriter(conn).seal("audit_log", row)))

    # -- reading
    def list(self, name: str | None = None, latest: bool = False) -> list[Scenario]:
        """Every saved version (oldest first), or only ``name``'s; ``latest``: one per name."""
        t = scenarios_table
        query = sa.select(t).order_by(t.c.id)
        if name is not None:
            query = query.where(t.c.name == name)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        scenarios = [row_to_scenario(r) for r in rows]
        if latest:
            last = {s.name: s for s in scenarios}
            scenarios = sorted(last.values(), key=lambda s: s.id)
        return scenarios

    def names(self) -> list[str]:
        """The scenario names, in the order they were first saved."""
        return list(dict.fromkeys(s.name for s in self.list()))

    def versions(self, name: str) -> list[int]:
        t = scenarios_table
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(t.c.version).where(t.c.name == name).order_by(t.c.version)
            ).all()
        return [int(r[0]) for r in rows]

    def get(self, name: str, version: int | None = None) -> Scenario:
        """Version ``version`` of ``name`` (default: the latest); ``UsageError`` if absent."""
        t = scenarios_table
        query = sa.select(t).where(t.c.name == name)
        query = (query.where(t.c.version == int(version)) if version is not None
                 else query.order_by(t.c.version.desc()).limit(1))  # fmt: skip
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        if row is None:
            versions = self.versions(name)
            if versions:
                raise UsageError("usage.scenario_version", name=name, version=version,
                                 versions=", ".join(map(str, versions)))  # fmt: skip
            raise UsageError("usage.scenario_unknown", name=name, store=self.display,
                             known=", ".join(self.names()) or "—")  # fmt: skip
        return row_to_scenario(row)

    def frame(self, name: str | None = None) -> pd.DataFrame:
        """The versions as a table: name, version, author, created, method, aggregate, one
        ``w_<criterion>`` column per weight, note, workbook_sha256."""
        return scenarios_frame(self.list(name))

    def audit(self, scenario: str | None = None) -> pd.DataFrame:
        """The audit log, oldest first: ``at`` (UTC), ``actor``, ``action`` (create, change,
        save, log), ``scenario``, ``version``, ``field`` (weight, threshold, method,
        aggregate, budget_total, budget_year, include, exclude, note), ``item`` (criterion or
        idea id), ``old``, ``new``, ``workbook_sha256``."""
        a = audit_table
        query = sa.select(*[a.c[c] for c in AUDIT_COLUMNS]).order_by(a.c.id)
        if scenario is not None:
            query = query.where(a.c.scenario == scenario)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        frame = pd.DataFrame([tuple(r) for r in rows], columns=AUDIT_COLUMNS, dtype=object)
        frame["version"] = frame["version"].astype("Int64")
        return frame

    def backup(self, dest) -> Path:
        """Copy an SQLite store to ``dest`` as one consistent file (safe while others write),
        after verifying its hash chain (:class:`~prioritisation.scenarios.integrity.ChainBroken`
        if it does not hold: a broken store is not copied over a good backup).

        A PostgreSQL store is backed up with the server's own tools (``pg_dump``)."""
        if self.dialect != "sqlite":
            raise UsageError("usage.backup_sqlite_only", store=self.display)
        from prioritisation.data.export import atomic_path

        checked = verify(self)
        if not checked.ok:
            raise ChainBroken(checked)
        with atomic_path(dest) as tmp:
            raw, dst = self.engine.raw_connection(), sqlite3.connect(tmp)
            try:
                raw.driver_connection.backup(dst)
                dst.execute("PRAGMA journal_mode = DELETE")
            finally:
                dst.close()
                raw.close()
        return Path(dest)


class _WriteTransaction:
    def __init__(self, store: ScenarioStore):
        self.store = store

    def __enter__(self):
        conn = self.store.engine.connect()
        try:
            self._conn = conn.execution_options(prioritisation_write=True)
            self._tx = self._conn.begin()
            if self.store.dialect == "postgresql":
                self._conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})
        except BaseException:
            conn.close()
            raise
        return self._conn

    def __exit__(self, exc_type, exc, tb):
        try:
            if exc_type is None:
                self._tx.commit()
            else:
                self._tx.rollback()
        finally:
            self._conn.close()
        return False


def _sqlite_file(url: str) -> Path | None:
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def _sqlite_readonly(url: str) -> bool:
    """An existing SQLite store that this user may not write (the file or its folder, where
    SQLite keeps its journal); a server's store is writable as far as we can tell here."""
    path = _sqlite_file(url)
    if path is None or not path.exists():
        return False
    return not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK))


def _readonly_uri(path: Path) -> str:
    """The URI that reads ``path`` without writing anything: ``mode=ro``; a WAL-mode file in
    a folder we may not write (no ``-shm`` can be made) and with no pending ``-wal`` is read as
    ``immutable``."""
    uri = f"file:{quote(str(path.resolve()))}?mode=ro"
    probe = None
    try:
        probe = sqlite3.connect(uri, uri=True)
        probe.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return uri
    except sqlite3.OperationalError:
        if Path(f"{path}-wal").exists():
            raise
        return uri + "&immutable=1"
    finally:
        if probe is not None:
            probe.close()


def read_password_file(path) -> str:
    """The password in ``path``: its first line (no line end). The file must not be readable
    by every user of the machine (mode 0600 or 0640), as for libpq's ``.pgpass``.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> secret = folder / "app.password"
    >>> _ = secret.write_text("s3cret\\n")
    >>> secret.chmod(0o600)
    >>> read_password_file(secret)
    's3cret'
    >>> secret.chmod(0o644)
    >>> read_password_file(secret)
    Traceback (most recent call last):
    UsageError: ...
    """
    path = Path(path)
    try:
        mode = path.stat().st_mode
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(
            "usage.password_file_unreadable", path=str(path), error=error_line(exc)
        ) from exc
    if mode & 0o007:
        raise UsageError("usage.password_file_open", path=str(path), mode=f"{mode & 0o777:04o}")
    password = text.split("\n", 1)[0].rstrip("\r")
    if not password:
        raise UsageError("usage.password_file_empty", path=str(path))
    return password


def _make_engine(url: str, readonly: bool = False, password_file=None) -> sa.Engine:
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return _server_engine(parsed, password_file)
    path = _sqlite_file(url)
    if readonly and path is not None:
        uri = _readonly_uri(path)
        engine = sa.create_engine(
            "sqlite://",
            creator=lambda: sqlite3.connect(
                uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False
            ),
        )
    else:
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # SQLAlchemy's "begin" event emits BEGIN itself
        cursor = dbapi_conn.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if not readonly:
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = FULL")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn):
        write = conn.get_execution_options().get("prioritisation_write")
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def _server_engine(parsed: sa.engine.URL, password_file=None) -> sa.Engine:
    """A server's engine; without a password in the URL, the password file (``?password_file=``
    in the URL, else ``password_file``) is read at every new connection."""
    query = dict(parsed.query)
    password_file = query.pop(PASSWORD_FILE_PARAM, None) or password_file
    parsed = parsed.set(query=query)
    engine = sa.create_engine(parsed, pool_pre_ping=True)
    if password_file and parsed.password is None:

        @sa.event.listens_for(engine, "do_connect")
        def _password(_dialect, _record, _cargs, cparams):
            cparams["password"] = read_password_file(password_file)

    return engine


def error_line(exc: Exception) -> str:
    """The first line of a database error (its driver's text), for a message."""
    text = str(getattr(exc, "orig", None) or exc).strip()
    return (text.splitlines()[0] if text else type(exc).__name__)[:300]
