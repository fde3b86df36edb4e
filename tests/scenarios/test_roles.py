"""``prioritisation store init`` on a real PostgreSQL server: the grants it prints are what the
server enforces (the app role appends but cannot change, remove or drop history; the analyst
role only reads), passwords come from files and are checked by the server (SCRAM), running it
twice changes nothing, and several groups share one database, one schema each."""

from __future__ import annotations

import itertools
import re
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from prioritisation.core.errors import UsageError
from prioritisation.scenarios.db import open_store
from prioritisation.scenarios.integrity import verify
from prioritisation.scenarios.roles import check_name, ensure_password, scram_verifier
from prioritisation.scenarios.scenario import make_scenario
from tests.conftest import cli

_groups = itertools.count(1)
HISTORY = ("scenarios", "audit_log", "rounds", "round_events")  # the hash-chained tables
OTHERS = ("store_meta", "alembic_version")


# --------------------------------------------------------------------------- helpers


def parse_grants(stdout: str) -> dict[tuple[str, str, str], set[str]]:
    """The grants table printed by ``store init --lang en``: (role, kind, object) → privileges."""
    lines = stdout.splitlines()
    start = next(
        i for i, line in enumerate(lines) if re.match(r"role\s+kind\s+object\s+privileges", line)
    )
    assert set(lines[start + 1]) <= {"-", " "}
    out = {}
    for line in lines[start + 2 :]:
        if not line.strip():
            break
        role, kind, obj, privileges = re.split(r"\s{2,}", line.strip())
        assert (role, kind, obj) not in out
        out[(role, kind, obj)] = set(privileges.split(","))
    return out


def expected_grants(app: str, analyst: str, schema: str, database: str) -> dict:
    """What the issue asks for, written out by hand: the app reads and appends, nothing else."""
    out = {}
    for role in (app, analyst):
        out[(role, "database", database)] = {"CONNECT"}
        out[(role, "schema", schema)] = {"USAGE"}
        for table in OTHERS:
            out[(role, "table", f"{schema}.{table}")] = {"SELECT"}
    for table in HISTORY:
        out[(app, "table", f"{schema}.{table}")] = {"SELECT", "INSERT"}
        out[(app, "sequence", f"{schema}.{table}_id_seq")] = {"USAGE"}
        out[(analyst, "table", f"{schema}.{table}")] = {"SELECT"}
    return out


def init(pg_db, tmp_path, app, analyst, schema, *extra, check_exit=0):
    return cli("--lang", "en", "store", "init", "--postgres", pg_db, "--app-role", app,
               "--analyst-role", analyst, "--schema", schema,
               "--password-file", tmp_path / "secrets" / f"{app}.password", *extra,
               check_exit=check_exit)  # fmt: skip


def require_passwords(admin_url: str, roles) -> None:
    """Make the test server ask these roles for their password (SCRAM) instead of trusting
    them: a line per role at the top of pg_hba.conf, then a reload."""
    engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        hba = Path(conn.exec_driver_sql("SHOW hba_file").scalar())
        lines = "".join(f"host all {r} 127.0.0.1/32 scram-sha-256\n" for r in roles)
        hba.write_text(lines + hba.read_text())
        conn.exec_driver_sql("SELECT pg_reload_conf()")
    engine.dispose()
    probe = sa.create_engine(_as(admin_url, roles[0]))  # no password: refused once reloaded
    try:
        for _ in range(100):
            try:
                probe.connect().close()
            except sa.exc.OperationalError as exc:
                assert "password" in str(exc)
                return
            time.sleep(0.05)
        raise AssertionError("the server still trusts the role after the reload")
    finally:
        probe.dispose()


def _as(url: str, role: str, password_file=None) -> str:
    url = url.replace("postgres@", f"{role}@", 1)
    return f"{url}?password_file={password_file}" if password_file else url


@pytest.fixture
def group(pg_db, tmp_path):
    """A group set up with ``store init`` (roles that need their passwords), as a dict."""
    n = next(_groups)
    app, analyst, schema = f"app_{n}", f"analyst_{n}", f"groep_{n}"
    proc = init(pg_db, tmp_path, app, analyst, schema)
    require_passwords(pg_db, [app, analyst])
    database = pg_db.rsplit("/", 1)[1]
    return {"app": app, "analyst": analyst, "schema": schema, "database": database,
            "stdout": proc.stdout, "app_file": tmp_path / "secrets" / f"{app}.password",
            "analyst_file": tmp_path / "secrets" / f"{analyst}.password"}  # fmt: skip


# --------------------------------------------------------------------------- without a server


def test_names_are_plain_sql_names():
    assert check_name("groep_brugge") == "groep_brugge"
    for bad in ("Groep", "1groep", "pg_app", "a-b", "a b", "x" * 64, "", "app;drop"):
        with pytest.raises(UsageError) as refused:
            check_name(bad)
        assert refused.value.code == "usage.sql_name"


