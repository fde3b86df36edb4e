"""The app's kernel spec: ipykernel without its debugger, and the app runs in it."""

from __future__ import annotations

import json
import os

from tests.conftest import ROOT, SAMPLE


def test_the_app_kernel_runs_the_app_without_the_debugger(tmp_path):
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager

    from prioritisation.app.notebook import APP_KERNEL, SOURCE, app_notebook
    from prioritisation.commands.app import DATA_DIR

    specs = KernelSpecManager(kernel_dirs=[str(DATA_DIR / "kernels")])
    assert app_notebook(APP_KERNEL).metadata.kernelspec.name in specs.find_kernel_specs()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PRIORITISATION_APP_WORKBOOK": str(SAMPLE),
           "PRIORITISATION_CACHE": str(tmp_path)}  # fmt: skip
    km = KernelManager(kernel_name=APP_KERNEL, kernel_spec_manager=specs)
    km.start_kernel(env=env)
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=240)
        reply = kc.kernel_info(reply=True, timeout=60)
        assert "debugger" not in reply["content"].get("supported_features", [])
        code = (SOURCE.replace("build_app()", "app = build_app()") + "\nimport json, sys\n"
                "print(json.dumps([app.table.value.count('data-id='), 'debugpy' in sys.modules,"
                " sys.modules.get('debugpy', 0) is None]))")  # fmt: skip
        out = []
        reply = kc.execute_interactive(code, timeout=240, output_hook=lambda m: out.append(m))
        assert reply["content"]["status"] == "ok", reply["content"]
        text = "".join(m["content"].get("text", "") for m in out if m["msg_type"] == "stream")
        rows, marked, blocked = json.loads(text.strip().splitlines()[-1])
        assert rows >= 10  # the ranking is there
        assert marked and blocked  # debugpy was never imported: the kernel has no debugger
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def test_the_pages_heavy_parts_are_ready_before_the_login_is_asked_for(tmp_path):
    """A preheated kernel waits for its page when the app asks who is logged in; the modules
    of the tabs and the group round (SQLAlchemy) and the store are ready before that, so that
    the member does not wait for them. In a fresh process: this one imported them long ago."""
    import subprocess
    import sys

    script = f"""
import json, sys
import prioritisation.app.identity as identity
seen = {{}}
original = identity.current_identity
def asked():
    seen.setdefault("modules", [m for m in ("sqlalchemy", "prioritisation.app.group",
        "prioritisation.app.scenarios", "prioritisation.scenarios.db") if m in sys.modules])
    return original()
identity.current_identity = asked
from prioritisation.app import build_app
build_app({str(SAMPLE)!r})
print(json.dumps(seen))
"""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PRIORITISATION_CACHE": str(tmp_path),
           "PRIORITISATION_STORE": str(tmp_path / "s.sqlite")}  # fmt: skip
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                         text=True, check=True, cwd=tmp_path).stdout  # fmt: skip
    assert json.loads(out.splitlines()[-1])["modules"] == [
        "sqlalchemy", "prioritisation.app.group", "prioritisation.app.scenarios",
        "prioritisation.scenarios.db",
    ]  # fmt: skip
    assert (tmp_path / "s.sqlite").exists()  # the store was opened (and its schema made)


def test_a_store_that_cannot_be_opened_does_not_stop_the_warm_up(tmp_path, monkeypatch):
    from prioritisation.app import warm_up

    monkeypatch.setenv("PRIORITISATION_STORE", "postgresql://nobody@127.0.0.1:1/none")
    warm_up(SAMPLE)  # the page says what is wrong when it opens the store itself
