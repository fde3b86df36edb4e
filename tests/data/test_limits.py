"""The bounds: rows per sheet, headed columns, and problem lists capped with a count."""

from __future__ import annotations

from prioritisation.cli import main
from prioritisation.data.limits import MAX_PROBLEMS, MAX_ROWS
from prioritisation.data.workbook import check_workbook


def write(folder, name, lines):
    (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_more_ideas_than_the_limit_stop_reading_at_the_row(tmp_path):
    n = MAX_ROWS["ideas"] + 5
    write(tmp_path, "ideas.csv", ["id;title"] + [f"I{i};Idee {i}" for i in range(n)])
    write(tmp_path, "scores.csv", ["idea_id;criterion_id;assessor;score", "I1;innovation;An;3"])
    _, problems = check_workbook(tmp_path)
    assert [(p.sheet, p.row, p.code) for p in problems] == [
        ("ideas.csv", MAX_ROWS["ideas"] + 2, "problem.too_many_rows")]  # fmt: skip
    assert "50.000" in problems[0].format("nl")


def test_the_score_row_limit_holds_too(tmp_path, monkeypatch):
    monkeypatch.setitem(MAX_ROWS, "scores", 10)
    write(tmp_path, "ideas.csv", ["id;title", "A;Alfa"])
    write(tmp_path, "scores.csv", ["idea_id;criterion_id;assessor;score"]
          + [f"A;innovation;A{i};3" for i in range(20)])  # fmt: skip
    _, problems = check_workbook(tmp_path)
    assert [(p.row, p.code) for p in problems] == [(12, "problem.too_many_rows")]


def test_too_many_headed_columns(tmp_path, monkeypatch):
    from prioritisation.data import reader

    monkeypatch.setattr(reader, "MAX_COLUMNS", 3)
    write(tmp_path, "ideas.csv", ["id;title;a;b", "A;Alfa;1;2"])
    write(tmp_path, "scores.csv", ["idea_id;assessor;innovation", "A;An;3"])
    _, problems = check_workbook(tmp_path)
    assert [(p.sheet, p.row, p.code) for p in problems] == [
        ("ideas.csv", 1, "problem.too_many_columns")
    ]


def test_a_flood_of_problems_is_capped_with_a_count(tmp_path, capsys):
    """A CSV of 5,000 duplicate score rows printed 4,999 lines (1.2 million for 50 MB)."""
    write(tmp_path, "ideas.csv", ["id;title", "A;Alfa"])
    write(
        tmp_path,
        "scores.csv",
        ["idea_id;criterion_id;assessor;score"] + ["A;innovation;An;3"] * 5000,
    )
    _, problems = check_workbook(tmp_path)
    assert len(problems) == MAX_PROBLEMS + 1
    assert all(p.code == "problem.duplicate_score" for p in problems[:-1])
    assert problems[-1].code == "problem.more"
    assert problems[-1].format("nl") == "… en nog 4.799 problemen (los eerst de bovenstaande op)"
    assert main(["validate", str(tmp_path)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == MAX_PROBLEMS + 2 and err[-1].startswith("… en nog 4.799")
