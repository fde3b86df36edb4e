"""The Group tab and the "share my weights" action: a steering group's round, live on every page.

One :class:`GroupPanel` per page (kernel). It opens the scenario store once and runs a
:class:`~prioritisation.app.live.Watch` on it, so that what any member does (share or change
weights, the chair revealing or closing the round) shows on every page within about a
second, without a reload; the scenario list of the "save" tab listens to the same watch.

What the tab shows (:mod:`prioritisation.app.group_views`): the round's state; the members ×
criteria weights (a table and a strip chart) with the group's weights; the compromise and each
member's satisfaction; the compromise set beside the set the group's weights fund; each
member's top 5 beside the group's; core / contested / never; the ranking under the group's
weights. Without an open round it shows the workbook's own member weights
(:func:`~prioritisation.decisions.group_weights.member_weight_sets`).

Who may do what comes from the login, kept in the kernel
(:mod:`prioritisation.app.identity`): a member (or the chair) shares their own weights; the
chair (the ``members`` sheet's chair, or a login named with ``prioritisation app --chair``)
opens a round, reveals a blind one and closes it; under JupyterHub a hub admin's own server
names its owner so (:class:`~prioritisation.app.hub.config.SpawnPlan`). Unverified pages (no
login) pick a name and say "niet geverifieerd"; nobody unverified is a chair.

The panel's widgets are made with the page, before its login is known (a preheated kernel makes
them while it waits in the pool); :meth:`GroupPanel.identify` adds what the login decides.

A round's analysis is solved once per change: the page that shares solves it and stores it
with the round (:func:`~prioritisation.scenarios.rounds.store_result`, keyed by the inputs'
digest); the other pages read it, or solve it themselves if it does not come.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import replace

import ipywidgets as w
import pandas as pd

from prioritisation.app import CHAIR_ENV
from prioritisation.app import group_views as gv
from prioritisation.app.group_views import qr_svg
from prioritisation.core.errors import PrioritisationError
from prioritisation.core.i18n import get_language, tr
from prioritisation.core.text import escape
from prioritisation.explain.round_text import shared_text

URL_ENV = "PRIORITISATION_APP_URL"  # the address members open (the join link and QR code)
WAIT_FOR_RESULT = 3.0  # seconds a page waits for the sharing page's result before solving
_ANALYSES: dict[str, object] = {}  # inputs digest → analysis of a workbook's own sets (per process)


def chair_logins() -> set[str]:
    """The logins (or member names) named with ``--chair``, lower-cased."""
    return {p.strip().casefold() for p in os.environ.get(CHAIR_ENV, "").split(",") if p.strip()}


def acts_as_chair(identity) -> bool:
    """A verified login that is the workbook's chair or was named with ``--chair``.

    >>> from prioritisation.app.identity import Identity
    >>> acts_as_chair(Identity(None)), acts_as_chair(Identity("an", "header", "An", "chair"))
    (False, True)
    """
    if not identity.verified or not identity.listed:
        return False
    named = chair_logins()
    return identity.is_chair or str(identity.name).casefold() in named or (
        str(identity.member or "").casefold() in named
    )  # fmt: skip


def voters(wb) -> list[str]:
    """The member names that may share weights: the ``members`` sheet's members and chair,
    else the members of the workbook's own member weights."""
    members = getattr(wb, "members", None)
    if members is not None and not members.empty:
        return [str(r["name"]) for _, r in members.iterrows() if r["role"] in ("member", "chair")]
    try:
        from prioritisation.decisions.group_weights import member_weight_sets

        return list(member_weight_sets(wb).index)
    except PrioritisationError:
        return []


def current_round(store, wb):
    """The round this workbook's pages show: the latest open round on this very workbook,
    else the latest closed one, else ``None``."""
    import sqlalchemy as sa

    from prioritisation.scenarios.rounds import get_round
    from prioritisation.scenarios.schema import rounds_table

    t = rounds_table
    with store.engine.connect() as conn:
        names = [r[0] for r in conn.execute(
            sa.select(t.c.name).where(t.c.workbook_sha256 == wb.sha256).order_by(t.c.id.desc()))]  # fmt: skip
    rounds = [get_round(store, n) for n in names]
    return next((r for r in rounds if not r.closed), rounds[0] if rounds else None)


