"""End to end: the facilities page in real headless Chromium against the real pipeline.

Mosquitto → gateway → SQLite store/dead-letter log → API (uvicorn) → /facilities in Chromium.
"""

from __future__ import annotations

import json
import math
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect

from api.app import create_app
from api.deps import Services
from api.security import Role
from api.tokens import TokenSigner
from api.users import MemoryUserDirectory
from gateway.mqtt import BrokerAddress, make_client
from gateway.outbox import Outbox
from gateway.pipeline import DeviceSeen, Pipeline
from gateway.service import Gateway, GatewayOptions
from gateway.stores.sqlite import SQLiteReadingStore
from sensors.reading import Reading
from sensors.site import Site
from tests.conftest import Mosquitto, ServerThread
from tests.dashboards.conftest import ARTIFACTS, png_size, watch

CHARTED = ("co2_ppm", "temperature_c", "humidity_pct", "sound_dba", "illuminance_lux")
USERNAME = "facilities"
PASSWORD = "ventilation-2026"
HR_USERNAME = "hr"
HR_PASSWORD = "wellbeing-2026"
# Sensor health: z1's sensor is first heard from during the test, the break room's never; one battery is low.
FIRST_HEARD_LIVE = "aq-01"
NEVER_HEARD = "aq-break"
LOW_BATTERY = "aq-07"
STATUS_ORDER = {"fault": 0, "attention": 1, "ok": 2}
# `data-points` of a drawn series: at least two digits (the history has over 90 five-minute windows).
MANY_POINTS = re.compile(r"^[1-9]\d+$")


@dataclass
class Stack:
    url: str
    broker: BrokerAddress
    site: Site
    store: SQLiteReadingStore
    gateway: Gateway
    services: Services


def history(site: Site, now: datetime, hours: float = 8, step_min: int = 2) -> list[Reading]:
    """A plausible working day for most zones; the meeting room goes quiet, the break room has nothing."""
    rng = random.Random(20261124)
    readings = []
    zones = [z for z in site.zones if z.id != "break"]
    steps = int(hours * 60 / step_min)
    for n, zone in enumerate(zones):
        device = site.devices_in(zone.id)[0].id
        busy_co2 = 1080 if zone.id == "z3" else 620 + 25 * (n % 5)
        end = now - (timedelta(minutes=25) if zone.id == "meeting" else timedelta(seconds=40))
        for i in range(steps, -1, -1):
            ts = end - timedelta(minutes=i * step_min)
            phase = (steps - i) / steps  # 0 → 1 across the period
            occupancy = 0.55 + 0.45 * math.sin(math.pi * phase) - (0.35 if 0.45 < phase < 0.55 else 0)
            values = {
                "co2_ppm": round(430 + (busy_co2 - 430) * occupancy + rng.gauss(0, 12)),
                "temperature_c": round(
                    21.4 + 1.1 * occupancy + (1.4 if zone.id == "z7" else 0) + rng.gauss(0, 0.08), 2
                ),
                "humidity_pct": round(33 + 5 * occupancy + rng.gauss(0, 0.6), 1),
                "sound_dba": round(41 + 9 * occupancy + (5 if zone.id == "z5" else 0) + rng.gauss(0, 1.2), 1),
                "illuminance_lux": round(
                    (430 if zone.window == "N" else 540) + 120 * math.sin(math.pi * phase) + rng.gauss(0, 8)
                ),
            }
            readings.append(Reading(site.id, zone.id, device, ts, values))
    return readings


