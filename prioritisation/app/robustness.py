"""How solid is the ranking? The robustness part of the members tab.

- stability (:func:`prioritisation.decisions.stability.stability_prepared`): per criterion, the exact
  range of its weight in which the number one stays first, and who takes over beyond it;
- SMAA (:func:`prioritisation.decisions.smaa.smaa_prepared`), on demand: with weights a few
  points different, how often each idea is first or in the top 3.
"""

from __future__ import annotations

import ipywidgets as w

from prioritisation.core.i18n import N_, fmt_number, fmt_percent, get_language, tr
from prioritisation.core.text import escape

SMAA_SAMPLES = 4000
SMAA_SPREAD = 0.02  # Dirichlet around the current weights: a 30 % weight varies by about ±6 points
TOP_K = 3


class RobustnessPanel:
    def __init__(self, app):
        self.app = app
        self.stability = w.HTML().add_class("pw-stability")
        self.button = w.Button(description=tr("rob.smaa"), layout=w.Layout(width="320px"))
        self.button.add_class("pw-smaa")
        self.button.on_click(self._on_smaa)
        self.smaa = w.HTML().add_class("pw-smaa-result")

    def widget(self) -> w.Widget:
        return w.VBox([
            w.HTML(f"<h3>{escape(tr('rob.title'))}</h3>"),
            self.stability, self.button, self.smaa,
        ])  # fmt: skip

    def render(self) -> None:
        from prioritisation.decisions.stability import stability_prepared

        self.smaa.value = ""
        state = self.app.state
        weights = state.weights()
        if weights is None or state.method != "wsm":
            self.stability.value = (
                f"<p class='pw-muted'>{escape(tr('rob.only_wsm'))}</p>"
                if weights is not None
                else ""
            )
            return
        lang = get_language()
        s = stability_prepared(state.prepared, weights, TOP_K)
        if s.winner is None:
            self.stability.value = ""
            return
        wb = state.wb
        labels = wb.criterion_labels(lang)
        items = []
        for cid, r in s.table.iterrows():
            text = tr("rob.interval", lang, criterion=labels[cid], winner=s.winner,
                      low=fmt_percent(r["low"], 0, lang), high=fmt_percent(r["high"], 0, lang),
                      now=fmt_percent(r["weight"], 0, lang))  # fmt: skip
            if r["high_rival"] and r["high"] < 1 - 1e-9:
                text += " " + tr("rob.above", lang, rival=r["high_rival"])
            if r["low_rival"] and r["low"] > 1e-9:
                text += " " + tr("rob.below", lang, rival=r["low_rival"])
            items.append(f"<li>{escape(text)}</li>")
        title = wb.ideas.at[s.winner, "title"]
        self.stability.value = (
            f"<p>{escape(tr('rob.winner', lang, winner=s.winner, title=title))}</p>"
            f"<ul class='pw-stability-list'>{''.join(items)}</ul>"
        )

    def _on_smaa(self, _button) -> None:
        from prioritisation.decisions.smaa import smaa_prepared

        state = self.app.state
        weights = state.weights()
        if weights is None or state.method != "wsm":
            return
        lang = get_language()
        self.smaa.value = f"<p class='pw-muted'>{escape(tr('app.loading'))}</p>"
        r = smaa_prepared(state.prepared, weights, samples=SMAA_SAMPLES, seed=0,
                          spread=SMAA_SPREAD, top_k=TOP_K)  # fmt: skip
        ids = list(r.acceptability.index[:10])
        rows = "".join(
            f"<tr><td class='num'>{int(r.current_rank[i])}</td>"
            f"<td><span class='pw-id'>{escape(i)}</span> {escape(r.titles[i])}</td>"
            f"<td class='num'>{fmt_percent(float(r.p_first[i]), 0, lang)}</td>"
            f"<td class='num'>{fmt_percent(float(r.p_top_k[i]), 0, lang)}</td>"
            f"<td class='num'>{fmt_number(float(r.expected_rank[i]), 1, lang)}</td></tr>"
            for i in ids
        )
        head = "".join(
            f"<th class='{c}'>{escape(tr(k, lang))}</th>"
            for k, c in [(N_("app.col.rank"), "num"), (N_("app.col.idea"), ""),
                         (N_("rob.p_first"), "num"), (N_("rob.p_top"), "num"),
                         (N_("rob.expected"), "num")]
        )  # fmt: skip
        self.smaa.value = (
            f"<p class='pw-muted'>{escape(tr('rob.smaa_help', lang, n=SMAA_SAMPLES))}</p>"
            f"<table class='pw-table pw-smaa-table'><thead><tr>{head}</tr></thead>"
            f"<tbody>{rows}</tbody></table>"
        )
