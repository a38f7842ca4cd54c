"""The goal follow-up page (/goals) in real headless Chromium against the API and a records store.

The store is filled by the real importers with a generated centre up to the day before a fixed
"today" (a Wednesday in March, site time), and the API's clock and the browser's are set to that day,
so the test sees the same weeks whenever it runs. The page's figures are compared with what the API
answers for the same weeks, periods and tertials, in English (?lang=en) and in Swedish, the default:
94,1 %, v. 12, 4,3.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from api.app import create_app
from api.deps import Services
from api.security import Role
from api.tokens import TokenSigner
from api.users import MemoryUserDirectory
from gateway.deadletter_log import MemoryDeadLetterLog
from gateway.stores import MemoryReadingStore
from models.targets import GoalTargets
from records.importers import import_file
from records.store import RecordsStore
from sensors.site import Site
from synthetic.centre import GeneratorConfig, generate_centre
from tests.conftest import ServerThread
from tests.dashboards.conftest import ARTIFACTS, png_size, watch

PASSWORDS = {Role.MANAGER: "follow-up-2026", Role.FACILITIES: "ventilation-2026"}
TEAMS = [f"team-{n}" for n in range(1, 13)]
WEEKS_SHOWN = 52
HEAT_WEEKS = 13
# "Today" at the site: mid-week (the current week is in progress) and inside the year's first tertial.
TODAY = date(2026, 3, 18)


@dataclass
class GoalsStack:
    url: str
    site: Site
    today: date  # the site's date for the API and the browser
    now: datetime  # the instant they both take for now: 10:00 on that day, site time
    services: Services


def months_before(day: date, months: int) -> date:
    """The first day of the month `months` months before `day`'s month."""
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


@pytest.fixture(scope="module")
def goals_stack(example_site: Site, tmp_path_factory: pytest.TempPathFactory) -> Iterator[GoalsStack]:
    """A generated centre (at least 14 months, up to yesterday) imported into a records store, served by uvicorn.

    The API's clock stands still at TODAY, 10:00 site time.
    """
    today = TODAY
    now = datetime.combine(today, time(10), example_site.site.tz)
    start = min(date(today.year - 1, 1, 1), months_before(today, 14))
    directory = tmp_path_factory.mktemp("goals-centre")
    centre = generate_centre(example_site, start, today - timedelta(days=1), seed=5, config=GeneratorConfig().quick())
    files = centre.write_csv(directory)
    store = RecordsStore.open(f"sqlite:///{directory / 'records.db'}", "p" * 40)
    for kind in ("staff", "absences", "calls", "nki"):
        import_file(store, kind, files[kind], site=example_site)
    users = MemoryUserDirectory()
    for role, password in PASSWORDS.items():
        users.add(role.value, role, password)
    services = Services(
        example_site,
        MemoryReadingStore(),
        MemoryDeadLetterLog(),
        users,
        TokenSigner("q" * 40),
        records=store,
        now=lambda: now,
    )
    server = ServerThread(create_app(services)).start()
    try:
        yield GoalsStack(server.url, example_site, today, now, services)
    finally:
        server.stop()
        store.close()


def api_get(stack: GoalsStack, path: str, params: dict[str, str] | None = None) -> Any:
    """GET an API path as the manager."""
    with httpx.Client(base_url=stack.url, timeout=30) as client:
        token = client.post(
            "/api/v1/auth/token", data={"username": Role.MANAGER.value, "password": PASSWORDS[Role.MANAGER]}
        ).json()["access_token"]
        res = client.get(f"/api/v1{path}", params=params, headers={"Authorization": f"Bearer {token}"})
        res.raise_for_status()
        return res.json()


def fixed(value: float, digits: int, lang: str = "en") -> str:
    """As JavaScript's toFixed: the exact binary value, halves rounded up; with a decimal comma in Swedish."""
    text = str(Decimal(value).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))
    return text.replace(".", ",") if lang == "sv" else text


