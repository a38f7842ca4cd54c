"""Outside working hours the facilities page shows values as unoccupied, not as faults (issue 9, item 9).

At 20:03 on a Tuesday every zone was red ("14 need action"): empty rooms read 0–3 lx and the heating
is set back. The same readings at 10:03 on the next working day do need action; on Christmas Day
(a Friday) they do not. The API's clock and the browser's are pinned to each moment. In English, then Swedish.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, expect

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
from tests.dashboards.conftest import watch

STOCKHOLM = ZoneInfo("Europe/Stockholm")
PASSWORD = "ventilation-2026"
# An empty room: dark, heating set back; in working hours the light and the temperature need action.
EMPTY_ROOM = {"co2_ppm": 425.0, "temperature_c": 18.5, "humidity_pct": 35.0, "sound_dba": 31.0, "illuminance_lux": 2.0}
MOMENTS = {
    "tuesday evening": (datetime(2026, 11, 24, 20, 3, tzinfo=STOCKHOLM), False),
    "wednesday morning": (datetime(2026, 11, 25, 10, 3, tzinfo=STOCKHOLM), True),
    "christmas day": (datetime(2026, 12, 25, 10, 3, tzinfo=STOCKHOLM), False),
}


def empty_rooms(site: Site, now: datetime) -> list[Reading]:
    """Three hours of 5-minute readings of every zone's first device, the newest a minute ago."""
    return [
        Reading(site.id, zone.id, site.devices_in(zone.id)[0].id, now - timedelta(minutes=1 + 5 * k), EMPTY_ROOM)
        for zone in site.zones
        for k in range(36)
    ]


@pytest.fixture
def served(example_site: Site) -> Iterator[tuple[str, Services]]:
    """An API whose clock the test sets, over a store the test fills."""
    users = MemoryUserDirectory()
    users.add("facilities", Role.FACILITIES, PASSWORD)
    services = Services(example_site, MemoryReadingStore(), MemoryDeadLetterLog(), users, TokenSigner("w" * 40))
    server = ServerThread(create_app(services)).start()
    try:
        yield server.url, services
    finally:
        server.stop()


@pytest.mark.browser
@pytest.mark.parametrize("moment", list(MOMENTS))
def test_values_outside_working_hours_are_unoccupied_not_faults(
    served: tuple[str, Services], browser: Browser, example_site: Site, moment: str
) -> None:
    url, services = served
    now, occupied = MOMENTS[moment]
    services.now = lambda: now
    services.store.write(empty_rooms(example_site, now))
    zones = len(example_site.zones)
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="en-GB", timezone_id="UTC")
    page = context.new_page()
    page.clock.set_fixed_time(now)
    errors = watch(page)
    try:
        page.goto(f"{url}/facilities?lang=en")
        page.fill("#username", "facilities")
        page.fill("#password", PASSWORD)
        page.click("#login-form button[type=submit]")
        summary = page.locator("#summary")
        note = page.locator("#occupancy-note")
        light = page.locator('.zone-card[data-zone="z1"] .metric[data-metric="illuminance_lux"]')
        expect(light.locator(".value")).to_have_text("2")
        # The value's band is the table's either way; whether it applies is the API's `occupied`.
        expect(light.locator(".value")).to_have_attribute("data-band", "act")
        expect(light.locator(".value")).to_have_attribute("data-occupied", str(occupied).lower())
        if occupied:
            expect(summary).to_contain_text(f"{zones} need action")
            expect(summary).not_to_contain_text("outside working hours")
            expect(note).to_be_hidden()
            expect(light).to_have_class(re.compile(r"\bband-act\b"))
            expect(page.locator('.zone-card[data-worst="act"]')).to_have_count(zones)
        else:
            expect(summary).to_contain_text(f"{zones} outside working hours")
            expect(summary).not_to_contain_text("need action")
            expect(note).to_be_visible()
            expect(note).to_contain_text("Outside working hours (Mon–Fri 08:00–17:00, not on public holidays)")
            expect(note).to_contain_text("not as faults")
            expect(light).to_have_class(re.compile(r"\bband-unoccupied\b"))
            expect(light.locator(".sr-only")).to_have_text("(Unoccupied)")
            assert "In working hours this would be: Act" in (light.get_attribute("title") or "")
            expect(page.locator('.zone-card[data-worst="unoccupied"]')).to_have_count(zones)
            expect(page.locator(".metric.band-act")).to_have_count(0)
        # The charts: the stretch outside working hours is shaded, the newest window coloured accordingly.
        chart = page.locator('#charts svg[data-quantity="illuminance_lux"]')
        expect(chart.locator("path.series")).to_have_attribute("data-points", re.compile(r"^\d{2,}$"))
        expect(chart.locator("circle.last-dot")).to_have_class(re.compile(r"dot-act" if occupied else "dot-unoccupied"))
        assert chart.locator("rect.unoccupied-area").count() >= 1  # the 24 hours always hold a night
        expect(page.locator(".legend .chip.band-unoccupied")).to_have_text("○ Unoccupied")
        # The same in Swedish, the default language (the login is kept).
        page.goto(f"{url}/facilities?lang=sv")
        expect(light.locator(".value")).to_have_text("2")
        if occupied:
            expect(summary).to_contain_text(f"{zones} behöver åtgärdas")
            expect(note).to_be_hidden()
        else:
            expect(summary).to_contain_text(f"{zones} utanför arbetstid")
            expect(note).to_contain_text("Utanför arbetstid (mån–fre 08:00–17:00, inte på helgdagar)")
            expect(note).to_contain_text("inte som fel")
            expect(light.locator(".sr-only")).to_have_text("(Obemannat)")
            assert "Under arbetstid skulle detta vara: Åtgärda" in (light.get_attribute("title") or "")
        expect(page.locator(".legend .chip.band-unoccupied")).to_have_text("○ Obemannat")
        assert errors == []
    finally:
        context.close()