def sightings(site: Site, readings: list[Reading]) -> list[DeviceSeen]:
    """What the gateway would have noted had the history come through it: a message a minute per device.

    Leaves out FIRST_HEARD_LIVE, so that only the test's own message makes it known.
    """
    formats = {d.id: d.format for d in site.devices}
    spans: dict[str, tuple[str, datetime, datetime]] = {}
    for r in readings:
        zone, first, last = spans.get(r.device, (r.zone, r.ts, r.ts))
        spans[r.device] = (zone, min(first, r.ts), max(last, r.ts))
    seen = []
    for device, (zone, first, last) in spans.items():
        if device == FIRST_HEARD_LIVE:
            continue
        battery = 14.0 if device == LOW_BATTERY else 87.0
        minutes = int((last - first).total_seconds() // 60)
        seen += [
            DeviceSeen(formats[device], device, zone, last - timedelta(minutes=k), battery)
            for k in range(minutes, -1, -1)
        ]
    return seen


@pytest.fixture
def stack(tmp_path: Path, mosquitto: Mosquitto, example_site: Site) -> Iterator[Stack]:
    """The gateway on a real broker, a SQLite store with history, and the API served by uvicorn."""
    store = SQLiteReadingStore(tmp_path / "readings.db")
    outbox = Outbox(tmp_path / "outbox.db")
    dead_letters = outbox.dead_letters
    past = history(example_site, datetime.now(UTC))
    store.write(past)
    outbox.commit([], [], seen=sightings(example_site, past))
    broker = BrokerAddress("127.0.0.1", mosquitto.port)
    gateway = Gateway(Pipeline(example_site), store, outbox, broker, GatewayOptions(persistent_session=False))
    users = MemoryUserDirectory()
    users.add(USERNAME, Role.FACILITIES, PASSWORD)
    users.add(HR_USERNAME, Role.HR, HR_PASSWORD)
    services = Services(
        site=example_site,
        store=store,
        dead_letters=dead_letters,
        users=users,
        tokens=TokenSigner("x" * 40),
        device_status=gateway.outbox.device_status,
    )
    server: ServerThread | None = None
    gateway.start()
    try:
        server = ServerThread(create_app(services)).start()
        yield Stack(server.url, broker, example_site, store, gateway, services)
    finally:
        if server is not None:
            server.stop()
        gateway.stop()
        store.close()


def publish(broker: BrokerAddress, topic: str, payload: bytes) -> None:
    """Publish one QoS 1 message and wait until the broker has it."""
    client = make_client(broker)
    client.connect(broker.host, broker.port)
    client.loop_start()
    try:
        client.publish(topic, payload, qos=1).wait_for_publish(5)
    finally:
        client.disconnect()
        client.loop_stop()


@pytest.mark.browser
@pytest.mark.mosquitto
def test_facilities_page_live(stack: Stack, browser: Browser) -> None:
    # The browser is in UTC, the site in Stockholm: every time on the page must be the site's.
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="en-GB", timezone_id="UTC")
    page: Page = context.new_page()

    def token_refused(msg: ConsoleMessage) -> bool:
        # The deliberate wrong password below makes Chromium log the 401 of the token request.
        return msg.location.get("url", "").endswith("/api/v1/auth/token") and "401" in msg.text

    errors = watch(page, ignore=token_refused)
    try:
        # 2. Log in: a wrong password is refused with a visible message, the right one shows every zone.
        page.goto(f"{stack.url}/facilities?refresh=1&lang=en")
        loaded_at: Any = page.evaluate("window.__loadedAt")
        assert isinstance(loaded_at, int | float)
        expect(page.locator("#login-form")).to_be_visible()
        page.fill("#username", USERNAME)
        page.fill("#password", "wrong password")
        page.click("#login-form button[type=submit]")
        expect(page.locator("#login-error")).to_be_visible()
        expect(page.locator("#login-error")).to_contain_text("Wrong username or password")
        page.fill("#password", PASSWORD)
        page.click("#login-form button[type=submit]")
        expect(page.locator("#login-form")).to_be_hidden()
        cards = page.locator("#zones .zone-card")
        expect(cards).to_have_count(len(stack.site.zones))
        assert len(stack.site.zones) == 14
        for zone in stack.site.zones:
            expect(page.locator(f'.zone-card[data-zone="{zone.id}"]')).to_contain_text(zone.name)
        expect(page.locator("#site-name")).to_have_text("Kundcenter")
        expect(page.locator("#site-tz")).to_contain_text("Europe/Stockholm")

        # Sensor health: every device of the site, faults first; never-heard devices are faults.
        health = page.locator("#sensor-health")
        expect(health).to_be_visible()
        rows = health.locator(".device-row")
        expect(rows).to_have_count(len(stack.site.devices))
        assert len(stack.site.devices) == 14
        statuses = [rows.nth(i).get_attribute("data-status") or "" for i in range(rows.count())]
        assert [STATUS_ORDER[s] for s in statuses] == sorted(STATUS_ORDER[s] for s in statuses), statuses
        for device in (NEVER_HEARD, FIRST_HEARD_LIVE):
            row = health.locator(f'.device-row[data-device="{device}"]')
            expect(row).to_have_attribute("data-status", "fault")
            expect(row).to_contain_text("never heard from")
            expect(row).to_contain_text("Fault")
        meeting_sensor = health.locator('.device-row[data-device="aq-meeting"]')
        expect(meeting_sensor).to_have_attribute("data-status", "fault")
        expect(meeting_sensor).to_contain_text("stale")
        low_battery = health.locator(f'.device-row[data-device="{LOW_BATTERY}"]')
        expect(low_battery).to_have_attribute("data-status", "attention")
        expect(low_battery).to_contain_text("battery 14 %")
        expect(low_battery.locator(".battery-low")).to_have_text("14 %")  # the API's battery_low, not a JS limit
        expect(health.locator(".battery-low")).to_have_count(1)
        expect(health.locator('.device-row[data-device="aq-02"]')).to_have_attribute("data-status", "ok")
        expect(page.locator('.zone-card[data-zone="break"] .fault-badge')).to_be_visible()
        expect(page.locator('.zone-card[data-zone="z2"] .fault-badge')).to_be_hidden()

        z1 = page.locator('.zone-card[data-zone="z1"]')
        co2 = z1.locator('.value[data-quantity="co2_ppm"]')
        expect(co2).to_have_attribute("data-band", "good")
        assert co2.inner_text() != "1234"
        sound_title = z1.locator('.metric[data-metric="sound_dba"]').get_attribute("title") or ""
        assert "own speech" in sound_title, sound_title
        expect(page.locator('.zone-card[data-zone="meeting"]')).to_have_class(re.compile(r"\bis-stale\b"))
        expect(page.locator('.zone-card[data-zone="meeting"] .stale-badge')).to_be_visible()

        # 3. A native message reaches the card through broker, gateway and API, without a reload.
        now = datetime.now(UTC).isoformat()
        publish(stack.broker, "officewell/kc-main/z1/aq-01", json.dumps({"ts": now, "co2_ppm": 1234}).encode())
        expect(co2).to_have_text("1234", timeout=10_000)
        expect(co2).to_have_attribute("data-band", "act", timeout=10_000)
        expect(z1.locator(".age")).to_have_text(re.compile(r"^(just now|\d+ s ago)$"))
        assert page.evaluate("window.__loadedAt") == loaded_at, "the page was reloaded"

        # 4. A malformed message shows up among the dead letters with its reason.
        publish(stack.broker, "officewell/kc-main/z2/aq-02", b'{"ts": "now", "co2_ppm": ')
        dead = page.locator("#dead-letters")
        expect(dead).to_be_visible()
        expect(dead).to_contain_text("officewell/kc-main/z2/aq-02", timeout=10_000)
        expect(dead).to_contain_text("not valid JSON")
        expect(page.locator("#dead-count")).to_have_text("1")
        # Its time is the site's (Stockholm), not the browser's (UTC).
        received = dead.locator("time").first
        at = datetime.fromisoformat(received.get_attribute("datetime") or "")
        assert at.astimezone(ZoneInfo("Europe/Stockholm")).strftime("%H:%M") in received.inner_text()

        # 5. The 24-hour charts of the selected zone (z1 by default) are drawn from the history.
        expect(page.locator("#chart-zone-name")).to_have_text("Svarsgrupp 1")
        for quantity in CHARTED:
            series = page.locator(f'#charts svg[data-quantity="{quantity}"] path.series')
            expect(series).to_have_attribute("data-points", MANY_POINTS, timeout=10_000)
            assert (series.get_attribute("d") or "").count("L") > 50
        assert page.locator('#charts svg[data-quantity="co2_ppm"] .band-area').count() >= 2
        # CO2's limits in force (800 and 1000 ppm) are drawn as thresholds; hovering reads a window out.
        co2_chart = page.locator('.chart[data-chart="co2_ppm"]')
        expect(co2_chart.locator("text.threshold-label")).to_have_text(["800", "1000"])
        co2_chart.locator("rect.hit").hover()
        expect(co2_chart.locator(".chart-tip")).to_be_visible()
        expect(co2_chart.locator(".chart-tip")).to_contain_text("ppm")
        page.mouse.move(0, 0)
        expect(co2_chart.locator(".chart-tip")).to_be_hidden()

        # Clicking a card selects it for the charts.
        page.locator('.zone-card[data-zone="z3"]').click()
        expect(page.locator("#chart-zone-name")).to_have_text("Svarsgrupp 3")
        expect(page.locator('.zone-card[data-zone="z3"]')).to_have_class(re.compile(r"\bselected\b"))
        expect(page.locator('#charts svg[data-quantity="co2_ppm"] path.series')).to_have_attribute(
            "data-points", MANY_POINTS
        )
        page.locator('.zone-card[data-zone="z1"]').click()
        expect(page.locator("#chart-zone-name")).to_have_text("Svarsgrupp 1")
        for quantity in CHARTED:
            series = page.locator(f'#charts svg[data-quantity="{quantity}"] path.series')
            expect(series).to_have_attribute("data-points", MANY_POINTS)

        # z1's sensor is heard from at the next sensor-health refresh (every 10 s with ?refresh=1).
        aq01 = health.locator(f'.device-row[data-device="{FIRST_HEARD_LIVE}"]')
        expect(aq01).not_to_contain_text("never heard from", timeout=15_000)
        expect(aq01).to_have_attribute("data-status", "ok")
        expect(aq01.locator("time")).to_have_text(re.compile(r"^(just now|\d+ s ago)$"))
        expect(page.locator('.zone-card[data-zone="z1"] .fault-badge')).to_be_hidden()
        expect(page.locator("#health-summary")).to_contain_text("2 faults")

        # 6. A screenshot for people to look at, and no errors in the console.
        page.mouse.move(0, 0)
        expect(page.locator(".flash")).to_have_count(0)  # the change highlights have faded
        ARTIFACTS.mkdir(exist_ok=True)
        shot = ARTIFACTS / "facilities.png"
        page.screenshot(path=str(shot), full_page=True)
        width, height = png_size(shot)
        assert width >= 1000
        assert height >= 800
        assert shot.stat().st_size > 30_000
        assert errors == []

        # The same page in Swedish, the default language (the login is kept): the API's English sentences
        # (sensor problems) are written again in Swedish, numbers and times in Swedish.
        page.goto(f"{stack.url}/facilities?refresh=1&lang=sv")
        expect(page.locator("html")).to_have_attribute("lang", "sv")
        expect(page.locator("#overview-title")).to_have_text("Inomhusmiljö")
        expect(page.locator("#summary")).to_contain_text("14 zoner")
        expect(co2).to_have_text("1234")
        expect(page.locator("#site-tz")).to_contain_text("Tider i Europe/Stockholm")
        expect(health.locator(f'.device-row[data-device="{NEVER_HEARD}"]')).to_contain_text("aldrig hörd av")
        expect(health.locator(f'.device-row[data-device="{NEVER_HEARD}"] .status')).to_have_text("▲Fel")
        expect(meeting_sensor).to_contain_text("tyst i")
        expect(low_battery).to_contain_text("batteri 14 %")
        expect(page.locator("#health-summary")).to_contain_text("2 fel")
        expect(page.locator("#dead-title")).to_have_text("Avvisade meddelanden")
        expect(dead.locator(".dl-reason").first).to_have_attribute("lang", "en")  # the gateway's own words
        temperature = page.locator('.zone-card[data-zone="z7"] .value[data-quantity="temperature_c"]')
        expect(temperature).to_have_text(re.compile(r"^\d+,\d$"))  # a decimal comma
        assert "medarbetarnas eget tal" in (z1.locator('.metric[data-metric="sound_dba"]').get_attribute("title") or "")
        for word in ("never heard", "stale", "Fault", "Dead letters", "Sensor health"):
            expect(page.locator("#app-view")).not_to_contain_text(word)
        assert errors == []
        page.goto(f"{stack.url}/facilities?refresh=1&lang=en")
        expect(page.locator("#overview-title")).to_have_text("Indoor environment")

        # A token the server no longer accepts (here: a new signing secret) sends the page back to the login.
        stack.services.tokens = TokenSigner("y" * 40)
        expect(page.locator("#login-form")).to_be_visible(timeout=5000)
        expect(page.locator("#login-notice")).to_contain_text("log in again")
        expect(page.locator("#username")).to_have_value(USERNAME)
        page.fill("#password", PASSWORD)
        page.click("#login-form button[type=submit]")
        expect(page.locator('.zone-card[data-zone="z1"] .value[data-quantity="co2_ppm"]')).to_have_text("1234")

        # Logging out returns to the login form.
        page.click("#logout")
        expect(page.locator("#login-form")).to_be_visible()
        assert page.evaluate("sessionStorage.getItem('officewell.token')") is None

        # HR sees the zones and the site, but neither dead letters nor sensor health (nor asks for them).
        errors.clear()  # the rejected token above logged its 401s
        asked: list[str] = []
        page.on("request", lambda req: asked.append(req.url))
        page.fill("#username", HR_USERNAME)
        page.fill("#password", HR_PASSWORD)
        page.click("#login-form button[type=submit]")
        expect(page.locator("#user-role")).to_have_text("HR")
        expect(page.locator("#site-name")).to_have_text("Kundcenter")
        expect(page.locator('.zone-card[data-zone="z1"] .value[data-quantity="co2_ppm"]')).to_have_text("1234")
        for _ in range(2):  # a few refreshes
            with page.expect_response(lambda res: res.url.endswith("/api/v1/latest")):
                pass
        assert [url for url in asked if "/dead-letters" in url or "/sensors/health" in url] == []
        expect(page.locator("#dead-letters")).to_be_hidden()
        expect(page.locator("#sensor-health")).to_be_hidden()
        expect(page.locator(".zone-card .fault-badge:visible")).to_have_count(0)
        assert errors == []
    finally:
        context.close()