def pct(share: float, lang: str = "en") -> str:
    """The page's percentage: one decimal, then "%" (English) or " %" (Swedish, its no-break space read as one)."""
    return f"{fixed(share * 100, 1, lang)}{' %' if lang == 'sv' else '%'}"


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_words(key: str, lang: str) -> str:
    """An ISO week ("2026-W12") as the page writes it with its year: "v. 12 2026" / "week 12 2026"."""
    return f"{'v.' if lang == 'sv' else 'week'} {int(key[-2:])} {key[:4]}"


def log_in(page: Page, url: str, role: Role) -> None:
    page.goto(url)
    expect(page.locator("#login-form")).to_be_visible()
    page.fill("#username", role.value)
    page.fill("#password", PASSWORDS[role])
    page.click("#login-form button[type=submit]")
    expect(page.locator("#login-form")).to_be_hidden()


def screenshot(page: Page, name: str) -> Path:
    """A full-page screenshot in test-artifacts/pages/ for people to look at."""
    page.mouse.move(0, 0)
    folder = ARTIFACTS / "pages"
    folder.mkdir(parents=True, exist_ok=True)
    shot = folder / name
    page.screenshot(path=str(shot), full_page=True)
    return shot


def check_accessible(page: Page) -> None:
    """axe-core finds nothing to object to (tests/dashboards/a11y.py)."""
    from tests.dashboards.a11y import assert_accessible

    assert_accessible(page)


@dataclass
class Expected:
    """What the API answers for the weeks, tertials and NKI the page shows."""

    weekly: dict[str, Any]
    met_of: dict[tuple[str, str], bool | None]
    weeks: list[str]  # the chart's 52 weeks, oldest first
    year: int
    report: dict[str, Any]
    nki: list[dict[str, Any]]


@pytest.fixture(scope="module")
def expected(goals_stack: GoalsStack) -> Expected:
    stack = goals_stack
    today = stack.today
    # What the page asks for: the 53 weeks up to today (site time), and what the API answers.
    start = monday(today) - timedelta(weeks=WEEKS_SHOWN)
    weekly = api_get(stack, "/goals/answer-rate/weekly", {"start": start.isoformat(), "end": today.isoformat()})
    totals = [w for w in weekly["weeks"] if w["team"] == "total" and w["offered"] > 0]
    latest = max(date.fromisoformat(w["week_start"][:10]) for w in totals)
    assert latest >= monday(today) - timedelta(weeks=1)  # the data reach yesterday
    year = today.year if (today - timedelta(days=1)).year == today.year else today.year - 1
    return Expected(
        weekly=weekly,
        met_of={(w["team"], w["week"]): w["met"] for w in weekly["weeks"]},
        weeks=[iso_week(latest - timedelta(weeks=k)) for k in range(WEEKS_SHOWN - 1, -1, -1)],
        year=year,
        report=api_get(stack, f"/goals/tertial/{year}"),
        nki=api_get(stack, "/goals/nki")["results"],
    )


