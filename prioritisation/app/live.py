"""Live pages: each kernel watches the scenario store and updates its own widgets, no reload.

A :class:`Watch` runs in the kernel, on the kernel's own event loop (the loop that also
carries the widgets' messages, so widget values are set where ipywidgets expects them): about
twice a second it asks the store for its :func:`fingerprint` (one SELECT of three indexed
maxima: the last round, round event and scenario version), in a worker thread. When the
fingerprint changes, every listener's ``compute`` runs in a worker thread (reading the store,
solving a compromise) and then its ``apply`` on the loop (setting widget values). So a member
sharing weights on one page shows on every other page within about a second.

The watch also beats: every :data:`BEAT_SECONDS` it sets a hidden widget's value. The page
(the app's Voila template) shows a "connection lost" banner when the beats stop coming: the
browser lost the server, or the kernel died.

Outside a running kernel (tests, the CLI) :meth:`Watch.check` does one round synchronously.

>>> seen = []
>>> watch = Watch(lambda: len(seen))
>>> watch.listen("tens", lambda stamp: stamp * 10, seen.append)
>>> watch.check(), watch.check(), seen
(True, True, [0, 10])
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

from prioritisation.core.text import escape

INTERVAL = 0.5  # seconds between two looks at the store
BEAT_SECONDS = 2.0  # how often the page hears that the kernel is alive


def fingerprint(store) -> tuple:
    """What changes whenever anything is written to ``store`` that a page shows: the highest
    id of ``rounds``, ``round_events`` and ``scenarios`` (one SELECT; every id is a primary
    key, so each maximum is an index look-up)."""
    import sqlalchemy as sa

    from prioritisation.scenarios.schema import round_events_table, rounds_table, scenarios_table

    query = sa.select(*(sa.select(sa.func.max(t.c.id)).scalar_subquery()
                        for t in (rounds_table, round_events_table, scenarios_table)))  # fmt: skip
    with store.engine.connect() as conn:
        return tuple(conn.execute(query).one())


@dataclass
class Listener:
    compute: Callable  # (stamp) → value, in a worker thread
    apply: Callable  # (value) → None, on the kernel's loop


class Watch:
    """Polls ``probe`` and tells the listeners when its value changes (see the module)."""

    def __init__(self, probe: Callable[[], object], interval: float = INTERVAL, beat=None):
        self.probe = probe
        self.interval = interval
        self.beat = beat  # a widget whose value changes with every beat (ipywidgets.HTML)
        self.lost_text = ""  # what the page says when the beats stop (in the page's language)
        self.listeners: dict[str, Listener] = {}
        self.last = None
        self.stopped = False
        self.loop: asyncio.AbstractEventLoop | None = None
        self.task = None
        self.timings: list[float] = []  # seconds from noticing a change to the widgets set

    def listen(self, key: str, compute: Callable, apply: Callable) -> None:
        """Call ``apply(compute(stamp))`` on every change; a listener of the same ``key``
        (the same panel, rebuilt in another language) is replaced."""
        self.listeners[key] = Listener(compute, apply)

    def later(self, apply: Callable, value, delay: float = 0.0) -> None:
        """``apply(value)`` on the kernel's loop after ``delay`` seconds (from any thread);
        at once outside a kernel."""
        if self.loop is None:
            apply(value)
        else:
            self.loop.call_soon_threadsafe(self.loop.call_later, delay, apply, value)

    def check(self) -> bool:
        """One look, synchronously: True when the store changed (the listeners ran)."""
        stamp = self.probe()
        if stamp == self.last:
            return False
        self.last = stamp
        for listener in list(self.listeners.values()):
            listener.apply(listener.compute(stamp))
        return True

    def poke(self) -> None:
        """Look again at the next turn even if nothing changed (after this page wrote)."""
        self.last = None

    # ------------------------------------------------------------------ in a kernel

    def start(self) -> bool:
        """Start watching on the kernel's event loop; False outside a kernel (nothing runs)."""
        loop = kernel_loop()
        if loop is None:
            return False
        self.loop = loop
        loop.call_soon_threadsafe(self._spawn)
        return True

    def _spawn(self) -> None:
        self.task = asyncio.ensure_future(self._run())

    def stop(self) -> None:
        self.stopped = True
        if self.task is not None and self.loop is not None:
            self.loop.call_soon_threadsafe(self.task.cancel)

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        next_beat = 0.0
        beats = 0
        while not self.stopped:
            try:
                stamp = await loop.run_in_executor(None, self.probe)
                if stamp != self.last:
                    self.last = stamp
                    t0 = time.perf_counter()
                    for listener in list(self.listeners.values()):
                        value = await loop.run_in_executor(None, listener.compute, stamp)
                        listener.apply(value)
                    self.timings = (self.timings + [time.perf_counter() - t0])[-50:]
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - keep watching; one line in the server log
                print(f"prioritisation app (live): {type(exc).__name__}: {exc}", file=sys.stderr)
            now = time.monotonic()
            if self.beat is not None and now >= next_beat:
                beats += 1
                self.beat.value = (f"<span class='pw-beat' data-beat='{beats}' "
                                   f"data-lost='{escape(self.lost_text)}' hidden></span>")  # fmt: skip
                next_beat = now + BEAT_SECONDS
            await asyncio.sleep(self.interval)


def kernel_loop() -> asyncio.AbstractEventLoop | None:
    """The event loop of the IPython kernel this code runs in (None outside a kernel)."""
    try:
        from IPython import get_ipython

        shell = get_ipython()
    except ImportError:  # pragma: no cover - IPython is a dependency of ipykernel
        return None
    kernel = getattr(shell, "kernel", None)
    if kernel is None:
        return None
    io_loop = getattr(kernel, "io_loop", None)
    found = getattr(io_loop, "asyncio_loop", None)  # ipykernel 6: a tornado IOLoop
    if found is not None:
        return found
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None
