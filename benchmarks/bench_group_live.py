"""The Group tab live: one member shares weights → visible on the other members' pages.

Three members (an, bart, chris) in three browser contexts on one app and one store (the
logins by a trusted proxy's header), an open round that is not blind. ``GROUP_BENCH_SHARES``
(default 12) times, a member in turn moves a weight slider and shares; timed from the click
(measured in Python, so it includes the click's round trip to the member's kernel) until the
two other pages show the new weights, and until they show the compromise for them (solved
once, by the sharing page's kernel, and read from the store by the others).

Prints (never asserts — shared machines are noisy) the median, 90th percentile and maximum.
The store watch polls every 0.5 s (``prioritisation.app.live.INTERVAL``), so about 0.25 s
of the figure is the wait for the next look.

Run: ``python benchmarks/run.py group_live``.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.appserver import CHROMIUM, FLAGS, AppServer, browser_missing  # noqa: E402
from tests.group_helpers import LOGINS, member_pages, small_workbook  # noqa: E402

KEYS = ("ArrowRight", "ArrowLeft")


def figures(values: list[float]) -> str:
    values = sorted(values)
    p90 = values[min(len(values) - 1, int(round(0.9 * (len(values) - 1))))]
    return (f"median {statistics.median(values):5.2f} s   p90 {p90:5.2f} s   "
            f"max {values[-1]:5.2f} s   (n={len(values)})")  # fmt: skip


def main() -> None:
    if reason := browser_missing():
        print(f"skipped: {reason}")
        return
    from playwright.sync_api import sync_playwright

    shares = int(os.environ.get("GROUP_BENCH_SHARES", "12"))
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        path = small_workbook(Path(tmp))
        args = ["--user-header", "X-Remote-User"]
        with AppServer(path, pool_size=None, args=args) as server:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            pages = member_pages(browser, server.url)
            an = pages["an"]
            an.locator(".pw-round-blind input").uncheck()
            an.click(".pw-round-open")
            for page in pages.values():
                page.wait_for_selector(".pw-share-weights:not([disabled])", timeout=30_000)
            weights_seen, result_seen = [], []
            for k in range(shares):
                login = LOGINS[k % len(LOGINS)]
                page, name = pages[login], login.capitalize()
                others = [pages[o] for o in LOGINS if o != login]
                handle = page.locator(".pw-weight-innovation .noUi-handle")
                handle.focus()
                handle.press(KEYS[(k // len(LOGINS)) % 2])
                page.wait_for_timeout(300)  # the slider's value reaches the kernel
                share = innovation_share(page)
                before = page.get_attribute(".pw-sat-sentence", "data-digest") if k else None
                started = time.monotonic()
                page.click(".pw-share-weights")
                for other in others:
                    other.wait_for_function(
                        """([name, value]) => { const td = document.querySelector(
                             `.pw-member-row[data-member="${name}"] td[data-c="innovation"]`);
                           return td !== null && Math.abs(parseFloat(td.dataset.w) - value) < 1e-6; }""",
                        arg=[name, share], timeout=30_000, polling=20,
                    )  # fmt: skip
                weights_seen.append(time.monotonic() - started)
                page.wait_for_function(
                    """(before) => { const s = document.querySelector('.pw-sat-sentence');
                                     return s !== null && s.dataset.digest !== before; }""",
                    arg=before, timeout=60_000, polling=20,
                )  # fmt: skip
                digest = page.get_attribute(".pw-sat-sentence", "data-digest")
                for other in others:
                    other.wait_for_function(
                        """(d) => { const s = document.querySelector('.pw-sat-sentence');
                                    return s !== null && s.dataset.digest === d; }""",
                        arg=digest, timeout=60_000, polling=20,
                    )  # fmt: skip
                result_seen.append(time.monotonic() - started)
            print(f"share → weights on the 2 other pages:    {figures(weights_seen)}")
            print(f"share → compromise on the 2 other pages: {figures(result_seen)}")
            browser.close()


def innovation_share(page) -> float:
    """The share of ``innovation`` the page's sliders give (what sharing sends)."""
    values = page.eval_on_selector_all(
        ".pw-weight .noUi-handle", "hs => hs.map(h => parseFloat(h.getAttribute('aria-valuenow')))"
    )
    first = float(page.locator(".pw-weight-innovation .noUi-handle").get_attribute("aria-valuenow"))
    return first / sum(values)


if __name__ == "__main__":
    main()
