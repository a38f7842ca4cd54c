"""The HR page (/hr) in real headless Chromium on the shared demo stack (tests/dashboards/stack.py).

The stack's centre runs from 1 January 2025 to 17 November 2026, "today" 18 November: the month under way
is November 2026. The page's figures are compared with what the API answers HR for the same months and
associations; the roles outside the team_absence area (manager, facilities) get the role message and
none of the figures. Screenshots go to test-artifacts/pages/hr-<role>-<lang>.png.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from api.security import Role
from tests.dashboards.a11y import assert_accessible
from tests.dashboards.conftest import ARTIFACTS, png_size, watch
from tests.dashboards.stack import DemoStack, login
from tests.dashboards.stack import api_get as api_json

pytestmark = pytest.mark.browser

SHOTS = ARTIFACTS / "pages"
OUTCOMES = ("short_term_sick_spells", "short_term_sick_days", "answer_rate")
LAGS = (0, 1, 2)
CHARTS = ("hr-chart-spells", "hr-chart-days", "hr-chart-season", "hr-chart-forest")
FOREST = "window.Chart.getChart(document.getElementById('hr-chart-forest'))"


def months_before(day: date, back: int) -> date:
    """The first day of the month `back` months before `day`'s month (as the page asks: three years)."""
    index = day.year * 12 + day.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)


def shoot(page: Page, name: str) -> Path:
    """A full-page screenshot under test-artifacts/pages/."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    width, height = png_size(path)
    assert width >= 700
    assert height > 1000
    return path


def drawn(page: Page, canvas: str) -> bool:
    return bool(page.evaluate(f"Boolean(window.Chart && window.Chart.getChart(document.getElementById('{canvas}')))"))


def number(text: str, lang: str) -> float:
    """A number as the page writes it in `lang` (1 234,56 or 1,234.56)."""
    cleaned = text.replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    cleaned = cleaned.replace(",", ".") if lang == "sv" else cleaned.replace(",", "")
    return float(cleaned)


@pytest.fixture(scope="module")
def absence(demo_stack: DemoStack) -> dict[str, Any]:
    """The months the page asks HR's API for: three years up to the current month."""
    since = months_before(demo_stack.today, 35).isoformat()
    return api_json(demo_stack, Role.HR, "/absence", {"period": "month", "since": since})  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def associations(demo_stack: DemoStack) -> dict[str, Any]:
    return api_json(demo_stack, Role.HR, "/evidence/associations")  # type: ignore[no-any-return]


def months_shown(absence: dict[str, Any], today: date) -> list[dict[str, Any]]:
    """The centre's months from the first on record, each with `open` (under way or past the imported days)."""
    data = absence["data"]
    rows = sorted(
        (r for r in absence["centre"] if r["period_start"] >= data["records_from"]), key=lambda r: r["period_start"]
    )
    return [r | {"open": r["period_end"] >= today.isoformat() or r["period_end"] > data["records_until"]} for r in rows]


def twelve_months(months: list[dict[str, Any]]) -> tuple[float, float]:
    """Spells and sick days per FTE over the last twelve whole months: sums over the mean FTE."""
    last = [m for m in months if not m["open"]][-12:]
    days = sum((date.fromisoformat(m["period_end"]) - date.fromisoformat(m["period_start"])).days + 1 for m in last)
    fte = sum(m["fte_days"] for m in last) / days
    return sum(m["spells"] for m in last) / fte, sum(m["sick_days"] for m in last) / fte


@pytest.fixture(scope="module")
def hr_context(browser: Browser) -> Iterator[BrowserContext]:
    """One browser context for HR's visits in both languages: one login, kept in the tab's session."""
    made = browser.new_context(viewport={"width": 1366, "height": 900})
    try:
        yield made
    finally:
        made.close()


