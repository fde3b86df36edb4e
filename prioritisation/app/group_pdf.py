"""The report of a round's decision, from the Group tab: made in the background when the chair
closes the round (kept beside the decision and offered for download on every page), and on
request, with the members anonymised ("lid 1, lid 2 …") when asked.

The report is the stored decision's scenario report (:mod:`prioritisation.report.pipeline`),
whose group section (:mod:`prioritisation.report.group`) shows the round.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import ipywidgets as w

from prioritisation.app.views import download_link_html
from prioritisation.core.i18n import get_language, tr
from prioritisation.core.text import escape

FOLDER = "besluiten"  # beside the store: the decisions' reports


def pdf_path(store_url: str, workbook, label: str, lang: str, anonymous: bool = False) -> Path:
    """Where a decision's report is kept: the folder ``besluiten`` beside the store (an
    SQLite file) or beside the workbook (a server store), named after the decision.

    >>> pdf_path("sqlite:////srv/groep/s.sqlite", "/srv/groep/wb.xlsx", "Mei v1", "nl").as_posix()
    '/srv/groep/besluiten/Mei_v1-...-nl.pdf'
    """
    from prioritisation.report.jobs import scenario_part

    if store_url.startswith("sqlite:///"):
        folder = Path(store_url[len("sqlite:///") :]).parent
    else:
        folder = Path(workbook).resolve().parent
    suffix = "-anoniem" if anonymous else ""
    return folder / FOLDER / f"{scenario_part(label)}-{lang}{suffix}.pdf"


class DecisionPdf:
    """The "report of the decision" part of the Group tab (shown once the round is closed)."""

    def __init__(self, panel):
        self.panel = panel
        self.thread: threading.Thread | None = None

    def build(self, guard) -> None:
        self.anonymous = w.Checkbox(value=False, description=tr("gtab.anonymous"), indent=False,
                                    layout=w.Layout(width="auto"))  # fmt: skip
        self.anonymous.add_class("pw-anonymous")
        self.button = w.Button(description=tr("gtab.pdf"), layout=w.Layout(width="260px"))
        self.button.add_class("pw-round-pdf")
        self.button.on_click(guard(self._on_click))
        self.status = w.HTML().add_class("pw-round-pdf-link")
        self.box = w.VBox([]).add_class("pw-round-pdf-box")

    def path(self, label: str, lang: str, anonymous: bool = False) -> Path:
        panel = self.panel
        return pdf_path(panel.store.url, panel.app.state.path, label, lang, anonymous)

    def show(self, rd, lang) -> None:
        """The part as the round's state asks: nothing until it is closed."""
        if rd is None or not rd.closed:
            self.box.children = []
            return
        if self.thread is None and "pw-dl" not in self.status.value:
            self.status.value = self.stored_link(rd, lang)
        children = [w.HTML(f"<h3>{escape(tr('gtab.pdf_title', lang))}</h3>"), self.anonymous,
                    self.button, self.status]  # fmt: skip
        if list(self.box.children) != children:
            self.box.children = children

    def stored_link(self, rd, lang) -> str:
        """A download link to the report made when the round closed (any language)."""
        if not rd.decision:
            return ""
        for code in dict.fromkeys((lang, "nl", "en")):
            path = self.path(rd.decision, code)
            if path.exists():
                return download_link_html(path.read_bytes(), path.name, "application/pdf",
                                          tr("pdf.ready", lang, name=path.name))  # fmt: skip
        return ""

    def _on_click(self, _button=None) -> None:
        panel = self.panel
        rd = panel.view.round if panel.view is not None else None
        if rd is None or not rd.closed or not rd.decision:
            return
        name, _, version = rd.decision.rpartition(" v")
        scenario = panel.store.get(name, int(version))
        self.start(scenario, get_language(), anonymous=bool(self.anonymous.value), keep=False)

    def start(self, scenario, lang: str, anonymous: bool, keep: bool) -> None:
        """Make the decision's report in a background thread (the page keeps working);
        ``keep``: store it beside the decision (the one made when the round closes)."""
        if self.thread is not None:
            return
        self.status.value = f"<p class='pw-muted'>{escape(tr('pdf.busy', lang))}</p>"
        self.thread = threading.Thread(target=self._make, args=(scenario, lang, anonymous, keep),
                                       daemon=True)  # fmt: skip
        self.thread.start()

    def _make(self, scenario, lang: str, anonymous: bool, keep: bool) -> None:
        import shutil
        import tempfile

        from prioritisation.report.jobs import plan_jobs
        from prioritisation.report.pipeline import build

        panel = self.panel
        try:
            target = self.path(scenario.label, lang, anonymous)
            with tempfile.TemporaryDirectory(prefix="prioritisation-round-pdf-") as tmp:
                (job,) = plan_jobs(panel.app.state.path, Path(tmp) / target.name, langs=[lang],
                                   scenarios=[f"{scenario.name}@{scenario.version}"],
                                   store=panel.store.url, wb=panel.app.state.wb,
                                   anonymise=anonymous)  # fmt: skip
                pdf = build(job, Path(tmp) / "work")
                data = pdf.read_bytes()
                if keep:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(pdf, target)
            self.status.value = download_link_html(data, target.name, "application/pdf",
                                                   tr("pdf.ready", lang, name=target.name))  # fmt: skip
        except Exception as exc:  # noqa: BLE001 - one plain line
            print(f"prioritisation app (round pdf): {type(exc).__name__}: {exc}", file=sys.stderr)
            text = (" ".join(exc.lines(lang)) if hasattr(exc, "lines")
                    else tr("pdf.failed", lang, error=type(exc).__name__))  # fmt: skip
            self.status.value = f"<p class='pw-box'>{escape(text)}</p>"
        finally:
            self.thread = None
