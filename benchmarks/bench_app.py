"""The app in a real browser: 200 ideas, Voila + headless Chromium (Debian's).

Prints (never asserts — shared machines are noisy):
- first render with a preheated kernel: page opened → first ranking row visible;
- weight change → new ranking visible: a key press on a slider handle (``End``/``Home`` swap the
  top ideas; ``ArrowRight`` moves one step) timed inside the page, from the keydown event to the
  next animation frame after the table changed;
- kernel memory per user (RSS and USS, the memory not shared with other processes);
- a meeting: ``APP_BENCH_USERS`` (default 20) pages opened at once, each with its own kernel,
  on a fresh server each time: with Voila's fixed pool of ``APP_BENCH_POOL`` kernels
  (default 1, ``prioritisation app --pool-size 1``, the old default) and with the pool sized
  for the meeting (``prioritisation app --members 20``). For each: every page's time from
  navigation to its first ranking row (measured inside the page), how many within 3 s, the
  kernels' memory (RSS, PSS, USS in all) with the pool ready, with every page open, and 10 s
  later (after Voila's refills), and one weight change per page.

- the same meeting without browsers (:mod:`benchmarks.browserless`): ``users`` members open
  the app at once over HTTP and the kernel's websocket, as a browser does, without drawing it
  (each member's device draws their page in a meeting; here 20 Chromiums would take the cores
  the server needs). Each member's time from asking for the page to the ranking's widget state.

The package is byte-compiled first, as an installed package is (with
``PYTHONDONTWRITEBYTECODE`` set every kernel would compile it from source again).
The 20 pages run in one Chromium on the same machine as the server: the browser's own work
competes with the kernels for the CPU, which a real meeting (one laptop each) does not.

Run: ``python benchmarks/run.py app``.
"""

from __future__ import annotations

import compileall
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

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


def memory(pids) -> tuple[float, float, float]:
    """Total RSS, PSS and USS of these processes, MiB (PSS: shared pages split among sharers)."""
    import psutil

    totals = [0.0, 0.0, 0.0]
    for pid in pids:
        try:
            info = psutil.Process(pid).memory_full_info()
        except psutil.NoSuchProcess:
            continue
        totals[0] += info.rss
        totals[1] += getattr(info, "pss", 0)
        totals[2] += info.uss
    return tuple(t / 2**20 for t in totals)


def fmt_memory(pids) -> str:
    total_rss, total_pss, total_uss = memory(pids)
    n = max(1, len(pids))
    return (f"{len(pids):2d} kernels: RSS {total_rss:5.0f} MiB ({total_rss / n:.0f} each), "
            f"PSS {total_pss:5.0f} MiB, USS {total_uss:5.0f} MiB ({total_uss / n:.0f} each)")  # fmt: skip


READY_JS = """() => {
  window.__pwReady = 0;
  new MutationObserver((changes, observer) => {
    if (!window.__pwReady && document.querySelector('.pw-ranking tbody tr')) {
      window.__pwReady = performance.now();
      observer.disconnect();
    }
  }).observe(document, {childList: true, subtree: true});
}"""


SERVED_JS = "() => performance.getEntriesByType('navigation')[0].responseEnd"