@pytest.mark.browser
def test_goals_page_for_a_manager(goals_stack: GoalsStack, expected: Expected, browser: Browser) -> None:
    stack = goals_stack
    today = stack.today
    met_of, expected_weeks, year, report, nki = (
        expected.met_of,
        expected.weeks,
        expected.year,
        expected.report,
        expected.nki,
    )

    # The browser is in UTC, the site in Stockholm: weeks and dates must be the site's.
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="en-GB", timezone_id="UTC")
    page = context.new_page()
    page.clock.set_fixed_time(stack.now)
    errors = watch(page)
    try:
        log_in(page, f"{stack.url}/goals?lang=en", Role.MANAGER)
        expect(page.locator("body")).to_have_attribute("data-ready", "true", timeout=15_000)
        expect(page.locator("html")).to_have_attribute("lang", "en")
        expect(page.locator("#site-name")).to_have_text("Kundcenter")
        expect(page.locator("#site-tz")).to_contain_text("Europe/Stockholm")
        expect(page.locator("#user-role")).to_have_text("Manager")
        nav = page.locator("nav.topnav")
        expect(nav.get_by_role("link", name="Environment")).to_have_attribute("href", "/facilities")
        expect(nav.get_by_role("link", name="Goals")).to_have_attribute("aria-current", "page")
        expect(page.locator("#app-view h1")).to_have_text(["Weekly answer rate"])
        expect(page.locator("#nki-title")).to_have_text("Customer satisfaction (NKI)")
        expect(page.locator("#tertial-title")).to_have_text("Tertial report")

        # Weekly chart: 52 weeks of the centre, the target line, weeks below it marked.
        points = page.locator("#weekly-chart svg .week-point")
        expect(points).to_have_count(WEEKS_SHOWN)
        shown = points.evaluate_all("ps => ps.map(p => [p.dataset.week, p.dataset.met, p.tagName])")
        assert [week for week, _, _ in shown] == expected_weeks
        for week, met, tag in shown:
            assert met == str(met_of[("total", week)]).lower(), week
            assert tag == ("circle" if met == "true" else "path"), week  # a shape, not only a colour
        assert any(met == "false" for _, met, _ in shown)
        # This week (the API's, not the browser's) is in progress: drawn hollow.
        partial = page.locator("#weekly-chart svg .week-point.partial")
        expect(partial).to_have_count(1)
        expect(partial).to_have_attribute("data-week", iso_week(today))
        expect(page.locator(".target-text").first).to_have_text("95%")
        expect(page.locator("#weekly-hint")).to_contain_text("The goal is at least 95% every week")
        expect(page.locator("#weekly-summary")).to_contain_text("Target met in ")
        expect(page.locator("#weekly-chart svg .target-line")).to_have_count(1)
        expect(page.locator("#weekly-chart svg .target-label")).to_have_text(["Target", "95%"])
        expect(page.locator("#weekly-chart svg .tick-x").last).to_have_text(f"W{int(expected_weeks[-1][-2:])}")
        # Hovering reads a week out.
        tip = page.locator("#weekly-chart .chart-tip")
        page.locator("#weekly-chart svg rect.hit").hover(position={"x": 5, "y": 20})
        expect(tip).to_be_visible()
        expect(tip).to_contain_text(week_words(expected_weeks[0], "en"))
        expect(tip).to_contain_text("calls answered")
        page.mouse.move(0, 0)
        expect(tip).to_be_hidden()
        # The same figures as a table, for those who cannot see the chart.
        page.locator("#weekly-data summary").click()
        table_rows = page.locator("#weekly-chart-table tbody tr")
        expect(table_rows).to_have_count(WEEKS_SHOWN)
        first_total = next(
            w for w in expected.weekly["weeks"] if w["team"] == "total" and w["week"] == expected_weeks[0]
        )
        expect(table_rows.first.locator("th")).to_have_text(week_words(expected_weeks[0], "en"))
        expect(table_rows.first).to_contain_text(pct(first_total["answer_rate"]))
        page.locator("#weekly-data summary").click()
        page.click("label[for=span-13]")
        expect(points).to_have_count(13)
        expect(table_rows).to_have_count(13)
        page.click("label[for=span-52]")
        expect(points).to_have_count(WEEKS_SHOWN)

        # Heat-map: centre on top, then the twelve answer groups, over the last 13 weeks.
        rows = page.locator("#weekly-table tbody tr")
        expect(rows).to_have_count(1 + len(TEAMS))
        assert rows.evaluate_all("rs => rs.map(r => r.dataset.team)") == ["total", *TEAMS]
        expect(rows.first.locator("th")).to_have_text("Centre (total)")
        heat_weeks = page.locator("#weekly-table thead th[data-week]").evaluate_all("hs => hs.map(h => h.dataset.week)")
        assert heat_weeks == expected_weeks[-HEAT_WEEKS:]
        cells = page.locator("#weekly-table td[data-team][data-week]").evaluate_all(
            """cs => cs.map(c => ({team: c.dataset.team, week: c.dataset.week, met: c.dataset.met,
                                   text: c.textContent, bg: getComputedStyle(c).backgroundColor}))"""
        )
        assert len(cells) == (1 + len(TEAMS)) * HEAT_WEEKS
        colours: dict[str, set[str]] = {"true": set(), "false": set()}
        for cell in cells:
            want = met_of.get((cell["team"], cell["week"]))
            assert cell["met"] == ("" if want is None else str(want).lower()), cell
            if cell["met"]:
                colours[cell["met"]].add(cell["bg"])
                assert ("▼" in cell["text"]) == (cell["met"] == "false"), cell  # a symbol, not only a colour
        assert len(colours["true"]) == 1, colours
        assert len(colours["false"]) == 1, colours
        green = [int(v) for v in colours["true"].pop()[4:-1].split(",")]
        red = [int(v) for v in colours["false"].pop()[4:-1].split(",")]
        assert green[1] > green[0], "met cells are greenish"
        assert red[0] > red[1], "missed cells are reddish"
        # One cell, read as a person would: team-3 in the newest full week.
        week = expected_weeks[-2]
        row = next(w for w in expected.weekly["weeks"] if w["team"] == "team-3" and w["week"] == week)
        cell = page.locator(f'#weekly-table td[data-team="team-3"][data-week="{week}"]')
        expect(cell).to_have_attribute("data-met", str(row["met"]).lower())
        expect(cell).to_contain_text(fixed(row["answer_rate"] * 100, 1))
        expect(cell.locator(".sr-only")).to_have_text(
            f"{pct(row['answer_rate'])}, {'met' if row['met'] else 'below target'}"
        )

        # NKI: the centre's latest period per question area against the targets.
        section = page.locator("#nki")
        for dimension, target in (("treatment", "4.3"), ("knowledge", "4.0")):
            centre = [r for r in nki if r["team"] == "total" and r["dimension"] == dimension]
            newest = max(centre, key=lambda r: r["period_start"])
            card = section.locator(f'[data-dimension="{dimension}"]')
            expect(card).to_be_visible()
            expect(card.locator(".nki-target")).to_have_text(f"target ≥ {target}")
            expect(card.locator(".nki-score")).to_have_text(fixed(newest["score"], 2))
            expect(card).to_have_attribute("data-met", str(newest["met"]).lower())
            expect(card.locator(".nki-status")).to_contain_text("Met" if newest["met"] else "Below target")
            expect(card.locator(".nki-period")).to_contain_text(f"{newest['responses']:,} responses")
            assert int(card.locator("svg.spark").get_attribute("data-periods") or 0) == min(len(centre), 36)
        # The English page keeps the Swedish names of the question areas, as the survey reports use them.
        expect(section.locator('[data-dimension="treatment"] h3')).to_contain_text("bemötande")
        expect(section.locator('[data-dimension="knowledge"] h3')).to_contain_text("kunskap")
        expect(section.locator('[data-dimension="overall"] .nki-target')).to_have_text("shown without a target")
        expect(page.locator("#nki-hint")).to_contain_text("treatment at least 4.3 and knowledge at least 4.0")

        # Tertial report: T1–T3 of the year, the centre's answer rate as the API has it.
        expect(page.locator("#tertial-year")).to_have_value(str(year))
        tertials = page.locator("#tertials tbody tr[data-tertial]")
        expect(tertials).to_have_count(3)
        assert tertials.evaluate_all("rs => rs.map(r => r.dataset.tertial)") == [f"{year}-T{n}" for n in (1, 2, 3)]
        for centre_row in report["centre"]:
            tr = page.locator(f'#tertials tr[data-tertial="{centre_row["tertial"]}"]')
            rate = tr.locator('td[data-col="answer-rate"]')
            if not centre_row["offered"]:
                expect(rate).to_have_attribute("data-met", "")
                continue
            expect(rate.locator(".value")).to_have_text(pct(centre_row["answer_rate"]))
            expect(rate).to_have_attribute("data-met", str(centre_row["met"]).lower())
            expect(rate).to_contain_text("Met" if centre_row["met"] else "Not met")
            expect(tr.locator('td[data-col="weeks"] .value')).to_have_text(
                f"{centre_row['weeks_met']} of {centre_row['weeks']}"
            )
            for dimension in ("treatment", "knowledge"):
                found = [
                    r
                    for r in report["nki"]
                    if r["tertial"] == centre_row["tertial"] and r["team"] == "total" and r["dimension"] == dimension
                ]
                if found:
                    nki_cell = tr.locator(f'td[data-col="{dimension}"]')
                    expect(nki_cell.locator(".value")).to_have_text(fixed(found[0]["score"], 2))
                    expect(nki_cell).to_have_attribute("data-met", str(found[0]["met"]).lower())
        first = report["centre"][0]
        assert first["offered"] > 0, "the fixture's data cover the first tertial"
        phases = tertials.evaluate_all("rs => rs.map(r => r.dataset.phase)")
        assert phases == ["current", "future", "future"]  # today (API) is in T1
        expect(tertials.first.locator(".phase")).to_have_text("In progress, figures so far")
        expect(tertials.nth(1).locator(".phase")).to_have_text("Not started")
        # The API's note on the tertials without calls is not shown raw; here only future ones lack calls.
        expect(page.locator("#tertial-notes")).to_be_hidden()
        year_total = report["year_total"]
        assert year_total["offered"] == sum(t["offered"] for t in report["centre"])
        expect(page.locator("#tertial-summary")).to_contain_text(
            f"{year} so far: {pct(year_total['answer_rate'])} ({'met' if year_total['met'] else 'below target'})"
        )
        expect(page.locator('.nki-target-text[data-target-of="treatment"]').first).to_have_text("4.3")

        # Another year from the selector.
        previous = str(year - 1)
        page.select_option("#tertial-year", previous)
        expect(page.locator("#tertials tbody tr[data-tertial]").first).to_have_attribute(
            "data-tertial", f"{previous}-T1"
        )
        expect(page.locator("#tertial-summary")).to_contain_text(f"The whole of {previous}")
        page.select_option("#tertial-year", str(year))
        expect(page.locator("#tertials tbody tr[data-tertial]").first).to_have_attribute("data-tertial", f"{year}-T1")
        expect(page.locator("#goals-footer")).to_contain_text("figures loaded")

        check_accessible(page)
        shot = screenshot(page, "goals-manager-en.png")
        width, height = png_size(shot)
        assert width >= 1000
        assert height >= 1200
        assert shot.stat().st_size > 40_000
        assert errors == []

        # The login is shared with the Environment page: it opens logged in.
        nav.get_by_role("link", name="Environment").click()
        expect(page).to_have_url(f"{stack.url}/facilities")
        expect(page.locator("#user-name")).to_have_text(Role.MANAGER.value)
        expect(page.locator("#login-form")).to_be_hidden()
        expect(page.locator("nav.topnav").get_by_role("link", name="Goals")).to_have_attribute("href", "/goals")
        # ...and back: the Environment page keeps the login too, also across a reload.
        page.reload()
        expect(page.locator("#login-form")).to_be_hidden()
        page.locator("nav.topnav").get_by_role("link", name="Goals").click()
        expect(page).to_have_url(f"{stack.url}/goals")
        expect(page.locator("#login-form")).to_be_hidden()
        expect(page.locator("body")).to_have_attribute("data-ready", "true")
        assert errors == []
    finally:
        context.close()


