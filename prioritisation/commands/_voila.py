"""The Voila server ``prioritisation app`` launches: Voila with a request-info handler that
answers only the kernel it belongs to.

With preheated kernels, Voila hands a page's request (its query string and the headers listed in
``VoilaConfiguration.http_header_envs``, e.g. the reverse proxy's user header) to the kernel
through the websocket ``/voila/query/<kernel-id>``. Voila's own handler asks for no
authentication at all and echoes the query string, the server token included, to anyone who
knows the kernel id, which every kernel websocket URL (and so every proxy log) shows. It also
lets a stranger take the kernel's place as the receiver, and its ``on_close`` may unregister
another kernel's receiver.

:class:`KernelRequestInfoHandler` replaces it: a connection must carry a proof that only the
kernel can make (:func:`prioritisation.app.kernel_proof`, keyed with the kernel's own session
key from its connection file), else 404 (no such kernel) or 403; the server token is not
enough. The kernel gets the query string without the token. A kernel that reconnects gets its
request again; the requests of kernels that are gone are dropped.

Pool sizing for a meeting (``AppVoila.expected_members``, set by ``prioritisation app``):
Voila keeps ``pool_size`` kernels preheated and, each time a page takes one, starts a new one a
second later, so a pool of 20 taken by 20 members at once starts 20 more kernels while the
members begin to work (40 kernels' memory, and the CPU of 20 start-ups on a small server).
:class:`MeetingPool` sizes the pool to the members who have not come yet: it starts with one
kernel per expected member and refills only up to ``expected - kernels in use``, never below
one kernel in reserve (a reload, a latecomer). The server then holds about ``expected + 1``
kernels, whatever the order in which the members arrive. Once every expected member has a
kernel, the reserve starts ``reserve_delay`` seconds later (:data:`RESERVE_DELAY`) and only
once the machine is not busy (:func:`machine_busy`, at most :data:`RESERVE_MAX_WAIT` seconds),
not while the pages that just opened still load: a kernel's start-up takes a core for a few
seconds, and on a member's own server under the hub (one member expected) every login would
otherwise start one. A reload in that time starts its kernel when it comes.

The page's scripts and styles (``voila/static``, the template's ``static``,
``voila/labextensions``) are served from memory, compressed, by
:class:`~prioritisation.app.assets.AssetHandler` over the folders Voila would use
(:func:`served_from_memory`): Voila's own handlers took 1.3 CPU-seconds for twenty pages'
1,800 files, these 0.7–0.9 (and send a quarter of the bytes).
"""

from __future__ import annotations

import hmac
import os
from urllib.parse import parse_qsl, urlencode

from tornado.ioloop import PeriodicCallback
from tornado.web import HTTPError
from traitlets import Float, Int
from voila.app import Voila
from voila.request_info_handler import RequestInfoSocketHandler

from prioritisation.app import PROOF_HEADER, kernel_proof
from prioritisation.core.cores import usable_cores

PRUNE_INTERVAL_MS = 60_000  # drop the requests of kernels that were shut down or culled
RESERVE_DELAY = 30.0  # seconds after the last expected member came before the reserve starts
RESERVE_RETRY = 10.0  # then, while the machine is busy, look again this often
RESERVE_MAX_WAIT = 300.0  # but start it at the latest this long after the last member came


def machine_busy(load: float | None = None, cores: int | None = None) -> bool:
    """Whether the machine's processors are all taken: the last minute's load average is at
    least the number of cores this process may use (other members' servers count: on a hub
    every member has their own).

    >>> machine_busy(load=2.5, cores=2), machine_busy(load=0.4, cores=2)
    (True, False)
    """
    if load is None:
        try:
            load = os.getloadavg()[0]
        except OSError:  # pragma: no cover - no load average: never wait for it
            return False
    return load >= (cores or usable_cores())