def test_a_password_file_is_made_once_with_mode_0600_and_read_after(tmp_path):
    path = tmp_path / "s" / "app.password"
    first, made = ensure_password(path)
    second, again = ensure_password(path)
    assert made and not again and first == second
    assert path.stat().st_mode & 0o777 == 0o600 and path.parent.stat().st_mode & 0o777 == 0o700
    path.chmod(0o604)
    with pytest.raises(UsageError) as refused:
        ensure_password(path)
    assert refused.value.code == "usage.password_file_open"


def test_the_scram_verifier_answers_the_rfc_7677_exchange():
    """RFC 7677, section 3: user "user", password "pencil", salt W22ZaJ0SNY7soEsUEjb6gQ==,
    4096 iterations. With the verifier's keys, the client's proof there must give back the
    StoredKey, and the ServerKey must sign the exchange as the server there does."""
    import base64
    import hashlib
    import hmac

    verifier = scram_verifier("pencil", base64.b64decode("W22ZaJ0SNY7soEsUEjb6gQ=="))
    head, keys = verifier.rsplit("$", 1)
    assert head == "SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ=="
    stored_key, server_key = (base64.b64decode(k) for k in keys.split(":"))
    nonce = "rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0"
    auth = (f"n=user,r=rOprNGfwEbeRWgbNEkqO,r={nonce},s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,"
            f"c=biws,r={nonce}").encode()  # fmt: skip
    proof = base64.b64decode("dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=")
    signature = hmac.new(stored_key, auth, "sha256").digest()
    client_key = bytes(a ^ b for a, b in zip(proof, signature, strict=True))
    assert hashlib.sha256(client_key).digest() == stored_key
    server_signature = hmac.new(server_key, auth, "sha256").digest()
    assert (
        base64.b64encode(server_signature).decode()
        == "6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="
    )


@pytest.mark.parametrize("args, message", [
    (["--app-role", "same", "--analyst-role", "same"], "must differ"),
    (["--app-role", "App", "--analyst-role", "b"], "role or schema name"),
    (["--app-role", "a", "--analyst-role", "b", "--schema", "x;drop"], "role or schema name"),
])  # fmt: skip
def test_bad_names_are_refused_before_anything_is_done(tmp_path, args, message):
    proc = cli("--lang", "en", "store", "init", "--postgres", "postgresql://x@127.0.0.1:1/x",
               *args, "--password-file", tmp_path / "app.password", check_exit=2)  # fmt: skip
    assert message in proc.stderr and not (tmp_path / "app.password").exists()


def test_a_sqlite_store_is_not_set_up_with_roles(tmp_path):
    proc = cli("--lang", "en", "store", "init", "--postgres", tmp_path / "s.sqlite",
               "--app-role", "a", "--analyst-role", "b", check_exit=2, cwd=tmp_path)  # fmt: skip
    assert "not a PostgreSQL URL" in proc.stderr


# --------------------------------------------------------------------------- on a server


@pytest.mark.postgres
def test_printed_grants_are_exactly_read_and_append_and_the_server_agrees(pg_db, group):
    g = group
    printed = parse_grants(g["stdout"])
    mine = {k: v for k, v in printed.items() if k[0] != "PUBLIC"}
    assert mine == expected_grants(g["app"], g["analyst"], g["schema"], g["database"])
    # what is printed is what the server answers, privilege by privilege
    engine = sa.create_engine(pg_db)
    with engine.connect() as conn:
        for role in (g["app"], g["analyst"]):
            for table in (*HISTORY, *OTHERS):
                for privilege in ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "TRIGGER"):
                    held = conn.execute(sa.text("SELECT has_table_privilege(:r, :t, :p)"),
                                        {"r": role, "t": f"{g['schema']}.{table}",
                                         "p": privilege}).scalar()  # fmt: skip
                    assert held == (
                        privilege in printed.get((role, "table", f"{g['schema']}.{table}"), set())
                    ), (role, table, privilege)
    engine.dispose()
    # the passwords are in files, never on the screen
    for key in ("app_file", "analyst_file"):
        password = g[key].read_text().strip()
        assert len(password) >= 32 and password not in g["stdout"]
        assert g[key].stat().st_mode & 0o777 == 0o600


