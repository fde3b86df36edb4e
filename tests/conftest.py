"""Shared fixtures: the sample, workbook builders and two CLI runners: :func:`cli` in this
process (fast: most command tests) and :func:`run_cli`, a real subprocess (exit codes and
start-up as a user sees them)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from prioritisation.data.export import write_xlsx

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample.xlsx"


@pytest.fixture(autouse=True)
def _dutch_by_default(monkeypatch):
    """Every test starts in the default language, whatever an earlier test set."""
    from prioritisation.core import i18n

    monkeypatch.delenv("PRIORITISATION_LANG", raising=False)
    i18n.set_language(None)
    yield
    i18n.set_language(None)


@pytest.fixture
def sample_path() -> Path:
    return SAMPLE


def xlsx(tmp_path: Path, name: str = "wb.xlsx", **sheets) -> Path:
    """Write sheets given as lists of rows (first row = headings) or DataFrames to an xlsx."""
    frames = {}
    for sheet, rows in sheets.items():
        frames[sheet] = (
            rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(rows[1:], columns=rows[0])
        )
    return write_xlsx(frames, tmp_path / name)


def run_cli(*args, cwd=None, env=None, check_exit=None) -> subprocess.CompletedProcess:
    """Run ``python -m prioritisation ARGS`` as a user would, from this checkout."""
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    full_env.pop(
        "PRIORITISATION_LANG", None
    ) if env is None or "PRIORITISATION_LANG" not in env else None
    proc = subprocess.run(
        [sys.executable, "-m", "prioritisation", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=full_env,
        timeout=300,
    )
    if check_exit is not None:
        assert proc.returncode == check_exit, (proc.returncode, proc.stdout, proc.stderr)
    return proc


def cli(*args, cwd=None, env=None, check_exit=None) -> subprocess.CompletedProcess:
    """Run ``prioritisation ARGS`` in this process through :func:`prioritisation.cli.main`, with
    what a fresh process would have (the default language, ``env`` set, ``cwd``); the same
    result as :func:`run_cli` (exit code, stdout, stderr), in a fraction of the time."""
    from contextlib import redirect_stderr, redirect_stdout

    from prioritisation.cli import main
    from prioritisation.core import i18n

    argv = [str(a) for a in args]
    env = dict(env or {})
    saved = {k: os.environ.get(k) for k in [*env, "PRIORITISATION_LANG"]}
    here = os.getcwd()
    out, err = io.StringIO(), io.StringIO()
    try:
        os.environ.pop("PRIORITISATION_LANG", None)
        os.environ.update(env)
        if cwd is not None:
            os.chdir(cwd)
        i18n.set_language(None)
        with redirect_stdout(out), redirect_stderr(err):
            try:
                code = main(argv)
            except SystemExit as exc:  # argparse: --help, --version, a bad option
                code = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
    finally:
        os.chdir(here)
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        i18n.set_language(None)
    proc = subprocess.CompletedProcess(argv, code, out.getvalue(), err.getvalue())
    if check_exit is not None:
        assert proc.returncode == check_exit, (proc.returncode, proc.stdout, proc.stderr)
    return proc
