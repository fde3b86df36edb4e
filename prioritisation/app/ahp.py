"""Pairwise (AHP) mode of the weights: compare the criteria two by two instead of sliding weights.

One slider per pair of criteria on Saaty's scale (1 = equally important … 9 = extremely more
important); the weights are the principal eigenvector of the judgments and the consistency
ratio tells the member whether the judgments contradict each other
(:func:`prioritisation.engine.weights.ahp_kernel`). The group's judgments from the workbook's
``pairwise`` sheet can be taken over with one click (:func:`prioritisation.engine.weights.ahp`).
"""

from __future__ import annotations

import itertools

import ipywidgets as w
import numpy as np

from prioritisation.core.i18n import N_, fmt_number, get_language, tr
from prioritisation.core.text import escape

SCALE = (9, 7, 5, 3, 1, 1 / 3, 1 / 5, 1 / 7, 1 / 9)  # value of "A compared with B"
MORE = {3: N_("ahp.more3"), 5: N_("ahp.more5"), 7: N_("ahp.more7"), 9: N_("ahp.more9")}
CR_LIMIT = 0.1


def judgment_text(a: str, b: str, value: float, lang: str | None = None) -> str:
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
        self.sliders: dict[tuple[str, str], w.SelectionSlider] = {}
        self.texts: dict[tuple[str, str], w.HTML] = {}
        rows = [w.HTML(f"<div class='pw-muted'>{escape(tr('ahp.help'))}</div>")]
        options = [(str(round(v if v >= 1 else 1 / v)), v) for v in SCALE]
        for a, b in self.pairs:
            slider = w.SelectionSlider(options=options, value=1, readout=False,
                                       continuous_update=False,
                                       layout=w.Layout(width="96%"))  # fmt: skip
            slider.add_class("pw-ahp-pair").add_class(f"pw-ahp-{a}-{b}")
            text = w.HTML(
                f"<div class='pw-share'>{escape(judgment_text(labels[a], labels[b], 1))}</div>"
            )
            slider.observe(lambda change, pair=(a, b): self._on_pair(pair, change), names="value")
            self.sliders[(a, b)], self.texts[(a, b)] = slider, text
            ends = (f"<div class='pw-ends'><span>◂ {escape(labels[a])}</span>"
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

    def widget(self) -> w.Widget:
        return self.box

    def matrix(self) -> np.ndarray:
        n = len(self.criteria)
        index = {c: i for i, c in enumerate(self.criteria)}
        m = np.ones((n, n))
        for (a, b), slider in self.sliders.items():
            m[index[a], index[b]] = float(slider.value)
            m[index[b], index[a]] = 1.0 / float(slider.value)
        return m

    def apply(self) -> None:
        from prioritisation.engine.weights import ahp_kernel

        weights, _lam, _ci, cr = ahp_kernel(self.matrix())
        self.show_consistency(cr)
        self.app.state.apply_weights(dict(zip(self.criteria, weights, strict=True)))
        self.app.show_positions()
        self.app.weights_changed()

    def show_consistency(self, cr: float, source: str = "") -> None:
        lang = get_language()
        ok = cr <= CR_LIMIT + 1e-12
        key = N_("ahp.consistent") if ok else N_("ahp.inconsistent")
        text = tr(key, lang, cr=fmt_number(cr, 2, lang), limit=fmt_number(CR_LIMIT, 2, lang))
        cls = "pw-note" if ok else "pw-box"
        self.consistency.value = f"<p class='{cls}'>{escape(source)}{escape(text)}</p>"

    def _on_pair(self, pair, change) -> None:
        a, b = pair
        lang = get_language()
        self.texts[
            pair
        ].value = f"<div class='pw-share'>{escape(judgment_text(self.labels[a], self.labels[b], change['new'], lang))}</div>"
        if not getattr(self, "_muted", False):
            self.apply()

    def _on_workbook(self, _button) -> None:
        from prioritisation.engine.weights import ahp

        result = ahp(self.app.state.wb).group
        self.show_consistency(result.consistency_ratio, tr("ahp.group_source") + " ")
        self.app.state.apply_weights(result.weights)
        self.app.show_positions()
        self.app.weights_changed()
