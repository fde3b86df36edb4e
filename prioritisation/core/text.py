"""The one escape helper: user text (titles, names, comments) into HTML."""

from __future__ import annotations

import html
import math


def escape(value) -> str:
    """``value`` as HTML text: quotes escaped too; ``None`` and NaN are empty.

    >>> escape('<b>"R&D"</b>'), escape(None), escape(float("nan")), escape(0.5)
    ('&lt;b&gt;&quot;R&amp;D&quot;&lt;/b&gt;', '', '', '0.5')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return html.escape(str(value), quote=True)
