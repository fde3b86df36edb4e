"""User text out: the one escape helper per medium (HTML; a terminal, where control characters
are shown, not obeyed), the one terminal table renderer, and weights as a line of text."""

from __future__ import annotations

import html
import math
import re
from collections.abc import Mapping


def escape(value) -> str:
    """``value`` as HTML text: quotes escaped too; ``None`` and NaN are empty.

    >>> escape('<b>"R&D"</b>'), escape(None), escape(float("nan")), escape(0.5)
    ('&lt;b&gt;&quot;R&amp;D&quot;&lt;/b&gt;', '', '', '0.5')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return html.escape(str(value), quote=True)


# Characters that steer a terminal instead of showing: C0 controls (ESC starts a sequence that
# can clear the screen or retitle the window; \r overwrites a line), DEL, C1 controls, and the
# Unicode bidi controls that reorder what is shown (U+202E "right-to-left override") and line
# or paragraph separators.
_CONTROL = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)
_CONTROL_KEEP_NEWLINE = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)


def _shown(match: re.Match) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def has_control(value) -> bool:
    """Whether ``value`` holds a character that steers a terminal (see :func:`terminal_safe`).

    >>> has_control("Basis\\x1b[2J"), has_control("Basis 2027 – één")
    (True, False)
    """
    return bool(_CONTROL.search(str(value)))


def terminal_safe(value, newlines: bool = False) -> str:
    """``value`` as text a terminal shows as it is: every control character (C0 and C1
    controls, ESC, ``\\r``, DEL, the bidi overrides) written out as ``\\x1b`` or ``\\u202e``.
    ``newlines=True`` keeps line breaks (for whole texts; a table cell keeps none).

    >>> print(terminal_safe("Basis\\x1b[2J\\r\\u202eAB"))
    Basis\\x1b[2J\\x0d\\u202eAB
    >>> terminal_safe("a\\nb"), terminal_safe("a\\nb", newlines=True)
    ('a\\\\x0ab', 'a\\nb')
    """
    text = "" if value is None else str(value)
    return (_CONTROL_KEEP_NEWLINE if newlines else _CONTROL).sub(_shown, text)


def text_table(frame, max_width: int = 48) -> str:
    """``frame`` (a :class:`pandas.DataFrame`) as a plain, aligned terminal table: the one table
    renderer of every command's table output. No colour codes; numbers right-aligned; a cell
    longer than ``max_width`` is cut with ``…``; empty for ``None``/NaN; every heading and cell
    is :func:`terminal_safe` (a name holding ``ESC[2J`` is shown, not obeyed).

    >>> import pandas as pd
    >>> print(text_table(pd.DataFrame({"naam": ["Basis\\x1b[2J", "Lezen"], "versie": [1, 12]})))
    naam          versie
    ------------  ------
    Basis\\x1b[2J       1
    Lezen             12
    """
    import pandas as pd

    cols = list(frame.columns)
    cells = [[_cell(v, max_width) for v in row] for row in frame.itertuples(index=False)]
    heads = [terminal_safe(c) for c in cols]
    widths = [max([len(h)] + [len(r[j]) for r in cells]) for j, h in enumerate(heads)]
    numeric = [pd.api.types.is_numeric_dtype(frame[c]) for c in cols]

    def line(values):
        return "  ".join(
            (v.rjust(w) if num else v.ljust(w))
            for v, w, num in zip(values, widths, numeric, strict=True)
        ).rstrip()

    out = [line(heads), "  ".join("-" * w for w in widths)]
    out += [line(r) for r in cells]
    return "\n".join(out)


def _cell(value, max_width: int) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or _is_na(value):
        return ""
    text = terminal_safe(value)
    return text if len(text) <= max_width else text[: max_width - 1] + "…"


def _is_na(value) -> bool:
    import pandas as pd

    return value is pd.NA


def weights_line(weights: Mapping, labels: Mapping | None = None) -> str:
    """Shares as ``Innovatiewaarde 30 %, …`` (a criterion without a label by its id), rounded
    so that the percentages shown add up to 100.

    >>> weights_line({"innovation": 1, "cost": 1, "risk": 1}, {"innovation": "Innovatie"})
    'Innovatie 34 %, cost 33 %, risk 33 %'
    """
    from prioritisation.core.i18n import fmt_shares

    labels = labels or {}
    shares = fmt_shares(weights)
    return ", ".join(f"{labels.get(c, c)} {shares[c]}" for c in weights.keys())
