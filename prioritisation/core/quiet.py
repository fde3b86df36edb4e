"""Keep what C code prints off standard output, so that ``--format json`` stays clean.

HiGHS (the solver bundled with SciPy) sometimes prints a diagnostic line such as
``HighsMipSolverData::transformNewIntegerFeasibleSolution tmpSolver.run();`` with C ``printf``
straight to file descriptor 1, past ``sys.stdout``: in the middle of a JSON document. Every
solver call (``milp``, ``linprog``) runs inside :func:`quiet_fd1`, which points file descriptor
1 at the null device for the duration of the call and always puts it back, whether fd 1 is a
terminal, a pipe, a file or a Jupyter kernel's captured descriptor.

>>> import os
>>> with quiet_fd1():
...     _ = os.write(1, b"this goes nowhere\\n")
>>> print("this arrives")
this arrives
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import os
import sys
import threading
from collections.abc import Iterator

# One lock for the whole process: two threads that redirect fd 1 at once could restore it
# in the wrong order. Re-entrant, so a guarded call may call another guarded one.
_LOCK = threading.RLock()


@functools.cache
def _libc():
    """The C library whose ``stdout`` buffer the solver writes into (``None`` if unknown)."""
    try:
        return ctypes.CDLL("ucrtbase") if sys.platform == "win32" else ctypes.CDLL(None)
    except OSError:
        return None


def _flush_c_stdout() -> None:
    """Flush C's stdio buffers: text the solver printed into them goes out *now*, to the
    descriptor in force, and not later to the restored one (a pipe is fully buffered)."""
    libc = _libc()
    if libc is not None:
        with contextlib.suppress(Exception):
            libc.fflush(None)


def _flush_python_stdout() -> None:
    stream = sys.stdout
    if stream is not None:
        with contextlib.suppress(Exception):
            stream.flush()


@contextlib.contextmanager
def quiet_fd1() -> Iterator[None]:
    """Send whatever is written to file descriptor 1 inside the block to the null device.

    Under a process-wide lock: flush ``sys.stdout`` (what Python printed before still
    arrives, in order), keep a copy of fd 1, put the null device on fd 1, run the block,
    flush C's buffers into the null device and restore fd 1 (always, also on an error).
    Without a file descriptor 1 at all there is nothing to protect and the block just runs.
    The lock orders the guards, not other output: what another thread writes to fd 1 while a
    solve runs is lost as well (the engines do not print; logs go to standard error).
    """
    with _LOCK:
        _flush_python_stdout()
        _flush_c_stdout()
        try:
            saved = os.dup(1)
        except OSError:
            saved = None
        if saved is None:
            yield
            return
        try:
            null = os.open(os.devnull, os.O_WRONLY)
            try:
                os.dup2(null, 1)
            finally:
                os.close(null)
            yield
        finally:
            _flush_c_stdout()
            os.dup2(saved, 1)
            os.close(saved)
