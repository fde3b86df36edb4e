"""The pipeline: checking an executed notebook, and papermill → WeasyPrint end to end (slow),
also from a plain (non-editable) install of the package."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest

from prioritisation.data.workbook import read_workbook
from prioritisation.report import pipeline
from prioritisation.report.jobs import plan_jobs, scenario_part
from prioritisation.report.markup import END_MARKER
from prioritisation.report.pipeline import ReportError, check_executed

from ..conftest import ROOT, SAMPLE, run_cli, xlsx
from .conftest import INELIGIBLE, INJECTION, pdf_text


def _executed(outputs_per_cell, statuses=None):
    nb = nbformat.v4.new_notebook()
    for i, outputs in enumerate(outputs_per_cell):
        cell = nbformat.v4.new_code_cell("x")
        cell.outputs = outputs
        cell.metadata["papermill"] = {"status": (statuses or {}).get(i, "completed")}
        nb.cells.append(cell)
    return nb


def _html(text):
    return nbformat.v4.new_output("display_data", data={"text/html": text})


def pdf_structure(path: Path) -> dict:
    """What a screen reader relies on: the catalogue's /Lang, /MarkInfo and /StructTreeRoot,
    the document title, and the /Alt of every /Figure in the structure tree."""
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    root = reader.trailer["/Root"]
    figures: list = []

    def walk(node):
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, dict):
            if node.get("/S") == "/Figure":
                figures.append(node.get("/Alt"))
            kids = node.get("/K")
            if kids is not None:
                walk(kids)
        elif isinstance(node, list):
            for kid in node:
                walk(kid)

    if "/StructTreeRoot" in root:
        walk(root["/StructTreeRoot"])
    return {"lang": str(root.get("/Lang")),
            "marked": bool((root.get("/MarkInfo") or {}).get("/Marked")),
            "tagged": "/StructTreeRoot" in root, "title": reader.metadata.title,
            "display_title": bool((root.get("/ViewerPreferences") or {}).get("/DisplayDocTitle")),
            "figures": [None if alt is None else str(alt) for alt in figures]}  # fmt: skip


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_pdf_is_tagged_with_language_title_and_text_alternatives(tmp_path, lang):
    """Template and WeasyPrint (no kernel): PDF/UA tags, /Lang, the title, /Alt per chart."""
    from prioritisation.explain.charts import description
    from prioritisation.explain.charts.ranking import weights_chart
    from prioritisation.report import overview
    from prioritisation.report.context import build_context
    from prioritisation.report.jobs import ReportJob

    ctx = build_context(str(SAMPLE), lang=lang, date="2027-01-15")
    nb = _executed([[_html(overview.cover(ctx))], [_html(overview.criteria_section(ctx))],
                    [_html(overview.value_cost_section(ctx) + END_MARKER)]])  # fmt: skip
    job = ReportJob(workbook=str(SAMPLE), out=tmp_path / "r.pdf", lang=lang)
    html = pipeline.to_html(nb, job)
    tag = {"nl": "nl-BE", "en": "en-GB"}[lang]
    assert f'<html lang="{tag}">' in html
    pipeline.to_pdf(html, tmp_path / "r.pdf", str(tmp_path), "r.pdf")
    found = pdf_structure(tmp_path / "r.pdf")
    assert found["lang"] == tag and found["marked"] is True and found["tagged"]
    assert found["title"] == ctx.title and found["display_title"] is True
    r = ctx.ranking
    weights = description(weights_chart(r.weights, r.labels, width=300))
    assert found["figures"][0] == weights and len(found["figures"]) == 2
    assert all(alt and len(alt) > 40 for alt in found["figures"]), found["figures"]


def test_no_line_ends_in_a_lone_euro(tmp_path):
    """In a narrow column the amounts wrap as a whole; with an ordinary space they would not."""
    from prioritisation.core.i18n import fmt_money

    amounts = " ".join(f"kost {fmt_money(v, lang='nl')} of" for v in (5_000, 1_500_000, 45_000) * 6)
    lone = {}
    for name, text in (("no-break", amounts), ("plain", amounts.replace("\u00a0", " "))):
        html = (f'<html lang="nl-BE"><head><title>€</title></head><body>'
                f'<p style="width: 2.6cm; font: 11pt DejaVu Sans">{text}</p></body></html>')  # fmt: skip
        pdf = tmp_path / f"{name}.pdf"
        pipeline.to_pdf(html, pdf, str(tmp_path), pdf.name)
        from pypdf import PdfReader

        lines = "\n".join(p.extract_text() for p in PdfReader(str(pdf)).pages).splitlines()
        assert len(lines) > 10
        lone[name] = [line for line in lines if line.rstrip().endswith("€")]
    assert lone["no-break"] == []
    assert lone["plain"], "the check must see a lone € when the space can break"


def test_check_executed_accepts_a_complete_run():
    check_executed(_executed([[_html("<p>a</p>")], [_html(END_MARKER)]]), "r")


def test_check_executed_catches_errors_timeouts_and_missing_end():
    error = nbformat.v4.new_output("error", ename="KeyError", evalue="'x'", traceback=[])
    with pytest.raises(ReportError, match="KeyError"):
        check_executed(_executed([[error], [_html(END_MARKER)]]), "r")
    with pytest.raises(ReportError):  # papermill leaves a timed-out cell "running"
        check_executed(_executed([[], []], statuses={1: "running"}), "r")
    with pytest.raises(ReportError):
        check_executed(_executed([[_html("<p>a</p>")], []]), "r")


# --------------------------------------------------------------------------- the pipeline


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """One CLI call: both languages, an HTML-injection title, HTML kept for inspection."""
    out = tmp_path_factory.mktemp("reports")
    proc = run_cli("report", SAMPLE, "--out", out / "rapport.pdf", "--lang", "nl,en",
                   "--title", INJECTION, "--keep-html", out / "html")  # fmt: skip
    return out, proc


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_pdf_holds_winner_reasons_labels_and_sha(batch, lang):
    out, proc = batch
    assert proc.returncode == 0, proc.stderr
    pdf = out / f"rapport-{lang}.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    text = pdf_text(pdf)
    wb_sha = read_workbook(SAMPLE).sha256
    assert wb_sha[:12] in text
    assert "ELOKET" in text and "Hulp bij e-loket en Mijn Burgerprofiel" in text
    for iid in INELIGIBLE:
        assert iid in text
    if lang == "nl":
        labels = ("Innovatiewaarde", "Wenselijkheid", "Financiële leefbaarheid",
                  "Technische haalbaarheid")  # fmt: skip
        for phrase in ("Ideeën die het niet haalden", "onder de drempel 2,00 (0,29 te laag)",
                       "€ 1.500.000", "Beslissingsrecord", "pagina 2 /",
                       "Gefinancierd binnen het budget", "Budgetlijn", "Afhankelijkheid",
                       "Roadmap", "Hoe stevig is de rangschikking?"):  # fmt: skip
            assert phrase in text, phrase
    else:
        labels = ("Innovation value", "Desirability", "Financial viability",
                  "Technical feasibility")  # fmt: skip
        for phrase in ("Ideas that did not make it", "below the threshold 2.00 (0.29 short)",
                       "€1,500,000", "Decision record", "page 2 /",
                       "Funded within the budget", "Budget line", "Dependency", "Roadmap",
                       "How solid is the ranking?"):  # fmt: skip
            assert phrase in text, phrase
    for label in labels:
        assert label in text, label


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_published_pdf_is_accessible(batch, lang):
    """The whole report: tagged (PDF/UA-1), its language and title, every chart described."""
    import datetime as dt

    from prioritisation.core.i18n import fmt_date

    out, proc = batch
    assert proc.returncode == 0, proc.stderr
    found = pdf_structure(out / f"rapport-{lang}.pdf")
    assert found["lang"] == {"nl": "nl-BE", "en": "en-GB"}[lang]
    assert found["marked"] and found["tagged"] and found["display_title"]
    assert found["title"] == INJECTION  # the --title, as text
    html = (out / "html" / f"rapport-{lang}.report.html").read_text(encoding="utf-8")
    assert len(found["figures"]) == html.count("<img ") >= 6
    assert all(alt and len(alt) > 40 for alt in found["figures"]), found["figures"]
    text = pdf_text(out / f"rapport-{lang}.pdf")
    assert fmt_date(dt.date.today(), lang) in text  # the cover's date, the Belgian way in nl
    assert not re.search(r"€\s?\d+(?:[.,]\d+)?\s?[kM]\b", text)  # amounts in full


@pytest.mark.slow
def test_pdf_shows_an_html_title_as_text(batch):
    out, proc = batch
    assert proc.returncode == 0, proc.stderr
    text = pdf_text(out / "rapport-nl.pdf")
    assert '<script>alert("x")</script> & <b>vet</b>' in text
    html = (out / "html" / "rapport-nl.report.html").read_text(encoding="utf-8")
    assert "<script" not in html and "&lt;script&gt;" in html
    assert "overview.cover" not in html and "build_context" not in html  # no code in the report


@pytest.mark.slow
def test_bad_workbook_exits_2_and_leaves_no_pdf(tmp_path):
    bad = xlsx(tmp_path, ideas=[["id", "title", "cost"], ["A", "x", "veel"]])
    out = tmp_path / "r.pdf"
    proc = run_cli("report", bad, "--out", out)
    assert proc.returncode == 2
    assert "veel" in proc.stderr and "Traceback" not in proc.stderr
    assert not out.exists() and not list(tmp_path.glob("*.pdf*"))


@pytest.mark.slow
def test_scenario_without_a_store_exits_2_and_leaves_no_pdf(tmp_path):
    proc = run_cli("report", SAMPLE, "--out", tmp_path / "r.pdf", "--scenario", "basis")
    assert proc.returncode == 2 and "scenario" in proc.stderr
    assert not (tmp_path / "r.pdf").exists()


@pytest.mark.slow
def test_cell_error_and_timeout_leave_no_file(tmp_path, monkeypatch):
    """A cell that fails or runs too long: exit non-zero, the old file at --out untouched."""
    out = tmp_path / "r.pdf"
    out.write_bytes(b"old")
    for source, match in (("raise RuntimeError('kapot')", "kapot"),
                          ("import time\ntime.sleep(60)", "langer dan 3 s")):  # fmt: skip
        nb = nbformat.v4.new_notebook()
        params = nbformat.v4.new_code_cell("workbook = ''")
        params.metadata["tags"] = ["parameters"]
        nb.cells = [params, nbformat.v4.new_code_cell(source)]
        nb.metadata["kernelspec"] = {"name": "python3", "language": "python",
                                     "display_name": "Python 3"}  # fmt: skip
        template = tmp_path / "broken.ipynb"
        nbformat.write(nb, template)
        monkeypatch.setattr(pipeline, "NOTEBOOK", template)
        jobs = plan_jobs(SAMPLE, out, force=True)  # "old" is not a report: --force
        with pytest.raises(ReportError, match=match):
            pipeline.make_reports(jobs, timeout=3, progress=False)
        assert out.read_bytes() == b"old"
        assert not list(tmp_path.glob(".r.pdf*"))


@pytest.mark.slow
def test_pdf_for_every_scenario_in_one_call(stored, tmp_path):
    out = tmp_path / "out"
    proc = run_cli("report", stored, "--scenario", "all", "--out", f"{out}/")
    assert proc.returncode == 0, proc.stderr
    names = sorted(p.name for p in out.iterdir())
    assert names == [f"sample-{scenario_part('Basis')}.pdf",
                     f"sample-{scenario_part('Lezen <eerst>')}.pdf"]  # fmt: skip
    text = pdf_text(out / f"sample-{scenario_part('Basis')}.pdf")
    assert "Basis (versie 2)" in text and "Carla" in text


PACKAGE_DATA = (
    "prioritisation/report/report.ipynb",
    "prioritisation/report/templates/report/index.html.j2",
    "prioritisation/report/templates/report/report.css",
    "prioritisation/report/templates/report/conf.json",
    "prioritisation/locale/nl/LC_MESSAGES/messages.po",
    "prioritisation/locale/en/LC_MESSAGES/messages.po",
    "prioritisation/app/config/voila.json",
    "prioritisation/app/jupyter/voila/templates/prioritisation/index.html.j2",
)


def _run(*args, cwd=None, env=None, timeout=600):
    proc = subprocess.run([str(a) for a in args], capture_output=True, text=True, cwd=cwd,
                          env=env, timeout=timeout)  # fmt: skip
    assert proc.returncode == 0, (args, proc.stdout[-2000:], proc.stderr[-2000:])
    return proc


@pytest.mark.slow
def test_a_plain_install_makes_the_report(tmp_path):
    """A wheel (not an editable install) carries the notebook and templates: from another
    folder, ``prioritisation init`` and ``prioritisation report`` make a PDF with pages.

    The wheel is built from a copy of the sources (no stale ``build/`` folder of the
    checkout can leak into it) and installed without dependencies into a fresh venv that
    sees the project venv's packages through a ``.pth`` line (its ``.pth`` files, such as
    the editable install's, are not processed, so ``prioritisation`` comes from the wheel);
    ``JUPYTER_PATH`` points at the project venv's data files (nbconvert's base templates),
    which a full install would have put in the new venv.
    """
    import shutil
    import site

    from pypdf import PdfReader

    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    shutil.copytree(ROOT / "prioritisation", src / "prioritisation",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))  # fmt: skip
    wheels = tmp_path / "wheels"
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", wheels, src)
    (wheel,) = wheels.glob("prioritisation-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = [n for n in PACKAGE_DATA if n not in names]
    assert not missing, missing

    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / "bin" / "python"
    purelib = _run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))")
    (Path(purelib.stdout.strip()) / "project-venv.pth").write_text(
        "\n".join(site.getsitepackages()) + "\n"
    )
    _run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--quiet", wheel)

    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["JUPYTER_PATH"] = str(Path(sys.prefix) / "share" / "jupyter")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = _run(python, "-c", "import prioritisation; print(prioritisation.__file__)",
                 cwd=elsewhere, env=env)  # fmt: skip
    assert Path(where.stdout.strip()).is_relative_to(venv), where.stdout
    cli = venv / "bin" / "prioritisation"
    _run(cli, "init", "x", cwd=elsewhere, env=env)
    _run(cli, "report", "x/workbook.xlsx", "--out", "x.pdf", cwd=elsewhere, env=env)
    pdf = elsewhere / "x.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    assert len(PdfReader(str(pdf)).pages) > 5


# --------------------------------------------------------------------------- interrupted runs


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()  # reaped: the PID runs no more
    return proc.pid


def test_work_folders_of_killed_runs_are_removed_on_the_next_run(tmp_path):
    import time

    dead = tmp_path / f"{pipeline.TEMP_PREFIX}{_dead_pid()}-abc"
    alive = tmp_path / f"{pipeline.TEMP_PREFIX}{os.getppid()}-def"  # another live run
    old = tmp_path / f"{pipeline.TEMP_PREFIX}xyz"  # an older version's name, two days old
    young = tmp_path / f"{pipeline.TEMP_PREFIX}uvw"
    other = tmp_path / f"something-{_dead_pid()}-else"
    for folder in (dead, alive, old, young, other):
        (folder / "job0").mkdir(parents=True)
        (folder / "job0" / "executed.ipynb").write_text("{}")
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(old, (two_days_ago, two_days_ago))
    with pipeline.work_folder(tmp_path) as mine:
        assert mine.name.startswith(f"{pipeline.TEMP_PREFIX}{os.getpid()}-")
        assert not dead.exists() and not old.exists()
        assert alive.exists() and young.exists() and other.exists()
    assert not mine.exists()


def test_a_killed_runs_partial_copy_is_removed(tmp_path):
    pdf = tmp_path / "built.pdf"
    pdf.write_bytes(b"%PDF new")
    out = tmp_path / "r.pdf"
    stale = tmp_path / f".r.pdf.{_dead_pid()}.partial"
    stale.write_bytes(b"half")
    assert pipeline._move_into_place(pdf, out) == out
    assert out.read_bytes() == b"%PDF new" and not stale.exists()


@pytest.mark.slow
def test_a_report_killed_with_sigkill_leaves_nothing_after_the_next_run(tmp_path):
    import signal
    import time

    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(tmp)}
    log = tmp_path / "stderr.txt"

    def start():
        with open(log, "wb") as err:
            return subprocess.Popen([sys.executable, "-m", "prioritisation", "report", str(SAMPLE),
                                     "--out", str(tmp_path / "r.pdf")], env=env,
                                    stdout=subprocess.DEVNULL, stderr=err)  # fmt: skip

    # its message is kept: in CI a deep pytest folder once made the kernel's socket path too long
    proc = start()
    try:
        deadline = time.time() + 120
        while not list(tmp.glob(f"{pipeline.TEMP_PREFIX}{proc.pid}-*/job0")):
            assert time.time() < deadline and proc.poll() is None, log.read_text(errors="replace")
            time.sleep(0.1)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    time.sleep(1)  # the orphaned kernel notices its parent is gone
    assert list(tmp.glob(f"{pipeline.TEMP_PREFIX}{proc.pid}-*"))
    pipeline.clean_stale(tmp)
    assert not list(tmp.glob(f"{pipeline.TEMP_PREFIX}*"))
    assert not (tmp_path / "r.pdf").exists()


# --------------------------------------------------------------------------- a full disk


def test_a_full_disk_while_moving_into_place_is_an_environment_failure(tmp_path, monkeypatch):
    import errno

    from prioritisation.core.errors import EnvironmentFailure

    def full(src, dst):
        open(dst, "wb").close()
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pipeline.shutil, "copyfile", full)
    pdf = tmp_path / "built.pdf"
    pdf.write_bytes(b"%PDF")
    out = tmp_path / "r.pdf"
    with pytest.raises(EnvironmentFailure) as err:
        pipeline._move_into_place(pdf, out)
    assert err.value.exit_code == 3 and str(out) in err.value.lines()[0]
    assert "de schijf is vol" in err.value.lines()[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["built.pdf"]  # no partial copy


def test_a_full_disk_while_rendering_is_not_a_report_error(tmp_path, monkeypatch):
    import errno

    import weasyprint

    from prioritisation.core.errors import EnvironmentFailure

    def full(self, target=None, **kw):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", full)
    with pytest.raises(EnvironmentFailure, match="schijf is vol"):
        pipeline.to_pdf("<p>x</p>", tmp_path / "r.pdf", str(tmp_path), "r.pdf")


def test_a_deep_working_folder_talks_tcp_not_over_a_too_long_socket_path(tmp_path):
    """ "ZMQError: File name too long" once stopped a report whose temporary folder was deep."""
    short = pipeline.kernel_manager_class(Path("/tmp/r"))
    deep = pipeline.kernel_manager_class(tmp_path / ("x" * 120))
    assert (short().transport, short().ip) == ("ipc", "/tmp/r/kernel")
    assert (deep().transport, deep().ip) == ("tcp", "127.0.0.1")


@pytest.mark.slow
def test_a_report_in_a_deep_temporary_folder_is_made(tmp_path):
    deep = tmp_path / ("t" * 90)
    deep.mkdir()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(deep)}
    proc = subprocess.run([sys.executable, "-m", "prioritisation", "report", str(SAMPLE),
                           "--out", str(tmp_path / "r.pdf")], env=env, capture_output=True,
                          text=True, timeout=300)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")
