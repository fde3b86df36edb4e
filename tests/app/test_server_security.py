"""``prioritisation app``'s server: a page's request goes to its own kernel, to nobody else.

With preheated kernels, Voila hands the page's query string and headers (the proxy's user
header) to the kernel through ``/voila/query/<kernel-id>``; the kernel id is in every kernel
websocket URL, so in proxy logs. A real server runs on 127.0.0.1 with a token and
``--user-header X-Remote-User``; a page is requested as ``bart``, then outsiders ask for its
request (no token, a wrong token, the right token, a forged proof): each gets 403/404 and
nothing. The kernel itself, proving it knows its session key, gets the user and no token.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import re
import urllib.request
from pathlib import Path

import pytest

from prioritisation.app import PROOF_HEADER, kernel_proof
from tests.appserver import AppServer, browser, browser_missing, open_tab
from tests.conftest import SAMPLE

TOKEN = "t0ken-for-the-security-tests"
KERNEL_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _server(**kwargs) -> AppServer:
    args = ["--token", TOKEN, "--user-header", "X-Remote-User"]
    return AppServer(SAMPLE, pool_size=1, args=args, **kwargs)


@pytest.fixture(scope="module")
def server():
    with _server() as s:
        yield s


def request_page(server: AppServer, user: str = "bart") -> str:
    """The page (preheated kernel) as ``user`` behind the proxy; returns its kernel id."""
    request = urllib.request.Request(
        f"{server.url}?token={TOKEN}&lang=nl", headers={"X-Remote-User": user}
    )
    with urllib.request.urlopen(request, timeout=90) as response:
        html = response.read().decode()
    ids = set(KERNEL_ID.findall(html))
    assert len(ids) == 1, ids
    return ids.pop()


def ask(server: AppServer, kernel_id: str, query: str = "", headers=None, wait: float = 3.0):
    """Open ``/voila/query/<kernel_id>``: (HTTP status, the first message or None)."""
    from tornado.httpclient import HTTPClientError, HTTPRequest
    from tornado.websocket import websocket_connect

    url = f"ws://127.0.0.1:{server.port}/voila/query/{kernel_id}{query}"

    async def run():
        try:
            connection = await websocket_connect(HTTPRequest(url, headers=headers or {}))
        except HTTPClientError as exc:
            return exc.code, None
        try:
            return 101, await asyncio.wait_for(connection.read_message(), wait)
        except TimeoutError:
            return 101, None
        finally:
            connection.close()

    with concurrent.futures.ThreadPoolExecutor(1) as pool:  # Playwright runs a loop here
        return pool.submit(asyncio.run, run()).result()


def session_key(server: AppServer, kernel_id: str) -> bytes:
    """The kernel's session key, read from its connection file (as the kernel knows it)."""
    folder = re.search(r"Storing connection files in (\S+?)\.?$", server.log(), re.M).group(1)
    return json.loads((Path(folder) / f"kernel-{kernel_id}.json").read_text())["key"].encode()


OUTSIDERS = {
    "no token": ("", {}),
    "wrong token": ("?token=wrong", {}),
    "right token": (f"?token={TOKEN}", {}),
    "right token in a header": ("", {"Authorization": f"token {TOKEN}"}),
    "forged proof": (f"?token={TOKEN}", {PROOF_HEADER: kernel_proof(b"guess", "x")}),
}


@pytest.mark.slow
@pytest.mark.parametrize("who", list(OUTSIDERS))
def test_an_outsider_gets_no_query_string_token_or_headers(server, who):
    kernel_id = request_page(server)
    query, headers = OUTSIDERS[who]
    status, message = ask(server, kernel_id, query, headers)
    assert message is None, f"leaked to an outsider ({who}): {message}"
    assert status in (403, 404)


@pytest.mark.slow
def test_an_unknown_kernel_id_is_not_found(server):
    assert ask(server, "00000000-0000-0000-0000-000000000000", f"?token={TOKEN}") == (404, None)


@pytest.mark.slow
def test_the_kernel_itself_gets_the_user_and_never_the_token(server):
    kernel_id = request_page(server)
    proof = kernel_proof(session_key(server, kernel_id), kernel_id)
    status, message = ask(server, kernel_id, headers={PROOF_HEADER: proof}, wait=30)
    assert status == 101 and message
    info = json.loads(message)
    assert info["HTTP_X_REMOTE_USER"] == "bart"
    assert info["QUERY_STRING"] == "lang=nl"
    assert TOKEN not in message
    # a kernel that reconnects gets its request again; another kernel's proof does not work
    assert json.loads(ask(server, kernel_id, headers={PROOF_HEADER: proof}, wait=30)[1]) == info
    other = request_page(server, "an")
    assert ask(server, other, headers={PROOF_HEADER: proof}) == (403, None)


@pytest.mark.slow
@pytest.mark.browser
def test_the_page_renders_and_the_proxy_user_saves_while_outsiders_are_refused(tmp_path):
    """In Chromium, with a token: ``bart`` is the author of what he saves; the kernel id the page
    shows in its websocket URLs gets outsiders nothing."""
    if reason := browser_missing():
        pytest.skip(reason)
    from prioritisation.scenarios.db import open_store

    store = tmp_path / "scenarios.sqlite"
    with _server(env={"PRIORITISATION_STORE": str(store)}) as server, browser() as context:
        page = context.new_page()
        sockets: list[str] = []
        page.on("websocket", lambda ws: sockets.append(ws.url))
        page.set_extra_http_headers({"X-Remote-User": "bart"})
        page.goto(f"{server.url}?token={TOKEN}")
        page.wait_for_selector(".pw-ranking tbody tr", timeout=90_000)
        open_tab(page, 4)
        page.wait_for_selector(".pw-scen-author input", timeout=30_000)
        page.wait_for_function(
            "() => document.querySelector('.pw-scen-author input').value === 'Bart (Bib Brugge)'",
            timeout=30_000,
        )
        assert page.locator(".pw-scen-author input").is_disabled()
        page.fill(".pw-scen-name input", "Veilig bewaard")
        page.click(".pw-scen-save")
        page.wait_for_selector(".pw-scen-message .pw-note", timeout=30_000)
        kernel_ids = {m.group(0) for url in sockets if (m := KERNEL_ID.search(url))}
        assert len(kernel_ids) == 1, sockets
        kernel_id = kernel_ids.pop()
        for query, headers in OUTSIDERS.values():
            assert ask(server, kernel_id, query, headers) in ((403, None), (404, None))
        page.close()
    with open_store(url=str(store)) as scenarios:
        assert [(s.name, s.author) for s in scenarios.list()] == [
            ("Veilig bewaard", "Bart (Bib Brugge)")
        ]


def test_the_requests_of_gone_kernels_are_dropped(monkeypatch):
    from types import SimpleNamespace

    from voila.request_info_handler import RequestInfoSocketHandler

    from prioritisation.commands._voila import AppVoila

    monkeypatch.setattr(RequestInfoSocketHandler, "_cache", {"gone": {}, "alive": {"A": "1"}})
    AppVoila.prune_request_info(SimpleNamespace(kernel_manager={"alive"}))
    assert RequestInfoSocketHandler._cache == {"alive": {"A": "1"}}