@pytest.mark.browser
def test_goals_page_in_swedish(goals_stack: GoalsStack, expected: Expected, browser: Browser) -> None:
    # Swedish is the default: headings, percentages ("94,1 %"), weeks ("v. 12") and scores ("4,3") as a
    # Swedish reader writes them, and no English word of the page's own.
    stack = goals_stack
    year, report, nki = expected.year, expected.report, expected.nki
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="sv-SE", timezone_id="UTC")
    page = context.new_page()
    page.clock.set_fixed_time(stack.now)
    errors = watch(page)
    try:
        log_in(page, f"{stack.url}/goals", Role.MANAGER)
        expect(page.locator("body")).to_have_attribute("data-ready", "true", timeout=15_000)
        expect(page.locator("html")).to_have_attribute("lang", "sv")
        expect(page.locator("#user-role")).to_have_text("Chef")
        expect(page.locator("#site-tz")).to_contain_text("Veckor och datum i Europe/Stockholm")
        nav = page.locator("nav.topnav")
        expect(nav.get_by_role("link", name="Mål")).to_have_attribute("aria-current", "page")
        expect(page.locator("#app-view h1")).to_have_text(["Svarsfrekvens per vecka"])
        expect(page.locator("#heat-title")).to_have_text("Svarsgrupper de senaste 13 veckorna")
        expect(page.locator("#nki-title")).to_have_text("Kundnöjdhet (NKI)")
        expect(page.locator("#tertial-title")).to_have_text("Tertialrapport")
        expect(page.locator("label[for=span-13]")).to_have_text("13 veckor")

        # Targets and the weekly chart in Swedish.
        expect(page.locator(".target-text").first).to_have_text("95 %")
        expect(page.locator("#weekly-hint")).to_contain_text("Målet är minst 95 % varje vecka")
        expect(page.locator("#weekly-chart svg .target-label")).to_have_text(["Mål", "95 %"])
        expect(page.locator("#weekly-chart svg .week-point")).to_have_count(WEEKS_SHOWN)
        newest = expected.weeks[-1]
        expect(page.locator("#weekly-chart svg .tick-x").last).to_have_text(f"v. {int(newest[-2:])}")
        ticks_y = page.locator("#weekly-chart svg .tick-y").all_text_contents()
        assert ticks_y
        assert all(text.endswith("\u00a0%") for text in ticks_y), ticks_y
        tip = page.locator("#weekly-chart .chart-tip")
        page.locator("#weekly-chart svg rect.hit").hover(position={"x": 5, "y": 20})
        expect(tip).to_contain_text(week_words(expected.weeks[0], "sv"))
        expect(tip).to_contain_text("samtal besvarade")
        page.mouse.move(0, 0)
        # The summary names the newest full week by its Swedish number.
        last_full = expected.weeks[-2]
        total = next(w for w in expected.weekly["weeks"] if w["team"] == "total" and w["week"] == last_full)
        verdict = "målet nått" if total["met"] else "under målet"
        expect(page.locator("#weekly-summary")).to_contain_text(
            f"Vecka {int(last_full[-2:])}: {pct(total['answer_rate'], 'sv')} ({verdict}, "
        )
        expect(page.locator("#weekly-summary")).to_contain_text("p.e.")
        expect(page.locator("#weekly-summary")).to_contain_text("52 veckor sammantaget:")

        # Heat map: Swedish week heads and decimal commas.
        heads = page.locator("#weekly-table thead th[data-week] .wk").all_text_contents()
        assert heads == [f"v. {int(w[-2:])}" for w in expected.weeks[-HEAT_WEEKS:]], heads
        expect(page.locator("#weekly-table thead th[data-week] .wk-date").last).to_have_text("hittills")
        expect(page.locator("#weekly-table tbody tr").first.locator("th")).to_have_text("Kundcentret (totalt)")
        row = next(w for w in expected.weekly["weeks"] if w["team"] == "team-3" and w["week"] == last_full)
        cell = page.locator(f'#weekly-table td[data-team="team-3"][data-week="{last_full}"]')
        expect(cell.locator(".heat-value")).to_have_text(fixed(row["answer_rate"] * 100, 1, "sv"))
        expect(page.locator("#heat-key-met")).to_have_text("Minst 95 %")

        # NKI in Swedish: "mål ≥ 4,3", scores with a decimal comma, the question areas' Swedish names.
        section = page.locator("#nki")
        for dimension, name, target in (("treatment", "Bemötande", "4,3"), ("knowledge", "Kunskap", "4,0")):
            newest_nki = max(
                (r for r in nki if r["team"] == "total" and r["dimension"] == dimension),
                key=lambda r: r["period_start"],
            )
            card = section.locator(f'[data-dimension="{dimension}"]')
            expect(card.locator("h3")).to_have_text(name)
            expect(card.locator(".nki-target")).to_have_text(f"mål ≥ {target}")
            expect(card.locator(".nki-score")).to_have_text(fixed(newest_nki["score"], 2, "sv"))
            expect(card.locator(".nki-status")).to_contain_text("Målet nått" if newest_nki["met"] else "Under målet")
            expect(card.locator(".nki-period")).to_contain_text(" svar")
        expect(section.locator('[data-dimension="overall"] h3')).to_have_text("Helhetsintryck")
        expect(section.locator('[data-dimension="overall"] .nki-target')).to_have_text("visas utan mål")

        # The tertial report in Swedish.
        tertials = page.locator("#tertials tbody tr[data-tertial]")
        expect(tertials).to_have_count(3)
        first = report["centre"][0]
        tr = tertials.first
        expect(tr.locator('td[data-col="answer-rate"] .value')).to_have_text(pct(first["answer_rate"], "sv"))
        expect(tr.locator('td[data-col="answer-rate"]')).to_contain_text("Nått" if first["met"] else "Inte nått")
        expect(tr.locator('td[data-col="weeks"] .value')).to_have_text(f"{first['weeks_met']} av {first['weeks']}")
        expect(tr.locator(".phase")).to_have_text("Pågår – siffror hittills")
        expect(tertials.nth(2).locator(".phase")).to_have_text("Inte påbörjad")
        year_total = report["year_total"]
        expect(page.locator("#tertial-summary")).to_contain_text(
            f"{year} hittills: {pct(year_total['answer_rate'], 'sv')} "
            f"({'målet nått' if year_total['met'] else 'under målet'})"
        )
        expect(page.locator("#tertials thead")).to_contain_text("Besvarade / inkommande samtal")
        expect(page.locator('.nki-target-text[data-target-of="knowledge"]').first).to_have_text("4,0")
        expect(page.locator("#goals-footer")).to_contain_text("siffrorna hämtade")

        # No English: the page's words are the Swedish catalog's, the groups' names the example site's ("Svarsgrupp 1").
        text = page.locator("#app-view").inner_text()
        assert "Svarsgrupp 1" in text
        for english in ("Weekly", "answer rate", "Answer group", "Target", "Met", "below target", "week", "Loading"):
            assert english not in text, english

        check_accessible(page)
        shot = screenshot(page, "goals-manager-sv.png")
        assert png_size(shot)[1] >= 1200

        # A tablet: the page fits its width, the tables scroll inside their own boxes.
        page.set_viewport_size({"width": 768, "height": 1024})
        expect(page.locator("#weekly-chart svg")).to_have_attribute("width", re.compile(r"^[3-7]\d\d$"))
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, overflow
        screenshot(page, "goals-manager-sv-tablet.png")
        assert errors == []
    finally:
        context.close()


