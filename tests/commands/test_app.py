"""The ``app`` command: Voila's configuration, the kernel's environment, the token."""

from __future__ import annotations

import json

import pytest

from tests.conftest import ROOT, SAMPLE, run_cli


def test_voila_configuration_is_safe():
    from prioritisation.commands.app import CONFIG_DIR, DATA_DIR

    conf = json.loads((CONFIG_DIR / "voila.json").read_text())
    assert conf["VoilaConfiguration"]["show_tracebacks"] is False
    assert conf["VoilaConfiguration"]["preheat_kernel"] is True
    assert conf["VoilaConfiguration"]["file_allowlist"] == []
    assert conf["MappingKernelManager"]["allow_tracebacks"] is False
    assert conf["MappingKernelManager"]["cull_idle_timeout"] > 0
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
