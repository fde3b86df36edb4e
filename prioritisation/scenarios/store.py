"""The scenario store and audit trail: every save is a new version, nothing is ever overwritten.

A :class:`Scenario` is what a steering group decided to try: method, aggregation, weights
(shares summing to 1), thresholds (gates), budget settings, a selection (ideas forced in or
out), a note, who saved it, when, and the SHA-256 of the workbook it was made on.

The store is append-only. :meth:`ScenarioStore.save` adds version *n + 1* of a name; earlier
versions stay readable with :meth:`ScenarioStore.get`. Each save also writes audit entries
(who changed which weight, threshold or selection, from what to what, and when) in the same
transaction; :meth:`ScenarioStore.audit` returns them as a table.

Where the store lives (:func:`open_store`): a SQLAlchemy URL given explicitly, else the
environment variable ``PRIORITISATION_STORE``, else an SQLite file beside the workbook
(``sample.scenarios.sqlite`` next to ``sample.xlsx``). SQLite runs in WAL mode with
``synchronous=FULL``, a busy timeout and every write in a ``BEGIN IMMEDIATE`` transaction, so
several app users and CLI runs can save at once without "database is locked" errors or lost
versions. The same code runs on PostgreSQL (``postgresql://user@host/db``), where saves are
serialised with a transaction-scoped advisory lock.

Typical use (the app, the report, a notebook)::

    from prioritisation.scenarios.store import open_store, make_scenario, scenario_ranking, compare
    store = open_store("data/sample.xlsx")
    sc = store.save(make_scenario(wb, "Leesklimaat eerst", "An", weights="desirability=3"))
    store.list()                        # every version, oldest first
    store.get("Leesklimaat eerst")      # the latest version
    scenario_ranking(wb, sc)            # its Ranking
    compare(wb, store.get("A"), store.get("B"))
    store.audit()                       # a DataFrame
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import sqlalchemy as sa

from prioritisation.core.errors import UsageError
from prioritisation.core.i18n import get_language, tr
from prioritisation.core.model import Workbook

ENV_VAR = "PRIORITISATION_STORE"
SCHEMA_VERSION = 1
BUSY_TIMEOUT_MS = 60_000
_PG_LOCK_KEY = 0x5072696F  # "Prio": the advisory lock that serialises saves on PostgreSQL


# --------------------------------------------------------------------------- the scenario


@dataclass(frozen=True)
class Scenario:
    """One saved version of a scenario.

    ``weights``: criterion id → share (the shares sum to 1). ``thresholds``: criterion id →
    gate value, ``None`` for no gate. ``budget``: ``{"total": float | None, "per_year":
    {year: amount}}``. ``selection``: ``{"include": [ids], "exclude": [ids]}`` — ideas the
    group forces into or out of the funded set. ``version`` (1, 2, …), ``created`` (UTC) and
    ``id`` are set by :meth:`ScenarioStore.save`.
    """

    name: str
    author: str
    method: str
    aggregate: str
    weights: dict[str, float]
    thresholds: dict[str, float | None] = field(default_factory=dict)
    budget: dict = field(default_factory=lambda: {"total": None, "per_year": {}})
    selection: dict = field(default_factory=lambda: {"include": [], "exclude": []})
    note: str = ""
    workbook_sha256: str | None = None
    workbook: str | None = None
    version: int | None = None
    created: datetime | None = None
    id: int | None = None

    @property
    def label(self) -> str:
        """``name v3``: how a version is named in tables and reports."""
        return f"{self.name} v{self.version}" if self.version else self.name

    def to_record(self) -> dict:
        """A JSON-ready dict (``created`` as ISO 8601 UTC)."""
        record = dataclasses.asdict(self)
        record["created"] = self.created.isoformat() if self.created else None
        return record


def parse_thresholds(wb: Workbook, spec) -> dict[str, float | None]:
    """The workbook's thresholds, overridden by ``spec``: ``"innovation=2,feasibility=none"``
    or a mapping (``None``/NaN removes a gate). Values must lie on the criterion's scale."""
    c = wb.criteria
    out = {cid: _opt_float(v) for cid, v in c["threshold"].items()}
    if spec is None or (isinstance(spec, str) and not spec.strip()):
        return out
    if isinstance(spec, str):
        items = {}
        for part in re.split(r"[;,]", spec):
            if not part.strip():
                continue
            if "=" not in part:
                raise UsageError("usage.threshold_syntax", spec=spec)
            key, value = (s.strip() for s in part.split("=", 1))
            items[key] = value
        spec = items
    known = ", ".join(c.index)
    for key, value in dict(spec).items():
        if key not in c.index:
            raise UsageError("usage.threshold_unknown", id=key, known=known)
        if value is None or (
            isinstance(value, str) and value.strip().lower() in ("", "none", "geen", "-")
        ):
            out[key] = None
            continue
        try:
            number = float(str(value).replace(",", ".")) if isinstance(value, str) else float(value)
        except ValueError:
            raise UsageError("usage.threshold_syntax", spec=f"{key}={value}") from None
        if math.isnan(number):
            out[key] = None
            continue
        lo, hi = float(c.at[key, "scale_min"]), float(c.at[key, "scale_max"])
        if not lo <= number <= hi:
            raise UsageError(
                "usage.threshold_value", id=key, value=value, min=f"{lo:g}", max=f"{hi:g}"
            )
        out[key] = number
    return out


