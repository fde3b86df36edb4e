"""``prioritisation app [PATH]``: serve the steering-group app with Voila on 127.0.0.1.

The project's Voila configuration (``prioritisation/app/config/voila.json``: preheated kernels,
kernel culling, no tracebacks to the browser, nothing served but the app, only the widget
manager's front-end extensions: a JupyterLab extension installed for analysts, such as
Jupytext's, adds scripts every page would load) is always used, and
Voila's request-info handler is replaced by one that answers only its own kernel
(:mod:`prioritisation.commands._voila`). The app notebook is written into a private folder; the
kernels get the workbook path and language through the environment and import this very copy of
the package.

The preheated pool is sized to the meeting (:func:`pool_plan`): one kernel per expected member
(``--members N``, else the members sheet's members, chairs and observers, else the
assessors), at most as many as half the memory available at start-up holds
(:data:`KERNEL_MIB` each); the pool then shrinks as the members take their kernels
(:class:`~prioritisation.commands._voila.MeetingPool`). ``--pool-size`` keeps a fixed pool
instead (Voila's own behaviour).
"""

from __future__ import annotations

import ipaddress
import os
import secrets
import site
import sys
import tempfile
from pathlib import Path

from prioritisation.commands._common import add_workbook_argument
from prioritisation.core.i18n import fmt_number, get_language, tr

APP_DIR = Path(__file__).resolve().parents[1] / "app"
CONFIG_DIR = APP_DIR / "config"  # voila.json
DATA_DIR = APP_DIR / "jupyter"  # the "prioritisation" Voila template, the app's kernel spec
KERNEL_MIB = 140  # a kernel with the app, MiB (measured: 137 RSS, 105 PSS; docs/admin.md)
MEMORY_SHARE = 0.5  # of the memory available at start-up, the most the preheated pool may take
MEETING_ROLES = ("member", "chair", "observer")  # who opens the app in a meeting


def register(sub) -> None:
    parser = sub.add_parser("app", help=tr("help.app"))
    add_workbook_argument(parser, optional=True)
    parser.add_argument("--port", type=int, default=8866, help="port (default 8866)")
    parser.add_argument("--ip", default="127.0.0.1",
                        help="address to listen on (default 127.0.0.1: this computer only)")  # fmt: skip
    parser.add_argument("--token", default=None,
                        help="access key asked in the address (?token=…); made up automatically "
                        "when --ip is not a loopback address")  # fmt: skip
    parser.add_argument("--members", type=_positive, default=None, metavar="N",
                        help="members expected to open the app at once: that many kernels are "
                        "started in advance, within half the free memory (default: the "
                        "workbook's members sheet, else its assessors)")  # fmt: skip
    parser.add_argument("--pool-size", type=int, default=None,
                        help="keep exactly this many kernels started in advance, refilled as "
                        "pages take them (overrides --members)")  # fmt: skip
    parser.add_argument("--base-url", default="/", metavar="PREFIX",
                        help="URL prefix the app is served under, e.g. /user/NAME/ behind "
                        "JupyterHub (default /)")  # fmt: skip
    parser.add_argument("--user-header", default=None, metavar="HEADER",
                        help="HTTP header in which a trusted reverse proxy passes the user name "
                        "(e.g. X-Remote-User): it becomes the author of saved scenarios")  # fmt: skip
    parser.add_argument("--chair", default=None, metavar="LOGIN",
                        help="login(s) of the chair (comma-separated): may open, reveal and "
                        "close a group round, beside the members sheet's chair")  # fmt: skip
    parser.set_defaults(func=run)


def _positive(text: str) -> int:
    import argparse

    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(tr("usage.members_positive", None, value=text))
    return value


def expected_members(wb) -> int:
    """How many people open the app at a meeting: the logins on the ``members`` sheet with role
    member, chair or observer; without such a sheet, the assessors; at least 1.

    >>> from prioritisation.data.workbook import read_workbook
    >>> from prioritisation.data.sample import sample_path
    >>> wb = read_workbook(sample_path())
    >>> wb.members["role"].value_counts().to_dict(), expected_members(wb)
    ({'member': 6, 'chair': 1, 'analyst': 1}, 7)
    """
    if wb is None:
        return 1
    members = getattr(wb, "members", None)
    if members is not None and len(members):
        return max(1, int(members["role"].isin(MEETING_ROLES).sum()))
    return max(1, len(wb.assessors))


def available_mib() -> float | None:
    """The memory available for new processes (Linux ``MemAvailable``), in MiB, or None."""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (ValueError, OSError, AttributeError):
        return None


