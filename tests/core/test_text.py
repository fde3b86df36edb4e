"""prioritisation/core/text.py: the escapes (HTML, terminal) and the one terminal table."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from prioritisation.core.text import escape, has_control, terminal_safe, text_table, weights_line


def test_escape_html():
    assert escape('<a href="x">&</a>') == "&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;"
    assert escape(None) == escape(math.nan) == ""


@pytest.mark.parametrize(
    "raw, shown",
    [("Basis\x1b[2J", "Basis\\x1b[2J"), ("a\rb", "a\\x0db"), ("\x07\x00\x7f", "\\x07\\x00\\x7f"),
     ("\x9b31m", "\\x9b31m"), ("abc\u202edef", "abc\\u202edef"), ("\u2066x\u2069", "\\u2066x\\u2069"),
     ("regel\u2028twee", "regel\\u2028twee"), ("tab\there", "tab\\x09here")],
)  # fmt: skip
def test_terminal_safe_shows_every_control_character(raw, shown):
    assert terminal_safe(raw) == shown and has_control(raw)
    assert not has_control(terminal_safe(raw))


def test_ordinary_text_is_untouched():
    for text in ("Innovatiewaarde 30 %", "één – twee € 1.500.000", "naïef 😀 ✓", "C:\\map\\x1b"):
        assert terminal_safe(text) == text and not has_control(text)
    assert terminal_safe(None) == "" and terminal_safe(3) == "3"
    assert terminal_safe("a\nb\x1b", newlines=True) == "a\nb\\x1b"
    assert terminal_safe("a\nb") == "a\\x0ab"  # a table cell keeps to one line


def test_text_table_aligns_cuts_and_escapes():
    frame = pd.DataFrame({"naam\x1b": ["Basis\x1b[2J", None, "x" * 60], "n": [1, 22, pd.NA]},
                         dtype=object).astype({"n": "Int64"})  # fmt: skip
    lines = text_table(frame, max_width=20).splitlines()
    assert lines[0].split() == ["naam\\x1b", "n"]
    assert set(lines[1].replace(" ", "")) == {"-"}
    assert lines[2].startswith("Basis\\x1b[2J") and lines[2].endswith(" 1")
    assert lines[3].endswith("22") and lines[3].startswith("   ")
    assert lines[4] == "x" * 19 + "…"
    assert "\x1b" not in "\n".join(lines)


def test_weights_line():
    assert weights_line({"a": 0.3, "b": 0.7}, {"a": "Innovatie"}) == "Innovatie 30 %, b 70 %"
