"""A group's store on PostgreSQL with roles that keep the store's promises: the database itself
refuses the app any change of history.

:func:`init_store` (``prioritisation store init``) does, as the owner (the administrator's URL):

1. creates the group's schema (``--schema``; several steering groups share one PostgreSQL
   server, one schema each) and brings the store's tables up to date in it (the migrations);
2. creates or updates two login roles, each with a password kept in a file (read from the file
   when it exists, else made up and written there with mode 0600; never printed). The password
   is sent to the server as a SCRAM-SHA-256 verifier (:func:`scram_verifier`), so it never shows
   in the server's log either;
3. revokes whatever else the roles held in the schema and grants exactly:

   - the **app** role: ``SELECT, INSERT`` on the history tables (``scenarios``, ``audit_log``,
     ``rounds``, ``round_events``),
     ``USAGE`` on their id sequences, ``SELECT`` on the store's other tables. Not ``UPDATE``,
     ``DELETE`` or ``TRUNCATE``, and it owns nothing, so it cannot drop or alter a table or its
     append-only triggers either;
   - the **analyst** role: ``SELECT`` on the store's tables, nothing else;
   - both: ``CONNECT`` on the database, ``USAGE`` on the schema, and the schema as their
     ``search_path`` in this database, so their URL needs no schema;

4. reads back from the server's catalogue what the two roles (and ``PUBLIC``) now hold there
   (:func:`held_grants`): what the command prints.

Running it again changes nothing but the password verifiers' salt (same passwords) and brings
the grants back to exactly these.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from prioritisation.core.errors import UsageError
from prioritisation.core.i18n import N_, tr
from prioritisation.core.text import text_table
from prioritisation.scenarios import migrations
from prioritisation.scenarios.db import ScenarioStore, error_line, read_password_file, store_url
from prioritisation.scenarios.integrity import TABLES as HISTORY_TABLES
from prioritisation.scenarios.schema import metadata

# A role or schema name: a plain lower-case SQL name (never quoted, never a pg_ name).
NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")
APP, ANALYST = "app", "analyst"
# The order privileges are listed in.
PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER",
              "USAGE", "CREATE", "CONNECT", "TEMPORARY")  # fmt: skip
KINDS = ("database", "schema", "table", "sequence")
_INIT_LOCK = 0x50726F6C  # "Prol": one init at a time per server (roles are server-wide)


@dataclass(frozen=True)
class RoleResult:
    """A role as :func:`init_store` left it: ``kind`` app or analyst, ``created`` (else it
    existed and was updated), its password file and whether the password was made up now."""

    name: str
    kind: str
    created: bool
    password_file: Path
    password_created: bool
    url: str  # the role's store URL, without a password


@dataclass(frozen=True)
class Grant:
    """What ``role`` (a role name, or ``PUBLIC``: everyone) holds on one object."""

    role: str
    kind: str  # database, schema, table, sequence
    object: str
    privileges: tuple[str, ...]


@dataclass(frozen=True)
class StoreInit:
    """What :func:`init_store` did: the database and schema, the schema's revision before
    (``None``: a new store) and now, the two roles and the grants they hold."""

    store: str  # the administrator's URL, without its password
    database: str
    schema: str
    revision_before: str | None
    revision: str
    roles: tuple[RoleResult, ...]
    grants: tuple[Grant, ...]


def check_name(name: str) -> str:
    """``name`` if it is a plain lower-case SQL name, else a :class:`UsageError`.

    >>> check_name("prio_app")
    'prio_app'
    >>> check_name("Robert'); DROP TABLE scenarios;--")
    Traceback (most recent call last):
    UsageError: ...
    """
    if not NAME.fullmatch(name or "") or name.startswith("pg_"):
        raise UsageError("usage.sql_name", name=str(name))
    return name


def scram_verifier(password: str, salt: bytes | None = None, iterations: int = 4096) -> str:
    """The SCRAM-SHA-256 verifier PostgreSQL stores for ``password`` (RFC 5802, 7677): what
    ``ALTER ROLE … PASSWORD`` is given, so the password itself never reaches the server.

    >>> scram_verifier("s3cret", salt=bytes(16)).split("$")[:2]
    ['SCRAM-SHA-256', '4096:AAAAAAAAAAAAAAAAAAAAAA==']
    """
    if not password.isascii() or not password.isprintable():
        raise UsageError("usage.password_ascii")  # else SASLprep would be needed
    salt = os.urandom(16) if salt is None else salt
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    client_key = hmac.new(salted, b"Client Key", "sha256").digest()
    server_key = hmac.new(salted, b"Server Key", "sha256").digest()
    stored_key = hashlib.sha256(client_key).digest()

    def b64(data: bytes) -> str:
        return base64.b64encode(data).decode()

    return f"SCRAM-SHA-256${iterations}:{b64(salt)}${b64(stored_key)}:{b64(server_key)}"


def ensure_password(path) -> tuple[str, bool]:
    """The password in ``path`` and ``False``; or, when there is no such file, a new random one
    written there (mode 0600, folder made with 0700) and ``True``.

    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "secrets" / "prio_app.password"
    >>> made, new = ensure_password(path)
    >>> again, second = ensure_password(path)
    >>> new, second, made == again, len(made) >= 32, oct(path.stat().st_mode & 0o777)
    (True, False, True, True, '0o600')
    """
    path = Path(path)
    if path.exists():
        return read_password_file(path), False
    password = secrets.token_urlsafe(32)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(password + "\n")
    os.chmod(path, 0o600)  # whatever the umask
    return password, True


def init_store(admin_url: str, app_role: str, analyst_role: str, *, schema: str = "public",
               app_password_file, analyst_password_file) -> StoreInit:  # fmt: skip
    """Set up (or bring back to its promises) a group's store and its two roles; see the module.

    ``admin_url``: a PostgreSQL URL of a role that may create roles and owns (or may create)
    the schema; its own password may be in the URL, in ``~/.pgpass`` or ``PGPASSWORD``.
    """
    app_role, analyst_role, schema = map(check_name, (app_role, analyst_role, schema))
    if app_role == analyst_role:
        raise UsageError("usage.roles_differ", role=app_role)
    url = sa.engine.make_url(store_url(url=admin_url))
    if url.get_backend_name() != "postgresql":
        raise UsageError("usage.store_init_postgres", store=url.render_as_string())
    shown = url.render_as_string(hide_password=True)
    files = {APP: Path(app_password_file), ANALYST: Path(analyst_password_file)}
    if files[APP].resolve() == files[ANALYST].resolve():
        raise UsageError("usage.password_files_differ", path=str(files[APP]))
    passwords = {kind: ensure_password(path) for kind, path in files.items()}
    owner_url = url.update_query_dict({"options": f"-csearch_path={schema}"})
    engine = sa.create_engine(owner_url)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql(f"CREATE SCHEMA IF NOT EXISTS {schema}")
            before = migrations.current_revision(conn)
        ScenarioStore(owner_url.render_as_string(hide_password=False)).close()  # migrates
        with engine.begin() as conn:
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _INIT_LOCK})
            database = conn.execute(sa.text("SELECT current_database()")).scalar()
            roles = tuple(
                _set_up_role(
                    conn, name, kind, database, schema, *passwords[kind], files[kind], url
                )  # fmt: skip
                for name, kind in ((app_role, APP), (analyst_role, ANALYST))
            )
        with engine.connect() as conn:
            grants = held_grants(conn, schema, [app_role, analyst_role])
            revision = migrations.current_revision(conn)
    except sa.exc.SQLAlchemyError as exc:
        raise UsageError("usage.store_unusable", store=shown, error=error_line(exc)) from exc
    finally:
        engine.dispose()
    return StoreInit(shown, database, schema, before, revision, roles, grants)


def _set_up_role(conn, role, kind, database, schema, password, created_password, file, url):
    row = conn.execute(
        sa.text("SELECT rolsuper OR rolcreaterole OR rolbypassrls FROM pg_roles "
                "WHERE rolname = :r"), {"r": role},
    ).first()  # fmt: skip
    me = conn.execute(sa.text("SELECT current_user")).scalar()
    owners = set(conn.execute(
        sa.text("SELECT DISTINCT pg_get_userbyid(c.relowner) FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = :s"),
        {"s": schema},
    ).scalars())  # fmt: skip
    if role == me or role in owners or (row is not None and row[0]):
        raise UsageError("usage.role_privileged", role=role)
    member_of = conn.execute(
        sa.text("SELECT count(*) FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member "
                "WHERE r.rolname = :r"), {"r": role},
    ).scalar()  # fmt: skip
    if member_of:
        raise UsageError("usage.role_member", role=role)
    verb = "CREATE" if row is None else "ALTER"
    conn.exec_driver_sql(
        f"{verb} ROLE {role} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION "
        f"NOBYPASSRLS INHERIT PASSWORD '{scram_verifier(password)}'"
    )
    conn.exec_driver_sql(f"ALTER ROLE {role} IN DATABASE {database} SET search_path = {schema}")
    for statement in _grants(conn, role, kind, database, schema):
        conn.exec_driver_sql(statement)
    role_url = url.set(drivername="postgresql", username=role, password=None, query={})
    return RoleResult(role, kind, row is None, file, created_password,
                      role_url.render_as_string(hide_password=False))  # fmt: skip


def _grants(conn, role: str, kind: str, database: str, schema: str) -> list[str]:
    """The statements that leave ``role`` exactly what its ``kind`` needs (see the module)."""
    tables = [t for t in [*metadata.tables, "alembic_version"]]
    history = [t for t in tables if t in HISTORY_TABLES]
    others = [t for t in tables if t not in HISTORY_TABLES]
    q = lambda names: ", ".join(f"{schema}.{t}" for t in names)  # noqa: E731
    out = [
        f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {role}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM {role}",
        f"REVOKE ALL ON SCHEMA {schema} FROM {role}",
        f"REVOKE ALL ON DATABASE {database} FROM {role}",
        f"GRANT CONNECT ON DATABASE {database} TO {role}",
        f"GRANT USAGE ON SCHEMA {schema} TO {role}",
    ]
    if kind == APP:
        sequences = [conn.execute(sa.text("SELECT pg_get_serial_sequence(:t, 'id')"),
                                  {"t": f"{schema}.{t}"}).scalar() for t in history]  # fmt: skip
        out += [f"GRANT SELECT, INSERT ON {q(history)} TO {role}",
                f"GRANT SELECT ON {q(others)} TO {role}",
                f"GRANT USAGE ON SEQUENCE {', '.join(sequences)} TO {role}"]  # fmt: skip
    else:
        out.append(f"GRANT SELECT ON {q(tables)} TO {role}")
    return out


HELD = """
SELECT 'database' AS kind, d.datname AS object, a.grantee, a.privilege_type
FROM pg_database d, aclexplode(coalesce(d.datacl, acldefault('d', d.datdba))) a
WHERE d.datname = current_database()
UNION ALL
SELECT 'schema', n.nspname, a.grantee, a.privilege_type
FROM pg_namespace n, aclexplode(coalesce(n.nspacl, acldefault('n', n.nspowner))) a
WHERE n.nspname = :schema
UNION ALL
SELECT CASE WHEN c.relkind = 'S' THEN 'sequence' ELSE 'table' END,
       n.nspname || '.' || c.relname, a.grantee, a.privilege_type
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace,
     aclexplode(coalesce(c.relacl, acldefault(CASE WHEN c.relkind = 'S' THEN 's'::"char"
                                                   ELSE 'r'::"char" END, c.relowner))) a
