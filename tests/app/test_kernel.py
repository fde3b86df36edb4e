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
