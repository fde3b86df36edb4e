"""Pairwise (AHP) mode of the weights: compare the criteria two by two instead of sliding weights.

One slider per pair of criteria on Saaty's scale (1 = equally important … 9 = extremely more
important); the weights are the principal eigenvector of the judgments and the consistency
ratio tells the member whether the judgments contradict each other
(:func:`prioritisation.engine.weights.ahp_kernel`).

The panel keeps the judgments themselves (:attr:`AhpPanel.judgments`), not only the slider
notches: they start as the ratios of the weights in force (``w_a / w_b``: perfectly
consistent, so opening the mode changes nothing and the first notch changes one judgment, not
every weight), and "take over the group's judgments" puts the group's judgments from the
workbook's ``pairwise`` sheet there (:func:`prioritisation.engine.weights.ahp`). A slider
shows the notch nearest to its judgment; moving it replaces that one judgment.
"""

from __future__ import annotations

import itertools
import math

import ipywidgets as w
import numpy as np

from prioritisation.core.i18n import N_, fmt_number, get_language, tr
from prioritisation.core.text import escape

SCALE = (9, 7, 5, 3, 1, 1 / 3, 1 / 5, 1 / 7, 1 / 9)  # value of "A compared with B"
MORE = {3: N_("ahp.more3"), 5: N_("ahp.more5"), 7: N_("ahp.more7"), 9: N_("ahp.more9")}
CR_LIMIT = 0.1


def nearest(value: float) -> float:
    """The notch of Saaty's scale nearest to a judgment (on a log scale).

    >>> nearest(1.4), nearest(2.2), nearest(1 / 6.5), nearest(40)
    (1, 3, 0.14285714285714285, 9)
    """
    return min(SCALE, key=lambda s: abs(math.log(s) - math.log(value)))


def judgment_text(a: str, b: str, value: float, lang: str | None = None) -> str:
    """A judgment in words: a notch of the scale, or "weighs 1,5 times as much" between them.

    >>> judgment_text("A", "B", 1 / 5, "en"), judgment_text("A", "B", 1.5, "en")
    ('B more important than A', 'A weighs 1.5 times as much as B')
    """
    notch = nearest(value)
    if abs(value - notch) > 1e-9:
        first, second = (a, b) if value >= 1 else (b, a)
        ratio = value if value >= 1 else 1 / value
        return tr("ahp.ratio", lang, a=first, b=second, x=fmt_number(ratio, 1, lang))
    if abs(value - 1) < 1e-9:
        return tr("ahp.equal", lang, a=a, b=b)
    strength = round(value if value > 1 else 1 / value)
    first, second = (a, b) if value > 1 else (b, a)
    return tr(MORE[strength], lang, a=first, b=second)


