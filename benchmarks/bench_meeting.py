"""A meeting opens: ``APP_BENCH_USERS`` (default 20) members open the app at the same moment,
without browsers (:mod:`benchmarks.browserless`: the page, its ~90 files and the widgets'
states, as a browser asks for them, nothing drawn; each member's device draws their page).

Prints, for ``prioritisation app --members 20 --user-header X-Remote-User`` on a workbook of
200 ideas: each member's time from asking for the page to the ranking's widget state (how many
within 3 s), and the CPU the server used for the meeting (Voila, the kernels) beside the
client's. When ``BENCH_BASE`` names another checkout (``benchmarks/compare.py`` sets it to the
earlier commit's worktree when that commit has no such benchmark), its server is measured too,
with this same client, alternately with this tree's, twice each.

Run: ``python benchmarks/run.py meeting``; side by side: ``python benchmarks/compare.py REF meeting``.
"""

from __future__ import annotations

import compileall
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_app import fmt, synthetic_workbook, wait_kernels_idle  # noqa: E402
from benchmarks.browserless import at_once, open_app, page_files  # noqa: E402
from tests.appserver import AppServer, browser, browser_missing  # noqa: E402

HEADER = "X-Remote-User"


def cpu(server) -> dict[str, float]:
    """CPU seconds so far: the app server (Voila), its kernels, this client."""
    import psutil

    voila = psutil.Process(server.proc.pid)
    t = voila.cpu_times()
    out = {"voila": t.user + t.system, "kernels": 0.0}
    for child in voila.children(recursive=True):
        try:
            t = child.cpu_times()
        except psutil.Error:
            continue
        out["kernels"] += t.user + t.system
    r = resource.getrusage(resource.RUSAGE_SELF)
    out["client"] = r.ru_utime + r.ru_stime
    return out


def commit(tree: Path) -> str:
    """The short commit of a checkout (its folder's name when git cannot tell)."""
    import subprocess

    found = subprocess.run(["git", "-C", str(tree), "rev-parse", "--short", "HEAD"],
                           capture_output=True, text=True)  # fmt: skip
    return found.stdout.strip() or tree.name


def files_of_a_page(path: Path) -> list[str]:
    """The files a real page of this tree's app fetches (recorded from Chromium)."""
    urls: list[str] = []
    with AppServer(path, pool_size=1) as server, browser() as context:
        page = context.new_page()
        page.on("response", lambda r: urls.append(r.url))
        page.goto(server.url)
        page.wait_for_selector(".pw-ranking tbody tr", timeout=90_000)
        return page_files(urls, server.url)


def meeting(path: Path, users: int, files: list[str], root: Path, label: str) -> None:
    args = ["--members", str(users), "--user-header", HEADER]
    with AppServer(path, pool_size=None, args=args, root=root) as server:
        wait_kernels_idle(server, timeout=300)
        time.sleep(2)
        before = cpu(server)
        opened = at_once(
            lambda u=u: open_app(server.url, files, headers={HEADER: f"lid{u:02d}"})
            for u in range(users)
        )  # fmt: skip
        after = cpu(server)
    used = {k: after[k] - before[k] for k in after}
    ranking = [1000 * o.ranking for o in opened if not o.error]
    errors = [o.error for o in opened if o.error]
    print(f"-- {label}: {users} members at once (prioritisation app {' '.join(args)})")
    print(f"   page served          : {fmt(1000 * o.page for o in opened if not o.error)}")
    if ranking:
        print(f"   each member → ranking: {fmt(ranking)}; "
              f"{sum(ms <= 3000 for ms in ranking)} of {users} within 3 s")  # fmt: skip
    print(f"   CPU for the meeting  : Voila {used['voila']:.2f} s, kernels {used['kernels']:.2f} s "
          f"(server {used['voila'] + used['kernels']:.2f} s); this client {used['client']:.2f} s")  # fmt: skip
    if errors:
        print(f"   {len(errors)} failed: {errors[0]}")


def main() -> None:
    if reason := browser_missing():
        print(f"skipped: {reason}")
        return
    users = int(os.environ.get("APP_BENCH_USERS", "20"))
    base = os.environ.get("BENCH_BASE")
    trees = [("this tree", ROOT)] + ([(f"base {commit(Path(base))}", Path(base))] if base else [])
    for _label, tree in trees:
        compileall.compile_dir(str(tree / "prioritisation"), quiet=1)  # as an installed package
    with tempfile.TemporaryDirectory() as tmp:
        path = synthetic_workbook(Path(tmp) / "ideas200.xlsx")
        files = files_of_a_page(path)
        print(f"workbook: 200 ideas × 4 criteria × 7 assessors; a page fetches {len(files)} files; "
              f"cpus={os.cpu_count()}")  # fmt: skip
        for _ in range(2 if base else 1):
            for label, tree in reversed(trees):
                meeting(path, users, files, tree, label)


if __name__ == "__main__":
    main()