def wait_for_figures(page: Page, months: int) -> None:
    expect(page.locator("#hr-chart-spells-table tbody tr")).to_have_count(months)
    expect(page.locator("#hr-chart-forest-table tbody tr").first).to_be_attached()
    expect(page.locator("#hr-audit-body tbody tr").first).to_be_attached()


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_hr_sees_trends_forest_plot_and_audit(
    demo_stack: DemoStack,
    hr_context: BrowserContext,
    absence: dict[str, Any],
    associations: dict[str, Any],
    lang: str,
) -> None:
    fresh = not hr_context.pages
    page = hr_context.new_page() if fresh else hr_context.pages[0]
    errors = watch(page)
    if fresh:
        login(page, demo_stack, Role.HR, "/hr", lang=lang)
    else:  # the same tab in the other language: the login is kept
        page.goto(f"{demo_stack.url}/hr?lang={lang}")
        expect(page.locator("#app-view")).to_be_visible()
    months = months_shown(absence, demo_stack.today)
    wait_for_figures(page, len(months))
    comma = lang == "sv"

    # Words in the page's language, numbers in its locale.
    expect(page.locator("#hr-main-title")).to_have_text("Frånvaro och miljö" if comma else "Absence and environment")
    expect(page.locator("#hr-trends-title")).to_have_text(
        "Korttidssjukfrånvaro per månad" if comma else "Short-term sick leave per month"
    )
    expect(page.locator("#hr-privacy-note")).to_contain_text(
        "Sjukfrånvaro är hälsodata" if comma else "Sick leave is health data"
    )
    expect(page.locator("#hr-privacy-note")).to_contain_text("loggas" if comma else "logged")

    # Key figures: the last twelve whole months, as the API's monthly figures add up.
    spells, days = twelve_months(months)
    values = page.locator("#hr-kpis .kpi-value")
    decimal = r"^\d+,\d{2}$" if comma else r"^\d+\.\d{2}$"
    expect(values.first).to_have_text(re.compile(decimal))
    assert number(values.nth(0).inner_text(), lang) == pytest.approx(spells, abs=0.006)
    assert number(values.nth(1).inner_text(), lang) == pytest.approx(days, abs=0.006)

    # The trend charts are drawn, with one table row per month on record, the month under way marked.
    for canvas in CHARTS:
        expect(page.locator(f"#{canvas}")).to_have_attribute("role", "img")
        assert drawn(page, canvas), canvas
    first_cells = page.locator("#hr-chart-days-table tbody tr td:first-of-type")
    expect(first_cells.first).to_have_text(re.compile(decimal))
    expect(page.locator("#hr-chart-days-table tbody tr").last.locator("th")).to_contain_text(
        "pågår" if comma else "in progress"
    )
    sick_per_fte = [m["sick_days_per_fte"] for m in months]
    assert number(first_cells.nth(0).text_content() or "", lang) == pytest.approx(sick_per_fte[0], abs=0.006)
    expect(page.locator("#hr-chart-season-table tbody tr")).to_have_count(12)
    expect(page.locator("#hr-suppressed")).to_contain_text("Ingen svarsgrupp" if comma else "No answer group")

    # Choosing a group draws it beside the centre, in the chart and in its table.
    teams = sorted({r["team"] for r in absence["teams"]} - {"total"})
    expect(page.locator("#hr-group-list input[type=checkbox]")).to_have_count(len(teams))
    page.locator("#hr-group-list label").first.click()
    expect(page.locator("#hr-chart-spells-table thead th")).to_have_count(5)
    assert page.evaluate("window.Chart.getChart(document.getElementById('hr-chart-spells')).data.datasets.length") == 2
    page.locator("#hr-group-list label").first.click()
    expect(page.locator("#hr-chart-spells-table thead th")).to_have_count(4)

    # The forest plot: for every outcome and lag, one row per association of the API, in the chart and in words.
    every = associations["associations"]
    seen = 0
    for outcome in OUTCOMES:
        page.click(f"label[for=hr-outcome-{outcome}]")
        for lag in LAGS:
            page.click(f"label[for=hr-lag-{lag}]")
            expected = sum(1 for a in every if a["outcome"] == outcome and a["lag_weeks"] == lag)
            expect(page.locator("#hr-chart-forest-table tbody tr")).to_have_count(expected)
            expect(page.locator("#hr-forest-words li")).to_have_count(expected)
            assert page.evaluate(f"{FOREST}.data.labels.length") == expected
            seen += expected
    assert seen == len(every)
    page.click("label[for=hr-outcome-short_term_sick_spells]")
    page.click("label[for=hr-lag-0]")
    assert page.evaluate(f"{FOREST}.data.datasets.map((d) => d.label)") == (
        ["Egna data", "Forskning", "Sammanvägt"] if comma else ["Own data", "Research", "Combined"]
    )
    expect(page.locator("#hr-forest-words .hr-conf").first).to_have_text(
        re.compile("säkerhet|underlag" if comma else "confidence|evidence", re.I)
    )
    expect(page.locator("#hr-forest-shown")).to_contain_text(f"{len(every)}")
    # The API's sentences are English: the Swedish page writes its own.
    text = page.locator("main").inner_text()
    if comma:
        for a in every:
            assert a["statement"] not in text
        assert absence["rules"] not in text
    assert not re.search(r"\bhr\.[a-z_]+\.[a-z_]", text), "an untranslated key"

    # The audit: the page's own read of the absence is in the list.
    reads = page.locator("#hr-audit-body tbody tr").filter(
        has_text="Frånvaro per svarsgrupp" if comma else "Absence per answer group"
    )
    expect(reads.first).to_contain_text("hr (HR)")
    logged = api_json(demo_stack, Role.HR, "/audit", {"action": "read", "actor": "hr", "limit": "50"})
    assert any(
        e["resource"] == "GET /absence" and e["details"]["filters"].get("period") == "month" for e in logged["items"]
    )

    assert_accessible(page)
    shoot(page, f"hr-hr-{lang}")
    if comma:  # a tablet: nothing wider than the screen
        page.set_viewport_size({"width": 768, "height": 1024})
        expect(page.locator("#hr-chart-forest")).to_be_visible()
        page.wait_for_function("() => document.documentElement.scrollWidth <= 768")
        assert_accessible(page)
        shoot(page, "hr-hr-sv-768")
        page.set_viewport_size({"width": 1366, "height": 900})
    assert errors == []