@pytest.mark.browser
def test_goals_page_tells_facilities_it_may_not(goals_stack: GoalsStack, browser: Browser) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="sv-SE")
    page = context.new_page()
    page.clock.set_fixed_time(goals_stack.now)
    errors = watch(page)
    goal_requests: list[str] = []
    page.on("request", lambda req: goal_requests.append(req.url) if "/api/v1/goals" in req.url else None)
    try:
        log_in(page, f"{goals_stack.url}/goals", Role.FACILITIES)
        message = page.locator("#role-view")
        expect(message).to_be_visible()
        expect(message).to_contain_text("Inte för din roll")
        expect(page.locator("#user-role")).to_have_text("Fastighet")
        # The navigation offers the pages the role may see, not this one.
        nav = page.locator("nav.topnav")
        expect(nav.get_by_role("link", name="Inomhusmiljö")).to_have_attribute("href", "/facilities")
        expect(nav.get_by_role("link", name="Mål")).to_be_hidden()
        expect(page.locator("#app-view")).to_be_hidden()
        expect(page.locator("#site-name")).to_have_text("Kundcenter")
        assert goal_requests == []  # nothing asked that the API would refuse
        # Logging out leads back to the login form.
        page.click("#logout")
        expect(page.locator("#login-form")).to_be_visible()
        assert errors == []
    finally:
        context.close()


