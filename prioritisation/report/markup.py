"""The report's HTML building blocks: a section with its heading, tables, charts as images,
idea labels and the words for a method, an aggregation or a reason.

Everything here takes text that is already translated; user text (titles, names, comments)
is escaped with :func:`prioritisation.core.text.escape` where it enters the HTML.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable

from prioritisation.core.i18n import fmt_number, tr
from prioritisation.core.text import escape

END_MARKER = "<!-- prioritisation-report: complete -->"


class Html(str):
    """HTML that Jupyter displays as such (and nbconvert keeps as ``text/html``)."""

    def _repr_html_(self) -> str:
        return str(self)


def section(title: str, body: str, css_class: str = "") -> Html:
    """A report section: ``title`` (plain text, escaped here) over ``body`` (HTML).

    >>> section("Kost & baat", "<p>…</p>", "page-break")
    '<section class="page-break"><h2>Kost &amp; baat</h2><p>…</p></section>'
    """
    return Html(f'<section class="{css_class}"><h2>{escape(title)}</h2>{body}</section>')


def table(headers: Iterable[str], rows: Iterable[Iterable[str]], css_class: str = "",
          numeric: Iterable[int] = ()) -> str:  # fmt: skip
    """An HTML table; ``headers`` and cells are already escaped/formatted HTML; the columns
    in ``numeric`` are right-aligned.

    >>> table(["Idee", "Score"], [["A", "0,5"]], "ranking", numeric=(1,))
    '<table class="ranking"><thead><tr><th>Idee</th><th class="num">Score</th></tr></thead><tbody><tr><td>A</td><td class="num">0,5</td></tr></tbody></table>'
    """
    numeric = set(numeric)
    head = "".join(
        f'<th class="num">{h}</th>' if j in numeric else f"<th>{h}</th>"
        for j, h in enumerate(headers)
    )
    body = []
    for row in rows:
        cells = "".join(
            f'<td class="num">{c}</td>' if j in numeric else f"<td>{c}</td>"
            for j, c in enumerate(row)
        )
        body.append(f"<tr>{cells}</tr>")
    return (
        f'<table class="{css_class}"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def svg_img(svg: str, alt: str, css_class: str = "chart") -> str:
    """A chart as an ``<img>`` with an SVG data URI (no id clashes between charts) and its
    text alternative ``alt`` (required: the tagged PDF gives it to screen readers).

    >>> svg_img("<svg/>", "Gewichten: A 60 %, B 40 %")[:56]
    '<img class="chart" alt="Gewichten: A 60 %, B 40 %" src="'
    """
    if not alt.strip():
        raise ValueError("a chart image needs a text alternative")
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return f'<img class="{css_class}" alt="{escape(alt)}" src="data:image/svg+xml;base64,{data}"/>'


def chart_img(chart, css_class: str = "chart") -> str:
    """An altair chart drawn for print (static SVG in the number format of its language),
    with the chart's own description as the image's text alternative."""
    from prioritisation.explain.charts import description
    from prioritisation.explain.charts.report import report_svg

    return svg_img(report_svg(chart), description(chart), css_class)


def method_words(method: str) -> str:
    """The method in words (``"wsm"`` → "gewogen som (WSM)"); an unknown one in capitals."""
    words = {
        "wsm": tr("method.wsm"),
        "wpm": tr("method.wpm"),
        "topsis": tr("method.topsis"),
        "promethee": tr("method.promethee"),
    }
    return words.get(method, method.upper())


def aggregate_words(aggregate: str) -> str:
    """How the assessors' scores were combined, in words (``"median"`` → "mediaan")."""
    words = {
        "mean": tr("agg.mean"),
        "median": tr("agg.median"),
        "geomean": tr("agg.geomean"),
        "trimmed": tr("agg.trimmed"),
    }
    return words[aggregate]


def kind_words(kind: str) -> str:
    """A reason kind in a word (``"budget"`` → "Budgetlijn"); empty for one without a label."""
    words = {
        "budget": tr("kind.budget"),
        "excluded": tr("kind.excluded"),
        "group": tr("kind.group"),
        "negative": tr("kind.negative"),
        "no_cost": tr("kind.no_cost"),
        "not_eligible": tr("kind.not_eligible"),
        "prereq_blocked": tr("kind.prereq_blocked"),
        "prerequisite": tr("kind.prerequisite"),
        "theme_max": tr("kind.theme_max"),
        "too_expensive": tr("kind.too_expensive"),
    }
    return words.get(kind, "")


def idea_label(iid: str, title: str) -> str:
    """``<span class="id">ID</span> title``, both escaped."""
    return f'<span class="id">{escape(iid)}</span> {escape(title)}'


def score_text(value) -> str:
    return fmt_number(value, 3)


def end(ctx) -> Html:
    """The marker the pipeline checks: the notebook ran to its last cell."""
    return Html(END_MARKER)
