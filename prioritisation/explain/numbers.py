"""Numbers as a member reads them in an explanation: one minus sign (U+2212) everywhere.

Babel writes a negative number with a hyphen-minus (``-0,475``); an explanation shows the
typographic minus ``−`` instead, and a plus sign where a change is an increase.

>>> signed(-0.4751, 3, "nl"), signed(11, 0, "en", plus=True), signed(0, 0, "en", plus=True)
('−0,475', '+11', '0')
"""

from __future__ import annotations

from prioritisation.core.i18n import fmt_number

MINUS = "\u2212"


def signed(value: float, digits: int = 2, lang: str | None = None, plus: bool = False) -> str:
    """``value`` with ``digits`` decimals, a ``−`` when negative and (``plus``) a ``+`` when
    positive; zero (as shown) has no sign."""
    text = fmt_number(abs(value), digits, lang)
    if text.strip("0.,") == "":
        return text
    if value < 0:
        return MINUS + text
    return "+" + text if plus else text
