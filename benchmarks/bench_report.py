"""The sample's report as PDF, end to end, as a user runs it (target: within 10 s per PDF).

Measures ``python -m prioritisation report data/sample.xlsx`` in a fresh process (imports,
checking the workbook, papermill with a new kernel, nbconvert, WeasyPrint, the final move),
then the two languages in one call (``--lang nl,en``, built side by side), then the phases of
one report inside one process. The machine's load average is printed with the figures:
on a shared machine the wall-clock times rise with it; the CPU seconds (the command and its
kernels together) do not, and bound the time on an idle machine from above.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample.xlsx"


def cli(*args) -> tuple[float, float]:
    """Wall-clock seconds and CPU seconds (the command and its kernels) of one CLI call."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "prioritisation", *map(str, args)],
                          capture_output=True, text=True, env=env, cwd=ROOT)  # fmt: skip
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"report failed: {proc.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu


def phases(folder: Path) -> dict[str, float]:
    from prioritisation.report.kernel import skip_slow_optional_imports

    skip_slow_optional_imports()
    t0 = time.perf_counter()
    from prioritisation.report import pipeline as report
    from prioritisation.report.jobs import plan_jobs

    jobs = plan_jobs(SAMPLE, folder / "phases.pdf")
    t1 = time.perf_counter()
    nb = report.execute(jobs[0], folder / "job")
    t2 = time.perf_counter()
    html = report.to_html(nb, jobs[0])
    t3 = time.perf_counter()
    report.to_pdf(html, folder / "job" / "r.pdf", str(folder), "r.pdf")
    t4 = time.perf_counter()
    cells = sum(c.metadata["papermill"]["duration"] or 0 for c in nb.cells if c.cell_type == "code")
    return {
        "import + check workbook and options": t1 - t0,
        "papermill (kernel start + cells)": t2 - t1,
        "  of which the cells": cells,
        "nbconvert HTML (no input)": t3 - t2,
        "WeasyPrint PDF": t4 - t3,
    }


def main() -> None:
    from pypdf import PdfReader

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
        one, cpu = cli("report", SAMPLE, "--out", folder / "sample.pdf", "--lang", "nl")
        pages = len(PdfReader(str(folder / "sample.pdf")).pages)
        print(f"one PDF (nl), end to end      : {one:6.2f} s  (CPU {cpu:.2f} s; {pages} pages)")
        again, cpu = cli("report", SAMPLE, "--out", folder / "sample.pdf", "--lang", "en")
        print(f"one PDF (en), end to end      : {again:6.2f} s  (CPU {cpu:.2f} s)")
        both, cpu = cli("report", SAMPLE, "--out", folder / "both.pdf", "--lang", "nl,en")
        print(f"nl + en in one call (batch)   : {both:6.2f} s  ({both / 2:.2f} s per PDF; "
              f"CPU {cpu:.2f} s)")  # fmt: skip
        for name, seconds in phases(folder).items():
            print(f"  {name:<30}: {seconds:6.2f} s")
        print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
