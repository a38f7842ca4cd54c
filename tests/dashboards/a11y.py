"""Accessibility checks of a page in the browser tests: axe-core's WCAG 2.0 and 2.1 A and AA rules.

axe-core is vendored for the tests only (tests/support/vendor/axe.min.js). It is evaluated in the page
through Playwright (`page.evaluate`), which the page's Content-Security-Policy does not govern:
`page.add_script_tag(path=…)` would add an inline <script>, which the pages' policy refuses
(`default-src 'self'`, api/headers.py), and would leave a CSP violation in the console besides.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from playwright.sync_api import Page

from tests.conftest import ROOT

AXE_SOURCE = ROOT / "tests" / "support" / "vendor" / "axe.min.js"
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
TARGETS_SHOWN = 3

_RUN = """async ({ context, tags, disable }) => {
  const rules = Object.fromEntries(disable.map((id) => [id, { enabled: false }]));
  const result = await window.axe.run(context, {
    runOnly: { type: "tag", values: tags },
    rules,
    resultTypes: ["violations"],
  });
  return result.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    help_url: v.helpUrl,
    targets: v.nodes.map((n) => n.target.map((t) => (Array.isArray(t) ? t.join(" >>> ") : String(t))).join(" >> ")),
  }));
}"""


@dataclass(frozen=True)
class Violation:
    """One rule axe found broken: its id, impact, what it asks for, and where (a selector per element)."""

    id: str
    impact: str | None
    help: str
    help_url: str
    targets: tuple[str, ...]

    def __str__(self) -> str:
        """One line: rule, impact, help, the first few elements and how many more."""
        shown = ", ".join(self.targets[:TARGETS_SHOWN])
        more = len(self.targets) - TARGETS_SHOWN
        where = shown + (f" (+{more} more)" if more > 0 else "")
        return f"{self.id} [{self.impact or 'unknown'}]: {self.help} — {where}"


@cache
def axe_source() -> str:
    """The vendored axe-core script."""
    return AXE_SOURCE.read_text(encoding="utf-8")


def inject_axe(page: Page) -> None:
    """Make `window.axe` available in the page (once per document), whatever its Content-Security-Policy."""
    if page.evaluate("typeof window.axe") != "object":
        page.evaluate(axe_source())


def axe_violations(page: Page, *, context: str = "body", disable: Sequence[str] = ()) -> list[Violation]:
    """The WCAG 2.0/2.1 A and AA violations axe finds in `context` (a CSS selector), without the rules in `disable`."""
    inject_axe(page)
    found: list[dict[str, Any]] = page.evaluate(
        _RUN, {"context": context, "tags": list(WCAG_TAGS), "disable": list(disable)}
    )
    return [
        Violation(v["id"], v["impact"], v["help"], v["help_url"], tuple(v["targets"]))
        for v in sorted(found, key=lambda v: v["id"])
    ]


def assert_accessible(page: Page, *, context: str = "body", disable: Sequence[str] = ()) -> None:
    """Fail with every violation (rule, impact, help, first elements) axe finds in the page's `context`.

    `disable` names axe rules not to run (e.g. "color-contrast"); say why where it is used.
    """
    violations = axe_violations(page, context=context, disable=disable)
    if violations:
        lines = "\n".join(f"  - {v}" for v in violations)
        raise AssertionError(f"{len(violations)} accessibility rule(s) broken in {context!r} of {page.url}:\n{lines}")
