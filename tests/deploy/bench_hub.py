"""Figures for docs/admin.md: login → ranking through the demo hub, one member and ten at once,
and memory per member (RSS and PSS of the launcher, Voila and its kernels).

``python -m tests.deploy.bench_hub`` starts a hub with one group of ten members (servers started
in advance, as before a meeting), measures, prints a table and stops the hub.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
import time
from pathlib import Path

from tests.appserver import CHROMIUM, FLAGS

LOGINS = [f"lid{i:02d}" for i in range(1, 11)]


async def login_to_ranking(browser, url: str, password: str, user: str) -> float:
    context = await browser.new_context(viewport={"width": 1366, "height": 768})
    page = await context.new_page()
    await page.goto(url + "hub/login")
    await page.fill("#username_input", user)
    await page.fill("#password_input", password)
    began = time.monotonic()
    await page.click("#login_submit", no_wait_after=True)
    await page.wait_for_selector(".pw-ranking tbody tr", timeout=180_000)
    took = time.monotonic() - began
    await context.close()
    return took


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
        one = [await login_to_ranking(browser, state["url"], state["password"], u) for u in LOGINS[:3]]  # fmt: skip
        ten = await asyncio.gather(*(login_to_ranking(browser, state["url"], state["password"], u) for u in LOGINS))  # fmt: skip
        await browser.close()
    mem = [memory(u) for u in LOGINS]
    return {"one": one, "ten": ten, "mem": mem}


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
    one, ten, mem = figures["one"], sorted(figures["ten"]), figures["mem"]
    rss = sorted(m[0] for m in mem)
    pss = sorted(m[1] for m in mem)
    print(f"load average before: {load:.1f} ({os.cpu_count()} cores)")
    print(f"servers started in advance: {state.get('prestart_seconds')} s for 10")
    print(f"login → ranking, one member: {', '.join(f'{t:.2f}' for t in one)} s")
    print(f"login → ranking, 10 at once: median {ten[4]:.2f} s, max {ten[-1]:.2f} s")
    print(
        f"memory per member after one page: RSS median {rss[4]:.0f} MiB, PSS median {pss[4]:.0f} MiB"
    )


if __name__ == "__main__":
    main()
