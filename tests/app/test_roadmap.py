"""The roadmap tab: in process (the widgets driven as a member would, the plan compared with
the CLI's JSON for the same weights and budgets) and in a browser (both screen sizes, a year's
budget changed, the words follow, the axe audit)."""

from __future__ import annotations

import json
import re

import pytest

from prioritisation.app import build_app
from prioritisation.app.roadmap import RoadmapPanel
from prioritisation.cli import main
from prioritisation.data.workbook import read_workbook
from prioritisation.data.writer import write_workbook
from tests.conftest import SAMPLE

ROADMAP = 5  # the tab's index


def cli_roadmap(capsys, *options) -> dict:
    """``prioritisation roadmap data/sample.xlsx --format json`` with these options, run
    through the CLI's entry point; the workbook's hash left out."""
    capsys.readouterr()
    assert main(["roadmap", str(SAMPLE), *options, "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    doc.pop("workbook")
    return doc


def shown(app) -> dict:
    """The plan the tab shows, as the CLI would print it."""
    return json.loads(json.dumps(app.roadmap.plan.to_json()))


def words(app) -> list[str]:
    return re.findall(r"<li>(.*?)</li>", app.roadmap.changes.value)


def open_roadmap(app) -> RoadmapPanel:
    assert app.roadmap is None  # built when first opened, like the other engine tabs
    app.tabs.selected_index = ROADMAP
    assert app.tabs.titles[ROADMAP] == "Meerjarenplan"
    return app.roadmap


def test_the_tab_plans_what_the_cli_plans_by_default_and_for_a_smaller_year(app, capsys):
    panel = open_roadmap(app)
    # prefilled with the workbook's yearly budgets, nl-BE amounts
    assert {y: f.value for y, f in panel.inputs.items()} == {
        2027: "700.000", 2028: "600.000", 2029: "500.000"}  # fmt: skip
    assert shown(app) == cli_roadmap(capsys)
    assert "ZOEK" in panel.chart.value and "<svg" in panel.chart.value
    panel.inputs[2028].value = "€\u00a0400 000"
    assert app.status.value == "" and panel.message.value == ""
    assert panel.inputs[2028].value == "400.000"  # shown the one way it is read
    smaller = cli_roadmap(capsys, "--budget-per-year", "2027=700000,2028=400000,2029=500000")
    assert shown(app) == smaller
    assert shown(app) != cli_roadmap(capsys)


def test_the_words_name_every_idea_the_cli_moves_or_drops(app, capsys):
    panel = open_roadmap(app)
    assert words(app) == [
        "Dit zijn de jaarbudgetten van het werkboek. Verlaag het budget van een jaar om te zien "
        "welke ideeën opschuiven of wegvallen."]  # fmt: skip
    panel.inputs[2028].value = "400.000"
    before = {r["id"]: r["start"] for r in cli_roadmap(capsys)["roadmap"]}
    after = {r["id"]: r["start"] for r in cli_roadmap(
        capsys, "--budget-per-year", "2027=700.000; 2028=400.000; 2029=500.000")["roadmap"]}  # fmt: skip
    changed = {i for i in before if before[i] != after[i]}
    assert changed  # 200.000 less in 2028 changes the plan
    lines = words(app)
    assert (
        lines[0]
        == "Jaarbudget 2028: €\u00a0400.000 in plaats van €\u00a0600.000 (€\u00a0200.000 minder)."
    )
    for idea in changed:
        (line,) = [x for x in lines if x.startswith(f"{idea} · ")]
        if after[idea] is None:
            assert "valt weg" in line
        elif before[idea] is None:
            assert f"komt erbij, met start in {after[idea]}" in line
        else:
            assert f"{before[idea]}" in line and f"{after[idea]}" in line
    assert not [x for x in lines if x.split(" · ")[0] in set(before) - changed]
    assert "Het plan financiert nu" in lines[-1]


def test_weights_moved_while_the_tab_is_open_replan_as_the_cli(app, capsys):
    panel = open_roadmap(app)
    first = panel.plan
    app.sliders["innovation"].value = 80  # the tab is visible: it replans at once
    assert panel.plan is not first
    weights = ",".join(f"{c}={p}" for c, p in app.state.positions.items())
    assert shown(app) == cli_roadmap(capsys, "--weights", weights)
    assert list(panel.plan.table.index) == list(app.state.ranking().table.index)


def test_the_total_budget_set_on_the_value_tab_binds_the_roadmap(app, capsys):
    app.tabs.selected_index = 1
    app.budget.slider.value = 1_000_000
    app.tabs.selected_index = ROADMAP
    assert app.roadmap.plan.total_cost <= 1_000_000
    assert shown(app) == cli_roadmap(capsys, "--budget", "1000000")
    assert "Het totale budget van €\u00a01.000.000 geldt ook" in app.roadmap.summary.value


def test_the_yearly_budgets_are_the_runs_and_outlive_a_language_switch(app):
    panel = open_roadmap(app)
    panel.inputs[2027].value = "300.000"
    assert app.state.run().budget.per_year == {2027: 300_000, 2028: 600_000, 2029: 500_000}
    plan = panel.plan.to_json()
    app.lang.value = "en"  # every widget is rebuilt; the member's budgets are kept
    app.tabs.selected_index = ROADMAP
    assert app.roadmap is not panel and app.roadmap.inputs[2027].value == "300 000"
    assert app.roadmap.plan.to_json()["selected"] == plan["selected"]
    assert app.roadmap.plan.to_json()["years"] == plan["years"]


def test_a_bad_amount_is_said_and_changes_nothing(app):
    panel = open_roadmap(app)
    plan = panel.plan
    panel.inputs[2027].value = "veel"
    assert "Geen geldig bedrag voor 2027: ‘veel’" in panel.message.value
    assert app.state.budget_per_year is None and panel.plan is plan
    panel.inputs[2027].value = "650.000"
    assert panel.message.value == "" and panel.plan.years.at[2027, "budget"] == 650_000


def test_back_to_the_workbook_restores_its_budgets_and_plan(app, capsys):
    panel = open_roadmap(app)
    panel.inputs[2027].value = "200.000"
    panel.inputs[2029].value = "100.000"
    assert len(words(app)) > 2
    panel.reset.click()
    assert app.state.budget_per_year is None
    assert [f.value for f in panel.inputs.values()] == ["700.000", "600.000", "500.000"]
    assert shown(app) == cli_roadmap(capsys)
    assert words(app)[0].startswith("Dit zijn de jaarbudgetten van het werkboek")
    assert "pw-wb-budget" not in panel.chart.value  # no dashed workbook budget any more


def test_the_chart_and_table_show_the_plan_in_full_amounts(app):
    panel = open_roadmap(app)
    panel.inputs[2028].value = "400.000"
    plan = panel.plan
    funded = plan.table[plan.table["funded"]]
    chart, table = panel.chart.value, panel.table.value
    assert chart.count("<rect class='pw-bar'") == len(funded)
    assert chart.count('class="pw-wb-budget"') == 1  # the workbook's 600.000 in 2028, dashed
    assert "€\u00a0400.000" in chart and not re.search(r"\d[kKM]<", chart)
    assert "http" not in chart.split("<svg", 1)[0]
    for iid, r in funded.iterrows():
        row = re.search(rf"<tr data-id='{iid}'>(.*?)</tr>", table).group(1)
        cells = re.findall(r"<td class='num'>(.*?)</td>", row)
        assert cells[0] == str(r["start"])
        assert cells[-1] == f"€\u00a0{int(r['cost']):,}".replace(",", ".")
        assert sum(c != "" for c in cells[1:-1]) == r["duration"]
    assert 'class="pw-scroll-x" tabindex="0" role="region"' in table


def test_english_words_and_fields(app):
    app.lang.value = "en"
    app.tabs.selected_index = ROADMAP
    panel = app.roadmap
    assert app.tabs.titles[ROADMAP] == "Multi-year plan"
    assert panel.inputs[2027].value == "700 000" and panel.inputs[2027].description == "Budget 2027"
    panel.inputs[2029].value = "250 000"
    assert words(app)[0] == "Budget for 2029: €250,000 instead of €500,000 (€250,000 less)."


def test_a_workbook_without_yearly_budgets_says_how_to_add_them(tmp_path):
    wb = read_workbook(SAMPLE)
    wb.settings.pop("budget_per_year")
    app = build_app(write_workbook(wb, tmp_path / "no-years.xlsx"))
    app.tabs.selected_index = ROADMAP
    assert app.status.value == ""
    assert "budget_per_year" in app.tab_boxes["roadmap"].children[0].children[1].value
    assert app.roadmap.inputs == {}


def test_all_weights_zero_is_explained(app):
    panel = open_roadmap(app)
    for slider in app.sliders.values():
        slider.value = 0
    assert "minstens één criterium" in panel.summary.value and panel.chart.value == ""


# ---------------------------------------------------------------------- in a browser


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("size", [(1366, 900), (390, 844)], ids=["desktop", "phone"])
def test_in_a_browser_a_smaller_year_changes_the_words_and_passes_axe(size, tmp_path):
    from tests.appserver import AppServer, browser, browser_missing, open_app, open_tab

    if reason := browser_missing():
        pytest.skip(reason)
    from tests.app.test_accessibility import audit  # skips when axe-core is not installed

    with AppServer(SAMPLE) as server, browser() as context:
        page = open_app(context, server.url)
        page.set_viewport_size({"width": size[0], "height": size[1]})
        open_tab(page, ROADMAP)
        page.wait_for_selector(".pw-road-diff li", timeout=60_000)
        assert "jaarbudgetten van het werkboek" in page.inner_text(".pw-road-diff")
        field = page.get_by_role("textbox", name="Budget 2028")
        assert field.input_value() == "600.000"
        field.fill("400.000")
        field.press("Enter")
        page.wait_for_function(
            "() => document.querySelector('.pw-road-diff').innerText.includes('valt weg')",
            timeout=60_000,
        )
        text = page.inner_text(".pw-road-diff")
        assert "€\u00a0400.000 in plaats van €\u00a0600.000" in text and "PODIUM" in text
        assert page.locator(".pw-road-plan tbody tr").count() >= 10
        # a phone scrolls the table sideways inside its box, never the page
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= size[0] + 1, width
        assert audit(page) == []
        page.screenshot(path=str(tmp_path / "roadmap.png"), full_page=True)
        assert page.inner_text(".pw-status") == ""
