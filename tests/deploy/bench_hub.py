"""Figures for docs/admin.md: login → ranking through the demo hub, one member and ten at once,
and memory per member (RSS and PSS of the launcher, Voila and its kernels).

``python -m tests.deploy.bench_hub`` starts a hub with one group of 23 members (servers started
in advance, as before a meeting): three log in one after the other, then ten others at once
(each member logs in once, as at the start of a meeting), then the first member again (a reload
before their server's reserve kernel started), each in headless Chromium; then the last ten at
once without a browser (:mod:`benchmarks.browserless`: the login, the page, its files and the
widgets' states over HTTP and the websocket, nothing drawn). It prints the figures and stops the
hub. The Chromiums run on the same two cores as the hub (a meeting's members bring their own
devices): their figures are the server's and the browsers' work together, the browserless
figure is the server's part.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
import time
from pathlib import Path

from tests.appserver import CHROMIUM, FLAGS

LOGINS = [f"lid{i:02d}" for i in range(1, 24)]
ONE, TEN, BARE = LOGINS[:3], LOGINS[3:13], LOGINS[13:]


async def login_to_ranking(browser, url: str, password: str, user: str, urls=None) -> float:
    """Seconds from the login form's submit to the ranking's first row; NaN (and what went
    wrong on the page, printed) when it did not come within a minute."""
    context = await browser.new_context(viewport={"width": 1366, "height": 768})
    page = await context.new_page()
    problems: list[str] = []
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None)  # fmt: skip
    page.on("console", lambda m: problems.append(f"console: {m.text[:300]}") if m.type == "error" else None)  # fmt: skip
    if urls is not None:
        page.on("response", lambda r: urls.append(r.url))
    await page.goto(url + "hub/login")
    await page.fill("#username_input", user)
    await page.fill("#password_input", password)
    began = time.monotonic()
    await page.click("#login_submit", no_wait_after=True)
    try:
        await page.wait_for_selector(".pw-ranking tbody tr", timeout=60_000)
        took = time.monotonic() - began
    except Exception as exc:  # noqa: BLE001 - a benchmark reports, it does not stop
        took = float("nan")
        print(f"{user}: no ranking after 60 s ({type(exc).__name__}) on {page.url}; "
              f"{problems[:10]}; page: {(await page.content())[:600]!r}")  # fmt: skip
    await context.close()
    return took


def cpu_seconds() -> dict[str, float]:
    """CPU time (user + system) so far of the browsers and of the server's processes (hub,
    proxy, launchers, Voila, Jupyter kernels, PostgreSQL); not this process, nor the operating
    system's own threads."""
    import psutil

    me = os.getpid()
    out = {"browsers": 0.0, "server": 0.0}
    for p in psutil.process_iter(["pid", "cmdline", "cpu_times"]):
        cmd = " ".join(p.info["cmdline"] or [])
        times = p.info["cpu_times"]
        if p.info["pid"] == me or not cmd or times is None:
            continue
        kind = "browsers" if ("chrom" in cmd or "playwright" in cmd) else "server"
        if kind == "server" and not any(k in cmd for k in ("jupyterhub", "configurable-http-proxy", "prioritisation", "postgres", "ipykernel")):  # fmt: skip
            continue
        out[kind] += times.user + times.system
    return out


def memory(user: str) -> tuple[float, float]:
    """RSS and PSS (MiB) of the member's launcher, Voila and kernels."""
    from tests.deploy.test_hub import processes

    launcher, voila, kernels = processes(user)
    rss = pss = 0
    for p in [launcher, voila, *kernels]:
        for line in Path(f"/proc/{p.pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Rss:"):
                rss += int(line.split()[1])
            elif line.startswith("Pss:"):
                pss += int(line.split()[1])
    return rss / 1024, pss / 1024


async def measure(state: dict) -> dict:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        urls: list[str] = []
        one = [await login_to_ranking(browser, state["url"], state["password"], u, urls) for u in ONE]  # fmt: skip
        before, began = cpu_seconds(), time.monotonic()
        ten = await asyncio.gather(*(login_to_ranking(browser, state["url"], state["password"], u) for u in TEN))  # fmt: skip
        after, wall = cpu_seconds(), time.monotonic() - began
        cpu = {k: after[k] - before[k] for k in after}
        mem = [memory(u) for u in TEN]
        again = await login_to_ranking(browser, state["url"], state["password"], ONE[0])
        await browser.close()
    from benchmarks.browserless import at_once, open_app, page_files

    files = page_files(urls, state["url"] + f"user/{ONE[-1]}/")
    bare = await asyncio.to_thread(at_once, [
        lambda u=u: open_app(state["url"] + f"user/{u}/", files, login=(u, state["password"]))
        for u in BARE])  # fmt: skip
    return {"one": one, "ten": ten, "mem": mem, "again": again, "cpu": cpu, "wall": wall,
            "bare": bare, "files": len(files)}  # fmt: skip


def main() -> None:
    from prioritisation.app.hub import demo

    members = {u: (f"Lid {u[-2:]}", "member") for u in LOGINS}
    load = os.getloadavg()[0]
    run = Path(tempfile.mkdtemp(prefix="prio-hub-bench-", dir="/tmp"))
    try:
        state = demo.start(run, {"bench": (None, members)})
        figures = asyncio.run(measure(state))
    finally:
        demo.stop(run)
        shutil.rmtree(run, ignore_errors=True)
    one, mem = figures["one"], figures["mem"]
    ten = sorted(t for t in figures["ten"] if t == t) or [float("nan")]
    failed = len(figures["ten"]) - len([t for t in figures["ten"] if t == t])
    rss = sorted(m[0] for m in mem)
    pss = sorted(m[1] for m in mem)
    print(f"load average before: {load:.1f} ({os.cpu_count()} cores)")
    print(f"servers started in advance: {state.get('prestart_seconds')} s for {len(LOGINS)}")
    print(f"login → ranking, one member: {', '.join(f'{t:.2f}' for t in one)} s")
    print(f"login → ranking, 10 at once: median {ten[len(ten) // 2]:.2f} s, max {ten[-1]:.2f} s"
          + (f" ({failed} without a ranking after 60 s)" if failed else ""))  # fmt: skip
    cpu = figures["cpu"]
    print(
        f"  CPU while the ten logged in ({figures['wall']:.1f} s, {os.cpu_count()} cores = "
        f"{(os.cpu_count() or 1) * figures['wall']:.0f} CPU-s): browsers {cpu['browsers']:.1f} s, "
        f"server {cpu['server']:.1f} s ({cpu['server'] / 10:.2f} s per login)"
    )
    bare = figures["bare"]
    times = sorted(o.ranking for o in bare if not o.error)
    print(f"login → the ranking's widget state, 10 at once without browsers (page + "
          f"{figures['files']} files + widget states): "
          + (f"median {times[len(times) // 2]:.2f} s, max {times[-1]:.2f} s" if times else "")
          + (f"; {sum(1 for o in bare if o.error)} failed: {next(o.error for o in bare if o.error)}"
             if any(o.error for o in bare) else ""))  # fmt: skip
    print(f"the first member again at once (no reserve kernel yet): {figures['again']:.2f} s")
    print(
        f"memory per member after one page: RSS median {rss[4]:.0f} MiB, PSS median {pss[4]:.0f} MiB"
    )


if __name__ == "__main__":
    main()
