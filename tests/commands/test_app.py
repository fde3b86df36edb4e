"""The ``app`` command: Voila's configuration, the kernel's environment, the token."""

from __future__ import annotations

import json
import os
from dataclasses import replace

import pytest

from tests.conftest import ROOT, SAMPLE, cli, run_cli


def test_voila_configuration_is_safe():
    from prioritisation.commands.app import CONFIG_DIR, DATA_DIR

    conf = json.loads((CONFIG_DIR / "voila.json").read_text())
    assert conf["VoilaConfiguration"]["show_tracebacks"] is False
    assert conf["VoilaConfiguration"]["preheat_kernel"] is True
    assert conf["VoilaConfiguration"]["file_allowlist"] == []
    assert conf["MappingKernelManager"]["allow_tracebacks"] is False
    assert conf["MappingKernelManager"]["cull_idle_timeout"] > 0
    # a preheated page keeps its output when many kernels render at once (nbclient's 4 s)
    assert conf["VoilaExecutor"]["iopub_timeout"] >= 30
    assert conf["Voila"]["ip"] == "127.0.0.1"
    template = DATA_DIR / "voila" / "templates" / conf["VoilaConfiguration"]["template"]
    assert (template / "index.html.j2").exists()


def test_app_command_help():
    proc = run_cli("app", "--help", check_exit=0)
    for option in ("--port", "--token", "--ip"):
        assert option in proc.stdout


def test_kernel_environment_points_at_this_checkout(tmp_path):
    from prioritisation.commands.app import kernel_environment

    env = kernel_environment(str(SAMPLE), "en")
    assert env["PRIORITISATION_APP_WORKBOOK"] == str(SAMPLE.resolve())
    assert env["PRIORITISATION_LANG"] == "en"
    assert env["PYTHONPATH"].split(":")[0] == str(ROOT)


