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

import datetime as dt
import functools
import math
import os
from collections.abc import Iterable, Mapping
from pathlib import Path

from babel.dates import format_date
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


def language_tag(lang: str | None = None) -> str:
    """The language as a document declares it (BCP 47: HTML ``lang``, PDF ``/Lang``), the
    locale whose formats the texts use.

    >>> language_tag("nl"), language_tag("en")
    ('nl-BE', 'en-GB')
    """
    return _locale(lang).replace("_", "-")


def fmt_number(value, digits: int = 2, lang: str | None = None) -> str:
    """``1234.5`` → ``1.234,5`` (nl) / ``1,234.5`` (en); empty for NaN/None."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    fmt = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return format_decimal(value, format=fmt, locale=_locale(lang))


NBSP = "\u00a0"  # between € and the amount, and before %: never a line break there


def fmt_money(value, currency: str = "EUR", lang: str | None = None, digits: int = 0) -> str:
    """``1234.56`` → ``€ 1.235`` (nl, no cents by default) / ``€1,235`` (en).

    The space after the symbol is a no-break space (U+00A0), so that no line in a PDF, a
    table cell or the app ends in a lone ``€``:

    >>> fmt_money(1_500_000, lang="nl")
    '€\xa01.500.000'
    >>> fmt_money(1234.5, lang="en", digits=2)
    '€1,234.50'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    fmt = None if digits == 2 else ("¤ #,##0" if get_language(lang) == "nl" else "¤#,##0")
    text = format_currency(
        value, currency, format=fmt, locale=_locale(lang), currency_digits=digits == 2
    )
    return text.replace(" ", NBSP)


def fmt_percent(value, digits: int = 0, lang: str | None = None) -> str:
    """``0.305`` → ``31 %`` (nl) / ``31%`` (en). Shares that must add up to 100 %: use
    :func:`fmt_shares`."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    fmt = "#,##0" + ("." + "0" * digits if digits else "") + " %"
    if get_language(lang) == "en":
        fmt = fmt.replace(" %", "%")
    return format_percent(value, format=fmt, locale=_locale(lang)).replace("\xa0", " ")


def percent_shares(shares: Iterable[float], digits: int = 0) -> list[float]:
    """Shares as percentages rounded to ``digits`` decimals that add up to exactly 100.

    Largest-remainder rounding (Hamilton): every share is rounded down, and the units
    still missing go to the shares with the largest remainders (the first of equal ones).
    The shares need not add up to 1; they are normalised first. All zero: all zero. A
    missing share (NaN, None) stays NaN and counts for nothing.

    >>> percent_shares([1, 1, 1])
    [34.0, 33.0, 33.0]
    >>> percent_shares([0.305, 0.295, 0.2, 0.2])
    [31.0, 29.0, 20.0, 20.0]
    """
    values = [math.nan if v is None else float(v) for v in shares]
    known = [i for i, v in enumerate(values) if not math.isnan(v)]
    if any(math.isinf(values[i]) or values[i] < 0 for i in known):
        raise ValueError(f"shares must be finite and not negative: {values}")
    total = sum(values[i] for i in known)
    out = [math.nan] * len(values)
    if total <= 0:
        return [math.nan if math.isnan(v) else 0.0 for v in values]
    unit = 10**digits
    quotas = {i: values[i] / total * 100 * unit for i in known}
    floors = {i: math.floor(q) for i, q in quotas.items()}
    missing = 100 * unit - sum(floors.values())
    for i in sorted(known, key=lambda i: -(quotas[i] - floors[i]))[:missing]:
        floors[i] += 1
    for i in known:
        out[i] = floors[i] / unit
    return out


def fmt_shares(shares: Mapping, digits: int = 0, lang: str | None = None) -> dict:
    """Each share as a percentage text; the numbers shown add up to 100 (:func:`percent_shares`).

    >>> fmt_shares({"a": 1, "b": 1, "c": 1}, lang="nl")
    {'a': '34 %', 'b': '33 %', 'c': '33 %'}
    """
    keys = list(shares.keys())  # a dict or a pandas Series
    rounded = percent_shares([shares[k] for k in keys], digits)
    return {k: fmt_percent(p / 100, digits, lang) for k, p in zip(keys, rounded, strict=True)}


def fmt_date(value, lang: str | None = None, time: bool = False) -> str:
    """A date as a person reads it: ``27/11/2026`` (nl-BE) / ``27 Nov 2026`` (en).

    ``value``: a date, a datetime or an ISO text (as the scenario store keeps it); empty for
    None/NaN/"". ``time=True`` adds the time; a time with a zone is shown in UTC, and says so.

    >>> fmt_date(dt.date(2026, 11, 27), "nl"), fmt_date("2026-11-27", "en")
    ('27/11/2026', '27 Nov 2026')
    >>> fmt_date("2026-11-27T17:03:09+00:00", "nl", time=True)
    '27/11/2026 17:03 UTC'
    """
    if value is None or value == "" or value != value:  # noqa: PLR0124 - NaN and NaT
        return ""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value) if "T" in value or " " in value.strip() else (
            dt.date.fromisoformat(value.strip()))  # fmt: skip
    if hasattr(value, "to_pydatetime"):  # a pandas Timestamp
        value = value.to_pydatetime()
    lang = get_language(lang)
    locale = _locale(lang)
    zone = ""
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        value, zone = value.astimezone(dt.UTC), " UTC"
    text = format_date(value, "short" if lang == "nl" else "medium", locale=locale)
    if time and isinstance(value, dt.datetime):
        text += f" {value:%H:%M}{zone}"  # 24 hours in both; Babel would move it to local time
    return text
