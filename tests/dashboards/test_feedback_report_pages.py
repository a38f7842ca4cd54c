"""The citizen-feedback page (/feedback) and the period-report page (/report) in real headless Chromium.

Both run on the shared demo stack (tests/dashboards/stack.py: a generated centre up to 17 November 2026,
"today" 18 November, tertial T3 in progress). The feedback page's figures are compared with what the API
answers for the same tertial; the report is downloaded through the page, its PDF read back with poppler's
pdftotext and its pages rendered with pdftoppm (kept under test-artifacts/pages/ to look at).
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from api.security import Role
from tests.dashboards.a11y import assert_accessible
from tests.dashboards.conftest import ARTIFACTS, png_size, watch
from tests.dashboards.stack import DemoStack, login
from tests.dashboards.stack import api_get as api_json

SHOTS = ARTIFACTS / "pages"
pytestmark = pytest.mark.browser


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    """A fresh browser context (its own session storage and cookies) at a desktop size."""
    made = browser.new_context(viewport={"width": 1366, "height": 900}, accept_downloads=True)
    try:
        yield made
    finally:
        made.close()


def shoot(page: Page, name: str) -> Path:
    """A full-page screenshot under test-artifacts/pages/."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    width, height = png_size(path)
    assert width >= 700
    assert height > 400
    return path


def swedish_percent(share: float) -> str:
    """A share as the Swedish page writes it with no decimals: 40 % (a no-break space before %)."""
    return f"{round(share * 100)}\u00a0%"


# ---------------------------------------------------------------- feedback


def test_a_manager_reads_the_feedback_of_the_running_tertial_in_swedish(demo_stack: DemoStack, context) -> None:
    page = context.new_page()
    errors = watch(page)
    login(page, demo_stack, Role.MANAGER, "/feedback")
    report = api_json(demo_stack, Role.MANAGER, "/feedback?year=2026&tertial=3")
    period = next(p for p in report["periods"] if p["tertial"] == "2026-T3")
    centre = next(r for r in report["summary"] if r["department"] == "total" and r["category"] == "total")

    expect(page.locator("#year")).to_have_value("2026")
    expect(page.locator("#tertial")).to_have_value("3")
    kpis = page.locator("#kpis .kpi-value")
    expect(kpis.first).to_have_text(str(period["count"]))
    expect(kpis.nth(2)).to_have_text(swedish_percent(centre["failure_demand_share"]))
    expect(page.locator("#app-view h1")).to_have_text("Synpunkter per tertial")
    # The notes are the page's own Swedish sentences, not the API's English ones.
    notes = page.locator("#notes li")
    expect(notes.first).to_contain_text("Tertialen pågår")
    assert "imported" not in page.locator("#notes").inner_text()

    departments = sorted({r["department"] for r in report["summary"] if r["tertial"] == "2026-T3"} - {"total"})
    rows = page.locator("#departments-table tbody tr")
    expect(rows).to_have_count(len(departments) + 1)  # and the whole centre
    expect(rows.last.locator("th")).to_have_text("Hela kundcenter")
    for canvas in ("departments-chart", "failure-chart", "months-chart"):
        expect(page.locator(f"#{canvas}")).to_have_attribute("role", "img")
        assert page.evaluate(f"Boolean(window.Chart.getChart(document.getElementById('{canvas}')))")
    expect(page.locator("#failure-chart-table tbody tr")).to_have_count(len(departments) + 1)
    assert_accessible(page)
    shoot(page, "feedback-manager-sv")
    assert errors == []


def test_choosing_another_tertial_shows_its_figures(demo_stack: DemoStack, context) -> None:
    page = context.new_page()
    errors = watch(page)
    login(page, demo_stack, Role.HR, "/feedback", lang="en")
    earlier = api_json(demo_stack, Role.HR, "/feedback?year=2026&tertial=2")
    period = next(p for p in earlier["periods"] if p["tertial"] == "2026-T2")

    expect(page.locator("#kpis .kpi-value")).to_have_count(4)  # the running tertial shown first
    page.select_option("#tertial", "2")
    expect(page.locator("#kpis .kpi-value").first).to_have_text(f"{period['count']:,}")
    expect(page.locator("#app-view h1")).to_have_text("Citizen feedback per tertial")
    expect(page.locator("#departments-table thead th").first).to_have_text("Department")
    assert_accessible(page)
    shoot(page, "feedback-hr-en")
    assert errors == []