def parse_budget(spec, settings: Mapping | None = None) -> dict:
    """Budget settings: ``1500000``, ``"2027=700000,2028=600000"`` or a dict; ``None`` takes
    the workbook's ``budget`` and ``budget_per_year`` settings."""
    if spec is None:
        settings = settings or {}
        total = settings.get("budget")
        per_year = settings.get("budget_per_year")
        budget = {"total": _opt_float(total), "per_year": {}}
        if per_year not in (None, ""):
            try:
                budget["per_year"] = parse_budget(str(per_year))["per_year"]
            except UsageError:
                budget["per_year"] = {}
        return budget
    if isinstance(spec, Mapping):
        per_year = {str(k): float(v) for k, v in dict(spec.get("per_year") or {}).items()}
        return {"total": _opt_float(spec.get("total")), "per_year": per_year}
    if isinstance(spec, int | float):
        if not math.isfinite(spec) or spec < 0:
            raise UsageError("usage.budget_syntax", spec=spec)
        return {"total": float(spec), "per_year": {}}
    text = str(spec).strip()
    try:
        if "=" not in text:
            value = _amount(text)
            if value < 0:
                raise ValueError(text)
            return {"total": value, "per_year": {}}
        per_year = {}
        for part in re.split(r"[;,]", text):
            if not part.strip():
                continue
            year, amount = (s.strip() for s in part.split("=", 1))
            int(year)
            value = _amount(amount)
            if value < 0:
                raise ValueError(amount)
            per_year[year] = value
        if not per_year:
            raise ValueError(text)
        return {"total": float(sum(per_year.values())), "per_year": per_year}
    except ValueError:
        raise UsageError("usage.budget_syntax", spec=spec) from None


def _amount(text: str) -> float:
    """``"1.500.000"``, ``"€ 1 500 000"``, ``"1500000"`` → 1500000.0 (``ValueError`` otherwise)."""
    from prioritisation.data.workbook import to_number

    value = to_number(text.replace("_", ""), decimal_comma=True)
    if value is None or not math.isfinite(value):
        raise ValueError(text)
    return value


def _ids(spec) -> list[str]:
    if spec is None:
        return []
    if isinstance(spec, str):
        return [s.strip() for s in re.split(r"[;,]", spec) if s.strip()]
    return [str(s) for s in spec]