@pytest.mark.postgres
def test_the_app_role_appends_and_the_server_refuses_every_change_of_history(
    pg_db, group, wb, monkeypatch
):
    g = group
    monkeypatch.setenv("PRIORITISATION_STORE_PASSWORD_FILE", str(g["app_file"]))
    app_url = _as(pg_db, g["app"])  # no password in the URL: it comes from the file
    with open_store(url=app_url) as app:
        assert app.save(make_scenario(wb, "Basis", "An")).version == 1
        assert app.save(make_scenario(wb, "Basis", "Bart", weights="desirability=3")).version == 2
        app.log("Carla", "include", "ZOEK", False, True, scenario="Basis")
        checked = verify(app)
        assert checked.ok and checked.entries > 3
        for statement in (
            "UPDATE scenarios SET author = 'Mallory'",
            "DELETE FROM audit_log",
            "TRUNCATE scenarios",
            "DROP TABLE audit_log",
            "ALTER TABLE scenarios DISABLE TRIGGER USER",
            "CREATE TABLE notes (x int)",
            "SELECT setval('scenarios_id_seq', 1)",
        ):
            with pytest.raises(sa.exc.DBAPIError, match="permission denied|must be owner"):
                with app.engine.begin() as conn:
                    conn.exec_driver_sql(statement)
    # the CLI's chain check, as the app role, with the password from the file
    proc = cli("--lang", "en", "audit", "verify", "x", "--store", app_url,
               env={"PRIORITISATION_STORE_PASSWORD_FILE": str(g["app_file"])})  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert f"is intact: {checked.entries} entries, chain head {checked.head[:12]}" in proc.stdout
    # a wrong password is refused by the server: the file's password is the one it checks
    wrong = g["app_file"].parent / "wrong.password"
    wrong.write_text("not-the-password\n")
    wrong.chmod(0o600)
    with pytest.raises(Exception, match="password authentication failed"):
        open_store(url=_as(pg_db, g["app"], wrong))


@pytest.mark.postgres
def test_the_analyst_role_reads_and_verifies_but_cannot_insert(pg_db, group, wb):
    g = group
    with open_store(url=_as(pg_db, g["app"], g["app_file"])) as app:
        app.save(make_scenario(wb, "Basis", "An"))
    analyst_url = _as(pg_db, g["analyst"], g["analyst_file"])
    with open_store(url=analyst_url, readonly=True) as analyst:
        assert [s.label for s in analyst.list()] == ["Basis v1"]
        assert verify(analyst).ok
        with pytest.raises(sa.exc.DBAPIError, match="permission denied"):
            with analyst.engine.begin() as conn:
                conn.exec_driver_sql("INSERT INTO audit_log (at, actor, action, field) "
                                     "VALUES ('2026', 'Mallory', 'log', 'note')")  # fmt: skip
    with pytest.raises(Exception, match="permission denied"):  # a writer's open fails too
        with open_store(url=analyst_url) as analyst:
            analyst.save(make_scenario(wb, "Basis", "Mallory"))


@pytest.mark.postgres
def test_running_init_twice_changes_nothing_and_takes_back_extra_rights(pg_db, group, wb,
                                                                        tmp_path):  # fmt: skip
    g = group
    with open_store(url=_as(pg_db, g["app"], g["app_file"])) as app:
        app.save(make_scenario(wb, "Basis", "An"))
    password = g["app_file"].read_text()
    engine = sa.create_engine(pg_db, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:  # someone gave the app more than it needs
        conn.exec_driver_sql(f"GRANT UPDATE, DELETE ON {g['schema']}.scenarios TO {g['app']}")
        conn.exec_driver_sql(f"GRANT CREATE ON SCHEMA {g['schema']} TO {g['app']}")
    engine.dispose()
    again = init(pg_db, tmp_path, g["app"], g["analyst"], g["schema"])
    assert parse_grants(again.stdout) == parse_grants(g["stdout"])
    assert "already there" in again.stdout and "read from" in again.stdout
    from prioritisation.scenarios.migrations import head_revision

    assert f"(before: {head_revision()})" in again.stdout and "(before: none)" in g["stdout"]
    assert g["app_file"].read_text() == password
    with open_store(url=_as(pg_db, g["app"], g["app_file"])) as app:  # same password works
        assert [s.label for s in app.list()] == ["Basis v1"] and verify(app).ok
        with pytest.raises(sa.exc.DBAPIError, match="permission denied"):
            with app.engine.begin() as conn:
                conn.exec_driver_sql("DELETE FROM scenarios")


@pytest.mark.postgres
def test_two_groups_share_one_database_and_cannot_see_each_other(pg_db, group, wb, tmp_path):
    a = group
    b_app, b_analyst, b_schema = f"{a['app']}_b", f"{a['analyst']}_b", f"{a['schema']}_b"
    init(pg_db, tmp_path, b_app, b_analyst, b_schema)
    require_passwords(pg_db, [b_app])
    b_file = tmp_path / "secrets" / f"{b_app}.password"
    with open_store(url=_as(pg_db, a["app"], a["app_file"])) as store_a:
        store_a.save(make_scenario(wb, "Alleen A", "An"))
        with pytest.raises(sa.exc.DBAPIError, match="permission denied for schema"):
            with store_a.engine.connect() as conn:
                conn.exec_driver_sql(f"SELECT * FROM {b_schema}.scenarios").all()
    with open_store(url=_as(pg_db, b_app, b_file)) as store_b:
        assert store_b.list() == []
        store_b.save(make_scenario(wb, "Alleen B", "Bart"))
        assert [s.name for s in store_b.list()] == ["Alleen B"] and verify(store_b).ok


@pytest.mark.postgres
def test_a_superuser_or_the_administrator_is_never_made_the_app_role(pg_db, tmp_path):
    proc = init(pg_db, tmp_path, "postgres", "analyst_x", "groep_x", check_exit=2)
    assert "superuser" in proc.stderr
