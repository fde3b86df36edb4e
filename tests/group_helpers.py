"""A small steering group for the Group tab's tests and benchmark: a generated workbook (few
enough ideas to check the compromise by brute force) whose ``members`` sheet names the logins
``an`` (chair), ``bart`` and ``chris`` (and ``lies``, an analyst), and the brute-force max-min.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from prioritisation.data.export import write_xlsx

CRITERIA = ["innovation", "desirability", "viability", "feasibility"]
MEMBERS = [["login", "name", "role"], ["an", "An", "chair"], ["bart", "Bart", "member"],
           ["chris", "Chris", "member"], ["lies", "Lies", "analyst"]]  # fmt: skip


def small_workbook(folder, n_ideas: int = 12, seed: int = 7, name: str = "groep.xlsx"):
    """A workbook of ``n_ideas`` ideas (costs 40–160 k€, budget 45 % of the total), four
    criteria scored 1–5 by two assessors, and the members sheet above."""
    rng = np.random.default_rng(seed)
    ids = [f"I{k:02d}" for k in range(1, n_ideas + 1)]
    costs = rng.integers(4, 17, n_ideas) * 10_000
    ideas = pd.DataFrame({"id": ids, "title": [f"Idee {k}" for k in range(1, n_ideas + 1)],
                          "cost": costs, "theme": ["T"] * n_ideas})  # fmt: skip
    criteria = pd.DataFrame({"id": CRITERIA, "label": ["Innovatie", "Wenselijkheid",
                                                       "Leefbaarheid", "Haalbaarheid"],
                             "weight": [1, 1, 1, 1]})  # fmt: skip
    rows = [(i, c, a, int(rng.integers(1, 6))) for i in ids for c in CRITERIA for a in ("X", "Y")]
    scores = pd.DataFrame(rows, columns=["idea", "criterion", "assessor", "score"])
    settings = pd.DataFrame({"key": ["budget", "title"],
                             "value": [str(int(costs.sum() * 0.45)), "Kleine stuurgroep"]})  # fmt: skip
    members = pd.DataFrame(MEMBERS[1:], columns=MEMBERS[0])
    return write_xlsx({"criteria": criteria, "ideas": ideas, "scores": scores,
                       "settings": settings, "members": members}, folder / name)  # fmt: skip


def brute_force_maxmin(run, sets: pd.DataFrame) -> float:
    """The best lowest satisfaction over every subset of ideas within the budget (the
    workbook above has no dependencies, groups, themes' shares or must / exclude): each
    member's own best by enumeration too. Independent of the MILP."""
    from prioritisation.decisions.compromise import member_values, selection_problem

    problem = selection_problem(run)
    ids = list(problem.ids)
    costs = run.wb.ideas["cost"].reindex(ids).to_numpy(float)
    eligible = problem.fundable
    values = {m: np.asarray(member_values(run, sets.loc[m]), float) for m in sets.index}
    budget = problem.budget
    feasible = []
    candidates = [k for k in range(len(ids)) if eligible[k]]
    for r in range(len(candidates) + 1):
        for combo in itertools.combinations(candidates, r):
            if costs[list(combo)].sum() <= budget + 1e-6:
                feasible.append(list(combo))
    best = {m: max(v[c].sum() for c in feasible) for m, v in values.items()}
    return max(min(values[m][c].sum() / best[m] if best[m] > 0 else 1.0 for m in values)
               for c in feasible)  # fmt: skip


# --------------------------------------------------------------------------- in a browser

GROUP_TAB = 6  # the Group tab's place among the app's tabs
LOGINS = ("an", "bart", "chris")
#: each member's slider moves (criterion → key pressed on its handle): three different sets
MOVES = {"an": {"innovation": "End", "feasibility": "Home"},
         "bart": {"desirability": "End", "innovation": "Home"},
         "chris": {"feasibility": "End", "viability": "Home"}}  # fmt: skip


def member_pages(browser, url: str, viewport=None, lang: str | None = None):
    """One page per login in its own browser context (cookies, kernel) behind the proxy's
    ``X-Remote-User`` header, each on its Group tab."""
    from tests.appserver import open_tab

    pages = {}
    for login in LOGINS:
        context = browser.new_context(viewport=viewport or {"width": 1366, "height": 900},
                                      extra_http_headers={"X-Remote-User": login})  # fmt: skip
        page = context.new_page()
        page.goto(url + (f"?lang={lang}" if lang else ""))
        page.wait_for_selector(".pw-ranking tbody tr", timeout=180_000)  # one after the other
        open_tab(page, GROUP_TAB)
        page.wait_for_selector(".pw-round-state", timeout=60_000)
        assert page.locator(".pw-unverified").count() == 0, f"{login}: the header did not arrive"
        pages[login] = page
    return pages


def move_sliders(page, moves: dict) -> dict[str, float]:
    """Press the keys on the weight sliders' handles; returns every slider's position."""
    for criterion, key in moves.items():
        handle = page.locator(f".pw-weight-{criterion} .noUi-handle")
        handle.focus()
        handle.press(key)
        page.wait_for_timeout(150)
    positions = {}
    for criterion in CRITERIA:
        value = page.locator(f".pw-weight-{criterion} .noUi-handle").get_attribute("aria-valuenow")
        positions[criterion] = float(value)
    return positions


def member_rows(page) -> list[str]:
    return page.eval_on_selector_all(".pw-member-row", "rows => rows.map(r => r.dataset.member)")


def shown_weights(page, row: str = ".pw-member-row") -> dict:
    """The weights a page shows (exact, from the cells' data): member → criterion → share."""
    return page.eval_on_selector_all(
        f".pw-group-weights {row}",
        """rows => Object.fromEntries(rows.map(r => [r.dataset.member || 'group',
             Object.fromEntries([...r.querySelectorAll('td[data-c]')].map(
               td => [td.dataset.c, parseFloat(td.dataset.w)]))]))""",
    )


def share_all(pages) -> dict[str, dict[str, float]]:
    """Every member moves their sliders (:data:`MOVES`) and shares; their slider positions."""
    positions = {}
    for login, page in pages.items():
        positions[login] = move_sliders(page, MOVES[login])
        page.wait_for_selector(".pw-share-weights:not([disabled])", timeout=30_000)
        page.click(".pw-share-weights")
        page.wait_for_function(
            "() => /gedeeld op|shared on/i.test(document.querySelector('.pw-share-note').textContent)",
            timeout=30_000,
        )
    return positions


def screenshots(target) -> list:
    """The Group tab after a blind round was revealed, then closed (Dutch and English, desktop
    1366×900 and phone 390×844), and the decision's PDF (``decision.pdf``) into ``target``."""
    import base64
    import tempfile
    from pathlib import Path

    from playwright.sync_api import sync_playwright

    from tests.appserver import CHROMIUM, FLAGS, AppServer, open_tab

    target = Path(target)
    target.mkdir(parents=True, exist_ok=True)
    out = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        path = small_workbook(Path(tmp))
        with AppServer(path, pool_size=None, args=["--user-header", "X-Remote-User"]) as server:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            pages = member_pages(browser, server.url)
            an, bart = pages["an"], pages["bart"]
            an.click(".pw-round-open")
            bart.wait_for_selector(".pw-share-weights:not([disabled])", timeout=30_000)
            share_all(pages)
            bart.wait_for_selector(".pw-hidden-count", timeout=10_000)
            bart.screenshot(path=str(target / "groep-blind-bart-nl.png"))
            an.click(".pw-round-reveal")
            for page in pages.values():
                page.wait_for_function("() => document.querySelectorAll('.pw-member-row')"
                                       ".length === 3 && document.querySelector('.pw-sat-sentence')",
                                       timeout=30_000)  # fmt: skip
            an.wait_for_selector(".pw-round-reveal", state="detached", timeout=10_000)
            an.screenshot(path=str(target / "groep-voorzitter-nl-1366.png"))
            for part in (".pw-satisfaction", ".pw-tops", ".pw-group-ranking"):
                an.locator(part).scroll_into_view_if_needed()
                an.screenshot(path=str(target / f"groep-{part[4:]}-nl-1366.png"))
            phone = browser.new_context(viewport={"width": 390, "height": 844},
                                        extra_http_headers={"X-Remote-User": "chris"})  # fmt: skip
            mobile = phone.new_page()
            mobile.goto(server.url)
            mobile.wait_for_selector(".pw-ranking tbody tr", timeout=180_000)
            open_tab(mobile, GROUP_TAB)
            mobile.wait_for_selector(".pw-sat-sentence", timeout=60_000)
            mobile.screenshot(path=str(target / "groep-chris-nl-390.png"))
            mobile.locator(".pw-group-panel").screenshot(
                path=str(target / "groep-paneel-nl-390.png")
            )
            for page in (bart, mobile):
                page.locator(".pw-lang button", has_text="English").click()
                page.locator(".pw-tabs .lm-TabBar-tab").nth(GROUP_TAB).wait_for(timeout=30_000)
                page.locator(".pw-tabs .lm-TabBar-tab").nth(GROUP_TAB).click()
                page.wait_for_function("() => /the least|at least/.test("
                                       "document.querySelector('.pw-sat-sentence').textContent)",
                                       timeout=30_000)  # fmt: skip
            bart.screenshot(path=str(target / "group-bart-en-1366.png"))
            bart.locator(".pw-sets").scroll_into_view_if_needed()
            bart.screenshot(path=str(target / "group-sets-en-1366.png"))
            mobile.screenshot(path=str(target / "group-chris-en-390.png"))
            an.click(".pw-round-close")
            bart.wait_for_selector(".pw-share-weights[disabled]", timeout=10_000)
            an.wait_for_selector(".pw-round-pdf-link a", timeout=300_000)
            an.screenshot(path=str(target / "groep-afgesloten-nl-1366.png"))
            href = an.get_attribute(".pw-round-pdf-link a", "href")
            (target / "decision.pdf").write_bytes(base64.b64decode(href.split(",", 1)[1]))
            out = sorted(target.glob("*.png")) + [target / "decision.pdf"]
            browser.close()
    return out


if __name__ == "__main__":  # pragma: no cover - maintenance: python -m tests.group_helpers DIR
    import sys

    for found in screenshots(sys.argv[1] if len(sys.argv) > 1 else "/tmp/group-screenshots"):
        print(found)
