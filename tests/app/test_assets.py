"""The page's files: found where Voila finds them, served from memory, gzip, nothing outside."""

from __future__ import annotations

import gzip
import os
import time
from pathlib import Path

import pytest
from tornado import testing, web

from prioritisation.app.assets import (
    AssetHandler,
    Assets,
    asset_paths,
    jupyter_data,
    template_static,
)


def _found(folders, pattern: str) -> list[Path]:
    return [p for folder in folders for p in Path(folder).glob(pattern)]


def test_the_page_script_and_the_widget_manager_are_found():
    paths = asset_paths()
    assert _found(paths["voila/static/"], "voila.js")
    assert _found(paths["voila/labextensions/"], "@voila-dashboards/widgets-manager8/static/remoteEntry.*.js")  # fmt: skip
    assert _found(paths["voila/labextensions/"], "@jupyter-widgets/jupyterlab-manager/static/remoteEntry.*.js")  # fmt: skip
    # the app's own template comes before Voila's lab template, as Voila looks them up
    static = paths["voila/static/"]
    ours = next(i for i, p in enumerate(static) if p.endswith("templates/prioritisation/static"))
    lab = next(i for i, p in enumerate(static) if p.endswith("templates/lab/static"))
    assert ours < lab


def test_the_environment_is_left_as_it_was(monkeypatch):
    monkeypatch.setenv("JUPYTER_PATH", "/somewhere")
    asset_paths()
    assert os.environ["JUPYTER_PATH"] == "/somewhere"
    monkeypatch.delenv("JUPYTER_PATH")
    asset_paths()
    assert "JUPYTER_PATH" not in os.environ


# --------------------------------------------------------------------------- the handler


@pytest.fixture
def folders(tmp_path):
    first, second, outside = tmp_path / "first", tmp_path / "second", tmp_path / "outside"
    for folder in (first, second, outside):
        folder.mkdir()
    (first / "app.js").write_text("console.log('first');\n" * 200)
    (second / "app.js").write_text("console.log('second');\n" * 200)
    (second / "only.css").write_text("body { color: black }\n" * 50)
    (first / "tiny.js").write_text("x")
    (outside / "secret.txt").write_text("not for the page")
    (first / "link.txt").symlink_to(outside / "secret.txt")
    (first / "sub").mkdir()
    return first, second, outside


class _Server(testing.AsyncHTTPTestCase):
    roots = None

    def get_app(self):
        return web.Application([(r"/s/(.*)", AssetHandler, {"assets": Assets(self.roots)})])

    def runTest(self):  # pragma: no cover - driven by the pytest tests below
        pass


@pytest.fixture
def server(folders):
    case = _Server()
    case.roots = [str(folders[0]), str(folders[1])]
    case.setUp()
    yield case
    case.tearDown()


def test_the_first_folder_that_has_the_file_wins_and_gzip_is_the_same_bytes(server, folders):
    plain = server.fetch("/s/app.js", headers={"Accept-Encoding": "identity"}, decompress_response=False)  # fmt: skip
    assert plain.code == 200 and plain.body == (folders[0] / "app.js").read_bytes()
    assert plain.headers["Content-Type"] == "text/javascript"
    assert "Content-Encoding" not in plain.headers
    packed = server.fetch("/s/app.js", headers={"Accept-Encoding": "gzip, br"}, decompress_response=False)  # fmt: skip
    assert packed.headers["Content-Encoding"] == "gzip"
    assert len(packed.body) < len(plain.body) / 4
    assert gzip.decompress(packed.body) == plain.body
    assert packed.headers["Vary"] == "Accept-Encoding"
    assert server.fetch("/s/only.css").body == (folders[1] / "only.css").read_bytes()
    tiny = server.fetch("/s/tiny.js", headers={"Accept-Encoding": "gzip"}, decompress_response=False)  # fmt: skip
    assert tiny.body == b"x" and "Content-Encoding" not in tiny.headers


def test_a_file_the_browser_has_is_not_sent_again_and_versioned_urls_are_kept(server):
    first = server.fetch("/s/app.js")
    assert first.headers["Cache-Control"] == "no-cache"
    again = server.fetch("/s/app.js", headers={"If-None-Match": first.headers["Etag"]})
    assert again.code == 304 and again.body == b""
    versioned = server.fetch("/s/app.js?v=abc")
    assert "immutable" in versioned.headers["Cache-Control"]
    assert "max-age=31536000" in versioned.headers["Cache-Control"]


def test_a_changed_file_is_read_again(server, folders):
    before = server.fetch("/s/only.css")
    time.sleep(0.01)
    (folders[1] / "only.css").write_text("body { color: red }\n")
    after = server.fetch("/s/only.css")
    assert after.body == b"body { color: red }\n"
    assert after.headers["Etag"] != before.headers["Etag"]


@pytest.mark.parametrize(
    "path",
    ["../outside/secret.txt", "..%2Foutside%2Fsecret.txt", "%2e%2e/outside/secret.txt",
     "link.txt", "sub", "sub/", "nothing.js", "./app.js", "/etc/passwd", "%2Fetc%2Fpasswd",
     "app.js%00.css", "..\\outside\\secret.txt"],
)  # fmt: skip
def test_nothing_outside_the_folders_is_served(server, path):
    response = server.fetch("/s/" + path)
    assert response.code == 404
    assert b"not for the page" not in response.body and b"root:" not in response.body


def test_head_says_the_size_without_the_body(server, folders):
    response = server.fetch(
        "/s/app.js",
        method="HEAD",
        headers={"Accept-Encoding": "identity"},
        decompress_response=False,
    )
    assert response.code == 200 and response.body == b""
    assert int(response.headers["Content-Length"]) == (folders[0] / "app.js").stat().st_size


def test_the_templates_files_are_found_in_the_templates_static_folders(monkeypatch):
    monkeypatch.setenv("JUPYTER_PATH", jupyter_data())  # as ``prioritisation app`` sets it
    assets = Assets(template_static)
    from voila.static_file_handler import TemplateStaticFileHandler

    for name in ("index.css", "voila-style.js", "theme-light.css"):
        found = assets.get(f"prioritisation/static/{name}")  # the file Voila would serve
        voila = TemplateStaticFileHandler.get_absolute_path(None, f"prioritisation/static/{name}")
        assert found is not None and found.path == os.path.realpath(voila)
    assert assets.get("prioritisation/index.css") is None
    assert assets.get("../prioritisation/static/index.css") is None


def test_names_of_templates_in_urls_do_not_pile_up(monkeypatch):
    """Any template name can be put in a URL: what is kept for them stays bounded."""
    from prioritisation.app import assets

    monkeypatch.setenv("JUPYTER_PATH", jupyter_data())
    found = Assets(template_static)
    for i in range(100):
        assert found.get(f"made-up-{i}/static/index.css") is None  # no such template
    assert assets._folders_of.cache_info().currsize <= 16
    assert found.get("prioritisation/static/voila-style.js") is not None
