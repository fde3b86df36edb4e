"""The deployment end to end: ``make hub``'s demo hub, driven in headless Chromium.

One demo hub for the module (PostgreSQL, configurable-http-proxy, JupyterHub, all on
127.0.0.1, in a scratch folder); three members of two groups and the analyst log in through the
hub's login page. What a member must get (the app, saving in their name into PostgreSQL) and
everything they must not (code execution, Lab, terminals, the contents API, another member's
server, their own app server without the hub, a DELETE with the app's role) is checked here.
"""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.appserver import browser_missing, forged_execute

pytestmark = [pytest.mark.browser, pytest.mark.postgres, pytest.mark.slow]

if reason := browser_missing():
    pytest.skip(reason, allow_module_level=True)

MEMBERS = {"an": "digitale-bibliotheek", "bart": "digitale-bibliotheek", "dina": "erfgoed"}
SAMPLE_TITLE = "Innovatieagenda digitale bibliotheek"


def _unavailable() -> str | None:
    from prioritisation.app.hub.config import CHP

    if not CHP.exists():
        return "configurable-http-proxy missing (make system-deps: npm ci in deploy/)"
    if not shutil.which("jupyterhub") and not Path(__import__("sys").executable).with_name("jupyterhub").exists():  # fmt: skip
        return "jupyterhub missing (pip install -e '.[hub]')"
    if not list(Path("/usr/lib/postgresql").glob("*/bin/initdb")) and not shutil.which("initdb"):
        return "no PostgreSQL server binaries"
    return None


@pytest.fixture(scope="module")
def hub():
    if why := _unavailable():
        pytest.skip(why)
    from prioritisation.app.hub import demo

    run = Path(tempfile.mkdtemp(prefix="prio-hub-", dir="/tmp"))
    try:
        state = demo.start(run, prestart_members=list(MEMBERS))
        state["run"] = run
        yield state
    finally:
        demo.stop(run)
        left = [p.pid for p in __import__("psutil").process_iter(["cmdline"])
                if str(run) in " ".join(p.info["cmdline"] or [])]  # fmt: skip
        shutil.rmtree(run, ignore_errors=True)
        assert not left, f"make hub-stop left processes running: {left}"


@pytest.fixture(scope="module")
def chromium():
    """Headless Chromium; each login gets a context of its own (its own cookies)."""
    from playwright.sync_api import sync_playwright

    from tests.appserver import CHROMIUM, FLAGS

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield instance
        instance.close()


@pytest.fixture(scope="module")
def sessions(chromium, hub):
    """``sessions(user)``: that user's page, logged in through the hub's login form (once per
    module); ``sessions.timings[user]``: seconds from pressing the login button until the
    ranking (or JupyterLab) was on screen; ``sessions.requests[user]``: the URLs the page asked
    for."""

    class Sessions(dict):
        timings: dict = {}
        requests: dict = {}

        def __call__(self, user: str):
            if user not in self:
                context = chromium.new_context(viewport={"width": 1366, "height": 768})
                page = context.new_page()
                self.requests[user] = []
                page.on("request", lambda r: self.requests[user].append(r.url))
                page.goto(hub["url"] + "hub/login")
                page.fill("#username_input", user)
                page.fill("#password_input", hub["password"])
                began = time.monotonic()
                page.click("#login_submit", no_wait_after=True)
                if user == "lies":
                    page.wait_for_selector("#jp-main-dock-panel", timeout=120_000)
                else:
                    page.wait_for_selector(".pw-ranking tbody tr", timeout=120_000)
                self.timings[user] = time.monotonic() - began
                self[user] = page
            return self[user]

    found = Sessions()
    yield found
    for page in found.values():
        page.context.close()


def kernel_id(page) -> str:
    return page.evaluate(
        "() => JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId"
    )


def processes(user: str):
    """The member's launcher, its Voila and Voila's kernels (psutil processes)."""
    import psutil

    launcher = voila = None
    for p in psutil.process_iter(["cmdline"]):
        cmd = " ".join(p.info["cmdline"] or [])
        if "prioritisation.app.hub member" in cmd:
            try:
                if p.environ().get("JUPYTERHUB_USER") == user:
                    launcher = p
            except psutil.Error:
                continue
    assert launcher is not None, f"no server for {user}"
    for child in launcher.children():
        if " app " in " ".join(child.cmdline()):
            voila = child
    kernels = [
        k
        for k in voila.children(recursive=True)
        if any(n in " ".join(k.cmdline()) for n in ("ipykernel", "prioritisation.app.kernel"))
    ]
    return launcher, voila, kernels


def voila_port(voila) -> int:
    cmd = voila.cmdline()
    return int(cmd[cmd.index("--port") + 1])


def pg_rows(hub, sql: str):
    import sqlalchemy as sa

    engine = sa.create_engine(hub["postgres"]["admin_url"])
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(sql).fetchall()
    engine.dispose()
    return rows


