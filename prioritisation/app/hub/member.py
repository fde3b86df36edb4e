"""A member's single-user server: the hub's login in front of a standalone Voila, nothing else.

The spawner runs ``python -m prioritisation.app.hub member`` with JupyterHub's usual environment
(``JUPYTERHUB_USER``, ``JUPYTERHUB_SERVICE_URL``, ``JUPYTERHUB_API_TOKEN``, the OAuth client…)
and the group's ``PRIORITISATION_APP_WORKBOOK`` and ``PRIORITISATION_STORE``. It starts
``prioritisation app`` (standalone Voila, with the project's Voila configuration: template, no
CDN, no tracebacks, preheated kernels, culling) on a free port of 127.0.0.1 under the server's
prefix, with a random access key handed over in the environment (never on a command line, which
every user of the machine can read), and serves the hub's address itself:

- every request, page or websocket, must carry the hub's login (its OAuth cookie, or a hub
  token) of the server's **owner**; anyone else gets 403, a page without a login is sent to the
  hub's login page, a websocket without one is refused;
- only the app's own routes are passed on (:data:`ROUTES`): the app page, Voila's static files,
  the kernel's websocket and the page's kernel shutdown. The page's scripts and styles (about 90
  files under ``voila/static``, the app template's ``static`` and ``voila/labextensions``) are
  served by the launcher itself from the folders Voila would serve them from
  (:mod:`prioritisation.app.assets`: read once, kept in memory with their gzip form), after the
  same login check: passing each through Voila cost a third of the server's work when ten
  members logged in at once. Lab, terminals, the contents API, files, Voila's
  ``/voila/query`` (kept for the kernels, which reach Voila directly) answer 404;
- requests passed on get the access key and the hub user's login in the trusted user header
  (:data:`USER_HEADER`, whatever the browser sent is dropped), so the kernel knows who saves;
  no cookie crosses in either direction;
- websockets must come from the page's own origin; a cookie-authenticated ``POST`` must carry
  the hub's XSRF token (JupyterHub's own check), so another site cannot drive the app;
- ``JUPYTERHUB_API_TOKEN`` is read by the hub client, then removed from this process's
  environment; Voila and its kernels are started without any ``JUPYTERHUB_*`` secret and it is
  never logged (request logs show paths without query strings).

The hub checks a new server by fetching its address: that answers a redirect to the login
without rendering the app or taking a kernel. The launcher answers at once and holds the first
requests until Voila listens.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlparse

from tornado import httpclient, web, websocket
from tornado.httputil import HTTPHeaders

from prioritisation.app.assets import AssetHandler, Assets, asset_paths

log = logging.getLogger("prioritisation.hub")

USER_HEADER = "X-Prioritisation-Hub-User"  # the trusted header Voila hands to the kernel
KERNEL_ID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
# (path under the prefix, methods): everything the app's page needs, nothing more
ROUTES = [
    (r"", {"GET"}),  # the app itself
    (r"voila/static/.+", {"GET"}),
    (r"voila/templates/.+", {"GET"}),
    (r"voila/api/themes/.+", {"GET"}),
    (r"voila/labextensions/.+", {"GET"}),
    (rf"api/kernels/{KERNEL_ID}", {"GET"}),
    (rf"voila/api/shutdown/{KERNEL_ID}", {"POST"}),
]
SOCKET = rf"api/kernels/{KERNEL_ID}/channels"
# request headers passed on to Voila (the rest, cookies and Authorization above all, are not)
PASSED_REQUEST = {"accept", "accept-language", "content-type", "if-none-match",
                  "if-modified-since", "user-agent", "cache-control"}  # fmt: skip
# response headers not passed back: hop-by-hop, lengths tornado sets, Voila's own cookies
DROPPED_RESPONSE = {"connection", "keep-alive", "transfer-encoding", "content-length",
                    "set-cookie", "server", "date", "upgrade"}  # fmt: skip
SECRET_ENV = ("JUPYTERHUB_API_TOKEN", "JPY_API_TOKEN", "JUPYTERHUB_CLIENT_ID",
              "JUPYTERHUB_OAUTH_CALLBACK_URL", "JUPYTERHUB_OAUTH_SCOPES",
              "JUPYTERHUB_OAUTH_ACCESS_SCOPES", "JUPYTERHUB_OAUTH_CLIENT_ALLOWED_SCOPES",
              "JUPYTERHUB_API_URL", "JUPYTERHUB_ACTIVITY_URL", "JUPYTERHUB_SERVER_NAME",
              "JUPYTERHUB_SERVICE_URL", "JUPYTERHUB_PUBLIC_URL", "JUPYTERHUB_PUBLIC_HUB_URL")  # fmt: skip
READY_WAIT = 90  # seconds the launcher waits for the app before it answers the hub anyway
MAX_MESSAGE = 256 * 1024 * 1024  # a PDF or Excel download travels as one widget message


def allowed_route(path: str, prefix: str, method: str) -> bool:
    """Whether a request for ``path`` (with its prefix) is one the app's page makes.

    >>> allowed_route("/user/an/", "/user/an/", "GET"), allowed_route("/user/an/lab", "/user/an/", "GET")
    (True, False)
    >>> allowed_route("/user/an/api/contents", "/user/an/", "GET")
    False
    >>> allowed_route("/user/an/voila/api/shutdown/0b5c8e1e-1111-4222-8333-944445555666", "/user/an/", "POST")
    True
    """
    if not path.startswith(prefix):
        return False
    rest = path[len(prefix) :]
    return any(re.fullmatch(p, rest) and method in m for p, m in ROUTES)


def child_environment(environ: dict[str, str], token: str) -> dict[str, str]:
    """The environment of Voila and its kernels: no hub secret, the access key to be taken.

    >>> env = child_environment({"JUPYTERHUB_API_TOKEN": "x", "JUPYTERHUB_USER": "an", "HOME": "/h"}, "k")
    >>> sorted(env)
    ['HOME', 'JUPYTERHUB_USER', 'PRIORITISATION_APP_TOKEN']
    """
    from prioritisation.app import TOKEN_ENV

    env = {k: v for k, v in environ.items() if k not in SECRET_ENV}
    env[TOKEN_ENV] = token
    return env


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


@dataclass
class Upstream:
    """The member's Voila: its port and access key, and whether it listens yet."""

    port: int
    token: str
    prefix: str
    process: subprocess.Popen | None = None
    ready: asyncio.Event | None = None

    def url(self, uri: str, scheme: str = "http") -> str:
        return f"{scheme}://127.0.0.1:{self.port}{uri}"

    def headers(self, user: str) -> dict[str, str]:
        return {"Authorization": f"token {self.token}", USER_HEADER: user}

    async def wait_ready(self, timeout: float = 90) -> None:
        await asyncio.wait_for(self.ready.wait(), timeout)