def without_token(request_info: dict) -> dict:
    """The request info handed to a kernel: the query string loses its ``token``.

    >>> without_token({"QUERY_STRING": "token=s3cret&lang=en", "HTTP_X_REMOTE_USER": "bart"})
    {'QUERY_STRING': 'lang=en', 'HTTP_X_REMOTE_USER': 'bart'}
    """
    info = dict(request_info)
    if "QUERY_STRING" in info:
        pairs = parse_qsl(info["QUERY_STRING"], keep_blank_values=True)
        info["QUERY_STRING"] = urlencode([(k, v) for k, v in pairs if k != "token"])
    return info


class KernelRequestInfoHandler(RequestInfoSocketHandler):
    """``/voila/query/<kernel-id>`` for that kernel only (see the module's docstring).

    It shares Voila's registries (``_waiters``, ``_cache``), so Voila's page handler still hands
    the request over with ``RequestInfoSocketHandler.send_updates``.
    """

    kernel_id: str | None = None

    async def get(self, kernel_id: str, *args, **kwargs) -> None:
        manager = self.settings["kernel_manager"]
        if kernel_id not in manager:
            raise HTTPError(404)
        expected = kernel_proof(manager.get_kernel(kernel_id).session.key, kernel_id)
        proof = self.request.headers.get(PROOF_HEADER, "")
        if not hmac.compare_digest(proof.encode(), expected.encode()):
            raise HTTPError(403)
        await super().get(kernel_id, *args, **kwargs)

    def open(self, kernel_id: str) -> None:
        self.kernel_id = kernel_id
        RequestInfoSocketHandler._waiters[kernel_id] = self
        if kernel_id in RequestInfoSocketHandler._cache:
            self.write_message(RequestInfoSocketHandler._cache[kernel_id])
        manager = self.settings["kernel_manager"]
        if isinstance(manager, MeetingPool):  # this kernel waits for a member: start the next
            manager.kernel_waiting(kernel_id)

    def on_close(self) -> None:
        if RequestInfoSocketHandler._waiters.get(self.kernel_id) is self:
            del RequestInfoSocketHandler._waiters[self.kernel_id]

    def write_message(self, message, binary: bool = False):
        if isinstance(message, dict):  # the page's request, from send_updates or the cache
            message = without_token(message)
            RequestInfoSocketHandler._cache[self.kernel_id] = message  # for a reconnection
        return super().write_message(message, binary)


def pool_target(expected: int, in_use: int, largest: int, reserve: int = 1) -> int:
    """How many preheated kernels to keep: one per expected member not yet served, at most
    ``largest`` (the pool's first size) and at least ``reserve``.

    >>> [pool_target(20, n, 20) for n in (0, 1, 19, 20, 25)]
    [20, 19, 1, 1, 1]
    >>> [pool_target(20, n, 8) for n in (0, 11, 12, 19)]  # a pool capped by memory
    [8, 8, 8, 1]
    """
    return max(reserve, min(largest, expected - in_use))


def starting(item) -> bool:
    """Whether a pool entry (Voila's task: start a kernel, then render the app in it) is still
    at work: its kernel is starting or its app is being rendered. A kernel that waits for its
    page's request (behind ``--user-header``: the app builds the page, then waits for who the
    member is, :func:`prioritisation.app.identity.when_identified`) has done its work: it is
    ready for a member."""
    if not item.done():
        return True
    if item.cancelled() or item.exception() is not None:
        return False
    result = item.result()
    if result.get("kernel_id") in RequestInfoSocketHandler._waiters:
        return False
    return not result["task"].done()