def test_readiness_check_takes_no_kernel(hub):
    """bart's server was started and checked by the hub but nobody opened it yet (this test runs
    first): one kernel, the preheated one; the hub's check got a redirect to the login."""
    _launcher, _voila, kernels = processes("bart")
    assert len(kernels) == 1
    log = Path(hub["log"]).read_text(errors="replace")
    assert re.search(r"\[hub-app INFO\] 302 GET /user/bart/", log)


def test_each_member_lands_on_their_groups_app_and_saves_in_their_name(sessions, hub):
    for user, group in MEMBERS.items():
        page = sessions(user)
        requests = sessions.requests[user]
        assert urlparse(page.url).path == f"/user/{user}/"
        title = page.inner_text(".pw-app")
        if group == "erfgoed":
            assert "Erfgoedbibliotheken" in title and SAMPLE_TITLE not in title
        else:
            assert SAMPLE_TITLE in title
        # nothing leaves 127.0.0.1
        hosts = {urlparse(u).hostname for u in requests if not u.startswith(("data:", "blob:"))}
        assert hosts == {"127.0.0.1"}, hosts
        assert len(requests) > 20  # the count is real: the page, Voila's scripts, the kernel
        page.locator(".pw-tabs .lm-TabBar-tab", has_text="Bewaren").click()
        page.wait_for_selector(".pw-scen-save", timeout=30_000)
        page.fill(".pw-scen-name input", f"Voorstel van {user}")
        page.click(".pw-scen-save")
        page.wait_for_selector(".pw-scen-message .pw-note", timeout=60_000)
    timings = sessions.timings
    print("login → ranking (s):", {u: round(t, 2) for u, t in timings.items()})
    from prioritisation.app.hub.groups import read_group

    for user, group in MEMBERS.items():
        schema = group.replace("-", "_")
        rows = pg_rows(hub, f"SELECT author FROM {schema}.scenarios WHERE name = 'Voorstel van {user}'")  # fmt: skip
        name = read_group(Path(hub["run"]) / "groups" / group).members[user][0]
        assert [r[0] for r in rows] == [name]
    assert max(timings.values()) < 30


def test_execute_request_over_a_members_kernel_runs_nothing(sessions, tmp_path):
    page = sessions("bart")
    marker = tmp_path / "pwned.txt"
    replies = forged_execute(page, f"open({str(marker)!r}, 'w').write('x')")
    assert "kernel_info_reply" in replies  # the socket through the hub works
    assert "execute_reply" not in replies and "execute_input" not in replies
    assert not marker.exists()


def test_members_get_the_app_and_nothing_else(sessions, hub):
    page = sessions("an")
    base = hub["url"] + "user/an/"
    for path in ["lab", "tree", "api/contents", "api/contents/x.ipynb", "terminals/1",
                 "api/terminals", "files/data/sample.xlsx", "api/sessions", "voila/render/app.ipynb",
                 "voila/query/00000000-0000-4000-8000-000000000000", "api/kernelspecs"]:  # fmt: skip
        response = page.request.get(base + path)
        assert response.status == 404, (path, response.status)
    started = page.request.post(base + "api/kernels", data="{}")
    assert started.status in (403, 404)
    # another member's server: the hub refuses an (after its own login redirects)
    other = page.request.get(hub["url"] + "user/bart/")
    assert other.status == 403
    assert "pw-app" not in other.text()
    # a write without the hub's XSRF token is refused even with the login cookie
    shutdown = page.request.post(base + f"voila/api/shutdown/{kernel_id(page)}")
    assert shutdown.status == 403


def test_the_pages_files_are_the_owners_and_voilas_only(sessions, hub):
    """The scripts and styles the launcher serves itself: the owner gets what Voila would
    serve, nobody else gets anything, and nothing outside Voila's folders."""
    import requests

    page = sessions("an")
    script = next(u for u in sessions.requests["an"] if "/user/an/voila/static/" in u)
    mine = page.request.get(script)
    assert mine.status == 200 and mine.headers["content-type"].startswith(("application/javascript", "text/javascript"))  # fmt: skip
    assert requests.get(script, allow_redirects=False, timeout=30).status_code in (302, 303)
    other = sessions("bart").request.get(script)  # bart's login on an's server
    assert other.status == 403
    # the template's styles too, from memory and compressed (prioritisation.app.assets)
    style = next(u for u in sessions.requests["an"]
                 if "/user/an/voila/templates/prioritisation/static/index.css" in u)  # fmt: skip
    mine = page.request.get(style, headers={"Accept-Encoding": "gzip"})
    assert mine.status == 200 and mine.headers["content-encoding"] == "gzip"
    assert sessions("bart").request.get(style).status == 403
    for escape in ["voila/static/../../../../../../etc/passwd", "voila/static/%2e%2e/%2e%2e/pyproject.toml",
                   "voila/labextensions/..%2f..%2f..%2fetc%2fpasswd"]:  # fmt: skip
        response = page.request.get(hub["url"] + "user/an/" + escape)
        assert response.status in (403, 404), (escape, response.status)
        assert "root:" not in response.text()


