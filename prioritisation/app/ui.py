"""The widgets and their callbacks: widget → observe → layout.

:class:`App` keeps an :class:`~prioritisation.app.state.AppState` (the workbook is read once) and
re-renders only what changed: a slider moves → the shares and the *visible* tab; the other tabs
are marked stale and rendered when opened. Every callback is guarded: an unexpected error shows
a plain message, never a traceback, and the member's settings stay as they were.
"""

from __future__ import annotations

import functools
import sys
import tempfile
import time
from pathlib import Path

import ipywidgets as w

from prioritisation.app import views
from prioritisation.app.state import AppState
from prioritisation.app.style import CSS
from prioritisation.core.i18n import LANGUAGES, N_, fmt_shares, get_language, set_language, tr
from prioritisation.core.text import escape
from prioritisation.data.export import write_xlsx
from prioritisation.explain.sheets import ranking_formats, ranking_sheets


def language_options() -> list[tuple[str, str]]:
    """Every language with a catalogue, each named in its own language ("Nederlands",
    "English", "Français" once a ``fr`` folder is there).

    >>> language_options()[:2]
    [('Nederlands', 'nl'), ('English', 'en')]
    """
    from babel import Locale

    out = []
    for lang in LANGUAGES:
        try:
            name = Locale.parse(lang).get_language_name(lang) or lang
        except (ValueError, TypeError):  # babel knows no such locale: show the code
            name = lang
        out.append((name[:1].upper() + name[1:], lang))
    return out


TABS = ("ranking", "value", "members", "detail", "save", "roadmap", "group")
TAB_TITLES = {"ranking": N_("tab.ranking"), "value": N_("tab.value"),
              "members": N_("tab.members"), "detail": N_("tab.detail"),
              "save": N_("tab.save"), "roadmap": N_("tab.roadmap"),
              "group": N_("tab.group")}  # fmt: skip