def make_scenario(
    wb: Workbook,
    name: str,
    author: str,
    *,
    weights=None,
    method: str | None = None,
    aggregate: str | None = None,
    thresholds=None,
    budget=None,
    include=None,
    exclude=None,
    note: str = "",
) -> Scenario:
    """A scenario of ``wb`` (not yet saved), every setting checked and resolved.

    ``weights`` is anything :func:`~prioritisation.engine.weights.resolve_weights` takes (stored as
    shares); ``thresholds`` overrides the workbook's gates (see :func:`parse_thresholds`);
    ``budget`` see :func:`parse_budget`; ``include``/``exclude`` are idea ids. Unset values
    are the workbook's.
    """
    from prioritisation.engine.scoring import check_aggregate, check_method
    from prioritisation.engine.weights import resolve_weights

    name, author = (name or "").strip(), (author or "").strip()
    if not name:
        raise UsageError("usage.scenario_name")
    if not author:
        raise UsageError("usage.scenario_author")
    method = check_method(method or str(wb.settings.get("method") or "wsm"))
    aggregate = check_aggregate(aggregate or str(wb.settings.get("aggregate") or "mean"))
    shares = resolve_weights(wb, weights)
    include, exclude = _ids(include), _ids(exclude)
    for iid in include + exclude:
        if iid not in wb.ideas.index:
            raise UsageError("usage.selection_unknown", id=iid)
    for iid in include:
        if iid in exclude:
            raise UsageError("usage.selection_both", id=iid)
    return Scenario(
        name=name, author=author, method=method, aggregate=aggregate,
        weights={c: float(w) for c, w in shares.items()},
        thresholds=parse_thresholds(wb, thresholds), budget=parse_budget(budget, wb.settings),
        selection={"include": include, "exclude": exclude}, note=note or "",
        workbook_sha256=wb.sha256, workbook=Path(wb.source).name if wb.source else None,
    )  # fmt: skip


def _opt_float(value) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


# --------------------------------------------------------------------------- the schema

metadata = sa.MetaData()

scenarios_table = sa.Table(
    "scenarios", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("author", sa.String(200), nullable=False),
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
    sa.UniqueConstraint("name", "version", name="uq_scenario_version"),
)  # fmt: skip

audit_table = sa.Table(
    "audit_log", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.String(40), nullable=False),  # ISO 8601, UTC
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("action", sa.String(40), nullable=False),  # create, change, save, log
    sa.Column("scenario", sa.String(200)),
    sa.Column("version", sa.Integer),
    sa.Column("field", sa.String(100), nullable=False),  # weight, threshold, include, …
    sa.Column("item", sa.String(200)),  # criterion or idea id
    sa.Column("old", sa.Text),
    sa.Column("new", sa.Text),
    sa.Column("workbook_sha256", sa.String(64)),
)  # fmt: skip

