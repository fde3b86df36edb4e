"""The guides are true because they are run.

Every line that starts with ``prioritisation`` inside a ```` ```sh ```` block of README.md and
docs/*.md is executed (per document, in order, in a scratch folder holding a copy of
``data/``), and must exit 0; ``prioritisation app`` (a server) is exercised by the app's
browser tests instead. Every ``make TARGET`` named in such a block must be a target of the
Makefile (checked with ``make -n``).
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_cli

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCK = re.compile(r"^```sh[^\n]*\n(.*?)^```", re.S | re.M)
SERVERS = {"app", "lab"}


def commands(path: Path) -> list[list[str]]:
    out = []
    for block in BLOCK.findall(path.read_text(encoding="utf-8")):
        for line in block.splitlines():
            line = line.strip().removeprefix("$ ")
            if line.startswith(("prioritisation ", "make ")):
                out.append(shlex.split(line, comments=True))
    return out


def _run_in_order(path: Path, scratch: Path):
    shutil.copytree(ROOT / "data", scratch / "data")
    (scratch / "reports").mkdir()
    for argv in commands(path):
        if argv[0] == "make":
            for target in argv[1:]:
                if "=" in target:
                    continue
                proc = subprocess.run(
                    ["make", "-n", "-C", str(ROOT), target], capture_output=True, text=True
                )
                assert proc.returncode == 0, f"{path.name}: make {target}: {proc.stderr}"
            continue
        if argv[1:2] and argv[1] in SERVERS:
            continue
        proc = run_cli(*argv[1:], cwd=scratch)
        assert proc.returncode == 0, f"{path.name}: {' '.join(argv)}\n{proc.stderr}"


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.name)
def test_guide_commands_work(path, tmp_path):
    if not commands(path):
        pytest.skip(f"{path.name} names no command")
    _run_in_order(path, tmp_path)
