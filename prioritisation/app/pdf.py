"""The "Generate PDF" part of the "save and share" tab: the report pipeline, with progress.

The report (:mod:`prioritisation.report.pipeline`: papermill → HTML → WeasyPrint) is built in a
background thread with the current weights, so the sliders keep working meanwhile; a progress
bar follows its three steps and the finished PDF is offered as a download link.
"""

from __future__ import annotations

import sys
import tempfile
import threading
from pathlib import Path

import ipywidgets as w

from prioritisation.app import views
from prioritisation.core.i18n import get_language, tr
from prioritisation.core.text import escape


class PdfPanel:
    def __init__(self, app):
        self.app = app
        self.button = w.Button(description=tr("pdf.make"), layout=w.Layout(width="260px"))
        self.button.add_class("pw-pdf")
        self.progress = w.IntProgress(value=0, min=0, max=4, layout=w.Layout(width="260px",
                                      visibility="hidden"))  # fmt: skip
        self.progress.add_class("pw-pdf-progress")
        self.status = w.HTML().add_class("pw-pdf-status")
        self.link = w.HTML().add_class("pw-pdf-link")
        self.button.on_click(self._on_click)
        self.thread: threading.Thread | None = None

    def widget(self) -> w.Widget:
        return w.VBox([
            w.HTML(f"<h3>{escape(tr('pdf.title'))}</h3><p class='pw-muted'>{escape(tr('pdf.help'))}</p>"),
            self.button, self.progress, self.status, self.link,
        ])  # fmt: skip

    def weights_changed(self) -> None:
        if self.thread is None:
            self.link.value = ""  # a report made with other weights would mislead

    def _on_click(self, _button) -> None:
        if self.thread is not None:
            return
        weights = self.app.state.weights()
        if weights is None:
            self.status.value = f"<p class='pw-box'>{escape(tr('weights.all_zero'))}</p>"
            return
        spec = ",".join(f"{c}={float(v):.12g}" for c, v in weights.items())
        lang = get_language()
        budget = self.app.state.run().budget.total  # the budget the member looked at
        self.button.disabled = True
        self.progress.value = 1
        self.progress.layout.visibility = "visible"
        self.link.value = ""
        self.status.value = f"<p class='pw-muted'>{escape(tr('pdf.busy'))}</p>"
        self.thread = threading.Thread(target=self._build, args=(spec, lang, budget), daemon=True)
        self.thread.start()

    def _step(self) -> None:
        self.progress.value = min(self.progress.max, self.progress.value + 1)

    def _build(self, spec: str, lang: str, budget: float | None) -> None:
        from prioritisation.report.jobs import plan_jobs
        from prioritisation.report.pipeline import build

        state = self.app.state
        name = ("rapport" if lang == "nl" else "report") + ".pdf"
        try:
            with tempfile.TemporaryDirectory(prefix="prioritisation-app-pdf-") as tmp:
                (job,) = plan_jobs(state.path, Path(tmp) / name, langs=[lang], weights=spec,
                                   method=state.method, aggregate=state.prepared.aggregate,
                                   budget=budget, wb=state.wb)  # fmt: skip
                pdf = build(job, Path(tmp) / "work", step=self._step)
                data = pdf.read_bytes()
            self.link.value = views.download_link_html(
                data, name, "application/pdf", tr("pdf.ready", lang, name=name)
            )
            self.status.value = ""
        except Exception as exc:  # noqa: BLE001 - one plain line for the member
            print(f"prioritisation app (pdf): {type(exc).__name__}: {exc}", file=sys.stderr)
            text = (
                " ".join(exc.lines(lang))
                if hasattr(exc, "lines")
                else tr("pdf.failed", lang, error=type(exc).__name__)
            )
            self.status.value = f"<p class='pw-box'>{escape(text)}</p>"
        finally:
            self.progress.value = self.progress.max
            self.progress.layout.visibility = "hidden"
            self.progress.value = 0
            self.button.disabled = False
            self.thread = None