meta_table = sa.Table(
    "store_meta", metadata,
    sa.Column("key", sa.String(100), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)  # fmt: skip

AUDIT_COLUMNS = ["at", "actor", "action", "scenario", "version", "field", "item", "old", "new",
                 "workbook_sha256"]  # fmt: skip


# --------------------------------------------------------------------------- opening


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


def open_store(target=None, url: str | None = None) -> ScenarioStore:
    """Open (creating if needed) the scenario store for a workbook path or URL.

    ``open_store("data/sample.xlsx")`` uses ``$PRIORITISATION_STORE`` when set, else
    ``data/sample.scenarios.sqlite``; ``open_store(url="postgresql://…")`` a server.
    """
    return ScenarioStore(store_url(target, url))


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

    def __init__(self, url: str):
        self.url = url
        self.display = _display_url(url)
        try:
            self.engine = _make_engine(url)
            self.dialect = self.engine.dialect.name
            self._create_schema()
        except UsageError:
            raise
        except Exception as exc:
            raise UsageError("usage.store_unusable", store=self.display, error=_short(exc)) from exc

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
        return _WriteTransaction(self)

    def _create_schema(self) -> None:
        with self.transaction() as conn:
            metadata.create_all(conn, checkfirst=True)
            have = conn.execute(
                sa.select(meta_table.c.value).where(meta_table.c.key == "schema_version")
            ).scalar()
            if have is None:
                conn.execute(meta_table.insert().values(key="schema_version",
                                                        value=str(SCHEMA_VERSION)))  # fmt: skip

    # -- writing
    def save(self, scenario: Scenario, *, retries: int = 20) -> Scenario:
        """Append ``scenario`` as the next version of its name; return it with version, time, id.

        Writes the scenario and its audit entries (what changed since the previous version of
        the same name) in one transaction: either both are kept or neither.
        """
        if not scenario.name.strip():
            raise UsageError("usage.scenario_name")
        if not scenario.author.strip():
            raise UsageError("usage.scenario_author")
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
        previous = _row_to_scenario(previous_row) if previous_row is not None else None
        version = (previous.version if previous else 0) + 1
        now = datetime.now(UTC)
        saved = dataclasses.replace(scenario, version=version, created=now, id=None)
        result = conn.execute(
            t.insert().values(
                name=saved.name,
                version=version,
                author=saved.author,
                created=now.isoformat(),
                method=saved.method,
                aggregate=saved.aggregate,
                weights=_dump(saved.weights),
                thresholds=_dump(saved.thresholds),
                budget=_dump(saved.budget),
                selection=_dump(saved.selection),
                note=saved.note or "",
                workbook_sha256=saved.workbook_sha256,
                workbook=saved.workbook,
            )  # fmt: skip
        )
        saved = dataclasses.replace(saved, id=int(result.inserted_primary_key[0]))
        entries = scenario_changes(previous, saved)
        if entries:
            conn.execute(
                audit_table.insert(),
                [{**e, "at": now.isoformat(), "actor": saved.author, "scenario": saved.name,
                  "version": version, "workbook_sha256": saved.workbook_sha256}
                 for e in entries],
            )  # fmt: skip
        return saved

    def log(self, actor: str, field: str, item=None, old=None, new=None, *,
            scenario: str | None = None, workbook_sha256: str | None = None) -> None:  # fmt: skip
        """Record a change that is not a scenario save (the app: a selection ticked, say)."""
        if not str(actor or "").strip():
            raise UsageError("usage.scenario_author")
        with self.transaction() as conn:
            conn.execute(
                audit_table.insert().values(
                    at=datetime.now(UTC).isoformat(), actor=str(actor), action="log",
                    scenario=scenario, version=None, field=str(field),
                    item=None if item is None else str(item), old=_text(old), new=_text(new),
                    workbook_sha256=workbook_sha256,
                )
            )  # fmt: skip

    # -- reading
    def list(self, name: str | None = None, latest: bool = False) -> list[Scenario]:
        """Every saved version (oldest first), or only ``name``'s; ``latest``: one per name."""
        t = scenarios_table
        query = sa.select(t).order_by(t.c.id)
        if name is not None:
            query = query.where(t.c.name == name)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        scenarios = [_row_to_scenario(r) for r in rows]
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
        return _row_to_scenario(row)

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
        """Copy an SQLite store to ``dest`` as one consistent file (safe while others write).

        A PostgreSQL store is backed up with the server's own tools (``pg_dump``)."""
        if self.dialect != "sqlite":
            raise UsageError("usage.backup_sqlite_only", store=self.display)
        import sqlite3

        from prioritisation.data.export import atomic_path

        source = sa.engine.make_url(self.url).database
        with atomic_path(dest) as tmp:
            src, dst = sqlite3.connect(source, timeout=BUSY_TIMEOUT_MS / 1000), sqlite3.connect(tmp)
            try:
                src.backup(dst)
                dst.execute("PRAGMA journal_mode = DELETE")
            finally:
                dst.close()
                src.close()
        return Path(dest)

    def count(self) -> int:
        with self.engine.connect() as conn:
            return int(
                conn.execute(sa.select(sa.func.count()).select_from(scenarios_table)).scalar()
            )


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


def _make_engine(url: str) -> sa.Engine:
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return sa.create_engine(url, pool_pre_ping=True)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # SQLAlchemy's "begin" event emits BEGIN itself
        cursor = dbapi_conn.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn):
        write = conn.get_execution_options().get("prioritisation_write")
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def _short(exc: Exception) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return (text.splitlines()[0] if text else type(exc).__name__)[:300]


