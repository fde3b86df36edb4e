"""Messages: one gettext catalogue per language, complete in Dutch, ids literal in the code."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from prioritisation.core import i18n

PACKAGE = Path(i18n.__file__).resolve().parents[1]


def _entries(lang):
    with open(i18n.LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po", "rb") as f:
        return [m for m in read_po(f) if m.id]


def _calls():
    """Every ``tr(...)``, ``N_(...)`` and ``UsageError(...)`` call in the package (the
    keywords of ``pybabel extract -k tr -k N_ -k UsageError``): (file, line, first argument)."""
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Call) and node.args:
                name = getattr(node.func, "id", getattr(node.func, "attr", None))
                if name in ("tr", "N_", "UsageError"):
                    yield path.relative_to(PACKAGE.parent), node.lineno, node.args[0]


def _built(arg) -> bool:
    """An id made from pieces at run time (an f-string, ``+``, ``%``, ``.format``), which
    extraction cannot find; a variable holding an id written elsewhere as a literal is fine."""
    if isinstance(arg, ast.JoinedStr | ast.BinOp):
        return True
    return isinstance(arg, ast.Call) and getattr(arg.func, "attr", None) in ("format", "join")


def test_the_dutch_catalogue_is_complete():
    english = {m.id for m in _entries("en") if m.string}
    dutch = _entries("nl")
    assert not [m.id for m in dutch if m.fuzzy], "fuzzy entries in nl"
    assert not [m.id for m in dutch if not m.string], "untranslated entries in nl"
    assert {m.id for m in dutch} == english


def test_every_message_id_in_the_code_is_literal_and_in_the_catalogue():
    english = {m.id for m in _entries("en") if m.string}
    built = [f"{f}:{line}" for f, line, arg in _calls() if _built(arg)]
    assert not built, f"message ids built at run time (use a literal or N_): {built}"
    unknown = [
        f"{f}:{line} {arg.value}"
        for f, line, arg in _calls()
        if isinstance(arg, ast.Constant) and arg.value not in english
    ]
    assert not unknown, f"message ids missing from the catalogue: {unknown}"


def test_every_catalogue_entry_is_used():
    used = {arg.value for _, _, arg in _calls() if isinstance(arg, ast.Constant)}
    unused = sorted({m.id for m in _entries("en")} - used)
    assert not unused, f"catalogue entries no code uses: {unused}"


def test_a_missing_translation_falls_back_to_english_never_the_id(monkeypatch):
    real = i18n.catalogue
    dutch = dict(real("nl"))
    dutch.pop("col.rank")
    monkeypatch.setattr(i18n, "catalogue", lambda lang: dutch if lang == "nl" else real(lang))
    assert i18n.tr("col.rank", "nl") == real("en")["col.rank"] == "rank"


def test_an_unknown_id_is_an_error_not_shown_to_the_user():
    with pytest.raises(KeyError):
        i18n.tr("no.such.message")


def test_languages_come_from_the_locale_folders():
    assert i18n.LANGUAGES[0] == "nl" and "en" in i18n.LANGUAGES


def test_no_message_id_twice_in_a_catalogue():
    """A merge that appends a block twice would leave one of two texts unused (msgfmt refuses)."""
    for lang in i18n.LANGUAGES:
        path = i18n.LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"
        ids = [
            line
            for line in path.read_text(encoding="utf-8").splitlines()
            if line.startswith("msgid ")
        ]
        assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