@pytest.mark.browser
def test_goals_page_shows_the_targets_the_server_is_set_to(goals_stack: GoalsStack, browser: Browser) -> None:
    # Other targets in the settings: the page shows them and the API's verdicts, and keeps no defaults of its own.
    stack = goals_stack
    stack.services.targets = GoalTargets(answer_rate=0.9, nki={"treatment": 4.0, "knowledge": 4.5})
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-GB")
    page = context.new_page()
    page.clock.set_fixed_time(stack.now)
    errors = watch(page)
    try:
        weekly = api_get(stack, "/goals/answer-rate/weekly", {"weeks": "53"})
        assert weekly["target"] == 0.9
        nki = api_get(stack, "/goals/nki")
        assert nki["targets"] == {"treatment": 4.0, "knowledge": 4.5}
        log_in(page, f"{stack.url}/goals", Role.MANAGER)
        expect(page.locator("body")).to_have_attribute("data-ready", "true")
        for node in page.locator(".target-text").all():
            expect(node).to_have_text("90 %")
        expect(page.locator("#weekly-chart svg .target-label.strong")).to_have_text("90 %")
        met_of = {w["week"]: w["met"] for w in weekly["weeks"] if w["team"] == "total"}
        points = page.locator("#weekly-chart svg .week-point")
        expect(points).to_have_count(WEEKS_SHOWN)
        for week, met in points.evaluate_all("ps => ps.map(p => [p.dataset.week, p.dataset.met])"):
            assert met == str(met_of[week]).lower(), week
        for dimension, target in (("treatment", "4,0"), ("knowledge", "4,5")):
            newest = max(
                (r for r in nki["results"] if r["team"] == "total" and r["dimension"] == dimension),
                key=lambda r: r["period_start"],
            )
            card = page.locator(f'#nki [data-dimension="{dimension}"]')
            expect(card.locator(".nki-target")).to_have_text(f"mål ≥ {target}")
            expect(card).to_have_attribute("data-met", str(newest["met"]).lower())
            for node in page.locator(f'.nki-target-text[data-target-of="{dimension}"]').all():
                expect(node).to_have_text(target)
        assert errors == []
    finally:
        stack.services.targets = GoalTargets()
        context.close()