# --------------------------------------------------------------------------- rows and diffs


def _dump(value) -> str:
    return json.dumps(value, ensure_ascii=False, default=_plain_json)


def _plain_json(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, tuple | set):
        return list(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, list | tuple | dict):
        return _dump(value)
    return str(value)


def _row_to_scenario(row) -> Scenario:
    m = row._mapping
    return Scenario(
        name=m["name"], author=m["author"], method=m["method"], aggregate=m["aggregate"],
        weights=json.loads(m["weights"]), thresholds=json.loads(m["thresholds"]),
        budget=json.loads(m["budget"]), selection=json.loads(m["selection"]), note=m["note"] or "",
        workbook_sha256=m["workbook_sha256"], workbook=m["workbook"], version=int(m["version"]),
        created=datetime.fromisoformat(m["created"]), id=int(m["id"]),
    )  # fmt: skip


def scenario_changes(previous: Scenario | None, new: Scenario) -> list[dict]:
    """Audit entries for saving ``new`` after ``previous`` (``None``: the first version).

    One ``save``/``create`` entry, then one ``change`` entry per weight, threshold, method,
    aggregation, budget line, selected idea and note that differs."""
    entries = [{"action": "create" if previous is None else "save", "field": "version",
                "item": None, "old": None if previous is None else str(previous.version),
                "new": str(new.version)}]  # fmt: skip

    def add(field_, item, old, new_):
        if _same(old, new_):
            return
        entries.append({"action": "change", "field": field_, "item": item, "old": _text(old),
                        "new": _text(new_)})  # fmt: skip

    p = previous
    add("method", None, p and p.method, new.method)
    add("aggregate", None, p and p.aggregate, new.aggregate)
    for cid in _union(p.weights if p else {}, new.weights):
        add("weight", cid, (p.weights if p else {}).get(cid), new.weights.get(cid))
    for cid in _union(p.thresholds if p else {}, new.thresholds):
        add("threshold", cid, (p.thresholds if p else {}).get(cid), new.thresholds.get(cid))
    old_budget = p.budget if p else {"total": None, "per_year": {}}
    add("budget_total", None, old_budget.get("total"), new.budget.get("total"))
    old_years, new_years = old_budget.get("per_year") or {}, new.budget.get("per_year") or {}
    for year in _union(old_years, new_years):
        add("budget_year", year, old_years.get(year), new_years.get(year))
    for kind in ("include", "exclude"):
        old_ids = set((p.selection if p else {}).get(kind) or [])
        new_ids = set(new.selection.get(kind) or [])
        for iid in sorted(old_ids | new_ids):
            add(kind, iid, iid in old_ids if p else None, iid in new_ids)
    add("note", None, (p.note if p else None) or None, new.note or None)
    return entries


def _union(a: Mapping, b: Mapping) -> list:
    return list(dict.fromkeys([*a, *b]))


def _same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=0, abs_tol=1e-12)
    return a == b