class AhpPanel:
    def __init__(self, app):
        self.app = app
        wb = app.state.wb
        self.criteria = list(wb.criteria.index)
        labels = wb.criterion_labels()
        self.labels = labels
        self.pairs = list(itertools.combinations(self.criteria, 2))
        self.judgments: dict[tuple[str, str], float] = dict.fromkeys(self.pairs, 1.0)
        self.sliders: dict[tuple[str, str], w.SelectionSlider] = {}
        self.texts: dict[tuple[str, str], w.HTML] = {}
        self.applied = None  # the weights this panel set last (then its judgments stand)
        self._muted = False
        rows = [w.HTML(f"<div class='pw-muted'>{escape(tr('ahp.help'))}</div>")]
        options = [(str(round(v if v >= 1 else 1 / v)), v) for v in SCALE]
        for a, b in self.pairs:
            name = tr("ahp.pair", None, a=labels[a], b=labels[b])
            slider = w.SelectionSlider(options=options, value=1, readout=False,
                                       continuous_update=False, description=name,
                                       style={"description_width": "0px"},
                                       layout=w.Layout(width="96%"))  # fmt: skip
            slider.add_class("pw-ahp-pair").add_class(f"pw-ahp-{a}-{b}")
            text = w.HTML().add_class("pw-ahp-text")
            slider.observe(lambda change, pair=(a, b): self._on_pair(pair, change), names="value")
            self.sliders[(a, b)], self.texts[(a, b)] = slider, text
            ends = (f"<div class='pw-ends' aria-hidden='true'><span>◂ {escape(labels[a])}</span>"
                    f"<span>{escape(labels[b])} ▸</span></div>")  # fmt: skip
            rows += [w.HTML(ends), slider, text]
        self.consistency = w.HTML().add_class("pw-ahp-consistency")
        rows.append(self.consistency)
        self.from_workbook = None
        if wb.pairwise is not None and not wb.pairwise.empty:
            self.from_workbook = w.Button(description=tr("ahp.from_workbook"),
                                          layout=w.Layout(width="96%"))  # fmt: skip
            self.from_workbook.add_class("pw-ahp-workbook")
            self.from_workbook.on_click(self._on_workbook)
            rows.append(self.from_workbook)
        self.box = w.VBox(rows)
        self.sync()

    def widget(self) -> w.Widget:
        return self.box

    # ------------------------------------------------------------------ judgments

    def matrix(self) -> np.ndarray:
        n = len(self.criteria)
        index = {c: i for i, c in enumerate(self.criteria)}
        m = np.ones((n, n))
        for (a, b), value in self.judgments.items():
            m[index[a], index[b]] = float(value)
            m[index[b], index[a]] = 1.0 / float(value)
        return m

    def set_judgments(self, judgments: dict) -> None:
        """Hold these judgments and move each slider to its nearest notch (no re-ranking)."""
        self.judgments.update({pair: float(v) for pair, v in judgments.items()})
        self._muted = True
        try:
            for pair, slider in self.sliders.items():
                slider.value = nearest(self.judgments[pair])
        finally:
            self._muted = False
        self.show_texts()

    def sync(self) -> None:
        """Start from the weights in force: each judgment is ``w_a / w_b`` (consistent), unless
        the weights are the ones this panel set (then its judgments stand)."""
        weights = self.app.state.weights()
        if weights is None or (self.applied is not None and weights.equals(self.applied)):
            return
        floor = 1 / 9 / 9  # a zero weight: the strongest judgment the scale allows
        self.set_judgments({
            (a, b): min(9.0, max(1 / 9, max(weights[a], floor) / max(weights[b], floor)))
            for a, b in self.pairs
        })  # fmt: skip
        self.consistency.value = ""

    def show_texts(self) -> None:
        lang = get_language()
        for (a, b), text in self.texts.items():
            words = judgment_text(self.labels[a], self.labels[b], self.judgments[(a, b)], lang)
            text.value = f"<div class='pw-share'>{escape(words)}</div>"

    def apply(self) -> None:
        from prioritisation.engine.weights import ahp_kernel

        weights, _lam, _ci, cr = ahp_kernel(self.matrix())
        self.show_consistency(cr)
        self.app.state.apply_weights(dict(zip(self.criteria, weights, strict=True)))
        self.applied = self.app.state.weights()
        self.app.show_positions()
        self.app.weights_changed()

    def show_consistency(self, cr: float, source: str = "") -> None:
        lang = get_language()
        ok = cr <= CR_LIMIT + 1e-12
        key = N_("ahp.consistent") if ok else N_("ahp.inconsistent")
        text = tr(key, lang, cr=fmt_number(cr, 2, lang), limit=fmt_number(CR_LIMIT, 2, lang))
        cls = "pw-note" if ok else "pw-box"
        self.consistency.value = (
            f"<p class='{cls}' role='status'>{escape(source)}{escape(text)}</p>"
        )

    # ------------------------------------------------------------------ callbacks

    def _on_pair(self, pair, change) -> None:
        if self._muted:
            return
        self.judgments[pair] = float(change["new"])
        self.show_texts()
        self.apply()

    def _on_workbook(self, _button) -> None:
        """Take over the group's judgments: the pair sliders AND the weights."""
        from prioritisation.engine.weights import ahp

        result = ahp(self.app.state.wb).group
        matrix = result.matrix.reindex(index=self.criteria, columns=self.criteria)
        shares = result.weights.reindex(self.criteria)
        judgments = {}
        for a, b in self.pairs:
            value = float(matrix.at[a, b])
            if not np.isfinite(value) or value <= 0:  # missing: what the group's weights imply
                value = float(shares[a] / shares[b])
            judgments[(a, b)] = value
        self.set_judgments(judgments)
        self.show_consistency(result.consistency_ratio, tr("ahp.group_source") + " ")
        self.app.state.apply_weights(result.weights)
        self.applied = self.app.state.weights()
        self.app.show_positions()
        self.app.weights_changed()