class HubLogin:
    """Mixin: the hub's login (OAuth cookie or hub token) of the server's owner, else nothing."""

    upstream: Upstream
    owner: str

    def initialize(self, upstream: Upstream, owner: str) -> None:
        self.upstream, self.owner = upstream, owner

    def set_default_headers(self) -> None:
        import jupyterhub

        self.set_header("X-JupyterHub-Version", jupyterhub.__version__)  # the hub checks it
        self.set_header("X-Content-Type-Options", "nosniff")

    async def hub_user(self) -> str | None:
        """The owner's login when the request carries it; ``None`` without a login; 403 for
        anyone else (an admin too: a member's app speaks and saves in the member's name)."""
        from jupyterhub.services.auth import UserNotAllowed

        try:
            model = await self.hub_auth.get_user(self, sync=False)
            if not model:
                return None
            model = self.check_hub_user(model)
        except UserNotAllowed:
            raise web.HTTPError(403, "not allowed on this server") from None
        if model is None or model.get("kind", "user") != "user" or model["name"] != self.owner:
            raise web.HTTPError(403, "%s is not this server's owner", model and model.get("name"))
        return model["name"]

    def log_exception(self, typ, value, tb) -> None:
        if isinstance(value, web.HTTPError):
            return  # log_request says it in one line, without the query string
        super().log_exception(typ, value, tb)

    def write_error(self, status_code: int, **kwargs) -> None:  # a line, never a traceback
        error = kwargs.get("exc_info", (None, None))[1]
        if isinstance(error, web.HTTPError) and error.log_message:
            self.refusal = error.log_message % error.args if error.args else error.log_message
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish(f"{status_code} {self._reason}\n")


