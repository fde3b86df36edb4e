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
        options = self.job_options()
        if options is None:
            self.status.value = f"<p class='pw-box'>{escape(tr('weights.all_zero'))}</p>"
            return
        lang = get_language()
        self.button.disabled = True
        self.progress.value = 1
        self.progress.layout.visibility = "visible"
        self.link.value = ""
        self.status.value = f"<p class='pw-muted'>{escape(tr('pdf.busy'))}</p>"
        self.thread = threading.Thread(target=self._build, args=(options, lang), daemon=True)
        self.thread.start()

    def job_options(self) -> dict | None:
        """What the report is made of, taken when the member asks (None when every weight is
        0): the opened scenario itself while its weights, method and budget are in force
        (so the PDF is that stored version), else the member's weights and budget, with the
        scenario they were changed from for the decision record."""
        state = self.app.state
        weights = state.weights()
        if weights is None:
            return None
        if state.opened_as_is():
            sc = state.opened
            return {"scenarios": [f"{sc.name}@{sc.version}"], "store": state.opened_store}
        return {
            "weights": ",".join(f"{c}={float(v):.12g}" for c, v in weights.items()),
            "method": state.method, "aggregate": state.prepared.aggregate,
            "budget": state.run().budget.total,  # the budgets the member looked at
            "budget_per_year": state.run().budget.per_year or None,
            "based_on": state.opened,
        }  # fmt: skip

    def job(self, out: Path, lang: str, options: dict):
        """The :class:`~prioritisation.report.jobs.ReportJob` for ``options`` (checked)."""
        from prioritisation.report.jobs import plan_jobs

        state = self.app.state
        (job,) = plan_jobs(state.path, out, langs=[lang], wb=state.wb, **options)
        return job

    def _step(self) -> None:
        self.progress.value = min(self.progress.max, self.progress.value + 1)

    def _build(self, options: dict, lang: str) -> None:
        from prioritisation.report.pipeline import build

        name = ("rapport" if lang == "nl" else "report") + ".pdf"
        try:
            with tempfile.TemporaryDirectory(prefix="prioritisation-app-pdf-") as tmp:
                job = self.job(Path(tmp) / name, lang, options)
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