@pytest.mark.browser
def test_the_goals_page_asks_for_what_it_shows(goals_stack: GoalsStack, browser: Browser) -> None:
    # Issue 9, item 12: the page fetched every answer group's year (113 KB), every NKI row (116 KB) and the
    # tertial report's week rows (146 KB) to show the centre's weeks, the centre's NKI and the tertials.
    stack = goals_stack
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-GB")
    page = context.new_page()
    page.clock.set_fixed_time(stack.now)
    errors = watch(page)
    responses: list[Any] = []
    page.on("response", lambda response: responses.append(response) if "/api/v1/goals/" in response.url else None)
    try:
        log_in(page, f"{stack.url}/goals", Role.MANAGER)
        expect(page.locator("body")).to_have_attribute("data-ready", "true")
        expect(page.locator("#weekly-table tbody tr")).to_have_count(1 + len(TEAMS))
        sizes = {response.url: len(response.body()) for response in responses}
        answers = {response.url: response.json() for response in responses}
        by_path = {url.split("/api/v1/goals/")[1]: body for url, body in answers.items()}
        weekly = [body for path, body in by_path.items() if path.startswith("answer-rate/weekly")]
        assert len(weekly) == 2
        centre, groups = sorted(weekly, key=lambda body: len(body["calendar"]), reverse=True)
        assert {w["team"] for w in centre["weeks"]} == {"total"}
        assert len(centre["calendar"]) == WEEKS_SHOWN + 1
        assert len(groups["calendar"]) == HEAT_WEEKS
        assert {w["team"] for w in groups["weeks"]} == {"total", *TEAMS}
        [nki] = [body for path, body in by_path.items() if path.startswith("nki")]
        assert nki["results"]
        assert {r["team"] for r in nki["results"]} == {"total"}
        [report] = [body for path, body in by_path.items() if path.startswith("tertial/")]
        assert report["weeks"] == []
        assert report["centre"]
        assert max(sizes.values()) < 40_000, sizes
        assert sum(sizes.values()) < 100_000, sizes
        assert errors == []
    finally:
        context.close()