@pytest.mark.slow
def test_a_token_keeps_others_out():
    from urllib.request import HTTPRedirectHandler, build_opener

    from tests.appserver import AppServer

    class NoRedirect(HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = build_opener(NoRedirect)

    def status(url):
        try:
            return opener.open(url, timeout=60).status
        except Exception as exc:  # HTTPError carries the code
            return getattr(exc, "code", None)

    with AppServer(SAMPLE, pool_size=0, args=["--token", "s3cret"]) as server:
        assert status(server.url) == 302  # to the login page
        assert status(server.url + "?token=wrong") == 302
        assert status(server.url + "?token=s3cret") == 200


@pytest.mark.slow
def test_the_pages_files_come_compressed_from_memory(monkeypatch):
    """Voila's three handlers of the page's files are replaced (commands._voila.served_from_memory):
    each file is the one Voila would serve, gzip when the browser accepts it, a 304 when it has
    it; nothing outside the folders."""
    import gzip
    from pathlib import Path

    import requests
    from voila.static_file_handler import TemplateStaticFileHandler

    from prioritisation.app.assets import asset_paths, jupyter_data
    from tests.appserver import AppServer

    labext = asset_paths()["voila/labextensions/"]
    entry = next(p for folder in labext
                 for p in Path(folder).glob("@jupyter-widgets/jupyterlab-manager/static/remoteEntry.*.js"))  # fmt: skip
    root = next(Path(f) for f in labext if str(entry).startswith(f))
    with monkeypatch.context() as m:  # Voila's own look-up, on the server's JUPYTER_PATH
        m.setenv("JUPYTER_PATH", jupyter_data())
        template_file = TemplateStaticFileHandler.get_absolute_path(None, "prioritisation/static/index.css")  # fmt: skip
    with AppServer(SAMPLE, pool_size=0) as server:
        for url, on_disk in [
            ("voila/static/voila.js", next(Path(f) / "voila.js" for f in asset_paths()["voila/static/"]
                                           if (Path(f) / "voila.js").is_file())),
            ("voila/templates/prioritisation/static/index.css", Path(template_file)),
            ("voila/labextensions/" + str(entry.relative_to(root)), entry),
        ]:  # fmt: skip
            raw = requests.get(server.url + url, headers={"Accept-Encoding": "gzip"}, stream=True,
                               timeout=60).raw  # fmt: skip
            assert raw.status == 200, url
            assert raw.headers["Content-Encoding"] == "gzip", url
            assert gzip.decompress(raw.read()) == on_disk.read_bytes(), url
            again = requests.get(server.url + url, headers={"If-None-Match": raw.headers["Etag"]},
                                 timeout=60)  # fmt: skip
            assert again.status_code == 304, url
        for bad in ["voila/static/../../../../etc/passwd", "voila/static/%2e%2e/%2e%2e/etc/passwd",
                    "voila/labextensions/..%2F..%2F..%2Fetc%2Fpasswd"]:  # fmt: skip
            response = requests.get(server.url + bad, timeout=60)
            assert response.status_code in (400, 403, 404) and "root:" not in response.text


# ---------------------------------------------------------------- the pool for a meeting


@pytest.fixture
def launched(monkeypatch):
    """Run ``prioritisation app`` in this process up to Voila's start: the argv it gets."""
    from prioritisation.commands import _voila
    from prioritisation.commands import app as app_command

    calls = []
    monkeypatch.setattr(_voila.AppVoila, "launch_instance", lambda argv: calls.append(argv))
    monkeypatch.setattr(app_command, "available_mib", lambda: 16_000.0)
    saved = dict(os.environ)  # the command sets the kernels' environment in os.environ
    yield calls
    os.environ.clear()
    os.environ.update(saved)


def _option(argv, name):
    values = [a.split("=", 1)[1] for a in argv if a.startswith(name + "=")]
    return values[-1] if values else None


def test_members_sizes_the_pool_and_the_meeting(launched):
    proc = cli("app", SAMPLE, "--members", "20", check_exit=0)
    argv = launched[-1]
    assert _option(argv, "--pool_size") == "20"
    assert _option(argv, "--AppVoila.expected_members") == "20"
    assert "20 leden" in proc.stdout and "20 kernels" in proc.stdout
    assert "2,7 GB" in proc.stdout  # 20 × KERNEL_MIB (140 MiB), said in Dutch


def test_without_members_the_members_sheet_counts(launched, tmp_path):
    """Members, chairs and observers come to the meeting; an analyst does not."""
    from prioritisation.data.workbook import read_workbook
    from prioritisation.data.writer import write_workbook

    wb = read_workbook(SAMPLE)
    members = wb.members.copy()
    members.loc["chris", "role"] = "observer"
    members.loc[["dina", "emre"], "role"] = "analyst"
    path = write_workbook(replace(wb, members=members), tmp_path / "members.xlsx")
    assert sorted(read_workbook(path).members["role"]) == sorted(members["role"])
    cli("app", path, check_exit=0)
    assert _option(launched[-1], "--pool_size") == "5"  # an, bart, chris, fien, geert
    assert _option(launched[-1], "--AppVoila.expected_members") == "5"


def test_without_a_members_sheet_the_assessors_count(launched, tmp_path):
    from prioritisation.data.members import empty_members
    from prioritisation.data.workbook import read_workbook
    from prioritisation.data.writer import write_workbook

    wb = read_workbook(SAMPLE)
    scores = wb.scores[wb.scores["assessor"].isin(wb.assessors[:4])]
    bare = replace(wb, members=empty_members(), scores=scores)
    path = write_workbook(bare, tmp_path / "no-members.xlsx")
    assert read_workbook(path).members.empty and len(read_workbook(path).assessors) == 4
    cli("app", path, check_exit=0)
    assert _option(launched[-1], "--pool_size") == "4"


def test_the_pool_is_capped_by_memory(launched, monkeypatch):
    from prioritisation.commands import app as app_command

    monkeypatch.setattr(app_command, "available_mib", lambda: 1_000.0)
    proc = cli("--lang", "en", "app", SAMPLE, "--members", "20", check_exit=0)
    pool = int(0.5 * 1_000 // app_command.KERNEL_MIB)
    assert _option(launched[-1], "--pool_size") == str(pool)
    assert _option(launched[-1], "--AppVoila.expected_members") == "20"
    assert f"allows only {pool} kernels" in proc.stdout


def test_pool_size_overrides_members(launched):
    proc = cli("app", SAMPLE, "--members", "20", "--pool-size", "4", check_exit=0)
    assert _option(launched[-1], "--pool_size") == "4"
    assert _option(launched[-1], "--AppVoila.expected_members") is None  # Voila's fixed pool
    assert "leden verwacht" not in proc.stdout


@pytest.mark.parametrize("value", ["0", "-3", "twintig", "2.5"])
def test_members_must_be_a_positive_whole_number(launched, value):
    proc = cli("app", SAMPLE, "--members", value, check_exit=2)
    assert "het aantal leden moet een geheel getal van minstens 1 zijn" in proc.stderr
    assert not launched


@pytest.mark.slow
@pytest.mark.parametrize(("args", "kernels"), [
    (["--members", "2"], 2), (["--members", "2", "--user-header", "X-Remote-User"], 2),
    (["--pool-size", "2"], 4)])  # fmt: skip
def test_two_members_take_their_kernels(args, kernels):
    """Two pages taken from a pool of two: the meeting pool keeps one kernel in reserve but
    starts it only later, once the machine is not busy (not while the pages load; its timing
    is tested in test_voila_pool.py); Voila's fixed pool starts two more at once (4). Behind a
    proxy's user header a pool kernel waits for its page's login after building the page:
    the login's coming must not start the reserve either."""
    import time
    from urllib.request import urlopen

    from tests.appserver import AppServer

    with AppServer(SAMPLE, pool_size=None, args=args) as server:
        deadline = time.monotonic() + 120
        while len(server.kernel_pids()) < 2 and time.monotonic() < deadline:
            time.sleep(0.5)
        for _ in range(2):  # a page request takes a preheated kernel
            assert urlopen(server.url, timeout=120).status == 200
        time.sleep(8)  # Voila refills a second after a kernel is taken; starting one takes s
        deadline = time.monotonic() + 60
        while len(server.kernel_pids()) < kernels and time.monotonic() < deadline:
            time.sleep(0.5)
        time.sleep(3)
        assert len(server.kernel_pids()) == kernels
        if "--members" in args:
            assert "the reserve starts in 30.0 s, once the machine is not busy" in server.log()
