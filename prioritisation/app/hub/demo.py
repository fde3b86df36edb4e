"""``make hub`` / ``make hub-stop``: the whole deployment on this machine, on 127.0.0.1 only.

``python -m prioritisation.app.hub demo start [--dir .hub]`` does, in ``.hub/``:

1. a private PostgreSQL cluster (``initdb`` in ``.hub/pg``, a free loopback port, its socket in
   a folder only its owner reaches, password logins over TCP);
2. two demo steering groups (``.hub/groups/``) made from the bundled sample, each with a
   ``members`` sheet, and each group's store in its own schema with an app role that may only
   read and append and an analyst role that may only read (:func:`init_group_store`);
3. JupyterHub with ``deploy/jupyterhub/demo_config.py``: configurable-http-proxy from
   ``deploy/node_modules``, the demo's dummy login (**demo only**: one shared password, printed),
   local processes instead of systemd units (no memory ceiling: this machine has no systemd);
4. the members' servers started in advance (as an administrator would before a meeting), then
   the address and the logins are printed.

``demo stop`` stops the hub (which stops the servers it started) and PostgreSQL. Nothing listens
on anything but 127.0.0.1.
"""

from __future__ import annotations

import argparse
import contextlib
import glob
import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from prioritisation.app.hub.config import CHP, ROOT
from prioritisation.app.hub.groups import Store

DEMO_CONFIG = ROOT / "deploy" / "jupyterhub" / "demo_config.py"
DATABASE = "prioritisation"
# group folder → (title, members: login → (name, role)); names follow the sample's assessors
DEMO_GROUPS = {
    "digitale-bibliotheek": (None, {
        "an": ("An (Cultuurconnect)", "chair"),
        "bart": ("Bart (Bib Brugge)", "member"),
        "chris": ("Chris (BiblioWaas)", "member"),
        "lies": ("Lies (analist)", "analyst"),
    }),
    "erfgoed": ("Erfgoedbibliotheken: gedeelde digitale diensten 2027–2029", {
        "dina": ("Dina (Vlaamse Erfgoedbibliotheken)", "chair"),
        "emre": ("Emre (bovenlokaal bibliotheekbeleid)", "member"),
        "fien": ("Fien (Bib Gent)", "observer"),
    }),
}  # fmt: skip


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -- PostgreSQL --------------------------------------------------------------------------------
def _pg_bindir() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    if found:
        return Path(found[0]).parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise RuntimeError("no PostgreSQL server (initdb); run `make system-deps` as root")


def _as_postgres() -> tuple[list[str], pwd.struct_passwd | None]:
    """As root the server runs as the ``postgres`` system user (it refuses to run as root)."""
    if os.geteuid() != 0:
        return [], None
    user = pwd.getpwnam("postgres")
    return [shutil.which("runuser") or "/usr/sbin/runuser", "-u", "postgres", "--"], user


def start_postgres(run: Path) -> dict:
    """initdb (once) and start the private cluster; returns its port, socket folder, admin URL."""
    bindir = _pg_bindir()
    prefix, user = _as_postgres()
    pg = run / "pg"
    data, sockets = pg / "data", pg / "run"
    env = {**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}
    if not data.exists():
        pg.mkdir(parents=True, exist_ok=True)
        sockets.mkdir(exist_ok=True)
        pwfile = pg / "initdb.password"  # the superuser logs in over the socket only; discarded
        pwfile.write_text(secrets.token_urlsafe(24) + "\n")
        if user is not None:
            for path in (pg, sockets, pwfile):
                os.chown(path, user.pw_uid, user.pw_gid)
        pg.chmod(0o700)
        subprocess.run([*prefix, str(bindir / "initdb"), "-D", str(data), "-U", "postgres",
                        "-E", "UTF8", "--no-sync", "--auth-local=trust",
                        "--auth-host=scram-sha-256", f"--pwfile={pwfile}"],
                       check=True, capture_output=True, env=env, timeout=120)  # fmt: skip
        pwfile.unlink()
    port = free_port()
    options = (f"-c listen_addresses=127.0.0.1 -p {port} -k {sockets} "
               "-c unix_socket_permissions=0700 -c max_connections=100")  # fmt: skip
    subprocess.run([*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-l", str(pg / "server.log"),
                    "-o", options, "-w", "-t", "60", "start"],
                   check=True, capture_output=True, env=env, timeout=120)  # fmt: skip
    admin = f"postgresql+psycopg://postgres@/{DATABASE}?host={sockets}&port={port}"
    return {"port": port, "sockets": str(sockets), "admin_url": admin, "data": str(data)}


