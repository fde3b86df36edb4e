"""One error type for bad input: every problem names its sheet, Excel row and column.

A :class:`Problem` is one thing wrong with the user's input; a :class:`WorkbookError`
carries *all* of them so that the user can fix everything in one pass. The CLI turns it into
one line per problem and exit code 2; the app shows the same lines. :class:`UsageError` is
for a bad command-line value (``--weights foo=x``) and is shown the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from prioritisation.core.i18n import tr


@dataclass(frozen=True)
class Problem:
    """One problem with the input, located as a spreadsheet user would look for it.

    ``sheet`` is the sheet name (or CSV file name), ``row`` the Excel row number (the
    header is row 1), ``column`` the heading as written in the file. Any of the three may
    be ``None`` when the problem is not about a single cell (a missing sheet, say).
    ``code`` is the message id, a literal written where the problem is found
    (``N_("problem.empty")``, or the id of the parser's :class:`UsageError`); ``params`` fill
    its text.

    >>> Problem("ideas", 3, "kost", "problem.negative", {"value": "-1"}).format("en")
    "sheet 'ideas', row 3, column 'kost': '-1' is negative; expected a number ≥ 0"
    """

    sheet: str | None
    row: int | None
    column: str | None
    code: str
    params: dict = field(default_factory=dict, compare=False, hash=False)

    def location(self, lang: str | None = None) -> str:
        parts = []
        if self.sheet is not None:
            if self.sheet.lower().endswith(".csv"):
                parts.append(tr("loc.file", lang, name=self.sheet))
            else:
                parts.append(tr("loc.sheet", lang, name=self.sheet))
        if self.row is not None:
            parts.append(tr("loc.row", lang, row=self.row))
        if self.column is not None:
            parts.append(tr("loc.column", lang, column=self.column))
        return ", ".join(parts)

    def message(self, lang: str | None = None) -> str:
        return tr(self.code, lang, **self.params)

    def format(self, lang: str | None = None) -> str:
        loc = self.location(lang)
        return f"{loc}: {self.message(lang)}" if loc else self.message(lang)

    def __str__(self) -> str:  # pragma: no cover - convenience
        return self.format()


class PrioritisationError(Exception):
    """Base class of the errors a user can cause (shown without a traceback)."""

    exit_code = 2

    def lines(self, lang: str | None = None) -> list[str]:
        return [str(self)]


class WorkbookError(PrioritisationError):
    """The workbook has one or more problems; ``problems`` lists all of them."""

    def __init__(self, problems: list[Problem], source: str | None = None):
        self.problems = list(problems)
        self.source = source
        super().__init__(self.summary())

    def summary(self, lang: str | None = None) -> str:
        if len(self.problems) == 1:
            return tr("error.workbook_one", lang, n=1, source=self.source or "")
        return tr("error.workbook", lang, n=len(self.problems), source=self.source or "")

    def lines(self, lang: str | None = None) -> list[str]:
        return [self.summary(lang)] + [p.format(lang) for p in self.problems]


class UsageError(PrioritisationError):
    """A bad option value or argument (exit 2)."""

    def __init__(self, code: str, lang: str | None = None, **params):
        """``code`` is the message id (a literal ``"usage.…"``), ``params`` fill the text."""
        self.code = code
        self.params = params
        super().__init__(tr(code, lang, **params))

    def lines(self, lang: str | None = None) -> list[str]:
        return [tr(self.code, lang, **self.params)]
