"""The layout the README promises: which package may import which (read from the source, not run)."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
import types
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("sensors", "gateway", "records", "models", "synthetic", "api", "dashboards", "officewell")

# What each package may import of the others. Data flows one way: device → gateway → store → models → api.
ALLOWED: dict[str, set[str]] = {
    "sensors": set(),
    "gateway": {"sensors"},
    "records": {"sensors"},
    "models": {"sensors"},
    "synthetic": {"sensors", "models"},
    "api": {"sensors", "gateway", "records", "models", "dashboards"},
    "dashboards": set(),
    "officewell": {"sensors", "gateway", "records", "models", "api", "synthetic"},
}
# Synthetic data serves the demo and `officewell simulate` only: these are the modules that may use it.
SYNTHETIC_USERS = {"officewell/runners/centre.py", "officewell/runners/simulate.py"}
# models/ does no I/O: it takes frames and returns frames.
IO_MODULES = {"sqlite3", "sqlalchemy", "httpx", "paho", "influxdb_client", "socket", "urllib", "requests", "fastapi"}


def imported_roots(path: Path) -> set[str]:
    """The top-level names a module imports (at any depth of the file, lazy imports included)."""
    roots: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("package", PACKAGES)
def test_packages_import_only_what_lies_upstream(package: str) -> None:
    bad = {}
    for path in modules(package):
        others = (imported_roots(path) & set(PACKAGES)) - {package} - ALLOWED[package]
        if others:
            bad[str(path.relative_to(ROOT))] = sorted(others)
    assert bad == {}


def test_only_the_demo_and_simulate_use_synthetic_data() -> None:
    users = {
        str(path.relative_to(ROOT))
        for package in PACKAGES
        if package != "synthetic"
        for path in modules(package)
        if "synthetic" in imported_roots(path)
    }
    assert users <= SYNTHETIC_USERS
    assert "officewell/runners/simulate.py" in users  # the check reads real imports, so it notices a rename


def test_models_do_no_io() -> None:
    bad = {str(p.relative_to(ROOT)): sorted(imported_roots(p) & IO_MODULES) for p in modules("models")}
    assert {k: v for k, v in bad.items() if v} == {}


# Packages used from outside, with a curated __all__ of what others import.
PUBLIC = (
    "sensors",
    "gateway",
    "gateway.stores",
    "models",
    "records",
    "synthetic",
    "synthetic.office",
    "synthetic.centre",
)
# Importing these stays cheap: their heavier names load on first use.
LIGHT = ("sensors", "gateway", "models", "synthetic")


@pytest.mark.parametrize("package", PUBLIC)
def test_every_public_name_is_there(package: str) -> None:
    module = importlib.import_module(package)
    missing = [name for name in module.__all__ if not hasattr(module, name)]
    submodules = [name for name in module.__all__ if isinstance(getattr(module, name, None), types.ModuleType)]
    assert (missing, submodules) == ([], [])
    assert len(set(module.__all__)) == len(module.__all__)


def test_importing_a_package_loads_no_heavy_library() -> None:
    heavy = ("pandas", "pydantic", "paho")
    probe = f"import sys; import {', '.join(LIGHT)}; print(sorted(m for m in {heavy!r} if m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT)
    assert loaded.stdout.strip() == "[]"