def join_url() -> str:
    """The address members open: ``$PRIORITISATION_APP_URL`` (set by ``prioritisation app``)."""
    return os.environ.get(URL_ENV, "").strip()


class GroupPanel:
    """The page's part in a round: the watch, the sidebar's share box, the Group tab."""

    def __init__(self, app):
        """The widgets and the store, before the page's login is known (a preheated kernel
        makes them while it waits in the pool); :meth:`identify` does the rest."""
        from prioritisation.app.live import Watch, fingerprint
        from prioritisation.scenarios.db import open_store

        self.app = app
        self.identity = None  # the login, in the workbook's terms: see identify()
        self.chair = False
        self.store, self.error = None, ""
        try:
            self.store = open_store(app.state.path)
        except Exception as exc:  # noqa: BLE001 - one line; the rest of the app works
            self.error = tr("scen.no_store", None, error=f"{type(exc).__name__}: {exc}")
        self.beat = w.HTML().add_class("pw-live")
        self.watch = Watch(lambda: fingerprint(self.store), beat=self.beat)
        self.view: gv.GroupView | None = None
        self.picked: str | None = None  # the name an unverified page shares under
        self.mine_pending = False  # this page shared: it solves and stores the analysis
        self.waiting: dict[str, float] = {}  # digest → when this page first saw it unsolved
        from prioritisation.app.group_pdf import DecisionPdf

        self.pdf = DecisionPdf(self)
        self.seen = False  # the tab was opened: the workbook's own sets are analysed then
        self.restored = False
        self.build()
        self.watch.listen("group", self.compute, self.apply)

    def identify(self, identity) -> None:
        """The page's login (:class:`~prioritisation.app.identity.Identity`) is known: whom
        this page speaks for and whether it chairs, a reconnected member's last shared
        weights (``restored``), the name to pick when unverified; then the watch starts."""
        self.identity = identity.in_workbook(self.app.state.wb)
        self.chair = acts_as_chair(self.identity)
        self.restored = self.restore()
        if not self.identity.verified:
            self.share_box.children = (self._name_pick(), *self.share_box.children)
        if self.store is not None:
            self.watch.start()  # outside a kernel (a test) nothing runs: call watch.check()

    def render(self) -> None:
        """The tab is shown: analyse the workbook's own sets now if that was put off."""
        if self.identity is None:
            return  # the login is still to come: identify() starts the watch
        if not self.seen:
            self.seen = True
            if self.view is None or self.view.analysis is None:
                self.watch.poke()
                if self.watch.loop is None and self.store is not None:
                    self.watch.check()

    # ------------------------------------------------------------------ identity

    @property
    def who(self) -> str | None:
        """The member name this page speaks for (the login's, or the name picked unverified)."""
        if self.identity is None:
            return None
        return self.identity.member if self.identity.verified else self.picked

    @property
    def by(self) -> str | None:
        """Who acts, as the store records it."""
        if self.identity is None:
            return None
        if self.identity.verified:
            return self.identity.name
        return f"{self.picked} (unverified)" if self.picked else None

    def may_share(self) -> bool:
        if self.identity is None:
            return False
        if not self.identity.verified:
            return bool(self.picked)
        return self.identity.may_save and self.identity.role in ("member", "chair")

    def restore(self) -> bool:
        """After a reconnection (a new kernel): start from this member's last shared weights."""
        if self.store is None or self.identity is None or not self.identity.verified:
            return False
        try:
            rd = current_round(self.store, self.app.state.wb)
            if rd is None or rd.closed:
                return False
            from prioritisation.scenarios.rounds import current_sets

            sets = current_sets(self.store, rd.name)
            if self.who not in sets.index:
                return False
            self.app.state.apply_weights(sets.loc[self.who])
            return True
        except Exception as exc:  # noqa: BLE001 - start from the workbook's weights instead
            print(f"prioritisation app (group): {type(exc).__name__}: {exc}", file=sys.stderr)
            return False

    # ------------------------------------------------------------------ widgets

    def build(self) -> None:
        """(Re)make the widgets in the language in force (the app calls it on a rebuild)."""
        self.watch.lost_text = tr("gtab.connection_lost")
        self.share = w.Button(description=tr("gtab.share"), layout=w.Layout(width="96%"))
        self.share.add_class("pw-share-weights")
        self.share.on_click(self._guard(self._on_share))
        self.share_note = w.HTML().add_class("pw-share-note")
        self.name_pick = None
        box = [self.share, self.share_note]
        if self.identity is not None and not self.identity.verified:
            box = [self._name_pick(), *box]
        self.share_box = w.VBox(box).add_class("pw-share-box")
        self.state_line = w.HTML().add_class("pw-round-line")
        self.message = w.HTML().add_class("pw-group-message")
        self.body = w.HTML().add_class("pw-group-panel")
        # the chair's controls
        self.round_name = w.Text(value=tr("gtab.round_default", None, date=time.strftime("%d-%m-%Y %H:%M")),
                                 description=tr("gtab.round_name"),
                                 layout=w.Layout(width="420px")).add_class("pw-round-name")  # fmt: skip
        self.blind = w.Checkbox(value=True, description=tr("gtab.blind"), indent=False,
                                layout=w.Layout(width="auto"))  # fmt: skip
        self.blind.add_class("pw-round-blind")
        self.open_btn = w.Button(description=tr("gtab.open"), layout=w.Layout(width="260px"))
        self.open_btn.add_class("pw-round-open")
        self.open_btn.on_click(self._guard(self._on_open))
        self.reveal_btn = w.Button(description=tr("gtab.reveal"), layout=w.Layout(width="260px"))
        self.reveal_btn.add_class("pw-round-reveal")
        self.reveal_btn.on_click(self._guard(self._on_reveal))
        self.rule = w.ToggleButtons(options=[(tr("gtab.rule_compromise"), "compromise"),
                                             (tr("gtab.rule_group"), "group")],
                                    value="compromise", style={"button_width": "180px"})  # fmt: skip
        self.rule.add_class("pw-round-rule")
        self.close_btn = w.Button(description=tr("gtab.close"), layout=w.Layout(width="260px"))
        self.close_btn.add_class("pw-round-close")
        self.close_btn.on_click(self._guard(self._on_close))
        self.who_shared = w.HTML().add_class("pw-who-shared-panel")
        self.join = w.HTML().add_class("pw-join")
        self.chair_box = w.VBox([]).add_class("pw-chair-box")
        self.pdf.build(self._guard)  # the decision's PDF
        self.tab = w.VBox([self.state_line, self.message, self.chair_box, self.pdf.box, self.body])
        if self.view is not None:
            self.apply(self.view)

    def _name_pick(self) -> w.Dropdown:
        """An unverified page's choice of the member it shares for."""
        options = [(tr("gtab.pick_name"), "")] + [(n, n) for n in voters(self.app.state.wb)]
        self.name_pick = w.Dropdown(options=options, value=self.picked or "",
                                    description=tr("gtab.pick_label"),  # its accessible name
                                    style={"description_width": "initial"},
                                    layout=w.Layout(width="96%")).add_class("pw-pick-name")  # fmt: skip
        self.name_pick.observe(self._guard(self._on_pick), names="value")
        return self.name_pick

    def _guard(self, callback):
        def run(*args):
            try:
                callback(*args)
            except PrioritisationError as exc:
                self.say(" ".join(exc.lines()), box=True)
            except Exception as exc:  # noqa: BLE001 - a plain line, never a traceback
                print(f"prioritisation app (group): {type(exc).__name__}: {exc}", file=sys.stderr)
                self.say(tr("app.error", None, error=type(exc).__name__), box=True)

        return run

    def say(self, text: str, box: bool = False) -> None:
        cls = "pw-box" if box else "pw-note"
        self.message.value = f"<p class='{cls}' role='status'>{escape(text)}</p>" if text else ""

    # ------------------------------------------------------------------ computing (worker)

    def compute(self, _stamp=None) -> gv.GroupView:
        """The round as this page may see it (in a worker thread; reads, maybe solves)."""
        from prioritisation.decisions.group_decision import inputs_digest

        state = self.app.state
        wb, run = state.wb, state.base
        labels = wb.criterion_labels()
        titles = {str(i): str(t) for i, t in wb.ideas["title"].items()}
        costs = {str(i): float(c) for i, c in wb.ideas["cost"].items() if c == c}
        base = dict(labels=labels, titles=titles, currency=wb.currency, costs=costs,
                    expected=voters(wb), viewer=self.who)  # fmt: skip
        rd = current_round(self.store, wb) if self.store is not None else None
        if rd is None:
            return self._workbook_view(run, base)
        from prioritisation.scenarios import rounds

        sets = rounds.current_sets(self.store, rd.name)
        view = gv.GroupView(source="round", sets=sets, round=rd,
                            visible=rd.visible(self.who, list(sets.index)),
                            shared_at=rounds.last_shared(self.store, rd.name), **base)  # fmt: skip
        if sets.empty:
            return view
        digest = inputs_digest(run, sets)
        found = rounds.stored_result(self.store, rd.name, digest)
        if found is None and rd.closed:
            found = self._closing_result(rd)
        if found is not None:
            from prioritisation.decisions.group_decision import GroupAnalysis

            analysis = GroupAnalysis.from_dict(found)
        else:
            first = self.waiting.setdefault(digest, time.monotonic())
            if not self.mine_pending and time.monotonic() - first < WAIT_FOR_RESULT:
                self.watch.later(lambda _v: self.watch.poke(), None, 0.4)  # look again soon
                return view  # the weights now, the analysis when it comes
            analysis, _ = rounds.round_analysis(self.store, rd.name, run, by=self.by or "app")
            self.mine_pending = False
        return self._with_tops(replace(view, analysis=analysis), run)

    def _closing_result(self, rd):
        """The analysis a closed round was decided on (the close event's digest)."""
        import json

        import sqlalchemy as sa

        from prioritisation.scenarios.rounds import stored_result
        from prioritisation.scenarios.schema import round_events_table as e

        with self.store.engine.connect() as conn:
            row = conn.execute(sa.select(e.c.payload).where(e.c.round_name == rd.name,
                                                            e.c.kind == "close")).first()  # fmt: skip
        if row is None:
            return None
        return stored_result(self.store, rd.name, json.loads(row[0]).get("digest", ""))

    def _workbook_view(self, run, base) -> gv.GroupView:
        from prioritisation.decisions.group_decision import analyse_group, inputs_digest
        from prioritisation.decisions.group_weights import member_weight_sets

        try:
            sets = member_weight_sets(run.wb)
        except PrioritisationError as exc:
            return gv.GroupView(source="workbook", sets=pd.DataFrame(), visible=[],
                                error=" ".join(exc.lines()), **base)  # fmt: skip
        view = gv.GroupView(source="workbook", sets=sets, visible=list(sets.index), **base)
        if sets.empty or not self.seen:
            return view
        digest = inputs_digest(run, sets)
        if digest not in _ANALYSES:
            _ANALYSES[digest] = analyse_group(run, sets)
        return self._with_tops(replace(view, analysis=_ANALYSES[digest]), run)

    def _with_tops(self, view: gv.GroupView, run) -> gv.GroupView:
        from prioritisation.engine.scoring import rank_prepared

        tops = {}
        for m in view.visible:
            weights = view.sets.loc[m].reindex(run.weights.index).fillna(0.0)
            if weights.sum() <= 0:
                continue
            table = rank_prepared(run.prepared, weights / weights.sum(), run.method).table
            ranked = table[table["rank"].notna()].sort_values("rank")
            tops[m] = [str(i) for i in ranked.index[: gv.TOP]]
        return replace(view, tops=tops)

    # ------------------------------------------------------------------ showing (the loop)

    def apply(self, view: gv.GroupView) -> None:
        """Put a computed view on the page (on the kernel's loop)."""
        self.view = view
        lang = get_language()
        self.state_line.value = gv.round_html(view, lang)
        self.body.value = gv.body_html(view, lang)
        self._share_state(view, lang)
        self._chair_controls(view, lang)
        self.pdf.show(view.round, lang)

    def _share_state(self, view: gv.GroupView, lang) -> None:
        rd = view.round
        mine = view.shared_at.get(self.who) if self.who else None
        if not self.identity.verified:
            lines = [tr("gtab.unverified_share", lang)]
        else:
            lines = []
        if rd is None:
            lines.append(tr("gtab.share_no_round", lang))
        elif rd.closed:
            lines.append(tr("gtab.share_closed", lang))
        elif self.who:
            lines.append(shared_text(mine, lang))
        if self.restored and mine is not None and rd is not None and not rd.closed:
            lines.append(tr("gtab.restored", lang))
        if self.identity.verified and not self.may_share():
            lines.append(tr("gtab.share_no_say", lang))
        self.share.disabled = rd is None or rd.closed or not self.may_share()
        self.share_note.value = "".join(f"<div class='pw-muted'>{escape(t)}</div>" for t in lines)

    def _chair_controls(self, view: gv.GroupView, lang) -> None:
        if not self.chair:
            self.chair_box.children = []
            return
        rd = view.round
        head = w.HTML(f"<h3>{escape(tr('gtab.chair_title', lang))}</h3>")
        if rd is None or rd.closed:
            children = [head, self.round_name, self.blind, self.open_btn]
        else:
            children = [head]
            if rd.blind and not rd.revealed:
                children.append(self.reveal_btn)
            self.close_btn.disabled = view.analysis is None
            children += [self.rule, self.close_btn]
        url = join_url()
        if url and rd is not None and not rd.closed:
            self.join.value = (
                f"<div class='pw-join-box'><p>{escape(tr('gtab.join', lang))} "
                f"<a href='{escape(url)}' class='pw-join-link'>{escape(url)}</a></p>"
                f"<div class='pw-qr' role='img' aria-label='{escape(tr('gtab.qr', lang))}'>{qr_svg(url)}</div></div>"
            )  # fmt: skip
            children.append(self.join)
        if rd is not None:
            self.who_shared.value = (f"<p><b>{escape(tr('gtab.who_shared', lang))}</b></p>"
                                     + gv.who_shared_html(view, lang))  # fmt: skip
            children.append(self.who_shared)
        if list(self.chair_box.children) != children:
            self.chair_box.children = children

    # ------------------------------------------------------------------ callbacks

    def _on_pick(self, change) -> None:
        self.picked = change["new"] or None
        if self.view is not None:
            self.apply(replace(self.view, viewer=self.picked))
        self.watch.poke()

    def _on_share(self, _button=None) -> None:
        from prioritisation.scenarios.rounds import share_weights

        rd = self.view.round if self.view is not None else None
        weights = self.app.state.weights()
        if rd is None or rd.closed or not self.may_share():
            return
        if weights is None:
            self.say(tr("weights.all_zero"), box=True)
            return
        share_weights(self.store, rd.name, self.who, weights.to_dict(), by=self.by,
                      wb=self.app.state.wb)  # fmt: skip
        self.mine_pending = True
        self.say(tr("gtab.shared", None, round=rd.name))
        self.watch.poke()

    def _on_open(self, _button=None) -> None:
        from prioritisation.scenarios.rounds import open_round

        if not self.chair:
            return
        open_round(self.store, self.round_name.value, self.app.state.wb,
                   chair=self.identity.member, by=self.identity.name,
                   blind=bool(self.blind.value))  # fmt: skip
        self.say(tr("gtab.opened", None, round=self.round_name.value.strip()))
        self.watch.poke()

    def _on_reveal(self, _button=None) -> None:
        from prioritisation.scenarios.rounds import reveal

        rd = self.view.round if self.view is not None else None
        if not self.chair or rd is None:
            return
        reveal(self.store, rd.name, by=self.identity.member)
        self.say("")
        self.watch.poke()

    def _on_close(self, _button=None) -> None:
        from prioritisation.scenarios.rounds import close_round

        view = self.view
        rd = view.round if view is not None else None
        if not self.chair or rd is None or view.analysis is None:
            return
        lang = get_language()
        saved = close_round(self.store, rd.name, by=self.identity.member, run=self.app.state.base,
                            analysis=view.analysis, rule=self.rule.value, lang=lang)  # fmt: skip
        self.say(tr("gtab.closed", None, round=rd.name, label=saved.label))
        self.pdf.start(saved, lang, anonymous=False, keep=True)
        self.watch.poke()


def attach(app) -> GroupPanel | None:
    """Give the app its Group tab and the sidebar's share box (once per page; on a rebuild
    the widgets are made again in the new language). ``None`` without a usable workbook."""
    if not app.state.ok:
        return None
    panel = getattr(app, "group", None)
    if panel is None:
        panel = GroupPanel(app)
    else:
        panel.build()
    return panel
