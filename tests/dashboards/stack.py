"""One realistic demo stack for the browser tests of every page: the demo's kind of data at a fixed "today".

`running_demo_stack` builds what `officewell demo` runs (officewell/runners/demo.py), at 10:00 site time
on Wednesday 18 November 2026 (ISO week 47, tertial T3), with the API's clock standing still there:

- a records store (SQLite) filled by the real importers with a generated centre (seed 5, the generator's
  quick configuration) from 1 January 2025 to yesterday: staff, absences, calls, NKI and citizen feedback;
- the embedded reading store (SQLite, as the demo's) with the demo's history of the example site: the
  older 400 days as 15-minute means (`backfill_history`), the last two days at one minute (`backfill`);
- the analysis, forecast and backtest as `officewell serve` wires them (officewell.wiring), fewer draws;
- the gateway's device status as if it had received the recent history (every sensor heard from);
- an alert store holding one open alert (CO₂ in z3), and three items on the improvement board: one new
  this week, one in progress and overdue, one done in z3 with its end date (a follow-up to show);
- one user per role, named as the role, with the passwords of `PASSWORDS`.

The fixture `demo_stack` (session-scoped, registered in tests/dashboards/conftest.py) builds it once and
waits for the analysis and the default forecast, so a page's first load finds them ready; `login` opens a
page in the browser at the same "now" and logs in through its form.
"""

from __future__ import annotations

import logging
import multiprocessing
import time as clock
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import chain
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, expect

from api.app import create_app
from api.deps import Services
from api.security import Role
from api.tokens import TokenSigner
from api.users import MemoryUserDirectory
from gateway.deadletter_log import MemoryDeadLetterLog
from gateway.device_status import DeviceStatus, MemoryDeviceStatus
from gateway.stores import MemoryReadingStore, ReadingStore, open_store
from gateway.stores.batch import PointBatch
from officewell.runners.analyze import load_catalogue
from officewell.runners.simulate import backfill, backfill_history, simulator_for
from officewell.settings import Settings
from officewell.wiring import analysis_of, backtest_of, forecast_of
from records import board
from records.alerts import MemoryAlertStore, NewAlert
from records.importers import import_file
from records.store import RecordsStore
from sensors.site import Site
from synthetic.centre import GeneratorConfig, generate_centre
from tests.conftest import ServerThread

log = logging.getLogger(__name__)

TODAY = date(2026, 11, 18)  # a Wednesday (ISO week 47) in tertial T3: this week is in progress
NOW_LOCAL = time(10)  # the instant the API and the browser take for now, site time
CENTRE_START = date(2025, 1, 1)
SEED = 5
KINDS = ("staff", "absences", "calls", "nki", "feedback")  # every kind the generator writes and the importers take
RECENT = timedelta(days=2)  # at one minute, as the demo's recent history
HISTORY_DAYS = 400  # older history as 15-minute means, as the demo's (DemoOptions.history_days)
HISTORY_WORKERS = 2  # simulating the history is most of the build: one process per core
FORECAST_DRAWS = 500
PSEUDONYM_KEY = "demo-stack-pseudonyms-" + "k" * 24
TOKEN_SECRET = "demo-stack-tokens-" + "t" * 30
PASSWORDS: Mapping[Role, str] = {
    Role.FACILITIES: "facilities-demo-2026",
    Role.HR: "hr-demo-2026",
    Role.MANAGER: "manager-demo-2026",
    Role.ADMIN: "admin-demo-2026",
}


@dataclass(frozen=True)
class DemoStack:
    """A running demo stack: where it serves, its site, the fixed today and now, its services and logins.

    `timings` holds how long each stage of the build took, in seconds.
    """

    url: str
    site: Site
    today: date  # the site's date for the API and the browser
    now: datetime  # 10:00 on that day, site time
    services: Services
    passwords: Mapping[Role, str]
    timings: Mapping[str, float] = field(default_factory=dict)


