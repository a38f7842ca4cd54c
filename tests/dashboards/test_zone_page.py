"""The zone detail page (/zone?zone=<id>) in real headless Chromium against the shared demo stack (today 2026-11-18).

Facilities sees answer group 3: its name, kind, teams and sensors, the newest value per quantity, a weekly
compliance chart per quantity with bands holding exactly the weeks the API has (the last twelve whole weeks,
each a share of measured occupied hours per band, weeks with too little data marked), the zone's alerts and
its sensors' health in Swedish words. HR gets the same page without the sensor health panel (and never asks
the gateway's route). The zone select switches zones and keeps ?zone= in the address and the language
links; an unknown zone says so. Both languages, a tablet's width, axe-core clean, screenshots.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from api.security import Role
from tests.dashboards.a11y import assert_accessible
from tests.dashboards.conftest import ARTIFACTS, png_size, watch
from tests.dashboards.stack import DemoStack, Sessions, api_get, login

pytestmark = pytest.mark.browser

SHOTS = ARTIFACTS / "pages"
ZONE = "z3"
OTHER_ZONE = "z5"
WEEKS = 12  # whole weeks the page draws per quantity
BANDED = ("co2_ppm", "temperature_c", "humidity_pct", "sound_dba", "illuminance_lux", "pm25_ugm3")


@pytest.fixture(scope="module")
def pages(demo_stack: DemoStack, browser: Browser) -> Iterator[Sessions]:
    state = Sessions(demo_stack, browser, f"/zone?zone={ZONE}")
    try:
        yield state
    finally:
        state.close()


def api(stack: DemoStack, role: Role, path: str, **params: Any) -> Any:
    """GET the API as `role` with `params` as keywords."""
    return api_get(stack, role, path, params)


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    width, height = png_size(path)
    assert width >= 768
    assert height > 600


def week_label(week_start: str, lang: str) -> str:
    """How the table writes a week: "v. 46 2026" / "week 46 2026"."""
    iso = date.fromisoformat(week_start).isocalendar()
    return f"v. {iso.week} {iso.year}" if lang == "sv" else f"week {iso.week} {iso.year}"


def expected_weeks(stack: DemoStack) -> dict[str, list[dict[str, Any]]]:
    """Per quantity with bands that z3 measures: the last twelve weeks the API has, oldest first."""
    answer = api(stack, Role.FACILITIES, "/evidence/exposure", zone=ZONE)
    out: dict[str, list[dict[str, Any]]] = {}
    for quantity in BANDED:
        weeks = sorted((w for w in answer["weeks"] if w["quantity"] == quantity), key=lambda w: w["week_start"])
        if any(w["hours_with_data"] > 0 for w in weeks[-WEEKS:]):
            out[quantity] = weeks[-WEEKS:]
    return out


def check_compliance(page: Page, weeks: dict[str, list[dict[str, Any]]], lang: str) -> None:
    """Each quantity's chart holds the API's weeks, in order, judged or marked as the API says."""
    assert weeks, "the demo's z3 has weekly exposure"
    missing = "För lite data" if lang == "sv" else "Too little data"
    for quantity in BANDED:
        item = page.locator(f"#compliance-{quantity}-item")
        if quantity not in weeks:
            expect(item).to_be_hidden()
            continue
        expect(item).to_be_visible()
        rows = page.locator(f"#compliance-{quantity}-table tbody tr")
        expect(rows).to_have_count(len(weeks[quantity]))
        expect(rows.locator("th")).to_have_text([week_label(w["week_start"], lang) for w in weeks[quantity]])
        for n, week in enumerate(weeks[quantity]):
            if week["status"] != "ok":
                expect(rows.nth(n).locator("td").last).to_have_text(missing)
        drawn = page.evaluate(
            "id => { const c = window.Chart.getChart(document.getElementById(id));"
            " return c ? { labels: c.data.labels.length, stacks: c.data.datasets.length } : null; }",
            f"compliance-{quantity}",
        )
        assert drawn == {"labels": len(weeks[quantity]), "stacks": 4}, quantity


def test_facilities_sees_the_zone_its_weekly_compliance_and_its_sensors(pages: Sessions) -> None:
    stack = pages.stack
    session = pages.session(Role.FACILITIES)
    page = session.page
    zone = stack.site.zone(ZONE)
    assert zone is not None
    expect(page.locator("h1#zone-title")).to_have_text(zone.name or ZONE)
    expect(page.locator("#zone-kind")).to_have_text("Svarsgrupp")
    expect(page.locator("#zone-teams")).to_have_text(", ".join(zone.teams))
    expect(page.locator("#zone-select")).to_have_value(ZONE)

    latest = api(stack, Role.FACILITIES, f"/zones/{ZONE}/latest")["values"]
    expect(page.locator("#zone-now .now-tile")).to_have_count(len(latest))
    expect(page.locator('#zone-now .now-tile[data-quantity="co2_ppm"] .now-name')).to_have_text("Koldioxid (CO₂)")

    check_compliance(page, expected_weeks(stack), "sv")
    expect(page.locator("#compliance-co2_ppm-summary")).to_contain_text("Senaste 12 veckorna")
    expect(page.locator("#compliance-co2_ppm-limits")).to_have_text(
        "Gränser nu: bra ≤ 800 ppm, godtagbart ≤ 1 000 ppm."
    )

    # The zone's alerts: the demo's open CO₂ alert.
    expect(page.locator("#zone-alerts tbody tr", has_text="Koldioxid (CO₂) för högt").first).to_be_visible()
    expect(page.locator("#zone-alerts-link")).to_have_attribute("href", f"/alerts?zone={ZONE}")

    # Sensor health: the zone's devices, in the page's words (never the API's English problem sentences).
    health = [row for row in api(stack, Role.FACILITIES, "/sensors/health") if row["zone"] == ZONE]
    rows = page.locator("#zone-health table tbody tr")
    expect(rows).to_have_count(len(health))
    for row in health:
        expect(page.locator("#zone-health table")).to_contain_text(row["device"])
        for problem in row["problems"]:
            expect(page.locator("#zone-health")).not_to_contain_text(problem)

    page.locator("#compliance-co2_ppm-figure details summary").click()
    expect(page.locator("#compliance-co2_ppm-table table")).to_be_visible()
    assert_accessible(page)
    shot(page, "zone-facilities-sv")
    assert session.errors == []


def test_hr_gets_the_page_without_the_sensor_health_panel(pages: Sessions) -> None:
    context = pages.browser.new_context(
        viewport={"width": 1440, "height": 1024}, locale="en-GB", timezone_id="Europe/Stockholm"
    )
    try:
        page = context.new_page()
        errors = watch(page)
        asked: list[str] = []
        page.on("request", lambda request: asked.append(request.url))
        login(page, pages.stack, Role.HR, f"/zone?zone={ZONE}", lang="en")
        expect(page.locator("#zone-kind")).to_have_text("Answer group")
        check_compliance(page, expected_weeks(pages.stack), "en")
        expect(page.locator("#zone-compliance-title")).to_have_text("Weekly compliance in working hours")
        expect(page.locator("#zone-alerts tbody tr").first).to_be_visible()
        expect(page.locator("#zone-health")).to_have_count(0)
        assert not [url for url in asked if "/sensors/health" in url]
        assert_accessible(page)
        shot(page, "zone-hr-en")
        assert errors == []
    finally:
        context.close()


def test_the_zone_select_switches_zones_and_keeps_the_address(pages: Sessions) -> None:
    session = pages.session(Role.FACILITIES)
    page = session.page
    other = pages.stack.site.zone(OTHER_ZONE)
    assert other is not None
    page.select_option("#zone-select", OTHER_ZONE)
    expect(page.locator("h1#zone-title")).to_have_text(other.name or OTHER_ZONE)
    expect(page).to_have_url(f"{pages.stack.url}/zone?zone={OTHER_ZONE}")
    expect(page.locator('nav.langnav a[data-lang="en"]')).to_have_attribute("href", f"?zone={OTHER_ZONE}&lang=en")
    expect(page.locator("#compliance-co2_ppm-item")).to_be_visible()
    expect(page.locator("#zone-alerts-link")).to_have_attribute("href", f"/alerts?zone={OTHER_ZONE}")
    page.go_back()
    expect(page.locator("#zone-select")).to_have_value(ZONE)
    expect(page.locator("h1#zone-title")).to_have_text(pages.stack.site.zone(ZONE).name or ZONE)  # type: ignore[union-attr]
    assert session.errors == []


def test_an_unknown_zone_gets_a_clear_message(pages: Sessions) -> None:
    session = pages.session(Role.FACILITIES)
    page = session.page
    page.goto(f"{pages.stack.url}/zone?zone=nowhere")  # the login is kept for the tab
    expect(page.locator("#zone-message")).to_have_text("Det finns ingen zon med id ”nowhere”. Välj en zon i listan.")
    expect(page.locator("#zone-panels")).to_be_hidden()
    expect(page.locator("#zone-select")).to_have_value("")
    assert_accessible(page)
    page.select_option("#zone-select", ZONE)
    expect(page.locator("#zone-message")).to_be_hidden()
    expect(page.locator("#zone-now .now-tile").first).to_be_visible()
    assert session.errors == []


def test_a_tablet_shows_the_page_without_sideways_scrolling(pages: Sessions) -> None:
    session = pages.session(Role.FACILITIES, width=768)
    page = session.page
    expect(page.locator("#compliance-co2_ppm-item")).to_be_visible()
    expect(page.locator("#zone-health table")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 768
    assert_accessible(page)
    shot(page, "zone-facilities-sv-tablet")
    assert session.errors == []