def pool_plan(members: int, available: float | None, kernel_mib: float = KERNEL_MIB) -> int:
    """The preheated pool for ``members`` people opening the app at once: one kernel each, at
    most as many as :data:`MEMORY_SHARE` of the ``available`` MiB holds, at least one.

    >>> pool_plan(20, 16_000), pool_plan(20, 2_000), pool_plan(20, 100), pool_plan(3, None)
    (20, 7, 1, 3)
    """
    if available is None:
        return max(1, members)
    return max(1, min(members, int(MEMORY_SHARE * available // kernel_mib)))


def _is_loopback(ip: str) -> bool:
    if ip == "localhost":
        return True
    try:
        return ipaddress.ip_address(ip).is_loopback
    except ValueError:
        return False


def voila_argv(notebook: Path, args) -> list[str]:
    """The Voila command line: the project's config file, then the options given."""
    argv = [
        str(notebook),
        f"--Voila.config_file_paths={CONFIG_DIR}",
        "--no-browser",
        f"--port={args.port}",
        f"--Voila.ip={args.ip}",
        "--Voila.port_retries=0",
    ]
    if args.pool_size is not None:
        argv.append(f"--pool_size={args.pool_size}")
    elif getattr(args, "members", None):
        argv.append(f"--pool_size={args.pool}")
        argv.append(f"--AppVoila.expected_members={args.members}")
    base_url = getattr(args, "base_url", "/") or "/"
    if base_url != "/":  # routes, links and the kernels' way back all under the prefix
        base_url = "/" + base_url.strip("/") + "/"
        argv += [f"--Voila.base_url={base_url}", f"--Voila.server_url={base_url}"]
    if args.token:
        argv.append(f"--Voila.token={args.token}")
    if getattr(args, "user_header", None):
        argv.append(f"--VoilaConfiguration.http_header_envs={args.user_header}")
    return argv


def kernel_environment(path: str, lang: str | None) -> dict[str, str]:
    """What the kernels need: the workbook, the language, this package on their path."""
    from prioritisation.app import WORKBOOK_ENV

    env = {WORKBOOK_ENV: str(Path(path).resolve())}
    jupyter_path = os.environ.get("JUPYTER_PATH", "")
    env["JUPYTER_PATH"] = str(DATA_DIR) + (os.pathsep + jupyter_path if jupyter_path else "")
    if lang:
        env["PRIORITISATION_LANG"] = lang
    package_parent = str(Path(__file__).resolve().parents[2])
    installed = {
        str(Path(p).resolve()) for p in site.getsitepackages() + [site.getusersitepackages()]
    }
    if package_parent not in installed:  # a source checkout: the kernel imports this copy
        current = os.environ.get("PYTHONPATH", "")
        env["PYTHONPATH"] = package_parent + (os.pathsep + current if current else "")
    return env


def join_url(ip: str, port: int, token: str | None) -> str:
    """The address members open, for the Group tab's join link and QR code: this computer's
    address on the network when the app listens on every address.

    >>> join_url("127.0.0.1", 8866, None), join_url("10.1.2.3", 80, "k")
    ('http://127.0.0.1:8866/', 'http://10.1.2.3:80/?token=k')
    """
    host = ip
    if ip in ("0.0.0.0", "::", ""):
        import socket

        try:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                s.connect(("10.255.255.255", 1))  # no packet is sent: only picks the interface
                host = s.getsockname()[0]
        except OSError:
            host = socket.gethostname()
    host = f"[{host}]" if ":" in host else host
    return f"http://{host}:{port}/" + (f"?token={token}" if token else "")


def kernel_host(ip: str) -> str:
    """Where the kernels reach the server for their page's request (``VOILA_APP_IP``).

    >>> kernel_host("0.0.0.0"), kernel_host("localhost"), kernel_host("10.1.2.3")
    ('127.0.0.1', '127.0.0.1', '10.1.2.3')
    """
    if ip in ("", "0.0.0.0", "localhost"):
        return "127.0.0.1"
    if ip == "::":
        return "::1"
    return ip


def run(args) -> int:
    from prioritisation.app.notebook import APP_KERNEL, write_app_notebook
    from prioritisation.data.cache import checked_workbook
    from prioritisation.data.sample import sample_path

    path = args.path or str(sample_path())
    _wb, problems = checked_workbook(path)  # and so the pages only load it
    if problems:
        print(tr("app.problems"), file=sys.stderr)
        for p in problems[:20]:
            print("  " + p.format(), file=sys.stderr)
    from prioritisation.app import TOKEN_ENV

    # a launcher hands the token over in the environment, never on a command line that every
    # user of the machine can read (/proc/PID/cmdline); the kernels must not inherit it
    args.token = args.token or os.environ.pop(TOKEN_ENV, "").strip() or None
    if not args.token and not _is_loopback(args.ip):
        args.token = secrets.token_urlsafe(24)
    if args.pool_size is None:
        args.members = args.members or expected_members(_wb)
        args.pool = pool_plan(args.members, available_mib())
    lang = getattr(args, "lang", None) or (
        get_language() if os.environ.get("PRIORITISATION_LANG") else None
    )
    os.environ.update(kernel_environment(path, lang))
    os.environ["VOILA_APP_IP"] = kernel_host(args.ip)
    if args.user_header:
        from prioritisation.app import USER_HEADER_ENV

        os.environ[USER_HEADER_ENV] = args.user_header
    from prioritisation.app import CHAIR_ENV
    from prioritisation.app.group import URL_ENV

    if args.chair:
        os.environ[CHAIR_ENV] = args.chair
    if not os.environ.get(URL_ENV):  # a hub or proxy in front may say where members go
        os.environ[URL_ENV] = join_url(args.ip, args.port, args.token)
    folder = Path(tempfile.mkdtemp(prefix="prioritisation-app-"))
    notebook = write_app_notebook(folder / "app.ipynb", kernel=APP_KERNEL)
    prefix = "/".join(["", *filter(None, (args.base_url or "/").split("/")), ""])
    url = f"http://{args.ip}:{args.port}{prefix}"
    print(tr("app.serving", None, url=url), flush=True)
    if args.pool_size is None:
        gib = fmt_number(args.pool * KERNEL_MIB / 1024, 1)
        print(tr("app.pool", None, members=args.members, pool=args.pool, gib=gib), flush=True)
        if args.pool < args.members:
            print(tr("app.pool_capped", None, pool=args.pool), flush=True)
    if args.token and not _is_loopback(args.ip):
        print(tr("app.token_made", None, url=f"{url}?token={args.token}"), flush=True)
    from prioritisation.commands._voila import AppVoila

    AppVoila.launch_instance(argv=voila_argv(notebook, args))
    return 0
