"""Dutch-first labels, messages and number formatting (Babel, nl-BE / en-GB).

Every user-facing string goes through :func:`tr`. Modules keep their own strings next to
their code and add them with :func:`register`, so that the catalogue grows with the package
without one file everybody edits. Dutch (``nl``) is the default language; ``en`` is
available everywhere. The language in force is, in order: the ``lang`` argument, the one
set with :func:`set_language` (the CLI's ``--lang``, the app's switch), the environment
variable ``PRIORITISATION_LANG``, Dutch.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping

from babel.numbers import format_currency, format_decimal, format_percent

LANGUAGES = ("nl", "en")
LOCALES = {"nl": "nl_BE", "en": "en_GB"}

_catalogue: dict[str, dict[str, str]] = {"nl": {}, "en": {}}
_current: str | None = None


def register(messages: Mapping[str, Mapping[str, str]]) -> None:
    """Add messages: ``{"nl": {key: text}, "en": {key: text}}``. Both languages are required;
    a key another module registered already must keep its text (prefix a module's own keys)."""
    keys_nl, keys_en = set(messages["nl"]), set(messages["en"])
    if keys_nl != keys_en:
        missing = sorted(keys_nl ^ keys_en)
        raise ValueError(f"messages without a translation: {missing}")
    for lang in LANGUAGES:
        clashes = sorted(k for k, v in messages[lang].items() if _catalogue[lang].get(k, v) != v)
        if clashes:  # the text would depend on which module was imported last
            raise ValueError(f"messages registered twice with different texts: {clashes}")
        _catalogue[lang].update(messages[lang])


def set_language(lang: str | None) -> None:
    global _current
    if lang is not None and lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    _current = lang


def get_language(lang: str | None = None) -> str:
    if lang in LANGUAGES:
        return lang
    if _current is not None:
        return _current
    env = os.environ.get("PRIORITISATION_LANG", "").strip().lower()
    return env if env in LANGUAGES else "nl"


def tr(key: str, lang: str | None = None, /, **params) -> str:
    """The text for ``key`` in the language in force, with ``params`` filled in."""
    lang = get_language(lang)
    text = _catalogue[lang].get(key) or _catalogue["en"].get(key)
    if text is None:
        return key if not params else f"{key} {params}"
    return text.format(**params) if params else text


def fmt_number(value, digits: int = 2, lang: str | None = None) -> str:
    """``1234.5`` → ``1.234,5`` (nl) / ``1,234.5`` (en); empty for NaN/None."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    fmt = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return format_decimal(value, format=fmt, locale=LOCALES[get_language(lang)])


def fmt_money(value, currency: str = "EUR", lang: str | None = None, digits: int = 0) -> str:
    """``1234.56`` → ``€ 1.235`` (nl, no cents by default) / ``€1,235`` (en)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    fmt = None if digits == 2 else ("¤ #,##0" if get_language(lang) == "nl" else "¤#,##0")
    text = format_currency(
        value, currency, format=fmt, locale=LOCALES[get_language(lang)], currency_digits=digits == 2
    )
    return text.replace("\xa0", " ")


def fmt_percent(value, digits: int = 0, lang: str | None = None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    fmt = "#,##0" + ("." + "0" * digits if digits else "") + " %"
    if get_language(lang) == "en":
        fmt = fmt.replace(" %", "%")
    return format_percent(value, format=fmt, locale=LOCALES[get_language(lang)]).replace(
        "\xa0", " "
    )


register(
    {
        "nl": {
            "loc.sheet": "blad '{name}'",
            "loc.file": "bestand '{name}'",
            "loc.row": "rij {row}",
            "loc.column": "kolom '{column}'",
            "error.workbook": "{n} problemen in {source}:",
            "error.workbook_one": "1 probleem in {source}:",
            "error.internal": "Interne fout: {error}. Dit is een fout in het programma, niet in uw gegevens; "
            "meld ze met het commando dat u gaf (PRIORITISATION_DEBUG=1 toont details).",
        },
        "en": {
            "loc.sheet": "sheet '{name}'",
            "loc.file": "file '{name}'",
            "loc.row": "row {row}",
            "loc.column": "column '{column}'",
            "error.workbook": "{n} problems in {source}:",
            "error.workbook_one": "1 problem in {source}:",
            "error.internal": "Internal error: {error}. This is a bug in the program, not in your data; "
            "please report it with the command you ran (PRIORITISATION_DEBUG=1 shows details).",
        },
    }
)
