"""The scenario panel: save the current weights with a name and author, open one, compare two.

Uses the scenario store (:mod:`prioritisation.scenarios.db`): an append-only SQLite file beside
the workbook (or ``PRIORITISATION_STORE``), so a saved scenario survives a reload, a kernel restart
and a restart of the app, and every save is a new version with its audit entries.
"""

from __future__ import annotations

import ipywidgets as w
import numpy as np

from prioritisation.app import views
from prioritisation.core.errors import PrioritisationError
from prioritisation.core.i18n import fmt_date, fmt_shares, get_language, tr
from prioritisation.core.text import escape


class ScenarioPanel:
    """Widgets and callbacks of the scenario part of the "save and share" tab."""

    def __init__(self, app):
        from prioritisation.scenarios.db import open_store

        self.app = app
        self.store = None
        self.error = ""
        try:
            self.store = open_store(app.state.path)
        except Exception as exc:  # noqa: BLE001 - shown as one line; the rest of the app works
            self.error = tr("scen.no_store", None, error=f"{type(exc).__name__}: {exc}")
        self.name = w.Text(placeholder=tr("scen.name_ph"), description=tr("scen.name"),
                           layout=w.Layout(width="420px")).add_class("pw-scen-name")  # fmt: skip
        self.author = w.Text(placeholder=tr("scen.author_ph"), description=tr("scen.author"),
                             layout=w.Layout(width="420px")).add_class("pw-scen-author")  # fmt: skip
        self.note = w.Textarea(placeholder=tr("scen.note_ph"), description=tr("scen.note"),
                               layout=w.Layout(width="420px", height="54px"))  # fmt: skip
        self.save = w.Button(description=tr("scen.save"), layout=w.Layout(width="260px"))
        self.save.add_class("pw-scen-save")
        self.saved = w.HTML().add_class("pw-scen-message")
        self.choice = w.Dropdown(description=tr("scen.choose"), layout=w.Layout(width="420px"))
        self.choice.add_class("pw-scen-choice")
        self.open = w.Button(description=tr("scen.open"), layout=w.Layout(width="260px"))
        self.open.add_class("pw-scen-open")
        self.opened = w.HTML().add_class("pw-scen-opened")
        self.a = w.Dropdown(description="A", layout=w.Layout(width="420px")).add_class("pw-scen-a")
        self.b = w.Dropdown(description="B", layout=w.Layout(width="420px")).add_class("pw-scen-b")
        self.compare = w.Button(description=tr("scen.compare"), layout=w.Layout(width="260px"))
        self.compare.add_class("pw-scen-compare")
        self.comparison = w.HTML().add_class("pw-scen-comparison")
        from prioritisation.app.identity import current_identity

        # held here, in the kernel: the browser cannot set it
        self.identity = current_identity().in_workbook(app.state.wb)
        if self.identity.verified:  # the login says who this is: that is the author
            self.author.value = self.identity.author
            self.author.disabled = True
        if not self.identity.may_save:
            self.save.disabled = True
        self.save.on_click(self._guard(self._on_save))
        self.open.on_click(self._guard(self._on_open))
        self.compare.on_click(self._guard(self._on_compare))
        self.refresh()
        self._seen = None  # the store's last scenario id this list shows
        self.follow(getattr(app, "group", None))

    def follow(self, group) -> None:
        """Another page saved a scenario (or a round closed): the lists follow by themselves
        (through the group round's watch on the store, once the page has it)."""
        if group is not None and self.store is not None:
            group.watch.listen("scenarios", lambda stamp: stamp[2], self._on_store)

    def _on_store(self, last_id) -> None:
        if last_id != self._seen:
            self._seen = last_id
            self.refresh()

    def widget(self) -> w.Widget:
        if self.store is None:
            return w.HTML(f"<p class='pw-box'>{escape(self.error)}</p>")
        return w.VBox([
            w.HTML(f"<h3>{escape(tr('scen.save_title'))}</h3>"
                   f"<p class='pw-muted'>{escape(tr('scen.save_help'))}</p>"),
            self.name, self.author, self.note, self.save, self.saved,
            w.HTML(f"<h3>{escape(tr('scen.open_title'))}</h3>"), self.choice, self.open,
            self.opened,
            w.HTML(f"<h3>{escape(tr('scen.compare_title'))}</h3>"), self.a, self.b, self.compare,
            self.comparison,
        ])  # fmt: skip

    def _guard(self, callback):
        def run(_button):
            try:
                callback()
            except PrioritisationError as exc:
                self.saved.value = f"<p class='pw-box'>{escape(' '.join(exc.lines()))}</p>"
            except Exception as exc:  # noqa: BLE001 - a plain line, never a traceback
                import sys

                print(f"prioritisation app: {type(exc).__name__}: {exc}", file=sys.stderr)
                text = tr("app.error", None, error=type(exc).__name__)
                self.saved.value = f"<p class='pw-box'>{escape(text)}</p>"

        return run

    # ------------------------------------------------------------------ data

    def refresh(self) -> None:
        if self.store is None:
            return
        latest = self.store.list(latest=True)
        options = [(self._option(s), s.name) for s in reversed(latest)]  # newest first
        names = [name for _label, name in options]
        for dropdown in (self.choice, self.a, self.b):
            keep = dropdown.value
            dropdown.options = options
            if names:  # keep the choice when it is still there, else the newest
                dropdown.value = keep if keep in names else names[0]
        if len(options) >= 2 and self.a.value == self.b.value:
            self.b.value = options[1][1]
        for widget in (self.choice, self.open, self.a, self.b):
            widget.disabled = not options
        self.compare.disabled = len(options) < 2
        none = f"<p class='pw-muted'>{escape(tr('scen.none'))}</p>"
        if not options:
            self.opened.value = none
        elif self.opened.value == none:
            self.opened.value = ""

    def _option(self, scenario) -> str:
        when = fmt_date(scenario.created, get_language(), time=True)
        return f"{scenario.name} (v{scenario.version}, {scenario.author}, {when})"

    # ------------------------------------------------------------------ callbacks

    def _on_save(self) -> None:
        from prioritisation.scenarios.scenario import make_scenario

        state = self.app.state
        weights = state.weights()
        missing = []
        if not self.name.value.strip():
            missing.append(tr("scen.need_name"))
        if not self.identity.may_save:  # a forged click on the disabled button
            text = tr("app.not_listed", None, login=self.identity.name)
            self.saved.value = f"<p class='pw-box'>{escape(text)}</p>"
            return
        # A verified member is the author whatever the (browser-side) field says.
        author = self.identity.author if self.identity.verified else self.author.value
        if self.identity.verified and self.author.value != author:
            self.author.value, self.author.disabled = author, True  # undo a forged update
        if not author.strip():
            missing.append(tr("scen.need_author"))
        if weights is None or missing:
            text = " ".join(missing) if missing else tr("weights.all_zero")
            self.saved.value = f"<p class='pw-box'>{escape(text)}</p>"
            return
        scenario = make_scenario(
            state.wb, self.name.value, author, weights=weights, method=state.method,
            aggregate=state.prepared.aggregate, note=self.note.value,
            budget=state.run().budget,  # the total and yearly budgets the member set
        )  # fmt: skip
        saved = self.store.save(scenario)
        self.saved.value = (
            f"<p class='pw-note'>{escape(tr('scen.saved', None, label=saved.label))}</p>"
        )
        self.refresh()

    def _on_open(self) -> None:
        if not self.choice.value:
            return
        scenario = self.store.get(self.choice.value)
        state = self.app.state
        notes = [tr("scen.opened", None, label=scenario.label, author=scenario.author)]
        if (
            scenario.workbook_sha256
            and state.wb.sha256
            and scenario.workbook_sha256 != state.wb.sha256
        ):
            notes.append(tr("scen.other_workbook"))
        own = {
            c: (None if np.isnan(v) else float(v))
            for c, v in state.wb.criteria["threshold"].items()
        }
        if any(scenario.thresholds.get(c, own[c]) != own[c] for c in own):
            notes.append(tr("scen.thresholds_differ"))
        state.open_scenario(scenario, self.store.url)
        self.app.show_positions()
        self.app.weights_changed()
        self.opened.value = "".join(f"<p class='pw-note'>{escape(n)}</p>" for n in notes)

    def _on_compare(self) -> None:
        from prioritisation.scenarios.compare import compare

        if not self.a.value or not self.b.value:
            return
        lang = get_language()
        state = self.app.state
        cmp = compare(state.wb, self.store.get(self.a.value), self.store.get(self.b.value), lang)
        shares_a = fmt_shares(cmp.weights["a"].to_dict(), 0, lang)  # each adds up to 100 %
        shares_b = fmt_shares(cmp.weights["b"].to_dict(), 0, lang)
        rows_w = "".join(
            f"<tr><td>{escape(r.label)}</td><td class='num'>{shares_a[key]}</td>"
            f"<td class='num'>{shares_b[key]}</td></tr>"
            for key, r in zip(cmp.weights.index, cmp.weights.itertuples(), strict=True)
        )
        moved = cmp.ranking.loc[cmp.moved] if cmp.moved else cmp.ranking.iloc[:0]

        def rank_text(value) -> str:
            return "—" if value is None or value is np.nan or str(value) == "<NA>" else str(value)

        rows_r = "".join(
            f"<tr><td><span class='pw-id'>{escape(i)}</span> {escape(r.title)}</td>"
            f"<td class='num'>{rank_text(r.rank_a)}</td><td class='num'>{rank_text(r.rank_b)}</td>"
            f"<td class='num'>{'' if str(r.moved) == '<NA>' else f'{int(r.moved):+d}'}</td></tr>"
            for i, r in moved.iterrows()
        )
        head_w = (f"<th>{escape(tr('app.col.criterion'))}</th><th class='num'>A</th>"
                  "<th class='num'>B</th>")  # fmt: skip
        rank = escape(tr("app.col.rank"))
        head_r = (f"<th>{escape(tr('app.col.idea'))}</th><th class='num'>{rank} A</th>"
                  f"<th class='num'>{rank} B</th>"
                  f"<th class='num'>{escape(tr('scen.moved'))}</th>")  # fmt: skip
        same = f"<p class='pw-muted'>{escape(tr('scen.same_order'))}</p>" if not cmp.moved else ""
        self.comparison.value = (
            f"<p class='pw-muted'>A = {escape(cmp.a.label)}, B = {escape(cmp.b.label)}</p>"
            + views.scroll_x(f"<table class='pw-table pw-compare-weights'><thead><tr>{head_w}</tr>"
                             f"</thead><tbody>{rows_w}</tbody></table>", "A / B")
            + same
            + (f"<h3>{escape(tr('scen.moved_title'))}</h3>"
               + views.scroll_x(f"<table class='pw-table pw-compare-ranking'><thead><tr>{head_r}"
                                f"</tr></thead><tbody>{rows_r}</tbody></table>",
                                tr("scen.moved_title"))
               if cmp.moved else "")
        )  # fmt: skip