def guarded(method):
    """Run a callback; on an unexpected error show a plain message instead of a traceback."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - the member sees one plain line
            print(f"prioritisation app: {type(exc).__name__}: {exc}", file=sys.stderr)
            self.status.value = (
                f'<p class="pw-box">{escape(tr("app.error", None, error=type(exc).__name__))}</p>'
            )

    return wrapper


class App:
    """The steering-group app for one workbook; ``root`` is the widget to display."""

    def __init__(self, state: AppState):
        self.state = state
        self.root = w.VBox(layout=w.Layout(width="100%")).add_class("pw-app")
        self.status = w.HTML().add_class("pw-status")
        self.timings: dict[str, float] = {}
        self._static: tuple | None = None  # (language, the ranking table's unchanging cells)
        self.group = None  # the Group tab and the live watch (prioritisation.app.group)
        self.build()

    def _ipython_display_(self):  # the notebook's last line shows the app
        from IPython.display import display

        display(self.root)

    # ------------------------------------------------------------------ layout

    def build(self) -> None:
        """(Re)build every widget in the language in force; the state is kept."""
        lang = get_language()
        options = language_options()
        self.lang = w.ToggleButtons(options=options, value=lang, description="",
                                    style={"button_width": "96px"},
                                    layout=w.Layout(flex="0 0 auto", min_width="210px"),
                                    tooltips=[tr("app.language")] * len(options)).add_class("pw-lang")  # fmt: skip
        self.lang.observe(self._on_language, names="value")
        style = w.HTML(CSS + f"<span data-pw-lang='{lang}' hidden></span>")
        if not self.state.ok:
            problems = w.HTML(views.problems_html(self.state.problems, self.state.path))
            problems.add_class("pw-problems-panel")
            header = w.HBox([w.HTML(f"<h2>{escape(tr('app.title'))}</h2>"), self.lang],
                            layout=w.Layout(justify_content="space-between"))  # fmt: skip
            self.root.children = [style, header, problems]
            return
        wb = self.state.wb
        title = wb.title or tr("app.title")
        info = tr("app.file", None, name=self.state.name, ideas=len(wb.ideas),
                  assessors=len(wb.assessors))  # fmt: skip
        note = wb.settings.get("note")
        note_html = f"<div class='pw-muted pw-wb-note'>{escape(note)}</div>" if note else ""
        self.who = w.HTML().add_class("pw-who")  # who is signed in: see identified()
        header = w.HBox(
            [w.VBox([w.HTML(f"<h2>{escape(title)}</h2><div class='pw-muted'>{escape(info)}</div>"
                            f"{note_html}"), self.who], layout=w.Layout(flex="1 1 auto")),
             self.lang],
            layout=w.Layout(justify_content="space-between", align_items="flex-start"),
        ).add_class("pw-header")  # fmt: skip
        self.share_slot = w.VBox().add_class("pw-share-slot")  # the group's share box
        self.group_slot = w.VBox().add_class("pw-group-slot")  # the Group tab
        from prioritisation.app.group import attach

        self.group = attach(self)  # its widgets now; what the login decides in identified()
        self.root.children = [style, header, self.status, self._build_body()]
        self.stale = set(TABS)
        self.refresh_shares()
        self.render_visible()
        from prioritisation.app.identity import when_identified

        when_identified(self.identified)

    @guarded
    def identified(self) -> None:
        """The page's login is known (see :func:`~prioritisation.app.identity.when_identified`):
        the header names the member, and the group round's parts come (a reconnected member's
        last shared weights move the sliders)."""
        from prioritisation.app.identity import current_identity

        self.who.value = identity_html(current_identity().in_workbook(self.state.wb))
        if self.group is None:
            return
        if self.group.identity is None:  # once per page (a rebuild in another language keeps it)
            self.group.identify(current_identity())
            if self.group.restored:
                self.show_positions()
                self.weights_changed()
        self.share_slot.children = (self.group.share_box,)
        self.group_slot.children = (self.group.tab,)
        self.root.children = (*self.root.children, self.group.beat)
        if self.scenarios is not None:
            self.scenarios.follow(self.group)
        if self.visible == "group":
            self.group.render()

    def _build_body(self) -> w.Widget:
        labels = self.state.wb.criterion_labels()
        self.sliders: dict[str, w.IntSlider] = {}
        self.shares: dict[str, w.HTML] = {}
        rows = [w.HTML(f"<h3>{escape(tr('weights.title'))}</h3>"
                       f"<div class='pw-muted'>{escape(tr('weights.help'))}</div>")]  # fmt: skip
        for cid in self.state.wb.criterion_ids:
            slider = w.IntSlider(value=self.state.positions.get(cid, 0), min=0, max=100, step=1,
                                 continuous_update=False, readout=False,
                                 description=tr("weights.slider", None, criterion=labels[cid]),
                                 layout=w.Layout(width="96%"))  # fmt: skip
            slider.add_class("pw-weight").add_class(f"pw-weight-{cid}")
            slider.observe(functools.partial(self._on_slider, cid), names="value")
            share = w.HTML().add_class(f"pw-share-{cid}")
            self.sliders[cid], self.shares[cid] = slider, share
            rows += [w.HTML(f"<div class='pw-crit'>{escape(labels[cid])}</div>"), slider, share]
        self.reset = w.Button(description=tr("weights.reset"), layout=w.Layout(width="96%"))
        self.reset.add_class("pw-reset")
        self.reset.on_click(self._on_reset)
        self.weights_note = w.HTML().add_class("pw-weights-note")
        rows += [self.reset, self.weights_note]
        self.slider_box = w.VBox(rows[1:])
        self.ahp = None
        self.mode = w.ToggleButtons(
            options=[(tr("ahp.mode_sliders"), "sliders"), (tr("ahp.mode_pairs"), "pairs")],
            value="sliders", style={"button_width": "128px"},
        ).add_class("pw-weight-mode")  # fmt: skip
        self.mode.observe(self._on_mode, names="value")
        self.slider_box.children += (self.share_slot,)
        side = [rows[0], self.mode, self.slider_box]
        self.sidebar = w.VBox(side, layout=w.Layout(flex="0 0 290px", width="290px",
                                                    padding="0 14px 0 0"))  # fmt: skip
        self.sidebar.add_class("pw-sidebar")
        sidebar = self.sidebar

        # ranking tab
        themes = [(tr("ranking.all_themes"), "")] + [(t, t) for t in self.state.themes()]
        self.theme = w.Dropdown(options=themes, value=self.state.theme or "",
                                description=tr("ranking.theme"),
                                layout=w.Layout(width="420px")).add_class("pw-theme")  # fmt: skip
        self.theme.observe(self._on_theme, names="value")
        self.table = w.HTML().add_class("pw-ranking-panel")
        ranking_tab = w.VBox([self.theme, self.table])
        # value and cost
        self.value_chart = w.HTML().add_class("pw-value-chart")
        self.budget = None  # the engine parts are built when their tab is first opened
        value_tab = w.VBox([
            w.HTML(f"<p class='pw-muted'>{escape(tr('value.help'))}</p>"), self.value_chart,
        ])  # fmt: skip
        # members
        self.members = w.HTML().add_class("pw-members-panel")
        self.robustness = None
        members_tab = w.VBox([self.members])
        # detail
        ideas = self.state.wb.ideas
        self.idea = w.Dropdown(
            options=[(f"{i} · {t}", i) for i, t in ideas["title"].items()],
            value=self.state.selected, description=tr("detail.choose"),
            layout=w.Layout(width="640px"),
        ).add_class("pw-idea")  # fmt: skip
        self.idea.observe(self._on_idea, names="value")
        self.detail = w.HTML().add_class("pw-detail-panel")
        detail_tab = w.VBox([self.idea, self.detail])
        # save and share
        self.excel = w.Button(description=tr("save.excel"), layout=w.Layout(width="260px"))
        self.excel.add_class("pw-excel")
        self.excel.on_click(self._on_excel)
        self.excel_link = w.HTML().add_class("pw-excel-link")
        self.scenarios = self.pdf = self.upload = None
        save_tab = w.VBox([
            w.HTML(f"<h3>{escape(tr('save.excel_title'))}</h3>"
                   f"<p class='pw-muted'>{escape(tr('save.excel_help'))}</p>"),
            self.excel, self.excel_link,
        ])  # fmt: skip
        # the roadmap over the years
        self.roadmap = None
        roadmap_tab = w.VBox([])
        self.tab_boxes = {"value": value_tab, "members": members_tab, "save": save_tab,
                          "roadmap": roadmap_tab}  # fmt: skip
        self.built: set[str] = set()

        self.tabs = w.Tab(children=[ranking_tab, value_tab, members_tab, detail_tab, save_tab,
                                    roadmap_tab, self.group_slot])  # fmt: skip
        self.tabs.titles = [tr(TAB_TITLES[t]) for t in TABS]
        self.tabs.add_class("pw-tabs")
        self.tabs.observe(self._on_tab, names="selected_index")
        main = w.VBox([self.tabs], layout=w.Layout(flex="1 1 auto", min_width="0"))
        main.add_class("pw-main")
        body = w.HBox([sidebar, main], layout=w.Layout(width="100%", align_items="flex-start"))
        return body.add_class("pw-body")

    # ------------------------------------------------------------------ rendering

    @property
    def visible(self) -> str:
        return TABS[self.tabs.selected_index or 0]

    def refresh_shares(self) -> None:
        weights = self.state.weights()
        shares = None if weights is None else fmt_shares(weights.to_dict())  # add up to 100 %
        for cid, share in self.shares.items():
            share.value = views.weight_share_html(None if shares is None else shares[cid])
        self.weights_note.value = (
            f"<p class='pw-box'>{escape(tr('weights.all_zero'))}</p>" if weights is None else ""
        )

    def build_engine_parts(self, tab: str) -> None:
        """Add the parts of a tab that use other engines, the first time the tab is opened
        (fewer widgets to send when the page opens)."""
        if tab in self.built:
            return
        self.built.add(tab)
        box = self.tab_boxes.get(tab)
        if tab == "value":
            from prioritisation.app.budget import BudgetPanel

            self.budget = BudgetPanel(self)
            box.children = [self.budget.head(), *box.children, self.budget.tail()]
        elif tab == "members":
            from prioritisation.app.robustness import RobustnessPanel

            self.robustness = RobustnessPanel(self)
            box.children = [*box.children, self.robustness.widget()]
        elif tab == "save":
            from prioritisation.app.scenarios import ScenarioPanel

            self.scenarios = ScenarioPanel(self)
            box.children = [self.scenarios.widget(), *box.children]
            from prioritisation.app.pdf import PdfPanel

            self.pdf = PdfPanel(self)
            box.children = [*box.children, self.pdf.widget()]
            from prioritisation.app.upload import UploadPanel, is_chair

            if is_chair(self.state.wb):  # only the chair may load a new version of the workbook
                self.upload = UploadPanel(self)
                box.children = [*box.children, self.upload.widget()]
        elif tab == "roadmap":
            from prioritisation.app.roadmap import RoadmapPanel

            self.roadmap = RoadmapPanel(self)
            box.children = [self.roadmap.widget()]

    def reload_workbook(self, message_html: str = "") -> None:
        """Read the workbook again (a new version was installed) and rebuild the page on the
        same tab, ``message_html`` in the status line; the member's weights start afresh."""
        selected = self.tabs.selected_index
        if self.scenarios is not None and self.scenarios.store is not None:
            self.scenarios.store.close()
        self.state = AppState.load(self.state.path)
        self._static = None
        self.build()
        if self.state.ok and selected:
            self.tabs.selected_index = selected
        self.status.value = message_html

    def render_visible(self) -> None:
        tab = self.visible
        self.build_engine_parts(tab)
        if tab in self.stale:
            self.stale.discard(tab)
            getattr(self, f"render_{tab}")()

    def weights_changed(self) -> None:
        self.status.value = ""
        self.excel_link.value = ""  # a file made with other weights would mislead
        if self.pdf is not None:
            self.pdf.weights_changed()
        if self.ahp is not None and self.mode.value == "pairs":
            self.ahp.sync()  # a weight slider moved: the judgments follow
        self.stale = set(TABS)
        self.refresh_shares()
        self.render_visible()

    def render_ranking(self) -> None:
        t0 = time.perf_counter()
        ranking = self.state.ranking()
        if ranking is None:
            self.table.value = self.all_zero_html()
            return
        lang = get_language()
        if self._static is None or self._static[0] != lang:
            self._static = (lang, views.static_cells(ranking, self.state.wb.currency, lang))
        self.table.value = views.ranking_table_html(
            ranking, self.state.theme or None, self.state.wb.currency, lang, self._static[1]
        )
        self.timings["table"] = time.perf_counter() - t0

    def all_zero_html(self) -> str:
        """Where a result would stand when every weight is 0: what to do instead."""
        return f"<p class='pw-box pw-all-zero' role='status'>{escape(tr('weights.all_zero'))}</p>"

    def render_value(self) -> None:
        ranking = self.state.ranking()
        if ranking is None:
            self.value_chart.value = self.all_zero_html()
            return
        if ranking.table["cost"].isna().all():
            self.value_chart.value = f"<p class='pw-note'>{escape(tr('value.no_cost'))}</p>"
            return
        funded = self.budget.render() if self.budget is not None else None
        self.value_chart.value = views.chart_html(
            views.value_cost_svg(ranking, self.state.wb.currency, height=380, funded=funded)
        )

    def render_members(self) -> None:
        """Both views of the members' disagreement, each named, and the robustness below."""
        ranking = self.state.ranking()
        if ranking is None:
            self.members.value = self.all_zero_html()
        else:
            by_scores, by_weights = self.state.consensus("scores"), self.state.consensus("weights")
            self.members.value = (
                views.members_key_html(by_scores)
                + views.members_html(ranking, by_scores, "scores")
                + views.members_html(ranking, by_weights, "weights")
            )
        if self.robustness is not None:
            self.robustness.render()

    def render_detail(self) -> None:
        ranking = self.state.ranking()
        self.detail.value = (
            self.all_zero_html()
            if ranking is None or not self.state.selected
            else views.idea_detail_html(self.state.wb, ranking, self.state.selected)
        )

    def render_save(self) -> None:
        pass  # nothing depends on the weights until a file is asked for

    def render_roadmap(self) -> None:
        if self.roadmap is not None:
            self.roadmap.render()

    def render_group(self) -> None:
        if self.group is not None:  # before the login nothing (identified() renders it then)
            self.group.render()  # the rest follows the store, not the sliders

    # ------------------------------------------------------------------ callbacks

    @guarded
    def _on_slider(self, criterion: str, change) -> None:
        if getattr(self, "_muted", False):
            return
        self.state.set_position(criterion, change["new"])
        self.weights_changed()

    def show_positions(self) -> None:
        """Move the sliders to the state's positions without re-ranking once per slider."""
        self._muted = True
        try:
            for cid, slider in self.sliders.items():
                slider.value = self.state.positions[cid]
        finally:
            self._muted = False

    @guarded
    def _on_reset(self, _button) -> None:
        self.state.reset()
        self.show_positions()
        self.weights_changed()

    @guarded
    def _on_mode(self, change) -> None:
        if change["new"] == "pairs":
            if self.ahp is None:
                from prioritisation.app.ahp import AhpPanel

                self.ahp = AhpPanel(self)
            else:
                self.ahp.sync()  # the weights may have moved since: start from them
            self.sidebar.children = [self.sidebar.children[0], self.mode, self.ahp.widget(),
                                     self.slider_box]  # fmt: skip
        else:
            self.sidebar.children = [self.sidebar.children[0], self.mode, self.slider_box]

    @guarded
    def _on_theme(self, change) -> None:
        self.state.theme = change["new"] or None
        self.render_ranking()

    @guarded
    def _on_idea(self, change) -> None:
        self.state.selected = change["new"]
        self.render_detail()

    @guarded
    def _on_tab(self, change) -> None:
        self.render_visible()

    @guarded
    def _on_language(self, change) -> None:
        set_language(change["new"])
        selected = getattr(self, "tabs", None) and self.tabs.selected_index
        self.build()
        if selected and hasattr(self, "tabs"):
            self.tabs.selected_index = selected

    @guarded
    def _on_excel(self, _button) -> None:
        ranking = self.state.ranking()
        if ranking is None:
            return
        name = "rangschikking.xlsx" if get_language() == "nl" else "ranking.xlsx"
        with tempfile.TemporaryDirectory() as tmp:
            path = write_xlsx(ranking_sheets(ranking), Path(tmp) / name,
                              formats=ranking_formats(ranking))  # fmt: skip
            data = path.read_bytes()
        self.excel_link.value = views.download_link_html(
            data, name, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            tr("save.excel_ready", None, name=name),
        )  # fmt: skip


ROLE_NAMES = {"member": N_("role.member"), "chair": N_("role.chair"),
              "observer": N_("role.observer"), "analyst": N_("role.analyst")}  # fmt: skip


def identity_html(who) -> str:
    """Who is signed in, as the header says it: name and role, "not on the members list",
    or "niet geverifieerd"."""
    if not who.verified:
        return (
            f"<div class='pw-note pw-identity pw-unverified'>{escape(tr('app.unverified'))}</div>"
        )
    if not who.listed:
        text = tr("app.not_listed", None, login=who.name)
        return f"<div class='pw-note pw-identity pw-unlisted'>{escape(text)}</div>"
    text = tr("app.signed_in_as", None, name=who.member, role=tr(ROLE_NAMES[who.role]))
    return f"<div class='pw-muted pw-identity'>{escape(text)}</div>"
