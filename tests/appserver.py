"""Helpers shared by the app's browser tests, its benchmark and the guide's screenshots.

:class:`AppServer` runs ``python -m prioritisation app`` from this checkout on a free port of
127.0.0.1 (the kernels import this checkout too) and stops it again; :func:`browser` opens
Debian's Chromium headless through Python Playwright (no ``playwright install``).

``python -m tests.appserver screenshots DIR`` writes a screenshot of every tab (1366×768).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip
VIEWPORT = {"width": 1366, "height": 768}
TAB_SELECTOR = ".pw-tabs .lm-TabBar-tab"


def browser_missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        return "Debian's chromium is not installed (scripts/system-deps.sh installs it as root)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "python playwright is not installed (pip install -e '.[dev]')"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class AppServer:
    """``prioritisation app WORKBOOK`` on a free port; use as a context manager."""

    def __init__(self, workbook, pool_size: int | None = 1, lang: str | None = None, env=None,
                 args=(), root: Path = ROOT):  # fmt: skip
        """``pool_size=None``: no ``--pool-size`` (the pool is sized by ``--members`` in
        ``args``, or by the workbook). ``root``: the checkout whose package serves (another
        commit's worktree, for a benchmark side by side)."""
        self.root = Path(root)
        self.workbook = Path(workbook)
        self.pool_size = pool_size
        self.lang = lang
        self.extra_env = env or {}
        self.args = list(args)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.proc: subprocess.Popen | None = None
        self.log_path = Path(tempfile.mkstemp(prefix="prioritisation-app-", suffix=".log")[1])

    def __enter__(self) -> AppServer:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self, timeout: float = 120) -> None:
        # scenarios go to a scratch store unless the caller names one (never beside the sample)
        store = str(self.log_path.with_suffix(".scenarios.sqlite"))
        env = {**os.environ, "PYTHONPATH": str(self.root), "PRIORITISATION_STORE": store,
               **self.extra_env}  # fmt: skip
        env.pop("PRIORITISATION_LANG", None)
        argv = [sys.executable, "-m", "prioritisation"]
        if self.lang:
            argv += ["--lang", self.lang]
        argv += ["app", str(self.workbook), "--port", str(self.port), *self.args]
        if self.pool_size is not None:
            argv += ["--pool-size", str(self.pool_size)]
        self._log = self.log_path.open("wb")
        self.proc = subprocess.Popen(argv, env=env, cwd=self.root, stdout=self._log,
                                     stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the app server stopped:\n{self.log()}")
            if self._listening() and (self.pool_size == 0 or self.pool_filled()):
                return
            time.sleep(0.25)
        self.stop()
        raise TimeoutError(f"the app server did not start in {timeout} s:\n{self.log()}")

    def _listening(self) -> bool:
        with socket.socket() as s:
            s.settimeout(0.2)
            return s.connect_ex(("127.0.0.1", self.port)) == 0

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def pool_filled(self) -> bool:
        """The pool holds a kernel that has already rendered the app (preheated); a meeting
        pool (``--members``, or no ``--pool-size``) holds all its kernels."""
        log = self.log()
        if "Meeting pool of app.ipynb:" in log:
            return "Meeting pool of app.ipynb is ready" in log
        return log.count("Kernel pool of app.ipynb is filled") > 0

    def wait_pool_refilled(self, count: int, timeout: float = 60) -> None:
        """Wait until the pool has been (re)filled ``count`` times in all."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.log().count("Kernel pool of app.ipynb is filled") >= count:
                return
            time.sleep(0.2)

    def kernel_pids(self) -> list[int]:
        import psutil

        if self.proc is None:
            return []
        children = psutil.Process(self.proc.pid).children(recursive=True)
        kernels = ("ipykernel", "prioritisation.app.kernel")  # the app's kernel spec: the latter
        return [c.pid for c in children if any(k in " ".join(c.cmdline()) for k in kernels)]

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)  # the server we started and its kernels
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        self._log.close()
        self.proc = None


@contextlib.contextmanager
def browser(downloads: Path | None = None):
    """A headless Chromium context (1366×768) that can download files."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p, tempfile.TemporaryDirectory() as profile:
        context = p.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, args=FLAGS, viewport=VIEWPORT,
            accept_downloads=True, downloads_path=str(downloads) if downloads else None,
        )  # fmt: skip
        try:
            yield context
        finally:
            context.close()