def stop_postgres(run: Path) -> None:
    data = run / "pg" / "data"
    if not (data / "postmaster.pid").exists():
        return
    prefix, _ = _as_postgres()
    subprocess.run([*prefix, str(_pg_bindir() / "pg_ctl"), "-D", str(data), "-m", "fast", "-w",
                    "stop"], capture_output=True, timeout=60)  # fmt: skip


def create_database(admin_url: str) -> None:
    import sqlalchemy as sa

    server = sa.engine.make_url(admin_url).set(database="postgres")
    engine = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        if not conn.exec_driver_sql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'").first():  # fmt: skip
            conn.exec_driver_sql(f"CREATE DATABASE {DATABASE}")
    engine.dispose()


def init_group_store(admin_url: str, schema: str, secrets_dir: Path, port: int) -> tuple[Store, Store]:  # fmt: skip
    """The group's store in ``schema`` with its app role (read, append) and analyst role (read),
    each password in a file of ``secrets_dir``: ``prioritisation store init``."""
    app_role, analyst_role = f"{schema}_app", f"{schema}_analyst"
    secrets_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    app_file = secrets_dir / f"{app_role}.password"
    analyst_file = secrets_dir / f"{analyst_role}.password"
    subprocess.run([sys.executable, "-m", "prioritisation", "store", "init", "--postgres", admin_url,
                    "--app-role", app_role, "--analyst-role", analyst_role, "--schema", schema,
                    "--password-file", str(app_file), "--analyst-password-file", str(analyst_file)],
                   check=True, capture_output=True, text=True, timeout=300)  # fmt: skip
    url = f"postgresql+psycopg://{{}}@127.0.0.1:{port}/{DATABASE}"
    return Store(url.format(app_role), app_file), Store(url.format(analyst_role), analyst_file)


