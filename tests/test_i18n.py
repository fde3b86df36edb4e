"""Messages: one catalogue, no key with two texts, both languages everywhere."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import prioritisation
from prioritisation import i18n


def test_every_module_registers_without_clashes():
    """Importing every module of the package registers all messages; a key registered twice with
    another text raises (the text would otherwise depend on import order)."""
    for info in pkgutil.walk_packages(prioritisation.__path__, "prioritisation."):
        if not info.name.endswith("__main__"):
            importlib.import_module(info.name)
    assert set(i18n._catalogue["nl"]) == set(i18n._catalogue["en"])


def test_conflicting_registration_is_refused():
    i18n.register({"nl": {"test.once": "een"}, "en": {"test.once": "one"}})
    i18n.register({"nl": {"test.once": "een"}, "en": {"test.once": "one"}})  # same text: fine
    with pytest.raises(ValueError, match="test.once"):
        i18n.register({"nl": {"test.once": "twee"}, "en": {"test.once": "two"}})


def test_formatting_nl_be_and_en():
    assert i18n.fmt_money(1234.56, lang="nl") == "€ 1.235"
    assert i18n.fmt_money(1234.56, lang="nl", digits=2) == "€ 1.234,56"
    assert i18n.fmt_money(1234.56, lang="en") == "€1,235"
    assert i18n.fmt_number(0.1234, 3, lang="nl") == "0,123"
    assert i18n.fmt_percent(0.256, lang="nl") == "26 %"