def cross_origin(handler) -> str | None:
    """Why a websocket handshake is cross-origin (``None``: it comes from the page itself).

    Tornado 6.6 calls ``check_origin`` only for requests that look cross-origin (by
    ``Sec-Fetch-Site``, else Origin against Host) and by default then refuses them; calling
    ``check_origin`` by hand would refuse every page, so its own test is used.
    """
    check = getattr(handler, "_check_cross_origin", None)
    if check is not None:  # tornado >= 6.6
        return check(handler.check_origin)
    origin = handler.request.headers.get("Origin")
    if origin is None or urlparse(origin).netloc.lower() == handler.request.host.lower():
        return None
    return f"Origin {origin!r} not allowed"


def _hub_handlers():
    from jupyterhub.services.auth import HubOAuthCallbackHandler, HubOAuthenticated

    class AppPage(HubLogin, HubOAuthenticated, web.RequestHandler):
        """Any HTTP request under the prefix: checked, then passed on or refused."""

        async def _handle(self) -> None:
            user = await self.hub_user()
            if user is None:
                if self.request.method in ("GET", "HEAD"):
                    self.redirect(self.get_login_url())
                    return
                raise web.HTTPError(403, "no hub login")
            if not allowed_route(self.request.path, self.upstream.prefix, self.request.method):
                raise web.HTTPError(404)
            await self._pass_on(user)

        async def _pass_on(self, user: str) -> None:
            try:
                await self.upstream.wait_ready()
            except TimeoutError:
                raise web.HTTPError(503) from None
            headers = HTTPHeaders(
                {k: v for k, v in self.request.headers.get_all() if k.lower() in PASSED_REQUEST}
            )
            headers.update(self.upstream.headers(user))
            body = self.request.body if self.request.method == "POST" else None
            request = httpclient.HTTPRequest(
                self.upstream.url(self.request.uri), method=self.request.method, headers=headers,
                body=body, follow_redirects=False, request_timeout=300, decompress_response=False,
                allow_nonstandard_methods=True,
            )  # fmt: skip
            response = await httpclient.AsyncHTTPClient().fetch(request, raise_error=False)
            if response.code == 599:  # no answer from Voila
                raise web.HTTPError(502)
            self.clear()
            self.clear_header("Content-Type")  # tornado's default; Voila's own is added below
            self.set_status(response.code, response.reason)
            for name, value in response.headers.get_all():
                if name.lower() not in DROPPED_RESPONSE:
                    self.add_header(name, value)
            if response.body and response.code not in (204, 304):
                self.write(response.body)
            await self.finish()

        get = post = put = delete = patch = head = options = _handle

    class KernelSocket(HubLogin, HubOAuthenticated, websocket.WebSocketHandler):
        """The kernel's websocket: the owner's, from the page's own origin, relayed to Voila's
        (which drops ``execute_request``)."""

        upstream_socket = None
        closed = False

        async def get(self, *args, **kwargs) -> None:
            user = await self.hub_user()
            if user is None:
                raise web.HTTPError(403, "websocket without a hub login")
            refused = cross_origin(self)
            if refused:
                raise web.HTTPError(403, "websocket from another origin: %s", refused)
            try:
                await self.upstream.wait_ready()
            except TimeoutError:
                raise web.HTTPError(503) from None
            wanted = self.request.headers.get("Sec-WebSocket-Protocol", "")
            protocols = [p.strip() for p in wanted.split(",") if p.strip()] or None
            request = httpclient.HTTPRequest(
                self.upstream.url(self.request.uri, "ws"),
                headers=self.upstream.headers(user), connect_timeout=30, request_timeout=30,
            )  # fmt: skip
            try:
                self.upstream_socket = await websocket.websocket_connect(
                    request, on_message_callback=self._from_kernel, subprotocols=protocols,
                    max_message_size=MAX_MESSAGE,
                )  # fmt: skip
            except (httpclient.HTTPClientError, OSError) as exc:
                code = getattr(exc, "code", 502)
                raise web.HTTPError(
                    code if code in (403, 404) else 502, "Voila refused the websocket: %s", code
                ) from None
            await super().get(*args, **kwargs)

        def select_subprotocol(self, subprotocols):
            chosen = self.upstream_socket.selected_subprotocol if self.upstream_socket else None
            return chosen if chosen in subprotocols else None

        def _from_kernel(self, message) -> None:
            if message is None:
                if not self.closed:
                    self.close()
                return
            with contextlib.suppress(websocket.WebSocketClosedError):
                self.write_message(message, binary=isinstance(message, bytes))

        async def on_message(self, message) -> None:
            if self.upstream_socket is not None:
                with contextlib.suppress(websocket.WebSocketClosedError):
                    await self.upstream_socket.write_message(
                        message, binary=isinstance(message, bytes)
                    )

        def on_close(self) -> None:
            self.closed = True
            if self.upstream_socket is not None:
                self.upstream_socket.close()

    class Asset(HubLogin, HubOAuthenticated, AssetHandler):
        """A script, style or font of the page, from Voila's own folders (see the module)."""

        def initialize(self, upstream: Upstream, owner: str, assets: Assets) -> None:
            HubLogin.initialize(self, upstream, owner)
            AssetHandler.initialize(self, assets)

        async def get(self, path: str, include_body: bool = True) -> None:
            if await self.hub_user() is None:
                self.redirect(self.get_login_url())
                return
            self.serve(path, include_body)

        async def head(self, path: str) -> None:
            await self.get(path, include_body=False)

    return AppPage, KernelSocket, HubOAuthCallbackHandler, Asset