def test_facilities_is_shown_the_role_message_and_no_feedback(demo_stack: DemoStack, context) -> None:
    page = context.new_page()
    page.clock.set_fixed_time(demo_stack.now)
    page.goto(demo_stack.url + "/feedback")
    page.fill("#username", Role.FACILITIES.value)
    page.fill("#password", demo_stack.passwords[Role.FACILITIES])
    page.click("#login-submit")
    expect(page.locator("#role-view")).to_be_visible()
    expect(page.locator("#app-view")).to_be_hidden()
    expect(page.locator("#kpis .kpi")).to_have_count(0)
    expect(page.locator("nav.topnav a[href='/feedback']")).to_be_hidden()


# ---------------------------------------------------------------- report


def pdf_pages(pdf: Path, name: str) -> list[Path]:
    """Every page of the PDF as a PNG (pdftoppm, 60 dpi) under test-artifacts/pages/."""
    tool = shutil.which("pdftoppm")
    assert tool is not None, "pdftoppm is missing: install poppler-utils (`make system-deps`)"
    prefix = SHOTS / name
    subprocess.run([tool, "-png", "-r", "60", str(pdf), str(prefix)], check=True, timeout=120)
    return sorted(SHOTS.glob(f"{name}-*.png"))


def pdf_text(pdf: Path) -> str:
    """The PDF's text by pdftotext, its no-break spaces as spaces."""
    tool = shutil.which("pdftotext")
    assert tool is not None, "pdftotext is missing: install poppler-utils (`make system-deps`)"
    done = subprocess.run([tool, "-layout", str(pdf), "-"], capture_output=True, check=True, timeout=120)
    return done.stdout.decode("utf-8").replace("\u00a0", " ").replace("\u202f", " ")


def test_a_manager_previews_and_downloads_the_period_report(demo_stack: DemoStack, context) -> None:
    page = context.new_page()
    errors = watch(page)
    login(page, demo_stack, Role.MANAGER, "/report")
    # On 18 November the last finished tertial is T2 (May–August).
    expect(page.locator("#report-year")).to_have_value("2026")
    expect(page.locator("#report-tertial")).to_have_value("2")
    document = api_json(demo_stack, Role.MANAGER, "/reports/tertial/2026-T2?format=json&lang=sv")
    sections = page.locator("#preview .preview-section")
    expect(sections).to_have_count(len(document["sections"]), timeout=120_000)
    expect(sections.first.locator("h3")).to_have_text(document["sections"][0]["title"])
    assert_accessible(page)
    shoot(page, "report-manager-sv")

    with page.expect_download(timeout=120_000) as waiting:
        page.click("#download-pdf")
    download = waiting.value
    assert download.suggested_filename.endswith(".pdf")
    SHOTS.mkdir(parents=True, exist_ok=True)
    pdf = SHOTS / "report-2026-T2-sv.pdf"
    download.save_as(pdf)
    assert pdf.read_bytes()[:5] == b"%PDF-"
    text = pdf_text(pdf)
    assert "Periodrapport" in text
    assert "Måluppfyllelse" in text
    assert "T2 2026" in text or "2026-T2" in text
    pages = pdf_pages(pdf, "report-2026-T2-sv")
    assert len(pages) >= 3
    for png in pages:
        width, height = png_size(png)
        assert height > width  # A4 portrait, every page
    expect(page.locator("#report-status")).to_contain_text(".pdf")
    assert errors == []


def test_the_report_in_english_for_hr(demo_stack: DemoStack, context) -> None:
    page = context.new_page()
    errors = watch(page)
    login(page, demo_stack, Role.HR, "/report", lang="en")
    expect(page.locator("#report-lang")).to_have_value("en")
    document = api_json(demo_stack, Role.HR, "/reports/tertial/2026-T2?format=json&lang=en")
    sections = page.locator("#preview .preview-section")
    expect(sections).to_have_count(len(document["sections"]), timeout=120_000)
    expect(sections.first).to_have_attribute("lang", "en")
    expect(page.locator("#app-view h1")).to_have_text("Period report per tertial")
    with page.expect_download(timeout=120_000) as waiting:
        page.click("#download-html")
    html = Path(waiting.value.path()).read_text(encoding="utf-8")
    assert '<html lang="en"' in html
    assert_accessible(page)
    shoot(page, "report-hr-en")
    assert errors == []
