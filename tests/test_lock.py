"""The versions the tests run with are the pinned ones (requirements.lock), so that what CI
tests is what a user installs: a solver or numpy upgrade can change a funded set."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

LOCK = Path(__file__).resolve().parents[1] / "requirements.lock"
DECISIVE = ("numpy", "pandas", "scipy", "openpyxl", "highspy", "babel", "weasyprint", "voila")


def pinned() -> dict[str, str]:
    pins = {}
    for line in LOCK.read_text().splitlines():
        if line and not line.startswith("#") and "==" in line:
            name, ver = line.split("==", 1)
            pins[name.strip().lower().replace("_", "-")] = ver.strip()
    return pins


def test_the_decisive_packages_run_at_their_pinned_versions():
    pins = pinned()
    for name in DECISIVE:
        if name not in pins:
            continue
        try:
            installed = version(name)
        except PackageNotFoundError:  # pragma: no cover - an optional package
            continue
        assert installed == pins[name], f"{name} {installed} installed, {pins[name]} pinned"


def test_every_dependency_is_pinned():
    import tomllib

    project = tomllib.loads((LOCK.parent / "pyproject.toml").read_text())["project"]
    wanted = project["dependencies"] + project["optional-dependencies"]["dev"]
    pins = pinned()
    names = {
        w.split("[")[0].split(">")[0].split("=")[0].split("<")[0].strip().lower() for w in wanted
    }
    missing = sorted(n for n in names if n.replace("_", "-") not in pins)
    assert not missing, f"not in requirements.lock: {missing}"