def log_request(handler) -> None:
    """One line per request, the path only: query strings (OAuth codes, tokens) stay out."""
    status = handler.get_status()
    level = logging.INFO if status < 400 else logging.WARNING
    if status >= 500:
        level = logging.ERROR
    took = 1000.0 * handler.request.request_time()
    reason = getattr(handler, "refusal", "")
    log.log(level, "%d %s %s %.0fms%s", status, handler.request.method, handler.request.path, took,
            f" ({reason})" if reason else "")  # fmt: skip


def make_app(upstream: Upstream, owner: str, prefix: str) -> web.Application:
    """The launcher's tornado application (the hub client is configured from the environment)."""
    from jupyterhub.services.auth import HubOAuth

    AppPage, KernelSocket, Callback, Asset = _hub_handlers()
    # the one hub client of this process (the OAuth callback handler uses the same instance)
    HubOAuth.instance(api_token=os.environ.get("JUPYTERHUB_API_TOKEN", ""), cache_max_age=60)
    for name in ("JUPYTERHUB_API_TOKEN", "JPY_API_TOKEN"):  # held by the hub client only
        os.environ.pop(name, None)
    kwargs = {"upstream": upstream, "owner": owner}
    p = re.escape(prefix)
    return web.Application(
        [
            (rf"{p}oauth_callback", Callback),
            (rf"{p}{SOCKET}", KernelSocket, kwargs),
            *(
                (rf"{p}{re.escape(folder)}(.+)", Asset, {**kwargs, "assets": Assets(paths)})
                for folder, paths in asset_paths().items()
            ),  # fmt: skip
            (rf"{p}.*", AppPage, kwargs),
            (rf"{p.rstrip('/')}", web.RedirectHandler, {"url": prefix}),
        ],
        cookie_secret=secrets.token_bytes(32),
        log_function=log_request,
        websocket_ping_interval=30,
        websocket_max_message_size=MAX_MESSAGE,
        xsrf_cookies=False,  # HubOAuth applies the hub's XSRF check itself (see AppPage)
        cross_origin_protection=True,  # tornado >= 6.6: writes from other sites refused
    )


def start_voila(upstream: Upstream, workbook: str, pool_size: int) -> subprocess.Popen:
    """``prioritisation app`` under the prefix, on 127.0.0.1, keyed, with the trusted header;
    its log is passed on line by line (:func:`_relay`)."""
    argv = [sys.executable, "-m", "prioritisation", "app", workbook, "--ip", "127.0.0.1",
            "--port", str(upstream.port), "--base-url", upstream.prefix,
            "--user-header", USER_HEADER,
            # one member: a preheated kernel for their page, the reserve only after it loaded
            *(["--members", str(pool_size)] if pool_size > 0 else ["--pool-size", "0"])]  # fmt: skip
    env = child_environment(dict(os.environ), upstream.token)
    return subprocess.Popen(argv, env=env, start_new_session=True, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)  # fmt: skip