class MeetingPool:
    """Mixed into Voila's preheating kernel manager by :class:`AppVoila` when the number of
    expected members is known: the pool shrinks as members take their kernels (see the
    module's docstring) instead of being refilled to its first size, and grows at most
    ``starts_at_once`` kernels at a time (20 kernels starting together on two cores each take
    ten times longer, and Voila gives up waiting for a slow kernel's output: its page stays
    empty)."""

    expected_members = 0
    largest_pool = 1  # the pool's planned size (``pool_size``)
    starts_at_once = 2
    reserve_delay = RESERVE_DELAY
    _reserve_timer = None
    _reserve_due = False  # the reserve's delay has passed since a page last took a kernel
    _arriving = 0  # pages that took a pool kernel and are not yet counted in _taken
    _taken: set

    def kernels_in_use(self) -> int:
        """Pool kernels handed to pages and still running."""
        live = set(self.list_kernel_ids())
        self._taken = {k for k in getattr(self, "_taken", set()) if k in live}
        return len(self._taken) + self._arriving

    async def get_rendered_notebook(self, notebook_name, *args, **kwargs):
        self._arriving += 1  # counted before Voila's refill, which runs inside this call
        self._reserve_due = False  # a page comes: the reserve waits for it to load
        try:
            result = await super().get_rendered_notebook(notebook_name, *args, **kwargs)
        finally:
            self._arriving -= 1
        self._taken = getattr(self, "_taken", set()) | {result[2]}
        return result

    def target(self) -> int:
        return pool_target(self.expected_members, self.kernels_in_use(), self.largest_pool)

    def fill_if_needed(self, delay=None, notebook_name=None, **kwargs) -> None:
        if self.reserve_delay > 0 and not self._reserve_due and (
                self.kernels_in_use() >= self.expected_members):  # fmt: skip
            # everyone expected has a kernel: only the reserve is missing; it starts once the
            # pages that just opened have loaded (whoever asks: Voila's refill after a page
            # took a kernel, or a pool kernel that finished rendering)
            self.start_reserve_later(notebook_name)
            return
        pool = self._pools.get(notebook_name, [])
        free = max(0, self.starts_at_once - sum(starting(item) for item in pool))
        config = dict(self.kernel_pools_config)
        default = dict(config.get("default", {}))
        default["pool_size"] = min(self.target(), len(pool) + free)
        self.kernel_pools_config = {**config, "default": default}
        before = set(map(id, pool))
        super().fill_if_needed(delay=delay, notebook_name=notebook_name, **kwargs)
        for item in self._pools.get(notebook_name, []):
            if id(item) not in before:
                self.watch(item, notebook_name)

    def start_reserve_later(self, notebook_name) -> None:
        if self._reserve_timer is not None:
            return
        import asyncio

        loop = asyncio.get_event_loop()
        waited_until = loop.time() + RESERVE_MAX_WAIT

        def start() -> None:
            if machine_busy() and loop.time() < waited_until:
                self._reserve_timer = loop.call_later(RESERVE_RETRY, start)
                return
            self._reserve_timer = None
            self._reserve_due = True
            self.pool_progress(notebook_name)

        self.log.info("Every expected member has a kernel: the reserve starts in %s s, once the "
                      "machine is not busy", self.reserve_delay)  # fmt: skip
        self._reserve_timer = loop.call_later(self.reserve_delay, start)

    def kernel_waiting(self, kernel_id: str) -> None:
        """A pool kernel rendered as far as it can before its page comes (it waits for the
        page's request): go on filling the pool, or say it is ready."""
        for name, pool in self._pools.items():
            for item in pool:
                if item.done() and not item.cancelled() and item.exception() is None and (
                        item.result().get("kernel_id") == kernel_id):  # fmt: skip
                    self.pool_progress(name)
                    return

    def pool_progress(self, notebook_name) -> None:
        self.fill_if_needed(0, notebook_name)
        pool = self._pools.get(notebook_name, [])
        if len(pool) >= self.target() and not any(starting(i) for i in pool):
            self.log.info("Meeting pool of %s is ready: %s kernel(s)", notebook_name,
                          len(pool))  # fmt: skip

    def watch(self, item, notebook_name) -> None:
        """When this kernel has rendered the app, start the next ones (or say the pool is
        ready)."""

        def rendered(_render) -> None:
            self.pool_progress(notebook_name)

        def started(done) -> None:
            if not done.cancelled() and done.exception() is None:
                done.result()["task"].add_done_callback(rendered)
                # its kernel may already wait for a page (it connected before this entry was
                # done, and kernel_waiting did not find it): look again
                self.pool_progress(notebook_name)

        item.add_done_callback(started)


