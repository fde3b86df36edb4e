"""One error type for bad input: every problem names its sheet, Excel row and column.

A :class:`Problem` is one thing wrong with the user's input; a :class:`WorkbookError`
carries *all* of them so that the user can fix everything in one pass. The CLI turns it into
one line per problem and exit code 2; the app shows the same lines. :class:`UsageError` is
for a bad command-line value (``--weights foo=x``) and is shown the same way.
:class:`EnvironmentFailure` is what the computer refused (a full disk, a read-only folder,
no permission): a plain message and exit code 3. Exit code 1 is left for the program's own bugs.
"""

from __future__ import annotations

import errno
from dataclasses import dataclass, field

from prioritisation.core.i18n import fmt_number, tr


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
        if self.code == "problem.more":  # a count, written in the language it is shown in
            return tr(self.code, lang, n=fmt_number(self.params.get("n", 0), 0, lang))
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

    @property
    def count(self) -> int:
        """How many problems there are: those listed, plus those only counted (a list that was
        cut ends with a ``problem.more`` line holding how many more there are)."""
        listed = list(self.problems)
        if listed and listed[-1].code == "problem.more":
            return len(listed) - 1 + int(listed[-1].params.get("n", 0))
        return len(listed)

    def summary(self, lang: str | None = None) -> str:
        if self.count == 1:
            return tr("error.workbook_one", lang, n=1, source=self.source or "")
        return tr(
            "error.workbook", lang, n=fmt_number(self.count, 0, lang), source=self.source or ""
        )

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


# What the computer refused, by errno: the disk, the file system, the permissions.
_DISK_FULL = {errno.ENOSPC, errno.EFBIG} | ({errno.EDQUOT} if hasattr(errno, "EDQUOT") else set())
_READ_ONLY = {errno.EROFS}
_NO_PERMISSION = {errno.EACCES, errno.EPERM}
_IO = {errno.EIO, errno.ENAMETOOLONG, errno.EMFILE, errno.ENFILE}
# SQLite says the same in words (sqlite3.OperationalError, also inside SQLAlchemy's errors).
_SQLITE_WORDS = {"database or disk is full": "disk_full", "disk i/o error": "io",
                 "attempt to write a readonly database": "read_only"}  # fmt: skip


class EnvironmentFailure(PrioritisationError):
    """The computer, not the input nor the program, stopped the work: a full disk, a
    read-only folder, no permission to write. Shown as a plain message, exit code 3.

    Writers wrap the :class:`OSError` with the path the user asked for (the temporary file
    beside it means nothing to them) through :meth:`from_os_error`; ``prioritisation``'s
    ``main`` does the same for any such error that reaches it unwrapped.

    >>> import errno
    >>> failure = EnvironmentFailure.from_os_error(OSError(errno.ENOSPC, "No space"), "r.pdf")
    >>> failure.exit_code, failure.lines("en")
    (3, ['Could not write r.pdf: the disk is full.', ...])
    >>> EnvironmentFailure.from_os_error(FileNotFoundError(2, "gone"), "x") is None
    True
    """

    exit_code = 3

    def __init__(self, reason: str, path=None, error: str = "", writing: bool = True):
        self.reason, self.path, self.error, self.writing = reason, path, error, writing
        super().__init__(self.lines()[0])

    @classmethod
    def from_os_error(
        cls, exc: BaseException, path=None, writing: bool = True
    ) -> EnvironmentFailure | None:
        """The failure that ``exc`` (an :class:`OSError`, or an SQLite error, also inside
        another) stands for, or ``None`` when it is not about the disk or permissions.
        ``path``: the file the user asked for (default: the file the error names)."""
        seen = set()
        while exc is not None and id(exc) not in seen:
            seen.add(id(exc))
            if isinstance(exc, EnvironmentFailure):
                return exc
            if isinstance(exc, OSError) and exc.errno is not None:
                reason = _os_reason(exc.errno)
                if reason:
                    where = path if path is not None else (exc.filename or exc.filename2)
                    return cls(reason, where, exc.strerror or str(exc), writing)
                return None
            text = str(exc).lower()
            if type(exc).__name__ == "OperationalError":
                for words, reason in _SQLITE_WORDS.items():
                    if words in text:
                        return cls(reason, path, words, writing)
            exc = getattr(exc, "orig", None) or exc.__cause__  # explicit causes only
        return None

    def lines(self, lang: str | None = None) -> list[str]:
        path = str(self.path) if self.path not in (None, "") else tr("env.some_file", lang)
        if self.reason == "disk_full":
            first = tr("env.disk_full", lang, path=path)
        elif self.reason == "read_only":
            first = tr("env.read_only", lang, path=path)
        elif self.reason == "no_permission" and self.writing:
            first = tr("env.no_permission_write", lang, path=path)
        elif self.reason == "no_permission":
            first = tr("env.no_permission_read", lang, path=path)
        else:
            first = tr("env.io", lang, path=path, error=self.error)
        return [first, tr("env.hint", lang)]


def _os_reason(number: int) -> str | None:
    if number in _DISK_FULL:
        return "disk_full"
    if number in _READ_ONLY:
        return "read_only"
    if number in _NO_PERMISSION:
        return "no_permission"
    if number in _IO:
        return "io"
    return None