# -- the demo groups ------------------------------------------------------------------------------
def write_group(folder: Path, title: str | None, members: dict, store: Store, analyst: Store) -> Path:  # fmt: skip
    """A group folder: the sample as its workbook (its title and members replaced), group.toml."""
    import openpyxl

    from prioritisation.data.sample import sample_path

    folder.mkdir(parents=True, exist_ok=True)
    workbook = folder / "workbook.xlsx"
    book = openpyxl.load_workbook(sample_path())
    for name in ("members", "leden"):
        if name in book.sheetnames:
            del book[name]
    sheet = book.create_sheet("members")
    sheet.append(["login", "name", "role"])
    for login, (name, role) in members.items():
        sheet.append([login, name, role])
    if title and "settings" in book.sheetnames:
        for row in book["settings"].iter_rows():
            if row[0].value == "title":
                row[1].value = title
    book.save(workbook)
    lines = ['workbook = "workbook.xlsx"']
    for key, s in (("store", store), ("analyst_store", analyst)):
        if s.url:
            lines.append(f"{key} = {json.dumps(s.url)}")
        if s.password_file:
            lines.append(f"{key}_password_file = {json.dumps(str(s.password_file.relative_to(folder)))}")  # fmt: skip
    (folder / "group.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return workbook


# -- the hub ------------------------------------------------------------------------------------
def hub_environment(run: Path, ports: dict) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTERHUB_", "PRIORITISATION_"))}  # fmt: skip
    env.update({
        "PRIORITISATION_HUB_DIR": str(run),
        "PRIORITISATION_HUB_PORT": str(ports["public"]),
        "PRIORITISATION_HUB_API_PORT": str(ports["hub"]),
        "PRIORITISATION_HUB_PROXY_API_PORT": str(ports["proxy_api"]),
        "PYTHONPATH": str(ROOT),  # the servers' kernels import this checkout
    })  # fmt: skip
    return env


def _get(url: str, token: str | None = None, method: str = "GET", timeout: float = 5):
    request = urllib.request.Request(url, method=method)
    if token:
        request.add_header("Authorization", f"token {token}")
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - 127.0.0.1
        body = response.read()
        return response.status, (json.loads(body) if body.strip().startswith(b"{") else body)


def wait_for_hub(url: str, process: subprocess.Popen, log: Path, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the hub stopped:\n{log.read_text(errors='replace')[-3000:]}")
        with contextlib.suppress(OSError, urllib.error.URLError):
            if _get(url + "hub/health")[0] == 200:
                return
        time.sleep(0.3)
    raise TimeoutError(f"the hub did not answer in {timeout} s")


def prestart(url: str, token: str, logins: list[str], timeout: float = 180) -> float:
    """Start the servers of ``logins`` (the hub API, as the demo's prestart service) and wait
    until each is ready; returns the seconds it took."""
    from concurrent.futures import ThreadPoolExecutor

    def ask(login: str) -> None:
        with contextlib.suppress(urllib.error.HTTPError):  # 400: already running
            _get(f"{url}hub/api/users/{login}/server", token, method="POST", timeout=60)

    began = time.monotonic()
    with ThreadPoolExecutor(max_workers=len(logins) or 1) as pool:
        list(pool.map(ask, logins))
    pending = set(logins)
    deadline = time.monotonic() + timeout
    while pending and time.monotonic() < deadline:
        for login in sorted(pending):
            _status, user = _get(f"{url}hub/api/users/{login}", token)
            server = (user.get("servers") or {}).get("", {})
            if server.get("ready"):
                pending.discard(login)
        time.sleep(0.5)
    if pending:
        raise TimeoutError(f"servers not ready: {sorted(pending)}")
    return time.monotonic() - began


def start(run, groups: dict | None = None, *, prestart_members=True, pool_size: int = 1) -> dict:  # fmt: skip
    """Start PostgreSQL and the hub for ``groups`` (default :data:`DEMO_GROUPS`); the state
    (address, ports, pids, the demo password) is returned and kept in ``run/state.json``.
    ``prestart_members``: start every member's server now (``True``), none, or those listed."""
    run = Path(run).resolve()
    if (run / "state.json").exists():
        state = json.loads((run / "state.json").read_text())
        if state.get("hub_pid") and _alive(state["hub_pid"]):
            return state
    if not CHP.exists():
        raise RuntimeError(f"{CHP} is missing: run `make system-deps` (npm ci in deploy/)")
    run.mkdir(parents=True, exist_ok=True)
    run.chmod(0o711)  # PostgreSQL (another user when this runs as root) reaches .hub/pg
    for sub in ("groups", "home", "secrets"):
        (run / sub).mkdir(exist_ok=True, mode=0o700)
    pg = start_postgres(run)
    create_database(pg["admin_url"])
    groups = groups or DEMO_GROUPS
    shutil.rmtree(run / "groups")
    for name, (title, members) in groups.items():
        folder = run / "groups" / name
        schema = name.replace("-", "_")
        store, analyst = init_group_store(pg["admin_url"], schema, folder / "secrets", pg["port"])
        write_group(folder, title, members, store, analyst)
    password_file = run / "secrets" / "demo.password"
    if not password_file.exists():
        password_file.write_text(secrets.token_urlsafe(9) + "\n")
        password_file.chmod(0o600)
    token_file = run / "secrets" / "prestart.token"
    token_file.write_text(secrets.token_hex(32) + "\n")
    token_file.chmod(0o600)
    ports = {"public": free_port(), "hub": free_port(), "proxy_api": free_port()}
    env = hub_environment(run, ports)
    env["PRIORITISATION_HUB_POOL_SIZE"] = str(pool_size)
    log = run / "hub.log"
    with log.open("ab") as out:
        hub = subprocess.Popen([str(Path(sys.executable).with_name("jupyterhub")), "-f", str(DEMO_CONFIG)],
                               cwd=run, env=env, stdout=out, stderr=subprocess.STDOUT,
                               start_new_session=True)  # fmt: skip
    url = f"http://127.0.0.1:{ports['public']}/"
    state = {"url": url, "ports": ports, "hub_pid": hub.pid, "postgres": pg,
             "password": password_file.read_text().strip(), "log": str(log),
             "groups": {n: sorted(m) for n, (_t, m) in groups.items()}}  # fmt: skip
    (run / "state.json").write_text(json.dumps(state, indent=1))
    (run / "state.json").chmod(0o600)
    try:
        wait_for_hub(url, hub, log)
        if prestart_members:
            members = [login for _t, m in groups.values() for login, (_n, role) in m.items()
                       if role != "analyst"]  # fmt: skip
            if not isinstance(prestart_members, bool):
                members = [m for m in members if m in prestart_members]
            state["prestart_seconds"] = round(prestart(url, token_file.read_text().strip(), members), 1)  # fmt: skip
    except Exception:
        stop(run)
        raise
    (run / "state.json").write_text(json.dumps(state, indent=1))
    return state


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stop(run) -> None:
    """Stop the hub (it stops the servers it started and its proxy), then PostgreSQL."""
    run = Path(run).resolve()
    state_file = run / "state.json"
    if state_file.exists():
        pid = json.loads(state_file.read_text()).get("hub_pid")
        if pid and _alive(pid):
            os.kill(pid, signal.SIGTERM)
            deadline = time.monotonic() + 60  # it stops each server: up to 20 s for a Lab
            while _alive(pid) and time.monotonic() < deadline:
                with contextlib.suppress(ChildProcessError):
                    os.waitpid(pid, os.WNOHANG)
                time.sleep(0.2)
            if _alive(pid):
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(pid, signal.SIGKILL)
        state_file.unlink()
    stop_servers(run)
    stop_postgres(run)


def stop_servers(run: Path) -> None:
    """Any server the hub did not stop in time (its spawner's pid, from the hub's database)."""
    import sqlite3

    database = run / "jupyterhub.sqlite"
    if not database.exists():
        return
    with contextlib.closing(sqlite3.connect(database)) as conn:
        states = [row[0] for row in conn.execute("SELECT state FROM spawners")]
    pids = [json.loads(state).get("pid") for state in states if state]
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        left = [pid for pid in pids if pid and _alive(pid)]
        for pid in left:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, sig)
        deadline = time.monotonic() + wait
        while left and time.monotonic() < deadline:
            left = [pid for pid in left if _alive(pid)]
            time.sleep(0.2)


def describe(state: dict) -> str:
    lines = [f"JupyterHub (demo) on {state['url']}",
             f"  password for every demo login: {state['password']}   (DEMO ONLY: dummy login)"]  # fmt: skip
    for group, logins in state["groups"].items():
        lines.append(f"  {group}: {', '.join(logins)}")
    lines.append("  stop with: make hub-stop")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m prioritisation.app.hub demo")
    parser.add_argument("action", choices=("start", "stop"))
    parser.add_argument("--dir", default=str(ROOT / ".hub"))
    parser.add_argument("--no-prestart", action="store_true")
    args = parser.parse_args(argv)
    if args.action == "stop":
        stop(args.dir)
        print("hub stopped")
        return 0
    print(describe(start(args.dir, prestart_members=not args.no_prestart)), flush=True)
    return 0


__all__ = ["DEMO_GROUPS", "init_group_store", "start", "stop"]
