"""A throwaway PostgreSQL server for tests: temp data dir, free loopback port, socket in the dir.

``postgres_server()`` is a context manager yielding a SQLAlchemy URL; it raises
``PostgresUnavailable`` (the tests skip with its message) when no server can be started:
no ``initdb`` binary, or running as root without a ``postgres`` system user.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path


class PostgresUnavailable(RuntimeError):
    pass


def _bindir() -> Path:
    """The server's binaries, found as ``make hub`` finds them."""
    from prioritisation.app.hub.demo import _pg_bindir

    try:
        return _pg_bindir()
    except RuntimeError as exc:
        raise PostgresUnavailable(str(exc)) from None


def _free_port() -> int:
    from prioritisation.app.hub.demo import free_port

    return free_port()


@contextmanager
def postgres_server():
    bindir = _bindir()
    prefix: list[str] = []
    user = None
    if os.geteuid() == 0:
        try:
            user = pwd.getpwnam("postgres")
        except KeyError:
            raise PostgresUnavailable(
                "running as root and no 'postgres' user to run the server"
            ) from None
        runuser = shutil.which("runuser") or shutil.which("setpriv")
        if runuser is None:
            raise PostgresUnavailable("running as root without runuser/setpriv")
        prefix = ([runuser, "-u", "postgres", "--"] if runuser.endswith("runuser") else
                  [runuser, f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--init-groups"])  # fmt: skip
    root = Path(tempfile.mkdtemp(prefix="prio-pg-", dir="/tmp"))
    data, log = root / "data", root / "server.log"
    if user is not None:
        os.chown(root, user.pw_uid, user.pw_gid)
    port = _free_port()
    env = {**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}
    try:
        subprocess.run([*prefix, str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U",
                        "postgres", "-E", "UTF8", "--no-sync"], check=True, capture_output=True,
                       env=env, timeout=120)  # fmt: skip
        options = (
            f"-c listen_addresses=127.0.0.1 -p {port} -k {root} -c fsync=off -c max_connections=60"
        )
        subprocess.run([*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o",
                        options, "-w", "-t", "60", "start"], check=True, capture_output=True,
                       env=env, timeout=120)  # fmt: skip
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
        detail = getattr(exc, "stderr", b"") or b""
        shutil.rmtree(root, ignore_errors=True)
        raise PostgresUnavailable(
            f"cannot start PostgreSQL: {exc} {detail.decode(errors='replace')[:300]}"
        ) from None
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate",
                        "-w", "stop"], capture_output=True, env=env, timeout=60)  # fmt: skip
        shutil.rmtree(root, ignore_errors=True)
