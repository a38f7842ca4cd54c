"""The vendored front-end libraries: Chart.js is served and draws under the pages' policy; axe-core runs in a page.

Chart.js (dashboards/static/vendor/chartjs) sizes its canvas through the CSSOM, which the policy
(api/headers.py, `default-src 'self'`) allows; a `style` attribute or a `<style>` element it would refuse.
axe-core (tests/support/vendor) is the tests' own: tests/dashboards/a11y.py evaluates it in the page.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect

from api.app import create_app
from api.deps import Services
from api.tokens import TokenSigner
from api.users import MemoryUserDirectory
from gateway.deadletter_log import MemoryDeadLetterLog
from gateway.stores import MemoryReadingStore
from sensors.site import Site
from tests.conftest import ServerThread
from tests.dashboards.a11y import AXE_SOURCE, assert_accessible, axe_violations, inject_axe
from tests.dashboards.conftest import watch

CHART_JS = "/static/vendor/chartjs/chart.umd.min.js"
VIOLATION = "Content Security Policy"

# A small bar chart in a sized box (set through the CSSOM, as the pages do), drawn without animation.
DRAW_BAR_CHART = """() => {
  const box = document.createElement("div");
  box.style.width = "320px";
  box.style.height = "200px";
  const canvas = document.createElement("canvas");
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", "test chart");
  box.append(canvas);
  document.body.append(box);
  const styles = document.querySelectorAll("style").length;
  const chart = new window.Chart(canvas, {
    type: "bar",
    data: { labels: ["z1", "z2", "z3"], datasets: [{ label: "CO2", data: [650, 900, 1250] }] },
    options: { animation: false, responsive: true, maintainAspectRatio: false },
  });
  chart.update();
  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted += 1;
  return {
    version: window.Chart.version,
    cssWidth: canvas.style.width,
    width: canvas.width,
    painted,
    bars: chart.getDatasetMeta(0).data.length,
    newStyles: document.querySelectorAll("style").length - styles,
    inlineStyle: canvas.getAttribute("style"),
  };
}"""


@pytest.fixture(scope="module")
def server(example_site: Site) -> Iterator[ServerThread]:
    """The app under uvicorn; the pages' login view is all these tests need."""
    services = Services(
        example_site, MemoryReadingStore(), MemoryDeadLetterLog(), MemoryUserDirectory(), TokenSigner("v" * 40)
    )
    server = ServerThread(create_app(services)).start()
    try:
        yield server
    finally:
        server.stop()


def policy_violations(page: Page) -> list[str]:
    """What the page's console says of the Content-Security-Policy, as it says it."""
    found: list[str] = []

    def on_console(msg: ConsoleMessage) -> None:
        if VIOLATION in msg.text:
            found.append(msg.text)

    page.on("console", on_console)
    return found


def test_chart_js_is_served_as_javascript(server: ServerThread) -> None:
    res = httpx.get(server.url + CHART_JS, timeout=30)
    assert res.status_code == 200
    assert res.headers["content-type"].split(";")[0].strip() in ("text/javascript", "application/javascript")
    assert res.text.startswith("/*!\n * Chart.js v4.")
    assert "'unsafe-inline'" not in res.headers["content-security-policy"]


@pytest.mark.browser
def test_chart_js_draws_under_the_pages_policy(server: ServerThread, browser: Browser) -> None:
    page = browser.new_page()
    found = policy_violations(page)
    errors = watch(page)
    try:
        response = page.goto(server.url + "/facilities")
        assert response is not None
        assert response.headers["content-security-policy"].startswith("default-src 'self'")
        page.wait_for_load_state("networkidle")
        page.add_script_tag(url=CHART_JS)  # <script src>: from 'self', so the policy lets it in
        drawn = page.evaluate(DRAW_BAR_CHART)
        assert drawn["version"].startswith("4."), drawn
        assert drawn["bars"] == 3
        assert drawn["cssWidth"] == "320px"  # sized through the CSSOM
        assert drawn["width"] > 0
        assert drawn["painted"] > 0  # something was drawn on the canvas
        assert drawn["newStyles"] == 0  # no <style> element of its own
        page.wait_for_timeout(300)  # a violation report is a console message: give a late one time to arrive
        assert found == []
        assert errors == []
    finally:
        page.close()


@pytest.mark.browser
def test_axe_is_injected_under_the_pages_policy(server: ServerThread, browser: Browser) -> None:
    """The injected axe runs in a page that refuses inline scripts, without a violation; the page is not judged."""
    page = browser.new_page()
    found = policy_violations(page)
    try:
        page.goto(server.url + "/facilities")
        page.wait_for_load_state("networkidle")
        inject_axe(page)
        assert page.evaluate("window.axe.version").startswith("4.")
        inject_axe(page)  # a second call keeps the axe it has
        assert found == []
    finally:
        page.close()


@pytest.mark.browser
def test_assert_accessible_lists_every_violation(browser: Browser) -> None:
    assert AXE_SOURCE.is_file()
    page = browser.new_page()
    try:
        page.set_content(
            """<!doctype html><html lang="en"><head><title>t</title></head><body>
            <main><h1>Broken</h1>
            <img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" class="no-alt">
            <img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
            <button class="empty"></button>
            <section id="fine"><p>Nothing wrong here.</p></section></main></body></html>"""
        )
        ids = [v.id for v in axe_violations(page)]
        assert ids == ["button-name", "image-alt"]
        with pytest.raises(AssertionError) as failed:
            assert_accessible(page)
        message = str(failed.value)
        assert "2 accessibility rule(s) broken" in message
        assert "image-alt [critical]" in message
        assert ".no-alt, img:nth-child(3)" in message  # the elements are named by selector
        assert "button-name [critical]" in message
        assert [v.id for v in axe_violations(page, disable=["image-alt"])] == ["button-name"]
        assert_accessible(page, context="#fine")
        assert_accessible(page, disable=["image-alt", "button-name"])
        expect(page.locator("h1")).to_have_text("Broken")
    finally:
        page.close()
