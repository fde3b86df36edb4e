"""How solid is the ranking? The robustness part of the members tab.

- stability (:func:`prioritisation.decisions.stability.stability_prepared`): per criterion, the exact
  range of its weight in which the number one stays first, and who takes over beyond it;
- SMAA (:func:`prioritisation.decisions.smaa.smaa_prepared`) with the run's sampling (the same
  draws and seed as the CLI's ``sensitivity`` and the report): how often each idea is first or
  in the top 3; the page says how the weights were drawn
  (:meth:`~prioritisation.engine.run.Sampling.text`).
"""

from __future__ import annotations

import ipywidgets as w

from prioritisation.app import views
from prioritisation.core.i18n import N_, fmt_number, fmt_percent, fmt_shares, get_language, tr
from prioritisation.core.text import escape
from prioritisation.decisions.smaa import fmt_estimate

TOP_K = 3


class RobustnessPanel:
    def __init__(self, app):
        self.app = app
        self.stability = w.HTML().add_class("pw-stability")
        self.smaa = w.HTML().add_class("pw-smaa-result")

    def widget(self) -> w.Widget:
        return w.VBox([w.HTML(f"<h3>{escape(tr('rob.title'))}</h3>"), self.stability, self.smaa])

    def render(self) -> None:
        self.render_stability()
        self.render_smaa()

    def render_stability(self) -> None:
        from prioritisation.decisions.stability import stability_prepared

        run = self.app.state.run()
        if run is None or run.method != "wsm":
            self.stability.value = (
                f"<p class='pw-muted'>{escape(tr('rob.only_wsm'))}</p>" if run is not None else ""
            )
            return
        lang = get_language()
        s = stability_prepared(run.prepared, run.weights, TOP_K)
        if s.winner is None:
            self.stability.value = ""
            return
        wb = run.wb
        labels = wb.criterion_labels(lang)
        items = []
        now = fmt_shares(s.table["weight"].to_dict(), 0, lang)  # adding up to 100 %
        for cid, r in s.table.iterrows():
            text = tr("rob.interval", lang, criterion=labels[cid], winner=s.winner,
                      low=fmt_percent(r["low"], 0, lang), high=fmt_percent(r["high"], 0, lang),
                      now=now[cid])  # fmt: skip
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

    def render_smaa(self) -> None:
        """P(first), P(top 3), expected rank under the run's sampling, which the page names."""
        state = self.app.state
        r = state.smaa()
        if r is None:
            self.smaa.value = ""
            return
        lang = get_language()
        ids = list(r.acceptability.index[:10])
        rows = "".join(
            f"<tr data-id='{escape(i)}'><td class='num'>{int(r.current_rank[i])}</td>"
            f"<td><span class='pw-id'>{escape(i)}</span> {escape(r.titles[i])}</td>"
            f"<td class='num'>{escape(fmt_estimate(float(r.p_first[i]), float(r.p_first_se[i]), lang))}</td>"
            f"<td class='num'>{escape(fmt_estimate(float(r.p_top_k[i]), float(r.p_top_k_se[i]), lang))}</td>"
            f"<td class='num'>{fmt_number(float(r.expected_rank[i]), 1, lang)}</td></tr>"
            for i in ids
        )
        head = "".join(
            f"<th class='{c}'>{escape(tr(k, lang))}</th>"
            for k, c in [(N_("app.col.rank"), "num"), (N_("app.col.idea"), ""),
                         (N_("rob.p_first"), "num"), (N_("rob.p_top"), "num"),
                         (N_("rob.expected"), "num")]
        )  # fmt: skip
        question = tr("rob.smaa_question", lang, sampling=state.run().sampling.text(lang))
        self.smaa.value = (
            f"<p class='pw-muted pw-sampling'>{escape(question)}</p>"
            + views.scroll_x(
                f"<table class='pw-table pw-smaa-table'><thead><tr>{head}</tr></thead>"
                f"<tbody>{rows}</tbody></table>",
                tr("rob.p_first", lang),
            )
        )
