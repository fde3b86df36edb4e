"""Charts: data → altair Chart, never displayed here; :func:`to_svg` renders offline.

One module per subject (``ranking`` here; others add theirs); import from the module.
All charts use an installed font (DejaVu Sans) so that vl-convert measures text with the
font WeasyPrint and the browser draw with, and labels are not clipped.
"""

from __future__ import annotations

FONT = "DejaVu Sans"


def configure(chart):
    """The house style: installed font, readable sizes, no chart border."""
    return (
        chart.configure(font=FONT)
        .configure_axis(labelFontSize=11, titleFontSize=12, labelLimit=320)
        .configure_legend(labelFontSize=11, titleFontSize=12, labelLimit=320)
        .configure_view(stroke=None)
    )


def to_svg(chart) -> str:
    """The chart as an SVG string, rendered offline by vl-convert (no CDN, no browser)."""
    import vl_convert as vlc

    return vlc.vegalite_to_svg(chart.to_dict())


def show(chart):
    """Display object for a notebook: the chart as inline SVG (works offline, in Lab and PDF)."""
    from IPython.display import SVG

    return SVG(to_svg(chart))
