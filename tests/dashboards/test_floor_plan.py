"""The facilities page's floor plan (/facilities) in real headless Chromium against the shared demo stack.

The plan draws one link per zone at the rectangle GET /api/v1/site/plan gives (viewBox = the plan's size),
coloured and named by the zone's worst current band as /latest says (bands of occupied values only; nothing
for five minutes: stale); a zone leads to its page, /zone?zone=<id>. Facilities has no edit button. An admin
edits the plan: the arrow keys move the focused zone and Shift + arrow resizes it, the table follows, a zone
pushed outside the plan is refused with a message before anything is sent, Save stores it (PUT), and a
facilities user then sees it there (GET: source "stored"); a refusal of the server names the zone, Cancel
drops an edit, and a save after another admin's save says whose it is and keeps the edit until Save is pressed
again (If-Match: 412). Swedish and English, a tablet's width, axe-core
clean, screenshots. The layout saved is put back to the site file's at the end (the demo stack is shared).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, Route, expect

from api.security import Role
from tests.dashboards.a11y import assert_accessible
from tests.dashboards.conftest import ARTIFACTS, png_size
from tests.dashboards.stack import DemoStack, Sessions, api_get
from tests.dashboards.stack import call as stack_call

pytestmark = pytest.mark.browser

SHOTS = ARTIFACTS / "pages"
STALE_AFTER = timedelta(minutes=5)
MOVED = "meeting"  # the zone the admin moves: inside the plan, with room around it
STEP = 10  # plan units per arrow key on the demo's 1000 × 600 plan
STATE_WORDS = {
    "sv": {"good": "Bra", "acceptable": "Godtagbart", "act": "Åtgärda", "unoccupied": "Obemannat",
           "stale": "Inaktuell – inget nytt på över 5 minuter", "no_data": "Inga mätvärden"},
    "en": {"good": "Good", "acceptable": "Acceptable", "act": "Act", "unoccupied": "Unoccupied",
           "stale": "Stale: nothing for over 5 minutes", "no_data": "No readings"},
}  # fmt: skip


def call(stack: DemoStack, role: Role, method: str, path: str, body: Any = None) -> httpx.Response:
    """Call the API as `role` with `body` as JSON."""
    return stack_call(stack, role, method, path, json=body)


def get(stack: DemoStack, role: Role, path: str) -> Any:
    return api_get(stack, role, path)


@pytest.fixture(scope="module")
def pages(demo_stack: DemoStack, browser: Browser) -> Iterator[Sessions]:
    def ready(page: Page) -> None:  # the plan is drawn, one shape per zone
        expect(page.locator("body")).to_have_attribute("data-ready", "true")
        expect(page.locator("#plan-svg .plan-zone")).to_have_count(len(demo_stack.site.zones))

    state = Sessions(demo_stack, browser, "/facilities", ready=ready)
    try:
        yield state
    finally:
        state.close()
        # The demo stack is shared: its layout goes back to the site file's (an empty layout).
        call(demo_stack, Role.ADMIN, "PUT", "/site/plan", {"zones": []}).raise_for_status()


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.mouse.move(0, 0)
    page.screenshot(path=str(path), full_page=True)
    width, height = png_size(path)
    assert width >= 768
    assert height > 600


def expected_states(stack: DemoStack) -> dict[str, str]:
    """Each zone's state by /latest at the stack's now: its worst band in occupied hours, unoccupied, or stale."""
    states = {z.id: "no_data" for z in stack.site.zones}
    for row in get(stack, Role.FACILITIES, "/latest"):
        values = list(row["values"].values())
        if not values:
            continue
        newest = max(datetime.fromisoformat(v["ts"]) for v in values)
        if stack.now - newest > STALE_AFTER:
            states[row["zone"]] = "stale"
            continue
        bands = [v["band"] for v in values if v["occupied"]]
        if not bands:
            states[row["zone"]] = "unoccupied"
        else:
            states[row["zone"]] = next((b for b in ("act", "acceptable") if b in bands), "good")
    return states


def check_plan(page: Page, stack: DemoStack, lang: str) -> None:
    """One link per zone at the API's rectangle, named and coloured by the zone's state, leading to its page."""
    plan = get(stack, Role.FACILITIES, "/site/plan")
    states = expected_states(stack)
    svg = page.locator("#plan-svg")
    expect(svg).to_have_attribute("viewBox", f"0 0 {plan['width']:g} {plan['height']:g}")
    shapes = svg.locator(".plan-zone")
    expect(shapes).to_have_count(len(plan["zones"]))
    assert len(plan["zones"]) == len(stack.site.zones)
    for zone in plan["zones"]:
        shape = svg.locator(f'.plan-zone[data-zone="{zone["zone"]}"]')
        link = shape.locator("a.plan-target")
        rect = link.locator(".plan-rect")
        for attr, key in (("x", "x"), ("y", "y"), ("width", "w"), ("height", "h")):
            expect(rect).to_have_attribute(attr, f"{zone[key]:g}")
        expect(link).to_have_attribute("href", f"/zone?zone={zone['zone']}")
        state = states[zone["zone"]]
        expect(shape).to_have_attribute("data-state", "stale" if state == "no_data" else state)
        expect(link).to_have_attribute("aria-label", f"{zone['name']}: {STATE_WORDS[lang][state]}")
        expect(shape.locator(".plan-band")).not_to_be_empty()  # the band's symbol (and word) beside the colour
    # The demo's z3 is under-ventilated: its CO₂ alert is open, it is drawn as needing action.
    assert states["z3"] == "act"


def test_the_plan_draws_every_zone_where_the_api_puts_it(pages: Sessions) -> None:
    session = pages.session(Role.FACILITIES)
    page = session.page
    check_plan(page, pages.stack, "sv")
    expect(page.locator("#plan-title")).to_have_text("Planritning")
    # Facilities may look, not edit.
    expect(page.locator("#plan-edit")).to_be_hidden()
    expect(page.locator("#plan-editor")).to_be_hidden()
    expect(page.locator('#plan-svg [tabindex="0"]')).to_have_count(0)
    assert_accessible(page)
    shot(page, "facilities-facilities-sv")
    assert session.errors == []


def test_a_zone_leads_to_its_page(pages: Sessions) -> None:
    session = pages.session(Role.FACILITIES)
    page = session.page
    page.locator('#plan-svg .plan-zone[data-zone="z3"] a').click()
    expect(page).to_have_url(f"{pages.stack.url}/zone?zone=z3")
    page.go_back()
    expect(page.locator("#plan-svg .plan-zone")).to_have_count(len(pages.stack.site.zones))
    # From the keyboard: the zone is a link in the tab order.
    page.locator('#plan-svg .plan-zone[data-zone="z5"] a').focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{pages.stack.url}/zone?zone=z5")
    page.go_back()
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    assert session.errors == []


def test_the_plan_in_english_and_at_a_tablets_width(pages: Sessions) -> None:
    session = pages.session(Role.FACILITIES, "en")
    page = session.page
    check_plan(page, pages.stack, "en")
    expect(page.locator("#plan-title")).to_have_text("Floor plan")
    assert_accessible(page)
    shot(page, "facilities-facilities-en")
    assert session.errors == []

    tablet = pages.session(Role.FACILITIES, "sv", 768)
    box = tablet.page.locator("#plan-svg").bounding_box()
    assert box is not None
    assert 600 < box["width"] <= 768
    assert tablet.page.evaluate("document.documentElement.scrollWidth") <= 768  # nothing wider than the screen
    assert_accessible(tablet.page)
    shot(tablet.page, "facilities-facilities-sv-768")
    assert tablet.errors == []


def test_the_admin_moves_a_zone_by_keyboard_and_facilities_sees_it_there(pages: Sessions) -> None:
    stack = pages.stack
    original = {z["zone"]: z for z in get(stack, Role.FACILITIES, "/site/plan")["zones"]}
    before = original[MOVED]
    admin = pages.session(Role.ADMIN)
    page = admin.page
    edit = page.locator("#plan-edit")
    expect(edit).to_be_visible()
    expect(edit).to_have_text("Redigera planritning")
    edit.click()
    expect(page.locator("#plan-editor")).to_be_visible()
    rows = page.locator("#plan-table tbody tr")
    expect(rows).to_have_count(len(stack.site.zones))

    # The table refuses a zone outside the plan before anything is sent.
    page.fill("#plan-w-z1", "5000")
    page.click("#plan-save")
    errors = page.locator("#plan-errors")
    expect(errors).to_be_visible()
    expect(errors).to_contain_text("zonen når utanför planritningen")
    expect(page.locator("#plan-w-z1")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#plan-w-z1")).to_be_focused()
    page.fill("#plan-w-z1", f"{original['z1']['w']:g}")
    expect(errors).to_be_hidden()  # corrected: the message goes

    # Two steps right, one down, one wider: the keyboard, on the focused zone.
    zone = page.locator(f'#plan-svg .plan-zone[data-zone="{MOVED}"]')
    expect(zone.locator(".plan-target")).to_have_attribute("role", "button")
    zone.locator(".plan-target").focus()
    for key in ("ArrowRight", "ArrowRight", "ArrowDown", "Shift+ArrowRight"):
        page.keyboard.press(key)
    moved = {"x": before["x"] + 2 * STEP, "y": before["y"] + STEP, "w": before["w"] + STEP, "h": before["h"]}
    rect = zone.locator(".plan-rect")
    for attr, key in (("x", "x"), ("y", "y"), ("width", "w"), ("height", "h")):
        expect(rect).to_have_attribute(attr, f"{moved[key]:g}")
        expect(page.locator(f"#plan-{key}-{MOVED}")).to_have_value(f"{moved[key]:g}")
    expect(page.locator("#plan-announce")).to_contain_text(f"x {moved['x']:g}, y {moved['y']:g}")
    assert_accessible(page)
    shot(page, "facilities-admin-sv")

    page.click("#plan-save")
    expect(page.locator("#plan-status")).to_have_text("Planritningen är sparad.")
    expect(page.locator("#plan-editor")).to_be_hidden()
    expect(page.locator("#plan-notes")).to_contain_text("av admin")
    expect(page.locator(f'#plan-svg .plan-zone[data-zone="{MOVED}"] a .plan-rect')).to_have_attribute(
        "x", f"{moved['x']:g}"
    )

    # The API keeps it, and a facilities user sees it there.
    after = {z["zone"]: z for z in get(stack, Role.FACILITIES, "/site/plan")["zones"]}[MOVED]
    assert {k: after[k] for k in moved} == moved
    assert after["source"] == "stored"
    viewer = pages.session(Role.FACILITIES)
    viewer.page.reload()
    expect(viewer.page.locator("body")).to_have_attribute("data-ready", "true")
    check_plan(viewer.page, stack, "sv")
    expect(viewer.page.locator("#plan-notes")).to_contain_text("Planritningen ändrades senast")
    assert admin.errors == []
    assert viewer.errors == []


def test_a_refused_save_is_explained_and_an_edit_cancelled_in_english(pages: Sessions) -> None:
    stack = pages.stack
    plan = get(stack, Role.FACILITIES, "/site/plan")
    admin = pages.session(Role.ADMIN, "en")
    page = admin.page
    page.reload()  # the plan as saved by the test before, if it ran
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    page.locator("#plan-edit").click()
    expect(page.locator("#plan-edit-help")).to_contain_text("arrow keys")
    page.locator('#plan-svg .plan-zone[data-zone="z1"] .plan-target').focus()
    page.keyboard.press("ArrowUp")
    # A refusal of the server (here made up: the page's own checks let nothing it knows of through) names the zone.
    refusal = {"type": "about:blank", "title": "Unprocessable Content", "status": 422, "instance": "/api/v1/site/plan",
               "detail": "zone 'z1': the rectangle reaches beyond the floor plan"}  # fmt: skip

    def refuse(route: Route) -> None:
        if route.request.method == "PUT":
            route.fulfill(status=422, json=refusal, headers={"Content-Type": "application/problem+json"})
        else:
            route.continue_()

    page.route("**/api/v1/site/plan", refuse)
    try:
        page.click("#plan-save")
        errors = page.locator("#plan-errors")
        expect(errors).to_contain_text("The server did not accept the position or size of Svarsgrupp 1.")
        expect(errors.locator('[lang="en"]')).to_have_text(refusal["detail"])
        expect(page.locator("#plan-x-z1")).to_have_attribute("aria-invalid", "true")
    finally:
        page.unroute("**/api/v1/site/plan", refuse)
    admin.errors.clear()  # Chromium logs the refused request
    page.click("#plan-cancel")
    expect(page.locator("#plan-status")).to_have_text("Editing cancelled: no changes were saved.")
    expect(page.locator("#plan-edit")).to_be_focused()
    z1 = next(z for z in plan["zones"] if z["zone"] == "z1")
    expect(page.locator('#plan-svg .plan-zone[data-zone="z1"] a .plan-rect')).to_have_attribute("y", f"{z1['y']:g}")
    assert get(stack, Role.FACILITIES, "/site/plan")["zones"] == plan["zones"]
    assert admin.errors == []


def test_a_save_after_another_admins_save_says_whose_and_saves_only_when_asked_again(pages: Sessions) -> None:
    stack = pages.stack
    call(stack, Role.ADMIN, "PUT", "/site/plan", {"zones": []}).raise_for_status()
    original = {z["zone"]: z for z in get(stack, Role.FACILITIES, "/site/plan")["zones"]}
    admin = pages.session(Role.ADMIN)
    page = admin.page
    page.reload()
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    page.locator("#plan-edit").click()
    page.locator(f'#plan-svg .plan-zone[data-zone="{MOVED}"] .plan-target').focus()
    page.keyboard.press("ArrowLeft")
    # Meanwhile another admin (the API, here) saves a layout of their own.
    theirs = {"zone": "z2", "x": 0.0, "y": 0.0, "w": 100.0, "h": 100.0}
    call(stack, Role.ADMIN, "PUT", "/site/plan", {"zones": [theirs]}).raise_for_status()

    page.click("#plan-save")
    errors = page.locator("#plan-errors")
    expect(errors).to_contain_text("admin sparade planritningen")
    expect(errors).to_contain_text("Dina ändringar finns kvar")
    expect(page.locator("#plan-editor")).to_be_visible()  # the edit is kept
    expect(page.locator(f"#plan-x-{MOVED}")).to_have_value(f"{original[MOVED]['x'] - STEP:g}")
    kept = {z["zone"]: z for z in get(stack, Role.FACILITIES, "/site/plan")["zones"]}
    assert {k: kept["z2"][k] for k in theirs} == theirs  # theirs stands
    assert kept[MOVED] == original[MOVED]
    admin.errors.clear()  # Chromium logs the refused request

    # Saved again, knowingly: the plan as this admin sees it replaces theirs.
    page.click("#plan-save")
    expect(page.locator("#plan-status")).to_have_text("Planritningen är sparad.")
    kept = {z["zone"]: z for z in get(stack, Role.FACILITIES, "/site/plan")["zones"]}
    assert kept[MOVED]["x"] == original[MOVED]["x"] - STEP
    assert {k: kept["z2"][k] for k in ("x", "y", "w", "h")} == {k: original["z2"][k] for k in ("x", "y", "w", "h")}
    assert admin.errors == []