WHERE n.nspname = :schema AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
"""


def held_grants(conn, schema: str, roles) -> tuple[Grant, ...]:
    """What ``roles`` and ``PUBLIC`` hold, as the server's catalogue says, on the database, the
    schema and every table and sequence in it: one :class:`Grant` per role and object."""
    oids = dict(conn.execute(sa.text("SELECT oid, rolname FROM pg_roles WHERE rolname = ANY(:r)"),
                             {"r": list(roles)}).all())  # fmt: skip
    oids[0] = "PUBLIC"
    held: dict[tuple[str, str, str], set[str]] = {}
    for kind, obj, grantee, privilege in conn.execute(sa.text(HELD), {"schema": schema}):
        if grantee in oids:
            held.setdefault((oids[grantee], kind, obj), set()).add(privilege)
    order = {r: i for i, r in enumerate([*roles, "PUBLIC"])}
    keys = sorted(held, key=lambda k: (order[k[0]], KINDS.index(k[1]), k[2]))
    return tuple(
        Grant(role, kind, obj, tuple(p for p in PRIVILEGES if p in held[(role, kind, obj)]))
        for role, kind, obj in keys
    )


# --------------------------------------------------------------------------- as text

KIND_NAMES = {"database": N_("roles.kind.database"), "schema": N_("roles.kind.schema"),
              "table": N_("roles.kind.table"), "sequence": N_("roles.kind.sequence")}  # fmt: skip
ROLE_NAMES = {APP: N_("roles.app"), ANALYST: N_("roles.analyst")}


def grants_frame(grants) -> pd.DataFrame:
    """The grants as a table: role, kind, object, privileges (comma-separated), headed in the
    language in force."""
    return pd.DataFrame(
        [(g.role, tr(KIND_NAMES[g.kind]), g.object, ",".join(g.privileges)) for g in grants],
        columns=[tr("roles.col.role"), tr("roles.col.kind"), tr("roles.col.object"),
                 tr("roles.col.privileges")],
    )  # fmt: skip


def init_text(result: StoreInit) -> str:
    """What ``prioritisation store init`` prints: the store, each role (created or updated,
    where its password is, its URL) and the grants table; never a password."""
    lines = [tr("roles.store", None, store=result.store, database=result.database,
                schema=result.schema, revision=result.revision,
                before=result.revision_before or tr("none"))]  # fmt: skip
    for role in result.roles:
        done = N_("roles.created") if role.created else N_("roles.updated")
        password = N_("roles.password_new") if role.password_created else N_("roles.password_read")
        path = str(role.password_file.resolve())
        lines += [tr(done, None, role=role.name, what=tr(ROLE_NAMES[role.kind])),
                  tr(password, None, path=path),
                  tr("roles.url", None, url=role.url, path=path)]  # fmt: skip
    lines += ["", tr("roles.grants"), text_table(grants_frame(result.grants), max_width=80)]
    return "\n".join(lines)


def init_json(result: StoreInit) -> dict:
    """The same as a JSON document (for a hub that sets up groups)."""
    return {
        "store": result.store, "database": result.database, "schema": result.schema,
        "revision": result.revision, "revision_before": result.revision_before,
        "roles": [{"name": r.name, "kind": r.kind, "created": r.created,
                   "password_file": str(r.password_file.resolve()),
                   "password_created": r.password_created, "url": r.url} for r in result.roles],
        "grants": [{"role": g.role, "kind": g.kind, "object": g.object,
                    "privileges": list(g.privileges)} for g in result.grants],
    }  # fmt: skip
