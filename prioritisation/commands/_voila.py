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
"""

from __future__ import annotations

import hmac
from urllib.parse import parse_qsl, urlencode

from tornado.ioloop import PeriodicCallback
from tornado.web import HTTPError
from voila.app import Voila
from voila.request_info_handler import RequestInfoSocketHandler

from prioritisation.app import PROOF_HEADER, kernel_proof

PRUNE_INTERVAL_MS = 60_000  # drop the requests of kernels that were shut down or culled


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

    def on_close(self) -> None:
        if RequestInfoSocketHandler._waiters.get(self.kernel_id) is self:
            del RequestInfoSocketHandler._waiters[self.kernel_id]

    def write_message(self, message, binary: bool = False):
        if isinstance(message, dict):  # the page's request, from send_updates or the cache
            message = without_token(message)
            RequestInfoSocketHandler._cache[self.kernel_id] = message  # for a reconnection
        return super().write_message(message, binary)


class AppVoila(Voila):
    """Voila with :class:`KernelRequestInfoHandler` in place of Voila's request-info handler."""

    def init_handlers(self) -> list:
        handlers = [
            (h[0], KernelRequestInfoHandler, *h[2:]) if h[1] is RequestInfoSocketHandler else h
            for h in super().init_handlers()
        ]
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