def test_admin_sees_the_page_and_the_audit(
    demo_stack: DemoStack, browser: Browser, absence: dict[str, Any], associations: dict[str, Any]
) -> None:
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    try:
        page = context.new_page()
        errors = watch(page)
        login(page, demo_stack, Role.ADMIN, "/hr")
        wait_for_figures(page, len(months_shown(absence, demo_stack.today)))
        for canvas in CHARTS:
            assert drawn(page, canvas), canvas
        lag0 = sum(1 for a in associations["associations"] if a["outcome"] == OUTCOMES[0] and a["lag_weeks"] == 0)
        expect(page.locator("#hr-chart-forest-table tbody tr")).to_have_count(lag0)
        expect(page.locator("#hr-audit")).to_be_visible()
        expect(page.locator("#hr-audit-body tbody tr").filter(has_text="admin (Administratör)").first).to_be_attached()
        shoot(page, "hr-admin-sv")
        assert errors == []
    finally:
        context.close()


def assert_no_hr_data(page: Page) -> None:
    """The role message, and none of the page's figures anywhere in the document."""
    expect(page.locator("#role-view")).to_be_visible()
    expect(page.locator("#app-view")).to_be_hidden()
    expect(page.locator("nav.topnav a[href='/hr']")).to_be_hidden()
    for canvas in CHARTS:
        assert not drawn(page, canvas), canvas
        expect(page.locator(f"#{canvas}-table *")).to_have_count(0)
    for holder in ("#hr-group-list", "#hr-suppressed", "#hr-forest-words"):
        expect(page.locator(f"{holder} *")).to_have_count(0)
    expect(page.locator("#hr-kpis .kpi")).to_have_count(0)
    expect(page.locator("#hr-audit-body table")).to_have_count(0)
    expect(page.locator("#hr-data-note")).to_have_text("")


def log_in_to_role_view(page: Page, stack: DemoStack, role: Role) -> list[str]:
    """Log in through the form as `role`; the API paths (under /api/v1) the page asks for after it."""
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url.split("/api/v1", 1)[1]) if "/api/v1/" in r.url else None)
    page.fill("#username", role.value)
    page.fill("#password", stack.passwords[role])
    page.click("#login-submit")
    expect(page.locator("#role-view")).to_be_visible()
    return asked


@pytest.mark.parametrize("role", [Role.MANAGER, Role.FACILITIES])
def test_other_roles_get_the_role_message_and_no_absence(
    demo_stack: DemoStack, browser: Browser, absence: dict[str, Any], role: Role
) -> None:
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    try:
        page = context.new_page()
        errors = watch(page)
        if role is Role.MANAGER:
            # After HR in the same tab: logging out takes the figures off the page before the manager logs in.
            login(page, demo_stack, Role.HR, "/hr")
            wait_for_figures(page, len(months_shown(absence, demo_stack.today)))
            page.click("#logout")
            expect(page.locator("#login-form")).to_be_visible()
        else:
            page.clock.set_fixed_time(demo_stack.now)
            page.goto(demo_stack.url + "/hr")
            expect(page.locator("#login-form")).to_be_visible()
        asked = log_in_to_role_view(page, demo_stack, role)
        assert_no_hr_data(page)
        assert not [p for p in asked if p.startswith(("/absence", "/evidence", "/audit"))], asked
        expect(page.locator("#role-view-title")).to_have_text("Inte för din roll")
        assert errors == []
    finally:
        context.close()


def test_no_absence_yet_and_no_analysis_are_said_in_words(demo_stack: DemoStack, browser: Browser) -> None:
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    try:
        page = context.new_page()
        failures: list[str] = []
        page.on("pageerror", lambda exc: failures.append(str(exc)))
        empty = {
            "period": "month", "since": "2023-12-01", "until": "2026-11-30", "view": "full", "rules": "",
            "centre": [], "teams": [],
            "data": {
                "people": 0, "teams": 0, "periods": 0, "records_from": None, "records_until": None,
                "complete_periods": 0, "completeness": None,
            },
        }  # fmt: skip
        page.route("**/api/v1/absence?*", lambda route: route.fulfill(json=empty))
        page.route(
            "**/api/v1/evidence/associations",
            lambda route: route.fulfill(status=503, json={"detail": "No analysis is configured on this server"}),
        )
        login(page, demo_stack, Role.HR, "/hr")
        expect(page.locator("#hr-trends-status")).to_have_text("Ingen frånvarodata är importerad ännu.")
        expect(page.locator("#hr-trends-content")).to_be_hidden()
        expect(page.locator("#hr-kpis")).to_contain_text("Ingen frånvarodata")
        expect(page.locator("#hr-forest-status")).to_contain_text("analysen är inte tillgänglig")
        expect(page.locator("#hr-forest-content")).to_be_hidden()
        expect(page.locator("#hr-audit-body tbody tr").first).to_be_attached()
        assert failures == []
    finally:
        context.close()
