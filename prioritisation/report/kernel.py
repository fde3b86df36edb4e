"""The report's Jupyter kernel: ``ipykernel_launcher`` without a 3-second import.

``jsonschema`` (imported by altair and nbformat) optionally imports ``rfc3987_syntax`` to check
the ``iri`` string format, and that module compiles a grammar at import time (≈3 s of CPU
here). No schema the report validates uses that format, so the report's kernel and pipeline
mark it as unavailable, and jsonschema skips that one format check.
"""

from __future__ import annotations

import sys

SLOW_OPTIONAL_IMPORTS = ("rfc3987_syntax",)


def skip_slow_optional_imports() -> None:
    """Make the slow optional imports fail fast (their users treat them as optional)."""
    for name in SLOW_OPTIONAL_IMPORTS:
        sys.modules.setdefault(name, None)


def main() -> None:  # pragma: no cover - runs inside the kernel process
    skip_slow_optional_imports()
    if sys.path and sys.path[0] in ("", "."):  # as ipykernel_launcher does
        del sys.path[0]
    from ipykernel import kernelapp

    kernelapp.launch_new_instance()


if __name__ == "__main__":  # pragma: no cover
    main()
