"""A member without a browser: the server's whole part of "opening the app → the ranking".

A browser that opens the app asks for the page (through the hub's login, or straight from
``prioritisation app``), then for its scripts and styles (about 95 files), then opens the page
kernel's websocket and asks the widget manager for every widget's state (ipywidgets'
``jupyter.widget.control`` comm, ``request_states``): the ranking is one of those states, and
the browser draws it. :func:`open_app` does the same over HTTP and the websocket, without
running the scripts, and says when the ranking's state arrived.

Why: in a meeting every member brings their own device, but on this two-core machine ten or
twenty headless Chromiums take most of the cores the server needs (they used 15–19 CPU-seconds
for ten pages, see ``tests/deploy/bench_hub.py``). The two figures together tell the server's
share and what a browser adds.

The files a page fetches are taken from one real page (:func:`page_files`), so the client asks
for what Voila's front end really asks for.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urljoin, urlparse

CONTROL_VERSION = "1.0.0"  # ipywidgets 8's widget control protocol
PARALLEL = 6  # requests a browser sends at once to one host over HTTP/1.1
KERNEL_ID = re.compile(r'"kernelId":\s*"([0-9a-f-]{36})"')
XSRF = re.compile(r'name="_xsrf"\s+value="([^"]+)"')
STATIC = re.compile(r"/(voila/static|voila/labextensions|static)/")


@dataclass
class Opened:
    """When (seconds from the start) each step ended: ``page`` (the app's HTML), ``files``
    (its scripts and styles), ``ranking`` (the ranking's widget state arrived); ``error``."""

    page: float = float("nan")
    files: float = float("nan")
    ranking: float = float("nan")
    error: str = ""


def page_files(urls, base: str) -> list[str]:
    """The scripts, styles and fonts among the ``urls`` a real page fetched, as paths below the
    app's ``base`` URL (each once, in order).

    >>> page_files(["http://h/user/an/voila/static/voila.js?v=1", "http://h/user/an/",
    ...             "http://h/user/an/voila/static/voila.js?v=1",
    ...             "http://h/user/an/voila/labextensions/x/remoteEntry.js"], "http://h/user/an/")
    ['voila/static/voila.js?v=1', 'voila/labextensions/x/remoteEntry.js']
    """
    out: list[str] = []
    for url in urls:
        if url.startswith(base) and STATIC.search(urlparse(url).path):
            path = url[len(base) :]
            if path not in out:
                out.append(path)
    return out


def open_app(
    base: str,
    files: list[str],
    *,
    login: tuple[str, str] | None = None,
    headers: dict | None = None,
    timeout: float = 180,
) -> Opened:
    """Open the app at ``base`` (e.g. ``http://127.0.0.1:8000/user/an/``) as a browser would,
    without drawing it: through the hub's login form first when ``login`` (user, password) is
    given (``base``'s host serves the hub), with ``headers`` on every request (a trusted
    proxy's user header). Times are counted from the call."""
    import requests

    began = time.monotonic()
    result = Opened()
    session = requests.Session()
    session.headers.update(headers or {})
    try:
        if login is not None:
            root = urljoin(base, "/hub/login")
            form = session.get(root, timeout=timeout)
            xsrf = XSRF.search(form.text)
            data = {"username": login[0], "password": login[1]}
            if xsrf:
                data["_xsrf"] = xsrf.group(1)
            page = session.post(root + "?next=" + urlparse(base).path, data=data, timeout=timeout)
        else:
            page = session.get(base, timeout=timeout)
        page.raise_for_status()
        kernel = KERNEL_ID.search(page.text)
        if kernel is None:
            raise RuntimeError(f"no kernel in the page {page.url}")
        result.page = time.monotonic() - began

        fetch = file_fetcher(base, session, timeout)
        with ThreadPoolExecutor(PARALLEL) as pool:
            list(pool.map(fetch, files))
        result.files = time.monotonic() - began
        ranking_state(base, kernel.group(1), session, timeout)
        result.ranking = time.monotonic() - began
    except Exception as exc:  # noqa: BLE001 - a benchmark reports, it does not stop
        result.error = f"{type(exc).__name__}: {exc}"
    return result


def file_fetcher(base: str, session, timeout: float):
    """A function fetching one of the page's files as the browser does (``PARALLEL``
    connections kept open, the session's cookies and headers, gzip accepted; the bytes are
    not unpacked: a browser does that on its own device). Straight on urllib3: through
    ``requests`` this client took three times the CPU, on the cores the server needs."""
    import requests
    import urllib3

    first = session.prepare_request(requests.Request("GET", base))
    headers = {k: v for k, v in first.headers.items() if k.lower() != "connection"}
    headers["Accept-Encoding"] = "gzip, deflate"
    pool = urllib3.connection_from_url(base, maxsize=PARALLEL, block=True)
    prefix = urlparse(base).path

    def fetch(path: str) -> None:
        response = pool.urlopen("GET", prefix + path, headers=headers, preload_content=False,
                                decode_content=False, timeout=timeout, redirect=False,
                                retries=False)  # fmt: skip
        try:
            response.read(decode_content=False)
            if response.status != 200:
                raise RuntimeError(f"{response.status} for {prefix + path}")
        finally:
            response.release_conn()

    return fetch


def ranking_state(base: str, kernel_id: str, session, timeout: float) -> dict:
    """Open the kernel's websocket as the page does, ask for every widget's state and return
    the ranking's (the HTML widget whose table is the ranking)."""
    import websocket

    parsed = urlparse(base)
    scheme = "wss" if parsed.scheme == "https" else "ws"
    session_id = uuid.uuid4().hex
    url = (f"{scheme}://{parsed.netloc}{parsed.path}api/kernels/{kernel_id}/channels"
           f"?session_id={session_id}")  # fmt: skip
    cookies = "; ".join(f"{c.name}={c.value}" for c in session.cookies)
    header = [f"{k}: {v}" for k, v in session.headers.items() if k.lower().startswith("x-")]
    ws = websocket.create_connection(url, timeout=timeout, cookie=cookies or None, header=header,
                                     skip_utf8_validation=True,  # pure Python here: 0,1 s a page
                                     origin=f"{parsed.scheme}://{parsed.netloc}")  # fmt: skip
    try:
        comm = uuid.uuid4().hex
        ws.send(json.dumps(_message(session_id, "comm_open", {
            "comm_id": comm, "target_name": "jupyter.widget.control", "data": {}},
            metadata={"version": CONTROL_VERSION})))  # fmt: skip
        ws.send(json.dumps(_message(session_id, "comm_msg", {
            "comm_id": comm, "data": {"method": "request_states"}})))  # fmt: skip
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            frame = ws.recv()
            if not isinstance(frame, str):
                continue
            msg = json.loads(frame)
            data = msg.get("content", {}).get("data", {})
            if msg.get("msg_type") == "comm_msg" and data.get("method") == "update_states":
                for state in data.get("states", {}).values():
                    inner = state.get("state", {})
                    value = str(inner.get("value", ""))
                    if "pw-ranking" in value + " ".join(inner.get("_dom_classes", [])) and (
                            "<tr" in value):  # fmt: skip
                        return inner
                raise RuntimeError("the widgets' states hold no ranking")
        raise TimeoutError("no widget states from the kernel")
    finally:
        ws.close()


def _message(session_id: str, kind: str, content: dict, metadata: dict | None = None) -> dict:
    return {
        "header": {"msg_id": uuid.uuid4().hex, "username": "", "session": session_id,
                   "msg_type": kind, "version": "5.3", "date": ""},
        "parent_header": {}, "metadata": metadata or {}, "content": content, "channel": "shell",
        "buffers": [],
    }  # fmt: skip


def at_once(calls) -> list[Opened]:
    """Run ``calls`` (functions returning :class:`Opened`) all at the same moment."""
    calls = list(calls)
    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(lambda call: call(), calls))
