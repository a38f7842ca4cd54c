"""pyproject.toml declares what the product imports, and nothing it does not."""

from __future__ import annotations

import re
import sys
import tomllib
from importlib.metadata import packages_distributions

from tests.test_architecture import PACKAGES, ROOT, imported_roots, modules

# Used through a URL or by a framework, never imported by name.
USED_WITHOUT_IMPORT = {"psycopg", "python-multipart"}


def declared() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return {_normalise(re.split(r"[\[<>=!~; ]", spec, maxsplit=1)[0]) for spec in project["dependencies"]}


def imported_distributions() -> dict[str, set[str]]:
    """Distribution -> the product modules that import it (third-party imports only)."""
    owners = packages_distributions()
    found: dict[str, set[str]] = {}
    for package in PACKAGES:
        for path in modules(package):
            for root in imported_roots(path):
                if root in sys.stdlib_module_names or root in PACKAGES or root == "__future__":
                    continue
                for distribution in owners.get(root, [root]):
                    found.setdefault(_normalise(distribution), set()).add(str(path.relative_to(ROOT)))
    return found


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_imported_distribution_is_declared() -> None:
    missing = {name: sorted(paths)[:3] for name, paths in imported_distributions().items() if name not in declared()}
    assert missing == {}


def test_every_declared_distribution_is_imported() -> None:
    unused = declared() - set(imported_distributions()) - USED_WITHOUT_IMPORT
    assert unused == set()