class _Batches(MemoryReadingStore):
    """A reading store that only keeps the batches written to it, as they are (to send them to another process)."""

    def __init__(self) -> None:
        super().__init__()
        self.batches: list[PointBatch] = []

    def write_batches(self, batches: Iterable[PointBatch], progress: Any = None) -> None:
        self.batches.extend(batches)


# A PointBatch as plain data (its values' read-only mapping does not pickle): site, ts_ns, zone, device, values.
Columns = tuple[str, Any, Any, Any, dict[str, Any]]


def history_part(site: Site, recent_start: datetime, start: datetime, stop: datetime) -> list[Columns]:
    """The demo's older history of [start, stop) as `backfill_history` writes it (15-minute means), as columns.

    Every part's simulator is the demo's one (same seed and drift epoch): a day comes out the same in any process.
    """
    sink = _Batches()
    backfill_history(simulator_for(site, SEED, recent_start), sink, start, stop)
    return [(b.site, b.ts_ns, b.zone, b.device, dict(b.values)) for b in sink.batches]


def _history_bounds(site: Site, start_day: date, recent_start: datetime, parts: int) -> list[tuple[datetime, datetime]]:
    """[start_day's midnight, recent_start) cut at local midnights into `parts` spans of about as many days."""
    tz = site.site.tz
    days = (recent_start.astimezone(tz).date() - start_day).days
    cuts = [datetime.combine(start_day + timedelta(days=days * k // parts), time(), tz) for k in range(parts)]
    return list(zip(cuts, [*cuts[1:], recent_start], strict=True))


def _import_centre(site: Site, directory: Path, today: date) -> RecordsStore:
    """Generate the centre up to yesterday, write its CSV files and import every kind; the records store."""
    centre = generate_centre(site, CENTRE_START, today - timedelta(days=1), seed=SEED, config=GeneratorConfig().quick())
    files = centre.write_csv(directory / "centre")
    records = RecordsStore.open(f"sqlite:///{directory / 'records.db'}", PSEUDONYM_KEY)
    for kind in KINDS:
        summary = import_file(records, kind, files[kind], site=site, actor="demo")
        log.info("demo stack: imported %s: %d rows", kind, summary.inserted)
    return records


def _at(site: Site, day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), site.site.tz)


def _fill_board(records: RecordsStore, site: Site, today: date) -> None:
    """Three items: new this week, in progress and overdue, done in z3 with its end date (a follow-up)."""
    monday = today - timedelta(days=today.weekday())
    done = board.add_item(
        records, "Rebalance the ventilation in answer group 3", actor=Role.FACILITIES.value,
        description="CO₂ above 1000 ppm most afternoons.", zone="z3", quantity="co2_ppm", owner="facilities",
        action="ventilation_rebalancing", at=_at(site, date(2026, 3, 2), 9),
    )  # fmt: skip
    board.update_item(
        records, done.id, actor=Role.FACILITIES.value, status="in_progress", due_date=date(2026, 5, 15),
        today=today, at=_at(site, date(2026, 4, 6), 9),
    )  # fmt: skip
    board.update_item(
        records, done.id, actor=Role.FACILITIES.value, status="done", done_on=date(2026, 5, 4),
        today=today, at=_at(site, date(2026, 5, 4), 15),
    )  # fmt: skip
    late = board.add_item(
        records, "Sound absorbers in answer group 5", actor=Role.MANAGER.value,
        description="Neighbouring calls are heard at the desks.", zone="z5", quantity="sound_dba",
        at=_at(site, today - timedelta(weeks=5), 9),
    )  # fmt: skip
    board.update_item(
        records, late.id, actor=Role.FACILITIES.value, status="in_progress", owner="facilities",
        due_date=today - timedelta(days=12), action="acoustic_absorbers", today=today,
        at=_at(site, today - timedelta(weeks=4), 11),
    )  # fmt: skip
    board.add_item(
        records, "Desk lamps for the late shift", actor=Role.MANAGER.value,
        description="Light at the desks drops in the dark afternoons.", zone="z1", quantity="illuminance_lux",
        due_date=today + timedelta(weeks=4), at=_at(site, monday, 9),
    )  # fmt: skip


def _raise_alert(site: Site, now: datetime) -> MemoryAlertStore:
    """An alert store with one open, unacknowledged alert: CO₂ high in z3 for the last half hour."""
    alert = NewAlert(
        zone="z3", quantity="co2_ppm", side="high", threshold=1000.0, value=1185.0, peak=1240.0,
        since=now - timedelta(minutes=40), raised_at=now - timedelta(minutes=30),
    )  # fmt: skip
    alerts = MemoryAlertStore()
    alerts.raise_alert(alert)
    return alerts


def _fill_readings(
    store: ReadingStore, site: Site, history: list[list[Columns]], recent_start: datetime, now: datetime
) -> None:
    # Oldest first, as one atomic stream of batches, as backfill_history writes them.
    store.write_batches(PointBatch(*columns) for columns in chain.from_iterable(history))
    backfill(simulator_for(site, SEED, recent_start), store, recent_start, now)


def _heard_from(site: Site, recent_start: datetime, now: datetime) -> MemoryDeviceStatus:
    """What the gateway would know had it received the recent history: every device, once a minute, until now."""
    minutes = int((now - recent_start) / timedelta(minutes=1))
    last = now - timedelta(minutes=1)
    return MemoryDeviceStatus(
        [DeviceStatus(d.format, d.id, d.zone, recent_start, last, minutes, None) for d in site.devices]
    )


def _token(client: httpx.Client, role: Role) -> str:
    res = client.post("/api/v1/auth/token", data={"username": role.value, "password": PASSWORDS[role]})
    res.raise_for_status()
    return str(res.json()["access_token"])


def _warm(url: str) -> None:
    """Ask for what the pages ask for first and is slow (the analysis, the default forecast), so it is kept."""
    with httpx.Client(base_url=url, timeout=300) as client:
        headers = {"Authorization": f"Bearer {_token(client, Role.ADMIN)}"}
        for path in ("/api/v1/evidence/exposure", "/api/v1/forecast"):
            client.get(path, headers=headers).raise_for_status()


@contextmanager
def running_demo_stack(site: Site, directory: Path, *, warm: bool = True) -> Iterator[DemoStack]:
    """Build the demo stack in `directory` and serve it under uvicorn until the block ends.

    With `warm`, the analysis and the default forecast are computed before it is handed over.
    """
    timings: dict[str, float] = {}
    started = mark = clock.monotonic()

    def lap(stage: str) -> None:
        nonlocal mark
        timings[stage] = round(clock.monotonic() - mark, 1)
        mark = clock.monotonic()

    today = TODAY
    now = datetime.combine(today, NOW_LOCAL, site.site.tz)
    recent_start = now - RECENT
    spans = _history_bounds(site, today - timedelta(days=HISTORY_DAYS), recent_start, HISTORY_WORKERS)
    # The history's days are simulated in other processes while this one generates and imports the centre.
    with ProcessPoolExecutor(len(spans), mp_context=multiprocessing.get_context("spawn")) as pool:
        parts = [pool.submit(history_part, site, recent_start, start, stop) for start, stop in spans]
        records = _import_centre(site, directory, today)
        _fill_board(records, site, today)
        lap("centre")
        history = [part.result() for part in parts]
    lap("history")
    store = open_store(f"sqlite:///{directory / 'readings.db'}")
    try:
        _fill_readings(store, site, history, recent_start, now)
        del history
        lap("readings")
        users = MemoryUserDirectory()
        for role, password in PASSWORDS.items():
            users.add(role.value, role, password)
        settings = Settings(forecast_draws=FORECAST_DRAWS)
        services = Services(
            site,
            store,
            MemoryDeadLetterLog(),
            users,
            TokenSigner(TOKEN_SECRET),
            records=records,
            now=lambda: now,
            analyse=analysis_of(settings, site, store, records),
            forecast=forecast_of(settings, site, records),
            backtest=backtest_of(settings, site, records),
            alerts=_raise_alert(site, now),
            device_status=_heard_from(site, recent_start, now),
            actions=tuple(load_catalogue()),
        )
        server = ServerThread(create_app(services)).start()
        try:
            if warm:
                _warm(server.url)
                lap("warm-up")
            timings["total"] = round(clock.monotonic() - started, 1)
            log.info("demo stack built in %.1f s: %s", timings["total"], timings)
            yield DemoStack(server.url, site, today, now, services, PASSWORDS, timings)
        finally:
            server.stop()
    finally:
        store.close()
        records.close()


@pytest.fixture(scope="session")
def demo_stack(example_site: Site, tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoStack]:
    """The demo stack of the example site, built once for the session (see the module's docstring)."""
    with running_demo_stack(example_site, tmp_path_factory.mktemp("demo-stack")) as stack:
        yield stack


def login(page: Page, stack: DemoStack, role: Role, path: str, lang: str | None = None) -> None:
    """Open `path` (in `lang`, if given) with the browser's clock at the stack's now, and log in as `role`.

    Waits until the page's own view (#app-view) shows: a role the page does not let in fails here.
    """
    page.clock.set_fixed_time(stack.now)
    url = stack.url + path
    if lang is not None:
        url += ("&" if "?" in path else "?") + f"lang={lang}"
    page.goto(url)
    expect(page.locator("#login-form")).to_be_visible()
    page.fill("#username", role.value)
    page.fill("#password", stack.passwords[role])
    page.click("#login-submit")
    expect(page.locator("#app-view")).to_be_visible()


def call(stack: DemoStack, role: Role, method: str, path: str, **kwargs: Any) -> httpx.Response:
    """Call the API (`path` under /api/v1) as `role`: the demo users are named after their roles."""
    with httpx.Client(base_url=stack.url, timeout=300) as client:
        headers = {"Authorization": f"Bearer {_token(client, role)}", **kwargs.pop("headers", {})}
        return client.request(method, f"/api/v1{path}", headers=headers, **kwargs)


def api_get(stack: DemoStack, role: Role, path: str, params: Any = None) -> Any:
    """What the API answers `role` for GET `path` (under /api/v1), failing on an error status."""
    answer = call(stack, role, "GET", path, params=params)
    answer.raise_for_status()
    return answer.json()


@dataclass(frozen=True)
class Session:
    """One logged-in browser context and page, with the console errors it collected."""

    context: BrowserContext
    page: Page
    errors: list[str]


class Sessions:
    """Logged-in pages kept for a test module, one per role, language and width, closed with `close()`.

    Each opens `path` in a context with the page language's locale and the site's time zone, logs in
    (`login`), and waits for `ready(page)` if given; `ignore` passes console errors the page expects.
    """

    def __init__(
        self,
        stack: DemoStack,
        browser: Browser,
        path: str,
        *,
        height: int = 1024,
        ignore: Callable[[ConsoleMessage], bool] | None = None,
        ready: Callable[[Page], None] | None = None,
    ) -> None:
        """Pages of `path` on `stack`, `height` pixels high."""
        self.stack, self.browser, self.path = stack, browser, path
        self._height, self._ignore, self._ready = height, ignore, ready
        self.sessions: dict[str, Session] = {}

    def session(self, role: Role | str, lang: str = "sv", width: int = 1440, path: str | None = None) -> Session:
        """The logged-in page of `role` in `lang` at `width` (made on first use)."""
        from tests.dashboards.conftest import watch  # conftest imports this module for its fixture

        role = Role(role)
        key = f"{role.value}-{lang}-{width}"
        if key not in self.sessions:
            context = self.browser.new_context(
                viewport={"width": width, "height": self._height},
                locale="sv-SE" if lang == "sv" else "en-GB",
                timezone_id="Europe/Stockholm",
            )
            page = context.new_page()
            errors = watch(page, ignore=self._ignore)
            login(page, self.stack, role, path or self.path, lang=lang)
            if self._ready is not None:
                self._ready(page)
            self.sessions[key] = Session(context, page, errors)
        return self.sessions[key]

    def close(self) -> None:
        """Close every context opened."""
        for session in self.sessions.values():
            session.context.close()
