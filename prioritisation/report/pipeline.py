"""The report pipeline: papermill → HTML without code → WeasyPrint PDF.

:func:`make_reports` is what ``prioritisation report`` calls, with the jobs that
:func:`prioritisation.report.jobs.plan_jobs` checked and planned (a bad workbook or option
stops there, before any kernel starts). Per report (a language and a scenario or set of
weights):

1. papermill executes ``report.ipynb`` (beside this module, in the package) into a temporary
   folder, in a kernel that runs *this* interpreter with *this* package on its path (not
   whatever ``python3`` kernelspec happens to be installed), with JSON-simple parameters only;
2. the executed notebook is checked: papermill marks a timed-out cell as not failed, so every
   code cell must have run without an error and the last cell's end marker must be there;
3. nbconvert renders the outputs only, with the project's template and print CSS
   (``templates/report`` beside this module);
4. WeasyPrint writes the PDF (A4, page numbers, running header with title and scenario).

Only when *every* requested report has been built are they moved into place, each with one
:func:`os.replace`; a failed run leaves no file at the output path. The work happens in a
temporary folder named ``prioritisation-report-PID-…``; one left behind by a report that was
killed (SIGKILL, SIGTERM, a power cut) is removed by the next report (:func:`clean_stale`).
A full disk or a folder that cannot be written is an
:class:`~prioritisation.core.errors.EnvironmentFailure` (exit code 3), not a report error.
"""

from __future__ import annotations

import glob
import html
import logging
import os
import re
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from prioritisation.core.errors import EnvironmentFailure, PrioritisationError
from prioritisation.core.i18n import language_tag, tr
from prioritisation.core.version import __version__
from prioritisation.report.jobs import ReportJob
from prioritisation.report.kernel import skip_slow_optional_imports
from prioritisation.report.markup import END_MARKER

REPORT_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = REPORT_DIR / "templates"
NOTEBOOK = REPORT_DIR / "report.ipynb"
DEFAULT_TIMEOUT = 120  # seconds per cell
TEMP_PREFIX = "prioritisation-report-"  # + PID + "-": the work folder of one report run
_STALE_UNNAMED = 24 * 3600  # a work folder without a PID (older versions): removed after a day


class ReportError(PrioritisationError):
    """The report could not be built (a cell error, a timeout, layout): exit code 1."""

    exit_code = 1

    def __init__(self, name: str, detail: str):
        self.name, self.detail = name, detail
        super().__init__(tr("report.failed", None, name=name, detail=detail))


# --------------------------------------------------------------------------- the kernel


SOCKET_PATH_MAX = 107  # bytes in a Unix socket address (sun_path), less its final NUL


def kernel_manager_class(folder: Path):
    """A kernel manager that runs this interpreter with this package importable.

    The installed ``python3`` kernelspec may point at another Python (a user-wide spec, a
    system Python); the report must run the code that the command itself runs. The kernel
    talks over local sockets in ``folder`` (private to this report, so kernels running side
    by side never share one) rather than over TCP.
    """
    from jupyter_client.kernelspec import KernelSpec
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import CaselessStrEnum, Unicode

    source_root = str(REPORT_DIR.parents[1])
    pythonpath = os.pathsep.join(p for p in (source_root, os.environ.get("PYTHONPATH")) if p)

    # A Unix socket's path holds at most 107 bytes (with the "-4" port suffix): in a deep
    # temporary folder the kernel could not start ("ZMQError: File name too long"), so there
    # the kernel talks TCP on the loopback address (its messages signed with its key).
    sockets = str(folder / "kernel")
    local = len(os.fsencode(sockets)) + len("-65535") <= SOCKET_PATH_MAX

    class ThisPythonKernelManager(AsyncKernelManager):  # nbclient's default is async
        # Local sockets in the (private, temporary) working folder rather than TCP ports.
        transport = CaselessStrEnum(["tcp", "ipc"], default_value="ipc" if local else "tcp")
        ip = Unicode(sockets if local else "127.0.0.1")

        @property
        def kernel_spec(self):
            if self._kernel_spec is None:
                self._kernel_spec = KernelSpec(
                    argv=[sys.executable, "-m", "prioritisation.report.kernel", "-f", "{connection_file}"],
                    display_name="prioritisation report", language="python",
                    env={"PYTHONPATH": pythonpath, "PYDEVD_DISABLE_FILE_VALIDATION": "1"},
                )  # fmt: skip
            return self._kernel_spec

        async def start_kernel(self, **kw):
            # The kernel's own messages (a shutdown after a timeout is noisy) go to a log
            # beside the notebook, not to the user's terminal.
            log = open(folder / "kernel.log", "ab")  # noqa: SIM115 - the kernel process owns it
            kw.setdefault("stdout", log)
            kw.setdefault("stderr", log)
            try:
                return await super().start_kernel(**kw)
            finally:
                log.close()  # the child process keeps its own descriptor

    return ThisPythonKernelManager