class AppVoila(Voila):
    """Voila with :class:`KernelRequestInfoHandler` in place of Voila's request-info handler,
    and with :class:`MeetingPool` when ``expected_members`` is set."""

    expected_members = Int(
        0, config=True, help="members expected at once: the preheated pool shrinks as they "
        "come (0: Voila's fixed pool of pool_size kernels)",
    )  # fmt: skip
    starts_at_once = Int(
        0, config=True, help="kernels started together while the meeting pool fills "
        "(0: the number of CPUs, at least 2)",
    )  # fmt: skip
    reserve_delay = Float(
        RESERVE_DELAY, config=True, help="seconds after every expected member took a kernel "
        "before the reserve kernel starts (0: at once, as Voila does)",
    )  # fmt: skip

    def init_settings(self):
        meeting = self.expected_members > 0 and self.voila_configuration.preheat_kernel
        planned = self.voila_configuration.default_pool_size
        starts = self.starts_at_once or max(2, os.cpu_count() or 2)
        if meeting:  # Voila starts its first pool at once: only the first few
            self.voila_configuration.default_pool_size = min(planned, starts)
        settings = super().init_settings()  # creates the kernel manager; its pool starts
        manager = self.kernel_manager
        if meeting:
            if not hasattr(manager, "fill_if_needed"):  # Voila changed
                raise RuntimeError("Voila's preheating kernel manager was not found")
            manager.__class__ = type("MeetingKernelManager", (MeetingPool, type(manager)), {})
            manager.expected_members = self.expected_members
            manager.largest_pool = max(1, planned)
            manager.starts_at_once = starts
            manager.reserve_delay = self.reserve_delay
            name = manager.notebook_path
            self.log.info("Meeting pool of %s: %s member(s) expected, growing to %s kernel(s), "
                          "%s at a time", name, self.expected_members, planned, starts)  # fmt: skip
            for item in manager._pools.get(name, []):  # the first few, started by Voila
                manager.watch(item, name)
        return settings

    def init_handlers(self) -> list:
        handlers = [
            (h[0], KernelRequestInfoHandler, *h[2:]) if h[1] is RequestInfoSocketHandler else h
            for h in super().init_handlers()
        ]
        handlers = [served_from_memory(h) for h in handlers]
        if self.voila_configuration.preheat_kernel:
            if not any(h[1] is KernelRequestInfoHandler for h in handlers):  # Voila changed
                raise RuntimeError("Voila's request-info handler was not found to replace")
            PeriodicCallback(self.prune_request_info, PRUNE_INTERVAL_MS).start()
        return handlers

    def prune_request_info(self) -> None:
        """Forget the requests of kernels that no longer run."""
        for kernel_id in list(RequestInfoSocketHandler._cache):
            if kernel_id not in self.kernel_manager:
                RequestInfoSocketHandler._cache.pop(kernel_id, None)


def served_from_memory(handler: tuple) -> tuple:
    """Voila's handler for the page's scripts and styles (``voila/static``, ``voila/templates``,
    ``voila/labextensions``) replaced by :class:`~prioritisation.app.assets.AssetHandler` over
    the same folders; any other handler as it was."""
    from jupyter_server.base.handlers import FileFindHandler
    from voila.static_file_handler import MultiStaticFileHandler, TemplateStaticFileHandler

    from prioritisation.app.assets import AssetHandler, Assets, template_static

    pattern, kind, *rest = handler
    options = rest[0] if rest else {}
    if kind is MultiStaticFileHandler and pattern.endswith("/voila/static/(.*)"):
        return (pattern, AssetHandler, {"assets": Assets(list(options["paths"]))})
    if kind is TemplateStaticFileHandler:
        return (pattern, AssetHandler, {"assets": Assets(template_static)})
    if kind is FileFindHandler and pattern.endswith("/voila/labextensions/(.*)"):
        return (pattern, AssetHandler, {"assets": Assets(list(options["path"]))})
    return handler
