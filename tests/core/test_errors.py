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


# --------------------------------------------------------------------------- the environment


@pytest.mark.parametrize(
    ("number", "nl", "en"),
    [("ENOSPC", "de schijf is vol", "the disk is full"),
     ("EROFS", "alleen-lezen", "read-only"),
     ("EACCES", "geen toelating om", "no permission to write"),
     ("EPERM", "geen toelating om", "no permission to write")],
)  # fmt: skip
def test_what_the_computer_refused_is_a_plain_environment_failure(number, nl, en):
    import errno

    from prioritisation.core.errors import EnvironmentFailure

    failure = EnvironmentFailure.from_os_error(OSError(getattr(errno, number), "x"), "/m/r.pdf")
    assert failure.exit_code == 3
    assert nl in failure.lines("nl")[0] and "/m/r.pdf" in failure.lines("nl")[0]
    assert en in failure.lines("en")[0] and "/m/r.pdf" in failure.lines("en")[0]
    assert "programma" in failure.lines("nl")[1]  # "not the program": not a bug


def test_an_environment_failure_is_found_inside_other_errors():
    import errno
    import sqlite3

    from prioritisation.core.errors import EnvironmentFailure

    try:
        try:
            raise OSError(errno.ENOSPC, "No space left on device", "/m/r.xlsx")
        except OSError as exc:
            raise RuntimeError("writing failed") from exc
    except RuntimeError as exc:
        failure = EnvironmentFailure.from_os_error(exc)
    assert failure.reason == "disk_full" and failure.path == "/m/r.xlsx"
    full = sqlite3.OperationalError("database or disk is full")
    assert EnvironmentFailure.from_os_error(full, "s.sqlite").reason == "disk_full"
    readonly = sqlite3.OperationalError("attempt to write a readonly database")
    assert EnvironmentFailure.from_os_error(readonly).reason == "read_only"
    assert EnvironmentFailure.from_os_error(FileNotFoundError(errno.ENOENT, "x")) is None
    assert EnvironmentFailure.from_os_error(ValueError("x")) is None
    assert "een bestand" in EnvironmentFailure("disk_full").lines("nl")[0]


def test_a_cut_problem_list_counts_every_problem_in_its_summary():
    from prioritisation.core.errors import Problem, WorkbookError

    listed = [Problem("ideas", r, "id", "problem.empty", {"column": "id"}) for r in range(2, 202)]
    error = WorkbookError(
        [*listed, Problem(None, None, None, "problem.more", {"n": 4800})], "x.csv"
    )
    assert error.count == 5000
    assert error.summary("nl").startswith("5.000 problemen")
    assert error.summary("en").startswith("5,000 problems")
    assert "4.800 problemen" in error.lines("nl")[-1]
