"""What the browser tests of the dashboards share: headless Chromium, console watching and screenshots."""

from __future__ import annotations

import shutil
import struct
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect, sync_playwright

from tests.conftest import ROOT
from tests.dashboards.stack import demo_stack  # noqa: F401 - a fixture for every page's tests

ARTIFACTS = ROOT / "test-artifacts"
# Pages are awaited by condition, never by a fixed sleep; on a loaded 2-core machine a re-render can take
# longer than Playwright's 5 s default, so every `expect` may wait up to 20 s for its condition.
expect.set_options(timeout=20_000)

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Headless Debian Chromium; its absence is a failure, not a skip."""
    executable = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    if executable is None:
        pytest.fail("Chromium is not installed: run scripts/install-system-deps.sh (Debian package chromium)")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def watch(page: Page, ignore: Callable[[ConsoleMessage], bool] | None = None) -> list[str]:
    """Console errors (other than those `ignore` accepts) and uncaught exceptions of a page."""
    errors: list[str] = []

    def on_console(msg: ConsoleMessage) -> None:
        if msg.type != "error" or (ignore is not None and ignore(msg)):
            return
        errors.append(f"console: {msg.text} ({msg.location.get('url')})")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
    return errors


def png_size(path: Path) -> tuple[int, int]:
    """Width and height of a PNG file, after checking its signature."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)