def pool_ready(line: bytes) -> bool:
    """Whether a line of the app server's log says its preheated kernel has run the app as far
    as it can before a page comes (``commands._voila.MeetingPool``). Voila's own "Kernel pool
    of … is filled" comes earlier, when the kernel has only started: a login then would wait
    for the kernel's imports and the workbook.

    >>> pool_ready(b"[Voila] Meeting pool of app.ipynb is ready: 1 kernel(s)")
    True
    >>> pool_ready(b"[Voila] Kernel pool of app.ipynb is filled with 1 kernel(s)")
    False
    """
    return b"Meeting pool of " in line and b" is ready" in line


def _relay(process: subprocess.Popen, filled: threading.Event) -> None:
    """Copy Voila's log to ours; note when its first preheated kernel has rendered the app."""
    for line in iter(process.stdout.readline, b""):
        sys.stderr.buffer.write(line)
        sys.stderr.flush()
        if pool_ready(line):
            filled.set()


async def _watch(upstream: Upstream, filled: threading.Event, pool_size: int) -> None:
    """Set ``upstream.ready`` once Voila listens and (with a pool) has a preheated kernel;
    return when Voila stops."""
    while upstream.process.poll() is None:
        if not upstream.ready.is_set() and (filled.is_set() or pool_size == 0):
            with socket.socket() as s:
                s.settimeout(0.2)
                if s.connect_ex(("127.0.0.1", upstream.port)) == 0:
                    upstream.ready.set()
        await asyncio.sleep(0.1 if not upstream.ready.is_set() else 1.0)
    log.error("the app server stopped (exit %s)", upstream.process.returncode)


def stop_voila(process: subprocess.Popen | None, timeout: float = 10) -> None:
    if process is None or process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)


def main() -> int:
    """Run the member's server from JupyterHub's environment (see the module's docstring)."""
    logging.basicConfig(level=logging.WARNING, format="[hub-app %(levelname)s] %(message)s")
    log.setLevel(logging.INFO)
    owner = os.environ["JUPYTERHUB_USER"]
    prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX", f"/user/{owner}/")
    service = urlparse(os.environ.get("JUPYTERHUB_SERVICE_URL", "http://127.0.0.1:8888"))
    host = service.hostname or "127.0.0.1"  # the spawner's choice; never all interfaces by default
    port = service.port or 8888
    workbook = os.environ.get("PRIORITISATION_APP_WORKBOOK", "")
    if not workbook:
        from prioritisation.data.sample import sample_path

        workbook = str(sample_path())
    pool = int(os.environ.get("PRIORITISATION_HUB_POOL_SIZE", "1"))
    upstream = Upstream(free_port(), secrets.token_urlsafe(32), prefix)
    app = make_app(upstream, owner, prefix)  # takes the hub token out of the environment first
    httpclient.AsyncHTTPClient.configure(None, max_clients=64)

    async def serve() -> int:
        upstream.ready = asyncio.Event()
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        upstream.process = start_voila(upstream, workbook, pool)
        filled = threading.Event()
        threading.Thread(target=_relay, args=(upstream.process, filled), daemon=True).start()
        watcher = asyncio.ensure_future(_watch(upstream, filled, pool))
        # the hub counts the server as started once it answers: answer when the app is ready
        # (a page then opens on a preheated kernel), or after READY_WAIT seconds in any case
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(upstream.ready.wait(), READY_WAIT)
        app.listen(port, host, xheaders=True)
        log.info("the app of %s on http://%s:%d%s", owner, host, port, prefix)
        stopping = asyncio.ensure_future(stop.wait())
        await asyncio.wait([watcher, stopping], return_when=asyncio.FIRST_COMPLETED)
        return 0 if stop.is_set() else 1

    try:
        return asyncio.run(serve())
    finally:
        stop_voila(upstream.process)
