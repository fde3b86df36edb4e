"""The guard that keeps C-level output of the solvers off file descriptor 1."""

from __future__ import annotations

import ctypes
import os
import subprocess
import sys
import threading

import pytest

from prioritisation.core.quiet import quiet_fd1

LIBC = ctypes.CDLL(None) if sys.platform != "win32" else None
pytestmark = pytest.mark.skipif(LIBC is None, reason="C library calls through ctypes (POSIX)")

SCRIPT = r"""
import ctypes, sys
from prioritisation.core.quiet import quiet_fd1

libc = ctypes.CDLL(None)
print("before", flush=True)
print("python, buffered before the guard")
with quiet_fd1():
    libc.write(1, b"write(2)\n", 9)
    libc.printf(b"printf, left in C's buffer\n")
    libc.puts(b"puts, flushed")
    libc.fflush(None)
    libc.printf(b"printf, never flushed by the caller\n")
print("after")
"""


def _run(stdout) -> None:
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    subprocess.run([sys.executable, "-c", SCRIPT], stdout=stdout, check=True, env=env, timeout=60)


def test_c_output_inside_the_guard_never_reaches_a_pipe():
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    proc = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, check=True,
                          env=env, timeout=60)  # fmt: skip
    assert proc.stdout.decode().splitlines() == [
        "before",
        "python, buffered before the guard",
        "after",
    ]


def test_c_output_inside_the_guard_never_reaches_a_file(tmp_path):
    path = tmp_path / "out.txt"
    with open(path, "wb") as f:
        _run(f)
    assert path.read_text().splitlines() == ["before", "python, buffered before the guard", "after"]


def _capture_fd1(body) -> bytes:
    """Run ``body`` with fd 1 on a fresh pipe (in this process) and return what arrived."""
    sys.stdout.flush()
    read, write = os.pipe()
    saved = os.dup(1)
    os.dup2(write, 1)
    os.close(write)
    try:
        body()
        sys.stdout.flush()
        LIBC.fflush(None)
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    chunks = []
    while chunk := os.read(read, 4096):
        chunks.append(chunk)
    os.close(read)
    return b"".join(chunks)


def test_in_process_the_guard_swallows_c_writes_and_restores_fd1():
    def body():
        os.write(1, b"first\n")
        with quiet_fd1():
            LIBC.write(1, b"hidden\n", 7)
            LIBC.printf(b"hidden printf\n")
        os.write(1, b"last\n")

    assert _capture_fd1(body) == b"first\nlast\n"


def test_fd1_is_restored_after_an_error_and_the_guard_nests():
    before = os.fstat(1)

    def body():
        with pytest.raises(RuntimeError), quiet_fd1():
            with quiet_fd1():
                LIBC.write(1, b"hidden\n", 7)
            raise RuntimeError("solver failed")
        os.write(1, b"still here\n")

    assert _capture_fd1(body) == b"still here\n"
    after = os.fstat(1)
    assert (before.st_dev, before.st_ino) == (after.st_dev, after.st_ino)


def test_threads_take_turns():
    inside, overlaps = [], []

    def work():
        for _ in range(50):
            with quiet_fd1():
                inside.append(1)
                if len(inside) > 1:
                    overlaps.append(len(inside))
                inside.pop()

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert overlaps == []
