"""The chair's upload of a new workbook version, in process (no browser): only the chair sees
it, a bad file shows every problem and replaces nothing, a good one is installed, the previous
kept, and the page reloads the new workbook."""

from __future__ import annotations

import hashlib
import io
import shutil
from pathlib import Path

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


# --------------------------------------------------------------------------- in the browser


def signed_in_page(context, url, login, viewport):
    """A page whose kernel knows the login. A preheated kernel that waited too long for its
    page's request runs unverified (a weakness of the hand-over in ``prioritisation.app``,
    not of the upload): such a page is opened again, at most three times."""
    for _ in range(3):
        page = context.new_page()
        page.set_viewport_size(viewport)
        page.set_extra_http_headers({"X-Remote-User": login})
        page.goto(url)
        page.wait_for_selector(".pw-ranking tbody tr", timeout=90_000)
        who = page.inner_text(".pw-identity")
        if "Niet geverifieerd" not in who:
            return page
        page.close()
    raise AssertionError(f"no kernel got the login: {who}")


def choose(page, path) -> None:
    """Click the upload button and pick ``path`` in the file chooser it opens."""
    with page.expect_file_chooser() as chooser:
        page.click(".pw-upload")
    chooser.value.set_files(str(path))


@pytest.mark.browser
@pytest.mark.slow
def test_the_chair_uploads_in_the_browser_and_a_member_sees_no_upload(tmp_path):
    import os

    from tests.appserver import AppServer, browser, browser_missing, open_tab

    if reason := browser_missing():
        pytest.skip(reason)
    shots = Path(os.environ.get("PRIORITISATION_SHOTS") or tmp_path / "shots")
    shots.mkdir(parents=True, exist_ok=True)
    workbook = Path(shutil.copy(SAMPLE, tmp_path / "ronde.xlsx"))
    bad = tmp_path / "ronde-fout.xlsx"
    bad.write_bytes(edited({("ideas", "E2"): "veel", ("scores", "D2"): 9}))
    good = tmp_path / "ronde-v2.xlsx"
    good.write_bytes(edited({("ideas", "B2"): "Zoeken 2.0"}))
    args = ["--user-header", "X-Remote-User"]
    with AppServer(workbook, pool_size=1, args=args) as server, browser() as context:
        member = signed_in_page(context, server.url, "bart", {"width": 1366, "height": 900})
        assert "(lid)" in member.inner_text(".pw-identity")
        open_tab(member, SAVE_TAB)
        member.wait_for_selector(".pw-scen-save", timeout=30_000)
        assert member.locator(".pw-upload, .pw-upload-panel").count() == 0
        member.close()

        for name, viewport in (("desktop", {"width": 1366, "height": 900}),
                               ("phone", {"width": 390, "height": 844})):  # fmt: skip
            # the screenshots are kept in $PRIORITISATION_SHOTS when it is set
            page = signed_in_page(context, server.url, "an", viewport)
            open_tab(page, SAVE_TAB)
            page.wait_for_selector(".pw-upload", timeout=30_000)
            before = workbook.read_bytes()
            choose(page, bad)
            page.wait_for_selector(".pw-upload-message .pw-problems li", timeout=30_000)
            text = page.inner_text(".pw-upload-message")
            assert "ronde-fout.xlsx is niet geladen" in text and "rij 2" in text
            assert workbook.read_bytes() == before
            page.locator(".pw-upload-panel").scroll_into_view_if_needed()
            page.screenshot(path=str(shots / f"upload-problems-{name}.png"))
            if name == "desktop":
                choose(page, good)
                page.wait_for_selector(".pw-upload-done", timeout=60_000)
                status = page.inner_text(".pw-upload-done")
                assert "nieuwe versie geladen (sha" in status and "versions/" in status
                assert workbook.read_bytes() == good.read_bytes()
                page.wait_for_selector(".pw-upload", timeout=30_000)  # rebuilt, still the chair's
                page.screenshot(path=str(shots / f"upload-done-{name}.png"))
                open_tab(page, 0)
                page.wait_for_selector("text=Zoeken 2.0", timeout=30_000)
            page.close()
    assert len(kept_versions(workbook)) == 1