# --------------------------------------------------------------------------- one report


def execute(job: ReportJob, folder: Path, timeout: int = DEFAULT_TIMEOUT):
    """Run the report notebook for ``job`` into ``folder``; the executed, checked notebook."""
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    if not NOTEBOOK.exists():
        raise ReportError(job.name, tr("report.no_notebook", None, path=str(NOTEBOOK)))
    folder.mkdir(parents=True, exist_ok=True)
    executed = folder / "executed.ipynb"
    # papermill (and nbclient through it) log to stderr; the failures are reported below.
    logging.getLogger("papermill").setLevel(logging.CRITICAL)
    try:
        nb = pm.execute_notebook(
            str(NOTEBOOK), str(executed), parameters=job.parameters(), kernel_name="python3",
            # no cwd=: papermill would chdir this whole process, and reports run side by side
            language="python", progress_bar=False, log_output=False,
            execution_timeout=timeout, start_timeout=60,
            # the notebook is written once at the end, not twice per cell
            request_save_on_cell_execute=False,
            kernel_manager_class=kernel_manager_class(folder), shutdown_kernel="immediate",
        )  # fmt: skip
    except PapermillExecutionError as exc:
        raise ReportError(
            job.name, tr("report.cell_error", None, cell=exc.exec_count or exc.cell_index,
                         error=f"{exc.ename}: {_first_line(exc.evalue)}"),
        ) from None  # fmt: skip
    except TimeoutError:  # nbclient's CellTimeoutError; papermill lets it through
        raise ReportError(job.name, tr("report.timeout_any", None, seconds=timeout)) from None
    except Exception as exc:
        failure = EnvironmentFailure.from_os_error(exc, folder)
        if failure is not None:  # a full disk under the temporary folder: not our bug
            raise failure from None
        detail = _describe(exc)
        log = folder / "kernel.log"
        if log.exists() and log.read_text(errors="replace").strip():
            detail += " — " + log.read_text(errors="replace").strip().splitlines()[-1]
        raise ReportError(job.name, tr("report.kernel", None, error=detail)) from None
    check_executed(nb, job.name, timeout)
    return nb


def check_executed(nb, name: str, timeout: int = DEFAULT_TIMEOUT) -> None:
    """Every code cell ran without error and the end marker is there (timeouts included)."""
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                raise ReportError(name, tr("report.cell_error", None, cell=index,
                                           error=f"{output.get('ename')}: "
                                           f"{_first_line(output.get('evalue', ''))}"))  # fmt: skip
        status = cell.get("metadata", {}).get("papermill", {}).get("status")
        if status not in (None, "completed"):
            raise ReportError(name, tr("report.timeout", None, cell=index, seconds=timeout))
    text = "".join(
        str(o.get("data", {}).get("text/html", ""))
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
    )
    if END_MARKER not in text:
        raise ReportError(name, tr("report.incomplete", None, cell=_first_unfinished(nb)))


def _first_unfinished(nb) -> int:
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            status = cell.get("metadata", {}).get("papermill", {}).get("status")
            if status != "completed":
                return index
    return len(nb.cells) - 1


