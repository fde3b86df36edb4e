"""The chair's upload of a new workbook version, in process (no browser): only the chair sees
it, a bad file shows every problem and replaces nothing, a good one is installed, the previous
kept, and the page reloads the new workbook."""

from __future__ import annotations

import hashlib
import io
import shutil

import ipywidgets as w
import openpyxl
import pytest

from prioritisation.app import USER_HEADER_ENV, build_app, identity
from prioritisation.core.text import escape
from prioritisation.data.versions import kept_versions
from tests.app.conftest import first_ids
from tests.conftest import SAMPLE

SAVE_TAB = 4


def edited(changes) -> bytes:
    book = openpyxl.load_workbook(SAMPLE)
    for (sheet, cell), value in changes.items():
        book[sheet][cell] = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def widgets_in(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from widgets_in(child)


def upload(panel, name: str, data: bytes) -> None:
    """What the browser's file chooser sends: a widget ``update`` of the FileUpload's value,
    deserialised on the kernel as ipywidgets does."""
    panel.upload.set_state({"value": [{"name": name, "type": "", "size": len(data),
                                       "content": memoryview(data),
                                       "last_modified": 1_700_000_000_000}]})  # fmt: skip


@pytest.fixture
def page(tmp_path, monkeypatch):
    """A function opening the app on a copy of the sample as ``login`` (behind the proxy)."""
    workbook = shutil.copy(SAMPLE, tmp_path / "ronde.xlsx")
    monkeypatch.setenv("PRIORITISATION_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv(USER_HEADER_ENV, "X-Remote-User")

    def open_as(login):
        if login is None:
            monkeypatch.delenv(USER_HEADER_ENV)
        else:
            monkeypatch.setenv("HTTP_X_REMOTE_USER", login)
        identity._current = None
        app = build_app(workbook)
        app.tabs.selected_index = SAVE_TAB
        return app

    yield open_as, workbook
    identity._current = None


@pytest.mark.parametrize("login", ["bart", "lies", "zoe", None])
def test_only_the_chair_sees_the_upload(page, login):
    open_as, _ = page
    app = open_as(login)
    assert app.upload is None
    save_tab = app.tabs.children[SAVE_TAB]
    assert not any(isinstance(x, w.FileUpload) for x in widgets_in(save_tab))


def test_a_bad_file_shows_every_problem_and_replaces_nothing(page):
    open_as, workbook = page
    app = open_as("an")
    before, state = workbook.read_bytes(), app.state
    assert any(isinstance(x, w.FileUpload) for x in widgets_in(app.tabs.children[SAVE_TAB]))
    upload(app.upload, "ronde-v2.xlsx", edited({("ideas", "E2"): "veel", ("scores", "D2"): 9}))
    message = app.upload.message.value
    assert "ronde-v2.xlsx is niet geladen: er is niets vervangen" in message
    assert escape("blad 'ideas', rij 2, kolom 'cost'") in message
    assert escape("blad 'scores', rij 2, kolom 'score'") in message
    assert message.count("<li>") >= 2
    assert workbook.read_bytes() == before and kept_versions(workbook) == []
    assert app.state is state and app.upload.upload.value == ()  # ready for the fixed file


def test_a_good_file_is_installed_the_previous_kept_and_the_page_reloads(page):
    open_as, workbook = page
    app = open_as("an")
    old_first = first_ids(app.table.value, 1)
    data = edited({("ideas", "B2"): "Zoeken 2.0"})
    upload(app.upload, "ronde-v2.xlsx", data)
    (kept,) = kept_versions(workbook)
    assert kept.read_bytes() == SAMPLE.read_bytes() and workbook.read_bytes() == data
    status = app.status.value
    assert (
        "nieuwe versie geladen (sha " in status
        and f"vorige bewaard als versions/{kept.name}" in status
    )
    assert app.state.wb.ideas.loc["ZOEK", "title"] == "Zoeken 2.0"
    assert app.state.wb.sha256 == hashlib.sha256(data).hexdigest()
    assert app.tabs.selected_index == SAVE_TAB and app.upload is not None  # rebuilt, still chair
    app.tabs.selected_index = 0
    assert first_ids(app.table.value, 1) == old_first  # same scores: same order
    assert "Zoeken 2.0" in app.table.value


def test_the_same_file_again_is_said_and_nothing_is_kept(page):
    open_as, workbook = page
    app = open_as("an")
    upload(app.upload, "ronde.xlsx", workbook.read_bytes())
    assert "al de werkmap" in app.upload.message.value and kept_versions(workbook) == []


def test_a_member_cannot_install_even_by_calling_the_panel(page):
    """A forged message cannot reach a widget the member's page never had; and should the
    panel be reached, the kernel checks the role again."""
    from prioritisation.app.upload import UploadPanel

    open_as, workbook = page
    app = open_as("bart")
    before = workbook.read_bytes()
    panel = UploadPanel(app)
    panel.install("v2.xlsx", edited({("ideas", "B2"): "Mallory"}))
    assert "Alleen de voorzitter" in panel.message.value
    assert workbook.read_bytes() == before and kept_versions(workbook) == []