def open_app(context, url: str, timeout: float = 90_000):
    """A new page on the app, returned once the ranking table (or the problems) is shown."""
    page = context.new_page()
    page.goto(url)
    page.wait_for_selector(".pw-ranking tbody tr, .pw-problems-panel", timeout=timeout)
    return page


def first_rows(page, n: int = 5) -> list[str]:
    return page.eval_on_selector_all(
        ".pw-ranking tbody tr", f"rows => rows.slice(0, {n}).map(r => r.dataset.id)"
    )


FORGED_EXECUTE = """([code]) => new Promise(resolve => {
    const config = JSON.parse(document.getElementById('jupyter-config-data').textContent);
    const url = location.origin.replace('http', 'ws') + location.pathname.replace(/[^/]*$/, '')
        + 'api/kernels/' + config.kernelId + '/channels?session_id=attacker';
    const ws = new WebSocket(url);
    const seen = [];
    ws.onmessage = ev => { try { seen.push(JSON.parse(ev.data).msg_type); } catch (e) {} };
    const msg = (id, type, content) => JSON.stringify({
        header: {msg_id: id, username: 'a', session: 'attacker', msg_type: type,
                 version: '5.3', date: new Date().toISOString()},
        parent_header: {}, metadata: {}, channel: 'shell', buffers: [], content: content});
    ws.onopen = () => {
        ws.send(msg('x1', 'execute_request', {code: code, silent: false,
            store_history: false, user_expressions: {}, allow_stdin: false,
            stop_on_error: true}));
        // an allowed message, to show that the channel itself works
        ws.send(msg('x2', 'kernel_info_request', {}));
    };
    ws.onerror = () => seen.push('error');
    setTimeout(() => { ws.close(); resolve(seen); }, 4000);
})"""


def forged_execute(page, code: str) -> list[str]:
    """Send ``execute_request`` for ``code`` over the page's own kernel websocket, as a hostile
    browser would, then a harmless ``kernel_info_request``; the message types that came back."""
    return page.evaluate(FORGED_EXECUTE, [code])


def open_tab(page, index: int) -> None:
    page.locator(TAB_SELECTOR).nth(index).click()


def screenshots(target: Path, workbook=None, viewport: dict | None = None) -> list[Path]:
    """One screenshot per tab, Dutch, at 1366×768 (or ``viewport``), into ``target``."""
    from prioritisation.data.sample import sample_path

    target.mkdir(parents=True, exist_ok=True)
    out = []
    names = ["rangschikking", "waarde-kost", "leden", "idee", "bewaren", "meerjarenplan", "groep"]
    with AppServer(workbook or sample_path()) as server, browser() as context:
        page = open_app(context, server.url)
        if viewport:
            page.set_viewport_size(viewport)
        page.wait_for_timeout(500)
        for i, name in enumerate(names):
            if i:
                open_tab(page, i)
                page.wait_for_timeout(2500)
            if name == "bewaren" and page.locator(".pw-scen-save").count():
                page.fill(".pw-scen-name input", "Leesklimaat eerst")
                page.fill(".pw-scen-author input", "An")
                page.click(".pw-scen-save")
                page.wait_for_selector(".pw-scen-message .pw-note", timeout=30_000)
            elif name == "bewaren":
                page.click(".pw-excel")
                page.wait_for_selector(".pw-excel-link a", timeout=30_000)
            elif name == "meerjarenplan":  # 2028 shrinks: what moves or drops out, in words
                field = page.get_by_role("textbox", name="Budget 2028")
                field.fill("400.000")
                field.press("Enter")
                page.wait_for_function("() => document.querySelector('.pw-road-diff')"
                                       ".innerText.includes('valt weg')", timeout=60_000)  # fmt: skip
                page.locator(".pw-road-fields").scroll_into_view_if_needed()
            path = target / f"app-{name}.png"
            page.screenshot(path=str(path))
            out.append(path)
    return out


if __name__ == "__main__":  # pragma: no cover - maintenance
    if sys.argv[1:2] == ["screenshots"]:
        size = (
            dict(zip(("width", "height"), map(int, sys.argv[3].split("x")), strict=True))
            if len(sys.argv) > 3
            else None
        )
        for p in screenshots(Path(sys.argv[2] if len(sys.argv) > 2 else "docs/img"), viewport=size):
            print(p)
