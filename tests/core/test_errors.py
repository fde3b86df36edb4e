"""Located problems and the errors that carry them: the message id is the literal ``code``."""

from __future__ import annotations

import pytest

from prioritisation.core.errors import Problem, UsageError, WorkbookError


def test_a_problem_shows_its_location_and_the_message_of_its_id():
    p = Problem("ideeen.csv", 4, "kost", "problem.not_a_number", {"value": "veel"})
    assert p.format("en") == "file 'ideeen.csv', row 4, column 'kost': 'veel' is not a number"
    assert p.format("nl").startswith("bestand 'ideeen.csv', rij 4, kolom 'kost': ")
    assert Problem(None, None, None, "problem.no_ideas").format("en") == "it holds no ideas"


def test_a_parser_error_can_be_a_located_problem():
    error = UsageError("usage.budget", value="veel")
    p = Problem("settings", 3, "value", error.code, error.params)
    assert p.message("en") == error.lines("en")[0]


def test_an_id_that_is_not_in_the_catalogue_is_a_programming_error():
    with pytest.raises(KeyError):
        Problem(None, None, None, "duplicate_id").message("en")


def test_a_workbook_error_lists_every_problem_after_a_summary():
    problems = [Problem("ideas", 2, "title", "problem.empty"),
                Problem("ideas", 3, "id", "problem.duplicate_id", {"id": "A", "first": 2})]  # fmt: skip
    error = WorkbookError(problems, source="wb.xlsx")
    assert error.lines("en") == [
        "2 problems in wb.xlsx:",
        "sheet 'ideas', row 2, column 'title': is empty but required",
        "sheet 'ideas', row 3, column 'id': id 'A' appears twice (first on row 2)",
    ]
    assert error.exit_code == 2