def test_a_members_app_port_cannot_be_driven_without_the_hub(sessions, hub):
    """Straight to Voila's loopback port, or to the launcher without the owner's login (even
    with the analyst's hub token from their Lab's environment): refused."""
    from tornado.httpclient import HTTPClientError, HTTPRequest
    from tornado.websocket import websocket_connect

    kernel = kernel_id(sessions("dina"))
    launcher, voila, _kernels = processes("dina")
    launcher_port = urlparse(launcher.environ()["JUPYTERHUB_SERVICE_URL"]).port
    channels = f"/user/dina/api/kernels/{kernel}/channels"

    def refused(url: str, headers=None) -> int:
        async def go():
            try:
                ws = await websocket_connect(HTTPRequest(url, headers=headers or {}, connect_timeout=10))  # fmt: skip
            except HTTPClientError as exc:
                return exc.code
            ws.close()
            return 101

        with ThreadPoolExecutor(1) as pool:  # playwright's loop runs in this thread
            return pool.submit(asyncio.run, go()).result()

    assert refused(f"ws://127.0.0.1:{voila_port(voila)}{channels}") == 403
    assert refused(f"ws://127.0.0.1:{voila_port(voila)}{channels}", {"X-Prioritisation-Hub-User": "dina"}) == 403  # fmt: skip
    assert refused(f"ws://127.0.0.1:{launcher_port}{channels}") == 403
    # the analyst's Lab: its kernels hold the analyst's hub token, which opens nothing of dina's
    sessions("lies")
    import psutil

    token = next(
        p.environ()["JUPYTERHUB_API_TOKEN"] for p in psutil.process_iter(["cmdline"])
        if "jupyterhub-singleuser" in " ".join(p.info["cmdline"] or [])
    )  # fmt: skip
    assert refused(f"ws://127.0.0.1:{launcher_port}{channels}", {"Authorization": f"token {token}"}) == 403  # fmt: skip


def test_the_analyst_gets_lab_on_their_own_copy(sessions, hub):
    page = sessions("lies")
    assert urlparse(page.url).path.startswith("/user/lies/lab")
    hosts = {urlparse(u).hostname for u in sessions.requests["lies"] if u.startswith("http")}
    assert hosts == {"127.0.0.1"}, hosts
    assert page.locator("text=official Jupyter news").count() == 0  # nobody asks to go online
    copy = Path(hub["run"]) / "home" / "lies" / "prioritisation" / "digitale-bibliotheek"
    notebook = json.loads((copy / "notebooks" / "analysis.ipynb").read_text())
    assert any('workbook = "../data/workbook.xlsx"' in "".join(c["source"]) for c in notebook["cells"])  # fmt: skip
    shared = Path(hub["run"]) / "groups" / "digitale-bibliotheek" / "workbook.xlsx"
    assert (copy / "data" / "workbook.xlsx").read_bytes() == shared.read_bytes()
    assert (copy / "data" / "workbook.xlsx") != shared


def test_the_app_role_may_not_delete_or_change_history(hub):
    import sqlalchemy as sa

    from prioritisation.app.hub.groups import read_group

    group = read_group(Path(hub["run"]) / "groups" / "digitale-bibliotheek")
    url = sa.engine.make_url(group.store.url)
    if group.store.password_file:
        url = url.set(password=group.store.password_file.read_text().strip())
    engine = sa.create_engine(url)
    for sql in ["DELETE FROM scenarios", "UPDATE scenarios SET author = 'x'", "TRUNCATE scenarios",
                "DROP TABLE scenarios"]:  # fmt: skip
        with engine.connect() as conn, pytest.raises(sa.exc.ProgrammingError, match="(?i)permission denied|must be owner"):  # fmt: skip
            conn.exec_driver_sql(sql)
    with engine.connect() as conn:  # reading is allowed
        assert conn.exec_driver_sql("SELECT count(*) FROM scenarios").scalar() >= 0
    engine.dispose()


def test_no_secret_reaches_voila_its_kernels_or_the_logs(hub):
    launcher, voila, kernels = processes("an")
    token = launcher.environ()["JUPYTERHUB_API_TOKEN"]  # what the spawner gave the launcher
    assert kernels
    for p in [voila, *kernels]:
        env = p.environ()  # as started (Voila drops its access key from os.environ at once)
        assert not any(k.startswith("JUPYTERHUB_API") or k == "JPY_API_TOKEN" for k in env)
        assert token not in " ".join(p.cmdline())
        if p is not voila:
            assert "PRIORITISATION_APP_TOKEN" not in env
    assert "token" not in " ".join(voila.cmdline()).lower()  # nobody reads the key in ps
    log = Path(hub["log"]).read_text(errors="replace")
    assert token not in log
    lines = log.splitlines()
    launcher = [i for i, line in enumerate(lines) if line.startswith("[hub-app")]
    assert len(launcher) > 10  # refused requests among them: one line each, no traceback
    assert not any(lines[i + 1].startswith("Traceback") for i in launcher if i + 1 < len(lines))