def to_html(nb, job: ReportJob) -> str:
    """The executed notebook as print-ready HTML: outputs only, the project's template."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name="report", extra_template_basedirs=[str(TEMPLATES_DIR)],
        exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True,
        exclude_markdown=True, exclude_raw=True,
    )  # fmt: skip
    title = _running(nb, "running-title") or job.title
    subject = _running(nb, "running-record")
    resources = {"report": {"lang": language_tag(job.lang), "title": title, "subject": subject,
                            "version": __version__}}  # fmt: skip
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    return body


def _running(nb, css_class: str) -> str:
    """The text of a running string (title, decision record) as the cover cell shows it."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            found = re.search(rf'class="{css_class}">(.*?)</div>',
                              str(output.get("data", {}).get("text/html", "")))  # fmt: skip
            if found:
                return html.unescape(found.group(1))
    return ""


def to_pdf(html_text: str, target: Path, base_url: str, name: str) -> None:
    import weasyprint

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    try:
        # PDF/UA-1: tagged (headings, tables, figures with their text alternative), with the
        # document's language and title; screen readers read it in order
        weasyprint.HTML(string=html_text, base_url=base_url).write_pdf(
            str(target), pdf_variant="pdf/ua-1"
        )
    except Exception as exc:  # a layout failure is ours, not the user's
        failure = EnvironmentFailure.from_os_error(exc, target)
        if failure is not None:
            raise failure from None
        raise ReportError(name, tr("report.render", None, error=_describe(exc))) from None


_RENDER_LOCK = threading.Lock()  # nbconvert and WeasyPrint: one report at a time


def build(job: ReportJob, folder: Path, timeout: int = DEFAULT_TIMEOUT,
          step: Callable[[], None] | None = None) -> Path:  # fmt: skip
    """Build one report inside ``folder``; the path of the finished PDF (still in ``folder``)."""
    step = step or (lambda: None)
    folder.mkdir(parents=True, exist_ok=True)
    nb = execute(job, folder, timeout)
    step()
    with _RENDER_LOCK:
        html_text = to_html(nb, job)
        (folder / "report.html").write_text(html_text, encoding="utf-8")
        step()
        pdf = folder / "report.pdf"
        to_pdf(html_text, pdf, str(folder), job.name)
    step()
    return pdf


def preload() -> threading.Thread:
    """Import WeasyPrint and nbconvert in the background while the first kernel runs.

    The Jupyter side that the run itself uses (papermill, nbclient, jupyter_client) is
    imported first in the calling thread: importing the same modules from two threads at
    once can fail half-way.
    """
    import papermill  # noqa: F401

    def work():
        try:
            import weasyprint  # noqa: F401
            from nbconvert import HTMLExporter  # noqa: F401
        except Exception:  # pragma: no cover - the real import reports it later
            pass

    thread = threading.Thread(target=work, name="report-preload", daemon=True)
    thread.start()
    return thread


# --------------------------------------------------------------------------- the batch


