"""``prioritisation rank`` (prioritisation/commands/rank.py), in-process: formats, languages,
the header in words, exports that keep formulas as text, outputs that never replace inputs."""

from __future__ import annotations

import json
import shutil

from openpyxl import load_workbook

from tests.conftest import cli, xlsx


def test_rank_json_records(sample_path):
    proc = cli("rank", sample_path, "--format", "json", "--weights", "innovation=3,desirability=2",
               check_exit=0)  # fmt: skip
    doc = json.loads(proc.stdout)
    assert set(doc) == {"workbook", "method", "aggregate", "weights", "ranking"}
    assert (doc["method"], doc["aggregate"]) == ("wsm", "mean")
    assert abs(doc["weights"]["innovation"] - 3 / (3 + 2 + 20 + 20)) < 1e-9
    records = doc["ranking"]
    first = records[0]
    assert set(first) >= {"id", "title", "theme", "rank", "score", "eligible", "reasons",
                          "contributions"}  # fmt: skip
    assert first["rank"] == 1 and first["eligible"] is True and first["reasons"] == []
    assert abs(sum(first["contributions"].values()) - first["score"]) < 1e-9
    crm = next(r for r in records if r["id"] == "CRM")
    assert crm["rank"] is None and crm["eligible"] is False and "drempel" in crm["reasons"][0]
    ranks = [r["rank"] for r in records if r["rank"] is not None]
    assert ranks == sorted(ranks)


def test_rank_table_csv_xlsx(sample_path, tmp_path):
    table = cli("rank", sample_path, check_exit=0).stdout
    assert "ELOKET" in table.splitlines()[4] and "onder de drempel" in table
    english = cli("--lang", "en", "rank", sample_path, check_exit=0).stdout
    assert "below the threshold" in english and "Financial viability" in english
    csv_text = cli("rank", sample_path, "--format", "csv", check_exit=0).stdout
    assert csv_text.splitlines()[0].startswith("id,title,theme,cost,rank,score,eligible,reasons")
    out = tmp_path / "r.xlsx"
    cli("rank", sample_path, "--format", "xlsx", "--out", out, check_exit=0)
    book = load_workbook(out)
    ws = book["rangschikking"]
    assert ws["A2"].value == "ELOKET" and isinstance(ws["F2"].value, float)
    assert [c.value for c in book["gewichten"][1]] == ["id", "criterium", "gewicht"]


def test_the_excel_file_is_in_the_language_in_force_with_number_formats(sample_path, tmp_path):
    """Issue "One truth": Dutch sheet names and headings, € and 0,000 number formats."""
    out = tmp_path / "r.xlsx"
    cli("rank", sample_path, "--format", "xlsx", "--out", out, check_exit=0)
    book = load_workbook(out)
    assert book.sheetnames == ["rangschikking", "gewichten"]
    ws = book["rangschikking"]
    headings = [c.value for c in ws[1]]
    assert headings[:8] == ["id", "titel", "thema", "kost", "rang", "score", "komt in aanmerking",
                            "reden"]  # fmt: skip
    assert "Innovatiewaarde" in headings and "Innovatiewaarde (bijdrage)" in headings
    cost, score = ws.cell(2, headings.index("kost") + 1), ws.cell(2, headings.index("score") + 1)
    assert isinstance(cost.value, int | float) and cost.number_format == '"€" #,##0'
    assert isinstance(score.value, float) and score.number_format == "0.000"
    contribution = ws.cell(2, headings.index("Innovatiewaarde (bijdrage)") + 1)
    assert contribution.number_format == "0.000"
    weight = book["gewichten"]["C2"]
    assert 0 < weight.value < 1 and weight.number_format == "0.0%"
    assert ws.cell(2, headings.index("titel") + 1).number_format == "General"

    cli("--lang", "en", "rank", sample_path, "--format", "xlsx", "--out", out, check_exit=0)
    book = load_workbook(out)
    assert book.sheetnames == ["ranking", "weights"]
    headings = [c.value for c in book["ranking"][1]]
    assert headings[:8] == ["id", "title", "theme", "cost", "rank", "score", "eligible", "reason"]
    assert "Innovation value (contribution)" in headings
    assert book["ranking"].cell(2, 4).number_format == '"€" #,##0'
    assert [c.value for c in book["weights"][1]] == ["id", "criterion", "weight"]