def scenarios_frame(scenarios: list[Scenario]) -> pd.DataFrame:
    """Scenarios as a flat table (one row per version), for listing and export."""
    criteria = list(dict.fromkeys(c for s in scenarios for c in s.weights))
    rows = []
    for s in scenarios:
        row = {"name": s.name, "version": s.version, "author": s.author,
               "created": s.created.isoformat(timespec="seconds") if s.created else None,
               "method": s.method, "aggregate": s.aggregate}  # fmt: skip
        for cid in criteria:
            row[f"w_{cid}"] = s.weights.get(cid, np.nan)
        for cid in criteria:
            row[f"t_{cid}"] = s.thresholds.get(cid)
        row["budget"] = s.budget.get("total")
        row["include"] = "; ".join(s.selection.get("include") or [])
        row["exclude"] = "; ".join(s.selection.get("exclude") or [])
        row["note"] = s.note
        row["workbook_sha256"] = s.workbook_sha256
        rows.append(row)
    columns = ["name", "version", "author", "created", "method", "aggregate"]
    columns += [f"w_{c}" for c in criteria] + [f"t_{c}" for c in criteria]
    columns += ["budget", "include", "exclude", "note", "workbook_sha256"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["version"] = frame["version"].astype("Int64")
    for cid in criteria:
        frame[f"t_{cid}"] = frame[f"t_{cid}"].astype(float)
    frame["budget"] = frame["budget"].astype(float)
    return frame


# --------------------------------------------------------------------------- using a scenario


def scenario_workbook(wb: Workbook, scenario: Scenario) -> Workbook:
    """``wb`` with the scenario's thresholds, method, aggregation and budget in force."""
    check_fits(wb, scenario)
    criteria = wb.criteria.copy()
    criteria["threshold"] = [
        np.nan if scenario.thresholds.get(c) is None else float(scenario.thresholds[c])
        for c in criteria.index
    ]
    settings = dict(wb.settings)
    settings.update(method=scenario.method, aggregate=scenario.aggregate)
    budget = scenario.budget or {}
    if budget.get("total") is not None:
        settings["budget"] = float(budget["total"])
    else:
        settings.pop("budget", None)
    if budget.get("per_year"):
        settings["budget_per_year"] = "; ".join(f"{y}={v:g}" for y, v in budget["per_year"].items())
    else:
        settings.pop("budget_per_year", None)
    return dataclasses.replace(wb, criteria=criteria, settings=settings)


def check_fits(wb: Workbook, scenario: Scenario) -> None:
    """``UsageError`` when the scenario's criteria are not the workbook's."""
    have, want = set(scenario.weights), set(wb.criteria.index)
    if have != want:
        raise UsageError("usage.scenario_mismatch", name=scenario.label,
                         missing=", ".join(sorted(want - have)) or "—",
                         extra=", ".join(sorted(have - want)) or "—")  # fmt: skip


def scenario_weights(wb: Workbook, scenario: Scenario) -> pd.Series:
    check_fits(wb, scenario)
    return pd.Series(scenario.weights, dtype=float).reindex(wb.criteria.index)


def scenario_ranking(wb: Workbook, scenario: Scenario, lang: str | None = None):
    """The :class:`~prioritisation.engine.scoring.Ranking` of ``wb`` under ``scenario`` (its weights,
    method, aggregation and thresholds)."""
    from prioritisation.engine.scoring import rank

    swb = scenario_workbook(wb, scenario)
    return rank(swb, method=scenario.method, weights=scenario_weights(wb, scenario),
                aggregate=scenario.aggregate, lang=lang)  # fmt: skip


def scenario_portfolio(wb: Workbook, scenario: Scenario, lang: str | None = None):
    """The funded set under ``scenario``: a :class:`~prioritisation.decisions.portfolio.Portfolio` for its
    total budget, weights, method, aggregation, thresholds and selection (``include`` = must,
    ``exclude``), or ``None`` when the scenario has no budget."""
    from prioritisation.decisions.portfolio.selection import select_portfolio

    total = (scenario.budget or {}).get("total")
    if total is None:
        return None
    selection = scenario.selection or {}
    return select_portfolio(
        scenario_workbook(wb, scenario), float(total), method=scenario.method,
        weights=scenario_weights(wb, scenario), aggregate=scenario.aggregate,
        must=list(selection.get("include") or []) or None,
        exclude=list(selection.get("exclude") or []) or None, lang=lang,
    )  # fmt: skip


@dataclass(frozen=True, eq=False)
class Comparison:
    """Two scenarios side by side (see :func:`compare`).

    ``settings``: one row per setting (method, aggregation, each threshold, budget, selection)
    with columns ``setting`` (``threshold feasibility``), ``label`` (in words, in the language
    asked), ``field``, ``item``, ``a``, ``b``, ``changed``. ``weights``: index criterion id; ``label``,
    ``a``, ``b``, ``difference`` (shares). ``ranking``: index idea id; ``title``, ``rank_a``,
    ``rank_b``, ``moved`` (places up, positive = better in B; NA when not ranked in one),
    ``score_a``, ``score_b``, ``eligible_a``, ``eligible_b``. ``moved``: the ids whose rank
    or eligibility differ. ``funded`` (``None`` when a scenario has no budget): index idea id;
    ``title``, ``cost``, ``funded_a``, ``funded_b``, ``reason_a``, ``reason_b``, ``changed``;
    ``funded_changed`` the ids funded in one and not the other; ``portfolio_a``/``_b`` the
    :class:`~prioritisation.decisions.portfolio.Portfolio` objects.
    ``workbook_differs``: a scenario was made on another version of the workbook.
    """

    a: Scenario
    b: Scenario
    settings: pd.DataFrame
    weights: pd.DataFrame
    ranking: pd.DataFrame
    moved: list[str]
    ranking_a: object
    ranking_b: object
    funded: pd.DataFrame | None = None
    workbook_differs: tuple[str, ...] = ()
    funded_changed: list[str] = field(default_factory=list)
    portfolio_a: object = None
    portfolio_b: object = None


def compare(wb: Workbook, a: Scenario, b: Scenario, lang: str | None = None) -> Comparison:
    """Compare two scenarios on ``wb``: settings, weights and ranking side by side."""
    lang = get_language(lang)
    ra, rb = scenario_ranking(wb, a, lang), scenario_ranking(wb, b, lang)
    labels = wb.criterion_labels(lang)
    weights = pd.DataFrame(
        {"label": [labels[c] for c in wb.criteria.index],
         "a": [a.weights[c] for c in wb.criteria.index],
         "b": [b.weights[c] for c in wb.criteria.index]},
        index=pd.Index(wb.criteria.index, name="criterion"),
    )  # fmt: skip
    weights["difference"] = weights["b"] - weights["a"]
    ta, tb = ra.table, rb.table
    ranking = pd.DataFrame(
        {"title": tb["title"], "rank_a": ta["rank"].reindex(tb.index).astype("Int64"),
         "rank_b": tb["rank"].astype("Int64"), "score_a": ta["score"].reindex(tb.index),
         "score_b": tb["score"], "eligible_a": ta["eligible"].reindex(tb.index),
         "eligible_b": tb["eligible"]},
        index=tb.index,
    )  # fmt: skip
    ranking.insert(3, "moved", (ranking["rank_a"] - ranking["rank_b"]).astype("Int64"))
    ranking.index.name = "id"
    changed = (ranking["rank_a"].fillna(-1) != ranking["rank_b"].fillna(-1)) | (
        ranking["eligible_a"] != ranking["eligible_b"]
    )
    moved = [str(i) for i in ranking.index[changed.to_numpy(dtype=bool)]]
    rows = [("method", None, a.method, b.method), ("aggregate", None, a.aggregate, b.aggregate)]
    for cid in wb.criteria.index:
        rows.append(("threshold", cid, a.thresholds.get(cid), b.thresholds.get(cid)))
    rows.append(("budget_total", None, a.budget.get("total"), b.budget.get("total")))
    for year in _union(a.budget.get("per_year") or {}, b.budget.get("per_year") or {}):
        rows.append(("budget_year", year, (a.budget.get("per_year") or {}).get(year),
                     (b.budget.get("per_year") or {}).get(year)))  # fmt: skip
    for kind in ("include", "exclude"):
        rows.append((kind, None, "; ".join(a.selection.get(kind) or []),
                     "; ".join(b.selection.get(kind) or [])))  # fmt: skip
    settings = pd.DataFrame(
        [{"setting": f"{f} {i}" if i else f, "label": field_label(f, i, labels, lang), "field": f,
          "item": i, "a": x, "b": y} for f, i, x, y in rows],
        columns=["setting", "label", "field", "item", "a", "b"], dtype=object,
    )  # fmt: skip
    settings["changed"] = [
        not _same(x, y) for x, y in zip(settings["a"], settings["b"], strict=True)
    ]
    differs = tuple(
        s.label
        for s in (a, b)
        if s.workbook_sha256 and wb.sha256 and s.workbook_sha256 != wb.sha256
    )
    pa, pb = scenario_portfolio(wb, a, lang), scenario_portfolio(wb, b, lang)
    funded, funded_changed = None, []
    if pa is not None and pb is not None:
        ids = list(ranking.index)
        funded = pd.DataFrame(
            {"title": ranking["title"], "cost": wb.ideas["cost"].reindex(ids),
             "funded_a": pa.table["funded"].reindex(ids).astype(bool),
             "funded_b": pb.table["funded"].reindex(ids).astype(bool),
             "reason_a": pa.table["reason"].reindex(ids), "reason_b": pb.table["reason"].reindex(ids)},
            index=ranking.index,
        )  # fmt: skip
        funded["changed"] = funded["funded_a"] != funded["funded_b"]
        funded_changed = [str(i) for i in funded.index[funded["changed"].to_numpy(dtype=bool)]]
    return Comparison(a=a, b=b, settings=settings, weights=weights, ranking=ranking, moved=moved,
                      ranking_a=ra, ranking_b=rb, funded=funded, workbook_differs=differs,
                      funded_changed=funded_changed, portfolio_a=pa, portfolio_b=pb)  # fmt: skip


FIELD_KEYS = ("method", "aggregate", "weight", "threshold", "budget_total", "budget_year",
              "include", "exclude", "note")  # fmt: skip


def field_label(
    field_: str, item=None, labels: Mapping | None = None, lang: str | None = None
) -> str:
    """``("threshold", "feasibility")`` → ``drempel Technische haalbaarheid`` (nl)."""
    name = tr(f"audit.field.{field_}", lang) if field_ in FIELD_KEYS else str(field_)
    if item is None or (isinstance(item, float) and math.isnan(item)) or item == "":
        return name
    return f"{name} {(labels or {}).get(item, item)}"


def _value_text(field_: str, value, lang: str | None) -> str:
    from prioritisation.core.i18n import fmt_money, fmt_number

    if value is None or (isinstance(value, float) and math.isnan(value)) or value == "":
        return "—"
    if field_ in ("include", "exclude"):
        return tr("audit.yes" if str(value) == "True" else "audit.no", lang)
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    if field_ == "weight":
        return f"{fmt_number(100 * number, 1, lang)} %"
    if field_ in ("budget_total", "budget_year"):
        return fmt_money(number, lang=lang)
    return fmt_number(number, 2, lang)


def describe_change(entry: Mapping, lang: str | None = None, labels: Mapping | None = None) -> str:
    """One audit entry in words: ``gewicht Innovatiewaarde: 30,0 % → 46,2 %``."""
    field_ = entry.get("field")
    if field_ == "version":
        return tr("audit.created" if entry.get("action") == "create" else "audit.saved", lang)
    old, new = (
        _value_text(field_, entry.get("old"), lang),
        _value_text(field_, entry.get("new"), lang),
    )
    return f"{field_label(field_, entry.get('item'), labels, lang)}: {old} → {new}"