def meeting(path: Path, users: int, label: str, args: list[str], criterion: str) -> None:
    """``users`` pages opened at once on a fresh server started with ``args``; prints figures."""
    with AppServer(path, pool_size=None, args=args) as server, browser() as context:
        wait_kernels_idle(server, timeout=300)  # every pool kernel has rendered the app
        print(f"-- {label} (prioritisation app {' '.join(args)})")
        print(f"   pool ready          : {fmt_memory(server.kernel_pids())}")
        context.add_init_script(f"({READY_JS})()")
        pages = [context.new_page() for _ in range(users)]
        t0 = time.perf_counter()
        for p in pages:
            p.goto(server.url, wait_until="commit")
        for p in pages:
            p.wait_for_function("() => window.__pwReady > 0", timeout=300_000)
        all_ready = time.perf_counter() - t0
        opened = [p.evaluate("() => window.__pwReady") for p in pages]
        served = [p.evaluate(SERVED_JS) for p in pages]
        within = sum(ms <= 3000 for ms in opened)
        print(f"   each page → ranking : {fmt(opened)}; {within} of {users} within 3 s; "
              f"all after {all_ready:.1f} s")  # fmt: skip
        print(f"   each page's HTML    : {fmt(served)} (the server's answer; the rest is the "
              f"browser loading the page and the widgets)")  # fmt: skip
        print(f"   every page open     : {fmt_memory(server.kernel_pids())}")
        lat = []
        for p in pages:
            p.bring_to_front()  # background tabs throttle animation frames
            p.evaluate(TIMER_JS)
            p.focus(f".pw-weight-{criterion} .noUi-handle")
            lat.append(press_and_time(p, "End")[0])
        print(f"   one weight change each: {fmt(lat)}")
        time.sleep(10)
        wait_kernels_idle(server, timeout=300)
        print(f"   10 s later, refilled: {fmt_memory(server.kernel_pids())}")
        for p in pages:
            p.close()


def meeting_without_browsers(path: Path, users: int, files: list[str]) -> None:
    """``users`` members open the app at once without a browser (see the module's text), on a
    fresh server sized for the meeting."""
    from benchmarks.browserless import at_once, open_app

    args = ["--members", str(users), "--user-header", "X-Remote-User"]
    with AppServer(path, pool_size=None, args=args) as server:
        wait_kernels_idle(server, timeout=300)
        opened = at_once(
            lambda u=u: open_app(server.url, files, headers={"X-Remote-User": f"lid{u:02d}"})
            for u in range(users)
        )  # fmt: skip
    errors = [o.error for o in opened if o.error]
    ranking = [1000 * o.ranking for o in opened if not o.error]
    print(f"-- {users} members at once without browsers (prioritisation app {' '.join(args)}; "
          f"page + {len(files)} files + the widgets' states)")  # fmt: skip
    print(f"   page served         : {fmt(1000 * o.page for o in opened if not o.error)}")
    if ranking:
        print(f"   each member → ranking: {fmt(ranking)}; "
              f"{sum(ms <= 3000 for ms in ranking)} of {users} within 3 s")  # fmt: skip
    if errors:
        print(f"   {len(errors)} failed: {errors[0]}")


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
    compileall.compile_dir(str(ROOT / "prioritisation"), quiet=1)
    with tempfile.TemporaryDirectory() as tmp:
        path = synthetic_workbook(Path(tmp) / "ideas200.xlsx")
        with AppServer(path, pool_size=pool) as server, browser() as context:
            print(f"workbook: 200 ideas × 4 criteria × 7 assessors; voila pool size {pool}; "
                  f"cpus={os.cpu_count()}")  # fmt: skip
            # first render with a preheated kernel
            firsts, fills, urls = [], 1, []
            for _ in range(3):
                server.wait_pool_refilled(fills)
                wait_kernels_idle(server)  # the refilled kernel has rendered the app: preheated
                page = context.new_page()
                page.on("response", lambda r: urls.append(r.url))
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
            one_rss, _pss, one_uss = memory(server.kernel_pids())
            n_kernels = len(server.kernel_pids())
            print(f"kernels now: {n_kernels} (1 in use + pool); total RSS {one_rss:.0f} MiB, "
                  f"USS {one_uss:.0f} MiB → per kernel RSS {one_rss / n_kernels:.0f} MiB, "
                  f"USS {one_uss / n_kernels:.0f} MiB")  # fmt: skip
            page.close()
        from benchmarks.browserless import page_files

        files = page_files(urls, server.url)
        meeting_without_browsers(path, users, files)
        # a meeting: every member opens the page at once
        meeting(path, users, f"{users} members at once, old default pool of {pool}",
                ["--pool-size", str(pool)], criterion)  # fmt: skip
        meeting(path, users, f"{users} members at once, pool sized for the meeting",
                ["--members", str(users)], criterion)  # fmt: skip
        meeting(path, users, f"{users} members at once, Voila's fixed pool of {users}",
                ["--pool-size", str(users)], criterion)  # fmt: skip


if __name__ == "__main__":
    main()