def test_the_header_says_method_and_aggregation_in_words(sample_path):
    """Issue "One truth": "gewogen som, gemiddelde", not "wsm, mean"."""
    nl = cli("rank", sample_path, check_exit=0).stdout.splitlines()[0]
    assert nl.startswith("Rangschikking: gewogen som (WSM), het gemiddelde van de scores")
    assert "wsm" not in nl and "mean" not in nl and "Innovatiewaarde 30 %" in nl
    en = cli("--lang", "en", "rank", sample_path, "--aggregate", "median", "--method", "topsis",
             check_exit=0).stdout.splitlines()[0]  # fmt: skip
    assert en.startswith("Ranking: TOPSIS (distance to the ideal), the median of the assessors")


def test_rank_methods_and_aggregations(sample_path):
    for agg in ("median", "geomean", "trimmed"):
        doc = json.loads(cli("rank", sample_path, "--aggregate", agg, "--format", "json",
                             check_exit=0).stdout)  # fmt: skip
        assert doc["aggregate"] == agg


def test_csv_injection_in_exports(tmp_path):
    path = xlsx(tmp_path, ideas=[["id", "title", "theme"], ["A", '=HYPERLINK("http://evil","x")', "+T"]],
                scores=[["idea_id", "criterion_id", "assessor", "score"]] +
                [["A", c, "An", 3] for c in ("innovation", "desirability", "viability", "feasibility")])  # fmt: skip
    csv_text = cli("rank", path, "--format", "csv", check_exit=0).stdout
    assert "'=HYPERLINK" in csv_text and ",'+T," in csv_text
    out = tmp_path / "r.xlsx"
    cli("rank", path, "--format", "xlsx", "--out", out, check_exit=0)
    cell = load_workbook(out)["rangschikking"]["B2"]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


def test_a_title_with_terminal_escapes_is_shown_not_obeyed(tmp_path):
    folder = tmp_path / "csv"  # a CSV workbook: an xlsx cannot even hold ESC
    folder.mkdir()
    (folder / "ideas.csv").write_text("id,title,theme\nA,Klok\x1b[2J\x1b]0;gehackt\x07,T\u202e\n",
                                      encoding="utf-8")  # fmt: skip
    (folder / "scores.csv").write_text(
        "idea_id,criterion_id,assessor,score\n"
        + "".join(
            f"A,{c},An,3\n" for c in ("innovation", "desirability", "viability", "feasibility")
        ),
        encoding="utf-8",
    )
    table = cli("rank", folder, check_exit=0).stdout
    assert "\x1b" not in table and "\x07" not in table and "\u202e" not in table
    assert "Klok\\x1b[2J\\x1b]0;gehackt\\x07" in table and "T\\u202e" in table
    doc = json.loads(cli("rank", folder, "--format", "json", check_exit=0).stdout)
    assert doc["ranking"][0]["title"] == "Klok\x1b[2J\x1b]0;gehackt\x07"  # the data is kept


def test_out_never_replaces_the_workbook(tmp_path, sample_path):
    book = tmp_path / "s.xlsx"
    shutil.copy(sample_path, book)
    before = book.read_bytes()
    for fmt in ("xlsx", "csv", "json", "table"):
        proc = cli("rank", book, "--format", fmt, "--out", tmp_path / "." / "s.xlsx", "--force")
        assert proc.returncode == 2 and "s.xlsx" in proc.stderr, proc.stderr
    assert book.read_bytes() == before
    link = tmp_path / "link.xlsx"
    link.symlink_to(book)
    assert cli("rank", book, "--format", "xlsx", "--out", link).returncode == 2
    assert book.read_bytes() == before
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "ideas.csv").write_text("id,title\nA,a\n", encoding="utf-8")
    proc = cli("rank", folder, "--format", "csv", "--out", folder / "ideas.csv")
    assert proc.returncode == 2 and (folder / "ideas.csv").read_text() == "id,title\nA,a\n"
