"""The pages work under the Content-Security-Policy the server sends (api/headers.py): Chromium reports none broken."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect

from api.app import create_app
from api.deps import Services
from api.security import Role
from api.tokens import TokenSigner
from api.users import MemoryUserDirectory
from gateway.deadletter_log import MemoryDeadLetterLog
from gateway.stores import MemoryReadingStore
from sensors.reading import Reading
from sensors.site import Site
from tests.conftest import ServerThread

PASSWORD = "content-security-2026"
VIOLATION = "Content Security Policy"
# Redoc's "API docs by Redocly" logo comes from its CDN: the policy blocks it on purpose, nothing leaves for a CDN.
REDOC_LOGO = "https://cdn.redoc.ly/"


@pytest.fixture(scope="module")
def server(example_site: Site) -> Iterator[ServerThread]:
    """The app under uvicorn with an admin, who may see both pages, and an hour of readings of one zone."""
    now = datetime.now(UTC).replace(microsecond=0)
    store = MemoryReadingStore()
    store.write(
        [Reading("kc-main", "z1", "aq-01", now - timedelta(minutes=m), {"co2_ppm": 600.0 + m}) for m in range(60)]
    )
    users = MemoryUserDirectory()
    users.add("admin", Role.ADMIN, PASSWORD)
    services = Services(example_site, store, MemoryDeadLetterLog(), users, TokenSigner("c" * 40))
    server = ServerThread(create_app(services)).start()
    try:
        yield server
    finally:
        server.stop()


def violations(page: Page) -> list[str]:
    """What the page's console says of the policy, as it says it."""
    found: list[str] = []

    def on_console(msg: ConsoleMessage) -> None:
        if VIOLATION in msg.text and REDOC_LOGO not in msg.text:
            found.append(msg.text)

    page.on("console", on_console)
    return found


@pytest.mark.browser
@pytest.mark.parametrize("path", ["/facilities", "/goals"])
def test_the_product_pages_break_no_rule_of_their_policy(server: ServerThread, browser: Browser, path: str) -> None:
    page = browser.new_page()
    found = violations(page)
    try:
        response = page.goto(server.url + path)
        assert response is not None
        assert "'unsafe-inline'" not in response.headers["content-security-policy"]
        expect(page.locator("#login-form")).to_be_visible()
        page.fill("#username", "admin")
        page.fill("#password", PASSWORD)
        page.click("#login-form button[type=submit]")
        expect(page.locator("#login-form")).to_be_hidden()
        page.wait_for_load_state("networkidle")
        # The pages' helper sets a style through the CSSOM, which the policy allows (a style attribute it refuses).
        width = page.evaluate("officewellSession.el('span', { style: 'width: 40%' }).style.width")
        assert width == "40%"
        assert found == []
    finally:
        page.close()


@pytest.mark.browser
@pytest.mark.parametrize(("path", "rendered"), [("/docs", ".swagger-ui .info .title"), ("/redoc", "h1")])
def test_the_api_docs_render_under_their_relaxed_policy(
    server: ServerThread, browser: Browser, path: str, rendered: str
) -> None:
    page = browser.new_page()
    found = violations(page)
    try:
        page.goto(server.url + path)
        expect(page.locator(rendered).first).to_contain_text("officewell")
        page.wait_for_load_state("networkidle")
        assert found == []
    finally:
        page.close()
