"""The app's kernel: ipykernel without its debugger, started by the ``prioritisation-app`` kernel
spec (``app/jupyter/kernels/``) for every page of ``prioritisation app``.

Voila never debugs, yet ipykernel imports debugpy at start-up when it is installed (~8 MiB and
~0.1 s of CPU per kernel, and every member has a kernel). Marking ``debugpy`` as not importable
turns ipykernel's debugger off, as if debugpy were not installed; everything else is
``ipykernel_launcher``. ``python -m prioritisation.app.kernel -f CONNECTION_FILE``.
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    sys.modules["debugpy"] = None  # ``import debugpy`` raises ImportError: no debugger
    if sys.path and sys.path[0] in ("", os.getcwd()):  # as ipykernel_launcher: not the cwd
        del sys.path[0]
    from ipykernel import kernelapp

    kernelapp.launch_new_instance()


if __name__ == "__main__":  # pragma: no cover - a kernel process
    main()
