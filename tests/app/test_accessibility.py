"""The app in a real browser, audited for accessibility (WCAG 2.1 AA: the EU Web Accessibility
Directive applies to the public bodies that use it).

axe-core (npm, installed into ``tests/app/node_modules`` by ``make system-deps``) is injected
into the page and run on every tab, on a desktop (1366 × 900) and a phone (390 × 844): no
serious or critical violation. Every slider has an accessible name, as Chromium computes it;
the keyboard reaches the weights with a visible focus and moves them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.appserver import browser_missing, first_rows, open_app, open_tab

pytestmark = [pytest.mark.browser, pytest.mark.slow]

AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
TABS = 7  # the roadmap tab (tests/app/test_roadmap.py), then the group tab

if reason := browser_missing():
    pytest.skip(reason, allow_module_level=True)
if not AXE.exists():
    pytest.skip("axe-core is not installed (make system-deps: npm ci in tests/app)",
                allow_module_level=True)  # fmt: skip


def audit(page) -> list[str]:
    """The serious and critical axe violations on the page, one line each."""
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.add_script_tag(content=AXE.read_text())
    found = page.evaluate(
        """async tags => {
            const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
            return r.violations.filter(v => ['serious', 'critical'].includes(v.impact))
                .map(v => v.impact + ' ' + v.id + ': ' + v.nodes.slice(0, 3)
                     .map(n => n.target.join(' ')).join(' | '));
        }""",
        TAGS,
    )
    return list(found)


@pytest.mark.parametrize("size", [(1366, 900), (390, 844)], ids=["desktop", "phone"])
def test_every_tab_passes_the_axe_audit(server, context, size):
    page = open_app(context, server.url)
    page.set_viewport_size({"width": size[0], "height": size[1]})
    problems = {}
    for index in range(TABS):
        if index:
            open_tab(page, index)
        page.wait_for_timeout(2500)  # the tab's engine parts are built on first opening
        problems[index] = audit(page)
    page.click(".pw-weight-mode button:nth-child(2)")  # the pairwise sliders too
    page.wait_for_selector(".pw-ahp-pair", timeout=30_000)
    problems["pairs"] = audit(page)
    assert not any(problems.values()), problems
    assert page.evaluate("document.documentElement.lang") == "nl"
    page.close()


def test_every_slider_has_an_accessible_name(server, context):
    page = open_app(context, server.url)
    for label in ("Innovatiewaarde", "Wenselijkheid", "Financiële leefbaarheid",
                  "Technische haalbaarheid"):  # fmt: skip
        assert page.get_by_role("slider", name=f"Gewicht van {label}").count() == 1
    open_tab(page, 1)
    page.wait_for_selector(".pw-budget [role=slider]", timeout=30_000)
    assert page.get_by_role("slider", name="Budget").count() == 1
    page.click(".pw-weight-mode button:nth-child(2)")
    page.wait_for_selector(".pw-ahp-pair [role=slider]", timeout=30_000)
    assert page.get_by_role("slider", name="Innovatiewaarde tegenover Wenselijkheid").count() == 1
    names = page.eval_on_selector_all(
        "[role=slider]",
        "hs => hs.map(h => (document.getElementById(h.getAttribute('aria-labelledby') || '')"
        " || {}).textContent || h.getAttribute('aria-label') || '')",
    )
    assert names and all(n.strip() for n in names), names
    page.close()


def test_the_keyboard_reaches_and_moves_a_weight_with_a_visible_focus(server, context):
    page = open_app(context, server.url)
    before = first_rows(page)
    for _ in range(40):  # Tab from the top of the page to the first weight slider
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.getAttribute('role') === 'slider'"):
            break
    handle = page.evaluate_handle("document.activeElement")
    assert page.evaluate("h => h.closest('.pw-weight-innovation') !== null", handle)
    outline = page.evaluate("h => getComputedStyle(h).outlineStyle + ' ' + getComputedStyle(h)"
                            ".outlineWidth", handle)  # fmt: skip
    assert outline.startswith("solid") and not outline.endswith(" 0px"), outline
    page.keyboard.press("End")
    page.wait_for_function(
        "() => document.querySelector('.pw-share-innovation').innerText.includes('59 %')",
        timeout=30_000,
    )
    page.wait_for_function(
        "ids => document.querySelector('.pw-ranking tbody tr').dataset.id !== ids[0]"
        " || document.querySelectorAll('.pw-ranking tbody tr')[1].dataset.id !== ids[1]",
        arg=before, timeout=30_000,
    )  # fmt: skip
    page.close()