def make_reports(
    jobs: Sequence[ReportJob],
    timeout: int = DEFAULT_TIMEOUT,
    progress: bool | None = None,
    keep: Path | None = None,
    workers: int | None = None,
) -> list[Path]:
    """Build every report, then move them all into place (each with one ``os.replace``).

    Several reports run side by side (``workers``, default: up to 2 at once; each has its
    own kernel). ``progress``: a progress bar on stderr (``None``: only when stderr is a
    terminal). ``keep``: also copy each executed notebook and HTML there (to debug the
    layout). If any report fails, none is written.
    """
    from tqdm import tqdm

    skip_slow_optional_imports()
    disable = (not sys.stderr.isatty()) if progress is None else not progress
    workers = max(1, min(len(jobs), workers or min(2, os.cpu_count() or 1)))
    preload()
    with work_folder() as tmp:
        with tqdm(total=3 * len(jobs), desc=tr("report.progress"), unit="",
                  disable=disable, leave=False, file=sys.stderr) as bar:  # fmt: skip

            def one(number: int, job: ReportJob) -> Path:
                return build(job, Path(tmp) / f"job{number}", timeout, step=lambda: bar.update(1))

            if workers == 1:
                pdfs = [one(n, job) for n, job in enumerate(jobs)]
            else:
                with ThreadPoolExecutor(max_workers=workers) as pool:
                    futures = [pool.submit(one, n, job) for n, job in enumerate(jobs)]
                    try:
                        pdfs = [f.result() for f in futures]
                    except BaseException:
                        for f in futures:
                            f.cancel()
                        raise
        if keep is not None:
            keep.mkdir(parents=True, exist_ok=True)
            for number, job in enumerate(jobs):
                for f in ("executed.ipynb", "report.html"):
                    shutil.copy(Path(tmp) / f"job{number}" / f, keep / f"{job.out.stem}.{f}")
        written = []
        for pdf, job in zip(pdfs, jobs, strict=True):
            written.append(_move_into_place(pdf, job.out))
    return written


def _move_into_place(pdf: Path, out: Path) -> Path:
    """Copy beside ``out`` (same file system), then one ``os.replace``.

    The copy is named ``.NAME.PID.partial``; one left by a killed run is removed here.
    """
    _clean_partials(out)
    staged = out.parent / f".{out.name}.{os.getpid()}.partial"
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(pdf, staged)
        os.replace(staged, out)
    except OSError as exc:
        failure = EnvironmentFailure.from_os_error(exc, out)
        if failure is not None:
            raise failure from None
        raise
    finally:
        staged.unlink(missing_ok=True)
    return out


def _clean_partials(out: Path) -> None:
    for staged in out.parent.glob(f".{glob.escape(out.name)}.*.partial"):
        pid = staged.name[len(out.name) + 2 : -len(".partial")]
        if pid.isdigit() and not _alive(int(pid)):
            staged.unlink(missing_ok=True)


# --------------------------------------------------------------------------- work folders


@contextmanager
def work_folder(root: Path | None = None) -> Iterator[Path]:
    """A private temporary folder for one run, named ``prioritisation-report-PID-…`` and
    removed at the end; first, the folders of runs that were killed are removed."""
    clean_stale(root)
    folder = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-", dir=root))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def clean_stale(root: Path | None = None) -> list[Path]:
    """Remove the work folders of report runs that are gone (killed before cleaning up):
    those whose PID no longer runs, and nameless ones (older versions) after a day.
    The folders removed.

    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp())
    >>> alive = root / f"{TEMP_PREFIX}{os.getpid()}-x"
    >>> alive.mkdir()
    >>> clean_stale(root), alive.exists()
    ([], True)
    """
    root = Path(root or tempfile.gettempdir())
    removed = []
    try:
        candidates = list(root.glob(f"{TEMP_PREFIX}*"))
    except OSError:
        return removed
    for folder in candidates:
        match = re.fullmatch(rf"{re.escape(TEMP_PREFIX)}(\d+)-.*", folder.name)
        try:
            if not folder.is_dir() or folder.is_symlink():
                continue
            if match:
                stale = not _alive(int(match.group(1)))
            else:
                stale = time.time() - folder.stat().st_mtime > _STALE_UNNAMED
        except OSError:
            continue
        if stale:
            shutil.rmtree(folder, ignore_errors=True)
            if not folder.exists():
                removed.append(folder)
    return removed


def _alive(pid: int) -> bool:
    """Whether a process with this id runs (a reused PID counts: the folder waits a run)."""
    if pid == os.getpid():
        return True
    if os.name == "nt":  # os.kill(pid, 0) would stop the process there: keep the folder
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True
    return True


def _first_line(text) -> str:
    lines = [ln for ln in str(text or "").splitlines() if ln.strip()]
    return re.sub(r"\x1b\[[0-9;]*m", "", lines[0]) if lines else ""


def _describe(exc: BaseException) -> str:
    text = _first_line(str(exc))
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
