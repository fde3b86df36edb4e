"""Charts: data → altair Chart, never displayed here; :func:`to_svg` renders offline.

One module per subject (``ranking``, ``portfolio``, ``robustness``, ``report``); import from
the module. Every chart goes through :func:`configure`, which gives it

- the house style, with an installed font (DejaVu Sans) so that vl-convert measures text
  with the font WeasyPrint and the browser draw with, and labels are not clipped;
- the language's number format *inside the spec* (``config.locale``): decimal comma and
  ``€ 1.500.000`` in Dutch, ``€1,500,000`` in English, wherever the chart is drawn (vl-convert,
  a notebook, the Vega editor). Axes and tooltips use the formats below, which write
  numbers in full: never ``1.5M`` or ``500k``;
- a description (Vega-Lite's ``description``): one sentence with the key numbers that the
  report uses as the image's text alternative (:func:`description`) and Vega as the SVG's
  ``aria-label``.
"""

from __future__ import annotations

from prioritisation.core.i18n import get_language

FONT = "DejaVu Sans"

# d3-format locales: Dutch as in Belgium (€ 1.234,5 and 30 %), English with the euro.
NUMBER_LOCALES = {
    "nl": {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["€\u00a0", ""],
           "percent": "\u00a0%"},
    "en": {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["€", ""]},
}  # fmt: skip

# d3 format strings, read with the chart's locale
MONEY = "$,.0f"  # € 1.500.000
PERCENT = ".0%"  # 30 %
PERCENT_1 = ".1%"  # 30,5 %
SCORE = ",.3f"  # 0,712
WHOLE = ",.0f"  # 1.500


def number_locale(lang: str | None = None) -> dict:
    """The d3-format locale of ``lang`` (English for a language without its own).

    >>> number_locale("nl")["decimal"], number_locale("en")["decimal"]
    (',', '.')
    """
    return NUMBER_LOCALES.get(get_language(lang), NUMBER_LOCALES["en"])


def money_axis(**kw):
    """An axis of amounts written in full in the chart's locale (``€ 1.500.000``)."""
    import altair as alt

    return alt.Axis(format=MONEY, **kw)


def percent_axis(**kw):
    """An axis of shares as whole percentages (``30 %``)."""
    import altair as alt

    return alt.Axis(format=PERCENT, **kw)


def configure(chart, description: str, lang: str | None = None):
    """The house style, the number format of ``lang`` and the chart's ``description``."""
    return (
        chart.properties(description=description)
        .configure(font=FONT, locale={"number": number_locale(lang)})
        .configure_axis(labelFontSize=11, titleFontSize=12, labelLimit=320)
        .configure_legend(labelFontSize=11, titleFontSize=12, labelLimit=320)
        .configure_view(stroke=None)
    )


def description(chart) -> str:
    """The sentence that says what ``chart`` shows (its text alternative)."""
    text = chart.to_dict(validate=False).get("description") or ""
    if not text.strip():
        raise ValueError("a chart without a description has no text alternative")
    return text


def render_svg(spec: dict) -> str:
    """A Vega-Lite spec as SVG, offline (no CDN, no data from the network)."""
    import vl_convert as vlc

    locale = spec.get("config", {}).get("locale", {}).get("number") or number_locale()
    return vlc.vegalite_to_svg(spec, format_locale=locale, allowed_base_urls=[])


def to_svg(chart) -> str:
    """The chart as an SVG string, rendered offline by vl-convert (no CDN, no browser)."""
    return render_svg(chart.to_dict())


def show(chart):
    """Display object for a notebook: the chart as inline SVG (works offline, in Lab and PDF)."""
    from IPython.display import SVG

    return SVG(to_svg(chart))
