"""Dutch-first labels, messages and number formatting (Babel, nl-BE / en-GB).

Every user-facing string goes through :func:`tr` with a literal message id (``tr("col.rank")``;
an id chosen at run time is marked where it is written, with :func:`N_`, so that
``pybabel extract -k tr -k N_`` finds every one). The texts live in one gettext catalogue per
language, ``prioritisation/locale/<lang>/LC_MESSAGES/messages.po``, which a translator edits
with any PO editor; English (``en``) is the source catalogue and complete, Dutch (``nl``) is
the default language. A text missing in a language falls back to the English text, never to
the id. Adding a language is adding a folder: its name appears in ``--lang`` and the app.

The language in force is, in order: the ``lang`` argument, the one set with
:func:`set_language` (the CLI's ``--lang``, the app's switch), the environment variable
``PRIORITISATION_LANG``, Dutch.
"""

from __future__ import annotations

import functools
import math
import os
from pathlib import Path

from babel.numbers import format_currency, format_decimal, format_percent

LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"
SOURCE_LANGUAGE = "en"
LOCALES = {"nl": "nl_BE", "en": "en_GB", "fr": "fr_BE", "de": "de_BE"}


def _languages() -> tuple[str, ...]:
    found = sorted(
        p.name for p in LOCALE_DIR.iterdir() if (p / "LC_MESSAGES" / "messages.po").exists()
    )
    return tuple(["nl"] + [lang for lang in found if lang != "nl"])


LANGUAGES = _languages()
_current: str | None = None


@functools.cache
def catalogue(lang: str) -> dict[str, str]:
    """The translated texts of ``lang`` (id → text); untranslated and fuzzy entries left out."""
    from babel.messages.pofile import read_po

    path = LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"
    with open(path, "rb") as f:
        cat = read_po(f, locale=None)
    return {m.id: m.string for m in cat if m.id and m.string and not m.fuzzy}


def N_(message_id: str) -> str:  # noqa: N802 - the gettext convention for "mark, translate later"
    """Mark a literal message id for extraction where the text is looked up later."""
    return message_id


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
    text = catalogue(get_language(lang)).get(key) or catalogue(SOURCE_LANGUAGE).get(key)
    if text is None:  # a programming error that the catalogue test catches; still readable
        raise KeyError(f"message {key!r} is not in the catalogue")
    return text.format(**params) if params else text


def _locale(lang: str | None) -> str:
    lang = get_language(lang)
    return LOCALES.get(lang, lang)


def fmt_number(value, digits: int = 2, lang: str | None = None) -> str:
    """``1234.5`` → ``1.234,5`` (nl) / ``1,234.5`` (en); empty for NaN/None."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    fmt = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return format_decimal(value, format=fmt, locale=_locale(lang))


def fmt_money(value, currency: str = "EUR", lang: str | None = None, digits: int = 0) -> str:
    """``1234.56`` → ``€ 1.235`` (nl, no cents by default) / ``€1,235`` (en)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    fmt = None if digits == 2 else ("¤ #,##0" if get_language(lang) == "nl" else "¤#,##0")
    text = format_currency(
        value, currency, format=fmt, locale=_locale(lang), currency_digits=digits == 2
    )
    return text.replace("\xa0", " ")


def fmt_percent(value, digits: int = 0, lang: str | None = None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    fmt = "#,##0" + ("." + "0" * digits if digits else "") + " %"
    if get_language(lang) == "en":
        fmt = fmt.replace(" %", "%")
    return format_percent(value, format=fmt, locale=_locale(lang)).replace("\xa0", " ")
