"""portfolio / frontier / roadmap end to end, and their charts rendered as images."""

from __future__ import annotations

import json

import pytest
from openpyxl import load_workbook

from prioritisation.data.workbook import read_workbook
from prioritisation.decisions.frontier import budget_frontier
from prioritisation.decisions.portfolio import funding_probability, select_portfolio
from prioritisation.decisions.roadmap import plan_roadmap
from prioritisation.explain.charts import to_svg
from prioritisation.explain.charts.portfolio import frontier_chart, funding_chart, gantt_chart

from .conftest import SAMPLE, run_cli


def test_portfolio_json_has_selection_totals_and_reasons():
    proc = run_cli("portfolio", SAMPLE, "--budget", "1.000.000", "--format", "json", "--hints", "1",
                   check_exit=0)  # fmt: skip
    doc = json.loads(proc.stdout)
    assert doc["status"] == "optimal" and doc["optimal"] is True
    assert doc["total_cost"] <= 1_000_000
    records = {r["id"]: r for r in doc["ranking"]}
    assert doc["selected"] == [r["id"] for r in doc["ranking"] if r["status"] == "funded"]
    assert doc["total_value"] == pytest.approx(sum(records[i]["score"] for i in doc["selected"]))
    assert {r["status"] for r in doc["ranking"]} == {"funded", "not funded"}
    assert all(r["reason"] for r in doc["ranking"])
    assert records["CRM"]["reason"].startswith("niet in aanmerking")


def test_portfolio_table_english_and_exports(tmp_path):
    proc = run_cli("--lang", "en", "portfolio", SAMPLE, "--hints", "0", check_exit=0)
    assert "proven optimal (HiGHS)" in proc.stdout and "not funded" in proc.stdout
    out = tmp_path / "p.xlsx"
    run_cli("portfolio", SAMPLE, "--format", "xlsx", "--out", out, "--hints", "0", check_exit=0)
    book = load_workbook(out)
    assert book.sheetnames == ["portfolio", "summary"]
    assert [c.value for c in book["portfolio"][1]][:3] == ["id", "title", "theme"]
    csv = run_cli("portfolio", SAMPLE, "--format", "csv", "--hints", "0", check_exit=0).stdout
    assert csv.splitlines()[0].startswith("id,title,theme,cost,score")


def test_portfolio_with_p_funded_and_chart(tmp_path):
    chart = tmp_path / "p.png"
    proc = run_cli("portfolio", SAMPLE, "--p-funded", "20", "--hints", "0", "--format", "json",
                   "--chart", chart, check_exit=0)  # fmt: skip
    doc = json.loads(proc.stdout)
    assert doc["p_funded"] == {"samples": 20, "spread": 0.05, "seed": 0}
    assert all(0 <= r["p_funded"] <= 1 for r in doc["ranking"])
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    ("args", "needle"),
    [(["--budget", "500000", "--must", "TICKET"], "TICKET must be funded (€860,000 together with ZOEK, PODIUM)"),
     (["--must", "NOPE"], "unknown idea 'NOPE' in must"),
     (["--budget", "veel"], "budget 'veel' is not an amount"),
     (["--theme-min", "Nergens=0.2"], "unknown theme 'Nergens'"),
     (["--p-funded", "0", "--chart", "x.png"], "--chart draws P(funded)")],
)  # fmt: skip
def test_portfolio_bad_input_exit_2_in_words(args, needle):
    proc = run_cli("--lang", "en", "portfolio", SAMPLE, *args, check_exit=2)
    assert needle in proc.stderr
    assert "Traceback" not in proc.stderr


def test_theme_shares_from_the_command_line():
    proc = run_cli("portfolio", SAMPLE, "--theme-min", "Inspirerende gebruikservaring=0.4",
                   "--theme-max", "E-inclusie=10%", "--format", "json", "--hints", "0",
                   check_exit=0)  # fmt: skip
    doc = json.loads(proc.stdout)
    wb = read_workbook(SAMPLE)
    theme = wb.ideas["theme"]
    cost = wb.ideas["cost"]
    chosen = doc["selected"]
    assert cost[chosen][theme[chosen] == "Inspirerende gebruikservaring"].sum() >= 0.4 * 1_500_000
    assert cost[chosen][theme[chosen] == "E-inclusie"].sum() <= 0.1 * 1_500_000


def test_roadmap_command_table_json_and_gantt(tmp_path):
    proc = run_cli("roadmap", SAMPLE, "--budget-per-year", "2027=400000,2028=350000,2029=300000",
                   check_exit=0)  # fmt: skip
    assert "bewezen optimaal" in proc.stdout and "2029" in proc.stdout
    chart = tmp_path / "g.svg"
    doc = json.loads(run_cli("roadmap", SAMPLE, "--format", "json", "--chart", chart,
                             check_exit=0).stdout)  # fmt: skip
    assert [y["year"] for y in doc["years"]] == [2027, 2028, 2029]
    assert all(y["spend"] <= y["budget"] + 1e-6 for y in doc["years"])
    assert "<svg" in chart.read_text()
    bad = run_cli("roadmap", SAMPLE, "--budget-per-year", "2027=1,2029=2", check_exit=2)
    assert "Traceback" not in bad.stderr


def test_frontier_command(tmp_path):
    out = tmp_path / "f.xlsx"
    run_cli("frontier", SAMPLE, "--levels", "6", "--format", "xlsx", "--out", out, check_exit=0)
    assert load_workbook(out).sheetnames == ["frontier", "entries"]
    doc = json.loads(run_cli("frontier", SAMPLE, "--levels", "4", "--format", "json",
                             check_exit=0).stdout)  # fmt: skip
    assert len(doc["points"]) == 4 and doc["points"][0]["value"] == 0


def png_size(svg: str) -> tuple[int, int]:
    import struct

    import vl_convert as vlc

    png = vlc.svg_to_png(svg)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", png[16:24])


def test_charts_render_as_images_with_the_ideas_on_them():
    wb = read_workbook(SAMPLE)
    p = select_portfolio(wb)
    svg = to_svg(frontier_chart(budget_frontier(p, levels=10)))
    assert "ELOKET" in svg and "Huidig budget" in svg
    assert png_size(svg)[1] > 400, "the value curve and the entry strip"
    svg = to_svg(funding_chart(funding_probability(p, samples=10)))
    assert "DIGIPUNT" in svg and png_size(svg)[0] > 300
    r = plan_roadmap(wb, lang="en")
    svg = to_svg(gantt_chart(r))
    assert "ZOEK" in svg and "2029" in svg and "Yearly budget" not in svg
    width, height = png_size(svg)
    assert width > 500 and height > 300
