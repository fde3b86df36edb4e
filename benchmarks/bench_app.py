"""The app in a real browser: 200 ideas, Voila + headless Chromium (Debian's).

Prints (never asserts — shared machines are noisy):
- first render with a preheated kernel: page opened → first ranking row visible;
- weight change → new ranking visible: a key press on a slider handle (``End``/``Home`` swap the
  top ideas; ``ArrowRight`` moves one step) timed inside the page, from the keydown event to the
  next animation frame after the table changed;
- kernel memory per user (RSS and USS, the memory not shared with other processes);
- ``APP_BENCH_USERS`` (default 20) pages opened at once, each with its own kernel: time until all
  show the ranking, one weight change each, total kernel memory. ``APP_BENCH_POOL`` (default 1)
  is the number of kernels Voila keeps preheated (``prioritisation app --pool-size``).

Run: ``python benchmarks/run.py app``.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from prioritisation.data.export import write_xlsx  # noqa: E402
from tests.appserver import AppServer, browser, browser_missing, first_rows  # noqa: E402

THEMES = [
    "Inspirerende gebruikservaring",
    "Rijk leesklimaat",
    "E-inclusie",
    "Ondersteunend project",
]
CRITERIA = ["innovation", "desirability", "viability", "feasibility"]


def synthetic_workbook(path: Path, n: int = 200, assessors: int = 7, seed: int = 11) -> Path:
    rng = np.random.default_rng(seed)
    ids = [f"I{i:03d}" for i in range(n)]
    ideas = pd.DataFrame({
        "id": ids,
        "title": [f"Projectidee nummer {i} voor de digitale bibliotheek" for i in range(n)],
        "theme": [THEMES[i % 4] for i in range(n)],
        "cost": rng.integers(20, 600, n) * 1000,
        "description": "Illustratief idee voor de benchmark.",
    })  # fmt: skip
    rows = []
    profile = rng.uniform(1.5, 4.8, (n, 4))
    for a in range(assessors):
        noise = rng.integers(-1, 2, (n, 4))
        for i, iid in enumerate(ids):
            for j, cid in enumerate(CRITERIA):
                score = float(np.clip(round(profile[i, j] + noise[i, j]), 1, 5))
                rows.append({"idea_id": iid, "criterion_id": cid, "assessor": f"Lid {a + 1}",
                             "score": score})  # fmt: skip
    criteria = pd.DataFrame({"id": CRITERIA, "label": ["Innovatiewaarde", "Wenselijkheid",
                             "Financiële leefbaarheid", "Technische haalbaarheid"],
                             "weight": [30, 30, 20, 20], "threshold": [2, None, 2, None]})  # fmt: skip
    return write_xlsx({"criteria": criteria, "ideas": ideas, "scores": pd.DataFrame(rows)}, path)


TIMER_JS = """() => {
  window.__t0 = 0; window.__t1 = 0;
  document.addEventListener('keydown', () => { window.__t0 = performance.now(); window.__t1 = 0; },
                            true);
  const panel = document.querySelector('.pw-ranking-panel');
  new MutationObserver(() => {
    if (window.__t0 && !window.__t1) {
      requestAnimationFrame(() => { if (!window.__t1) window.__t1 = performance.now(); });
    }
  }).observe(panel, {childList: true, subtree: true, characterData: true});
}"""


def press_and_time(page, key: str) -> tuple[float, str]:
    """Milliseconds from keydown to the frame after the table changed, and the new first row."""
    page.keyboard.press(key)
    page.wait_for_function("() => window.__t1 > 0", timeout=30_000)
    ms = page.evaluate("() => window.__t1 - window.__t0")
    return ms, first_rows(page, 1)[0]


def wait_kernels_idle(server, timeout: float = 120) -> None:
    """Wait until every kernel is idle (the pool's kernel has finished rendering the app)."""
    import psutil

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        procs = [psutil.Process(p) for p in server.kernel_pids()]
        for p in procs:
            p.cpu_percent(None)
        time.sleep(0.7)
        if procs and all(p.cpu_percent(None) < 5 for p in procs):
            return


def swapping_criterion(path: Path) -> str:
    """A criterion whose slider at 100 or at 0 puts different ideas first (so End/Home swap)."""
    from prioritisation import prepare, rank_prepared, read_workbook
    from prioritisation.engine.weights import normalise_weights

    wb = read_workbook(path)
    prepared = prepare(wb)
    base = {c: float(w) * 100 for c, w in wb.weights().items()}
    for cid in wb.criterion_ids:
        tops = []
        for value in (100.0, 0.0):
            shares = normalise_weights(pd.Series({**base, cid: value}))
            tops.append(rank_prepared(prepared, shares).winner)
        if tops[0] != tops[1]:
            return cid
    return wb.criterion_ids[0]


def rss(pids) -> tuple[float, float]:
    import psutil

    total_rss = total_uss = 0.0
    for pid in pids:
        info = psutil.Process(pid).memory_full_info()
        total_rss += info.rss
        total_uss += info.uss
    return total_rss / 2**20, total_uss / 2**20


def fmt(values) -> str:
    values = list(values)
    return (f"median {statistics.median(values):6.0f} ms, min {min(values):5.0f}, "
            f"max {max(values):5.0f} (n={len(values)})")  # fmt: skip


def main() -> None:
    if reason := browser_missing():
        print(f"skipped: {reason}")
        return
    users = int(os.environ.get("APP_BENCH_USERS", "20"))
    pool = int(os.environ.get("APP_BENCH_POOL", "1"))
    with tempfile.TemporaryDirectory() as tmp:
        path = synthetic_workbook(Path(tmp) / "ideas200.xlsx")
        with AppServer(path, pool_size=pool) as server, browser() as context:
            print(f"workbook: 200 ideas × 4 criteria × 7 assessors; voila pool size {pool}; "
                  f"cpus={os.cpu_count()}")  # fmt: skip
            # first render with a preheated kernel
            firsts, fills = [], 1
            for _ in range(3):
                server.wait_pool_refilled(fills)
                wait_kernels_idle(server)  # the refilled kernel has rendered the app: preheated
                page = context.new_page()
                t0 = time.perf_counter()
                page.goto(server.url)
                page.wait_for_selector(".pw-ranking tbody tr", timeout=90_000)
                firsts.append(1000 * (time.perf_counter() - t0))
                fills += 1
                if len(firsts) < 3:
                    page.close()
            print(f"first render, preheated kernel : {fmt(firsts)}")
            # weight changes on the last page
            criterion = swapping_criterion(path)
            page.evaluate(TIMER_JS)
            page.focus(f".pw-weight-{criterion} .noUi-handle")
            swaps, steps, tops = [], [], [first_rows(page, 1)[0]]
            for i in range(6):
                ms, top = press_and_time(page, "End" if i % 2 == 0 else "Home")
                swaps.append(ms)
                tops.append(top)
            changed = sum(a != b for a, b in zip(tops, tops[1:], strict=False))
            for _ in range(10):
                ms, _top = press_and_time(page, "ArrowRight")
                steps.append(ms)
            print(f"slider End/Home ({criterion}) → new first row: {fmt(swaps)}; "
                  f"first row changed {changed}×")  # fmt: skip
            print(f"slider one step → table updated: {fmt(steps)}")
            one_rss, one_uss = rss(server.kernel_pids())
            n_kernels = len(server.kernel_pids())
            print(f"kernels now: {n_kernels} (1 in use + pool); total RSS {one_rss:.0f} MiB, "
                  f"USS {one_uss:.0f} MiB → per kernel RSS {one_rss / n_kernels:.0f} MiB, "
                  f"USS {one_uss / n_kernels:.0f} MiB")  # fmt: skip
            page.close()
            # many users at once
            if pool > 1:
                server.wait_pool_refilled(fills + pool)
                wait_kernels_idle(server, timeout=300)
            pages = [context.new_page() for _ in range(users)]
            t0 = time.perf_counter()
            for p in pages:
                p.goto(server.url, wait_until="commit")
            for p in pages:
                p.wait_for_selector(".pw-ranking tbody tr", timeout=300_000)
            all_ready = time.perf_counter() - t0
            lat = []
            for p in pages:
                p.bring_to_front()  # background tabs throttle animation frames
                p.evaluate(TIMER_JS)
                p.focus(f".pw-weight-{criterion} .noUi-handle")
                lat.append(press_and_time(p, "End")[0])
            pids = server.kernel_pids()
            total_rss, total_uss = rss(pids)
            wait_kernels_idle(server)
            print(f"{users} users opened at once: all rankings visible after {all_ready:.1f} s; "
                  f"then one weight change each: {fmt(lat)}")  # fmt: skip
            print(f"{len(pids)} kernels: RSS {total_rss:.0f} MiB in all "
                  f"({total_rss / len(pids):.0f} per kernel), USS {total_uss:.0f} MiB "
                  f"({total_uss / len(pids):.0f} per kernel)")  # fmt: skip
            for p in pages:
                p.close()


if __name__ == "__main__":
    main()
