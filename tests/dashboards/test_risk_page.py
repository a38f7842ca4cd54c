"""The managers' page (/risk) in real headless Chromium against the shared demo stack (today 2026-11-18).

The manager sees the heat map of P(answer rate below target): one row per answer group and the centre,
one column per coming week, each cell's probability the API's; opens a cell's drivers with the
keyboard (Enter, then an arrow key to the next week); tries a stand-in for the riskiest group-week and
sees the forecast and the decision side by side, the figures those of GET /forecast/scenarios for the
same decision. The ranked actions follow /evidence/actions' order with the catalogue's Swedish names,
and the done board item's follow-up gives a verdict in words. Facilities gets the role message. Both
languages, a tablet's width, axe-core clean, screenshots in test-artifacts/pages/.

The tests share one manager login per language and width (module-scoped contexts).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from api.security import Role
from dashboards import STATIC_DIR
from dashboards.i18n import LANGUAGES, catalog
from tests.dashboards.a11y import assert_accessible
from tests.dashboards.conftest import ARTIFACTS, png_size, watch
from tests.dashboards.stack import DemoStack, Session, Sessions, login
from tests.dashboards.stack import api_get as api

pytestmark = pytest.mark.browser

SHOTS = ARTIFACTS / "pages"
SCENARIO_TIMEOUT = 120_000  # ms: a scenario is a Monte Carlo run of its own on a loaded 2-core machine
PERCENT = re.compile(r"^(−|-)?(\d+)\s?%$")


class Risk(Sessions):
    """The manager's page, logged in once per language and width for the module, with its heat map shown."""

    def __init__(self, stack: DemoStack, browser: Browser) -> None:
        """Pages of /risk on `stack`."""
        super().__init__(stack, browser, "/risk", height=1000, ready=heat_map_shown)

    def session(self, lang: str = "sv", width: int = 1440) -> Session:  # type: ignore[override]
        """The manager's page in `lang` at `width`."""
        return super().session(Role.MANAGER, lang, width)


def heat_map_shown(page: Page) -> None:
    """The heat map and the ranked actions are on the page."""
    expect(page.locator("#risk-heat-table")).to_be_visible()
    expect(page.locator("#risk-actions-table")).to_be_visible()


@pytest.fixture(scope="module")
def risk(demo_stack: DemoStack, browser: Browser) -> Iterator[Risk]:
    state = Risk(demo_stack, browser)
    try:
        yield state
    finally:
        state.close()


@pytest.fixture(scope="module")
def forecast(demo_stack: DemoStack) -> dict[str, Any]:
    return api(demo_stack, Role.MANAGER, "/forecast")


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    width, height = png_size(path)
    assert width >= 768
    assert height > 400


def percent(text: str) -> float:
    """A whole percentage ("94 %", "−3 %") as a number."""
    match = PERCENT.match(text.strip().replace("\u00a0", " "))
    assert match, f"not a whole percentage: {text!r}"
    return (-1 if match.group(1) else 1) * float(match.group(2))


def one_decimal(value: float) -> str:
    """As the page writes a number with one decimal (Intl: the exact value, halves away from zero), in Swedish."""
    return str(Decimal(value).quantize(Decimal("0.1"), ROUND_HALF_UP)).replace(".", ",")


def points(text: str) -> float:
    """Percentage points ("−91 p.e.", "+7,5 p.e.", "−91 pp") as a number."""
    match = re.match(r"^([−+-])?([\d\s\u00a0.,]+?)\s?(p\.e\.|pp)$", text.strip())
    assert match, f"not percentage points: {text!r}"
    value = float(match.group(2).replace("\u00a0", "").replace(" ", "").replace(",", "."))
    return -value if match.group(1) in ("−", "-") else value


def teams_and_weeks(forecast: dict[str, Any]) -> tuple[list[str], list[str]]:
    teams: list[str] = []
    weeks: list[str] = []
    for row in forecast["weeks"]:
        if row["team"] != "total" and row["team"] not in teams:
            teams.append(row["team"])
        if row["week"] not in weeks:
            weeks.append(row["week"])
    return [*teams, "total"], weeks


def riskiest(forecast: dict[str, Any]) -> dict[str, Any]:
    """The group-week (not the centre's) most likely to miss the target."""
    rows = [r for r in forecast["weeks"] if r["team"] != "total" and r["p_below_target"] is not None]
    return max(rows, key=lambda r: r["p_below_target"])


# ---------------------------------------------------------------- the catalogue


def test_every_risk_key_the_script_names_is_in_both_catalogs() -> None:
    """Keys the page picks from tables ("risk.verdict.fell") escape test_i18n's scan of t("…") calls."""
    script = (STATIC_DIR / "pages" / "risk.js").read_text(encoding="utf-8")
    keys = set(re.findall(r"""["'](risk\.[a-z0-9_.]+)["']""", script))
    assert len(keys) > 100
    for language in LANGUAGES:
        missing = sorted(k for k in keys if k not in catalog(language))
        assert not missing, f"{language}: {missing}"


# ---------------------------------------------------------------- the heat map


def test_the_manager_sees_every_group_and_coming_week_of_the_forecast(risk: Risk, forecast: dict[str, Any]) -> None:
    page = risk.session().page
    teams, weeks = teams_and_weeks(forecast)
    table = page.locator("#risk-heat-table")
    expect(table.locator("tbody tr")).to_have_count(len(teams))
    expect(table.locator("thead th")).to_have_count(len(weeks) + 1)
    expect(table.locator(".heat-button")).to_have_count(len(teams) * len(weeks))
    first = re.match(r"\d{4}-W(\d{2})", weeks[0])
    assert first is not None
    expect(table.locator("thead th").nth(1).locator(".wk")).to_have_text(f"v. {int(first.group(1))}")
    expect(table.locator("tbody tr").last.locator("th")).to_have_text("Hela kundcentret")

    rows = {(r["team"], r["week"]): r for r in forecast["weeks"]}
    cells = table.locator("td.heat-cell").evaluate_all(
        "cells => cells.map((td) => ({team: td.firstChild.dataset.team, week: td.firstChild.dataset.week,"
        " p: td.dataset.p, text: td.textContent.trim(), cls: td.className}))"
    )
    assert len(cells) == len(teams) * len(weeks)
    for cell in cells:
        p = rows[(cell["team"], cell["week"])]["p_below_target"]
        if p is None:
            assert cell["p"] == ""
            assert "risk-bin-none" in cell["cls"]
            continue
        assert float(cell["p"]) == p
        assert abs(percent(cell["text"]) - 100 * p) <= 0.5 + 1e-9, cell
        edges = [0.1, 0.25, 0.5, 0.75]
        assert f"risk-bin-{sum(p >= e for e in edges)}" in cell["cls"].split()
    target = round(100 * forecast["target_answer_rate"])
    expect(page.locator("#risk-heat-hint")).to_contain_text(f"under {target}")
    assert risk.session().errors == []


def test_a_cell_opens_its_drivers_with_the_keyboard(risk: Risk, forecast: dict[str, Any]) -> None:
    page = risk.session().page
    row = riskiest(forecast)
    cell = page.locator(f'.heat-button[data-team="{row["team"]}"][data-week="{row["week"]}"]')
    cell.focus()
    page.keyboard.press("Enter")
    details = page.locator("#risk-details-body")
    week = int(row["week"][-2:])
    expect(details.locator("h3")).to_contain_text(f"v. {week}")
    expect(cell).to_have_attribute("aria-current", "true")
    expect(details.locator(".risk-headline")).to_contain_text("risk att svarsfrekvensen blir under")
    expect(details).to_contain_text("Väntad svarsfrekvens")
    expect(details).to_contain_text("Handläggare på plats")
    names = {"absence": "Frånvaro", "vacancies": "Vakanser och upplärning", "environment": "Inomhusmiljö",
             "volume": "Samtalsvolym"}  # fmt: skip
    shown = [k for k, share in sorted(row["driver_shares"].items(), key=lambda kv: -kv[1]) if share >= 0.01]
    assert shown, "the riskiest week has a driver"
    expect(details.locator(".driver-name")).to_have_text([names[k] for k in shown])
    # No sentence of the API in English on the Swedish page.
    for sentence in row["drivers"]:
        expect(details).not_to_contain_text(sentence[:30])

    # The arrow keys walk the table: the next week of the same group, opened with Enter.
    _, weeks = teams_and_weeks(forecast)
    at = weeks.index(row["week"])
    step = 1 if at + 1 < len(weeks) else -1
    page.keyboard.press("ArrowRight" if step == 1 else "ArrowLeft")
    page.keyboard.press("Enter")
    expect(details.locator("h3")).to_contain_text(f"v. {int(weeks[at + step][-2:])}")
    assert_accessible(page)
    assert risk.session().errors == []


# ---------------------------------------------------------------- a scenario


def test_a_stand_in_shows_the_change_beside_the_forecast_as_the_api_gives_it(
    risk: Risk, forecast: dict[str, Any]
) -> None:
    page = risk.session().page
    row = riskiest(forecast)
    page.locator(f'.heat-button[data-team="{row["team"]}"][data-week="{row["week"]}"]').click()
    page.locator("#risk-details-body").get_by_role("button", name="Pröva en vikarie den här veckan").click()
    expect(page.locator("#sc-kind")).to_have_value("stand_in")
    expect(page.locator("#sc-team")).to_have_value(row["team"])
    expect(page.locator("#sc-first")).to_have_value(row["week"])
    expect(page.locator("#sc-compare")).to_be_focused()
    page.keyboard.press("Enter")
    result = page.locator("#scenario-result")
    expect(result.locator(".scenario-table").first).to_be_visible(timeout=SCENARIO_TIMEOUT)
    expect(page.locator("#sc-status")).to_have_text("Jämförelsen är klar.")
    expect(result.locator("h3")).to_contain_text("Vikarie i")

    text = f"stand-in:{row['team']}:{row['week']}:{row['week']}"
    answer = api(risk.stack, Role.MANAGER, "/forecast/scenarios", {"scenario": text, "weeks": forecast["weeks_ahead"]})
    expected = answer["scenarios"][0]
    assert expected["reason"] is None
    assert expected["weeks"]
    groups = result.locator(".scenario-team")
    teams = list(dict.fromkeys(w["team"] for w in expected["weeks"]))
    expect(groups).to_have_count(len(teams))
    assert groups.first.get_attribute("data-team") == row["team"]
    for team in teams:
        weeks = [w for w in expected["weeks"] if w["team"] == team]
        body = result.locator(f'.scenario-team[data-team="{team}"] tbody tr')
        expect(body).to_have_count(len(weeks))
        for i, week in enumerate(weeks):
            cells = body.nth(i).locator("th, td").all_text_contents()
            assert cells[0] == f"v. {int(week['week'][-2:])}"
            base, with_, change = percent(cells[1]), percent(cells[2]), points(cells[3])
            assert abs(base - 100 * week["p_below_baseline"]) <= 0.5 + 1e-9
            assert abs(with_ - 100 * week["p_below_scenario"]) <= 0.5 + 1e-9
            assert abs(change - 100 * week["p_below_change"]) <= 0.5 + 1e-9
            rate = body.nth(i).locator("th, td").nth(6)
            assert abs(points(rate.locator(".fig-value").inner_text()) - week["expected_change_pp"]) <= 0.05 + 1e-9
            # Under it, the range of the paired change in eight draws of ten (p10–p90), as the API gives it.
            low, high = (one_decimal(abs(week[k])) for k in ("change_p10_pp", "change_p90_pp"))
            assert low in rate.locator(".fig-ci").inner_text()
            assert high in rate.locator(".fig-ci").inner_text()
    # The decision changes the riskiest week, and its baseline is the heat map's figure.
    own = next(w for w in expected["weeks"] if w["team"] == row["team"] and w["week"] == row["week"])
    assert own["p_below_scenario"] != own["p_below_baseline"]
    assert own["p_below_baseline"] == row["p_below_target"]
    assert_accessible(page)
    shot(page, "risk-manager-sv")
    assert risk.session().errors == []


def test_a_decision_that_cannot_be_run_says_why_in_swedish(risk: Risk, forecast: dict[str, Any]) -> None:
    teams = list(dict.fromkeys(w["team"] for w in forecast["weeks"] if w["team"] != "total"))
    tried: dict[str, Any] = {}
    for first in range(0, len(teams), 5):  # five a request, the most the API takes
        some = teams[first : first + 5]
        asked = {"scenario": [f"earlier-hire:{team}:4" for team in some]}
        tried |= zip(some, api(risk.stack, Role.MANAGER, "/forecast/scenarios", asked)["scenarios"], strict=True)
        if any(s["reason_code"] == "no_start" for s in tried.values()):
            break
    team = next((t for t, s in tried.items() if s["reason_code"] == "no_start"), None)
    assert team is not None, f"some group of the demo has no start ahead: {tried}"
    page = risk.session().page
    page.select_option("#sc-kind", "earlier_hire")
    page.select_option("#sc-team", team)
    page.fill("#sc-weeks", "4")
    page.click("#sc-compare")
    expect(page.locator("#scenario-result .scenario-reason")).to_have_text(
        "Beslutet kunde inte räknas: gruppen har ingen kommande start (nyanställning eller väntad ersättare) "
        "att flytta.",
        timeout=SCENARIO_TIMEOUT,
    )
    assert risk.session().errors == []


# ---------------------------------------------------------------- ranked actions and follow-up


def test_the_ranked_actions_follow_the_api_order_with_swedish_names(risk: Risk) -> None:
    page = risk.session().page
    ranked = api(risk.stack, Role.MANAGER, "/evidence/actions", {"limit": 1000})["actions"]
    assert ranked, "the demo stack has ranked actions"
    table = page.locator("#risk-actions-table")
    shown = table.locator("tbody tr")
    expect(shown).to_have_count(min(15, len(ranked)))
    order = shown.evaluate_all("rows => rows.map((r) => [r.dataset.zone, r.dataset.action])")
    assert order == [[a["zone"], a["action"]] for a in ranked[: len(order)]]
    expect(shown.first.locator(".action-name")).to_have_text(ranked[0]["action_name_sv"])
    expect(shown.first.locator("th")).to_have_text(str(ranked[0]["rank"]))
    expect(page.locator("#risk-actions-basis")).to_contain_text("kundcentrets genomsnittliga")
    # Each row says how much its effect rests on the centre's own data, as the API gives it with the row.
    for i, a in enumerate(ranked[: min(len(order), 5)]):
        said = shown.nth(i).locator(".evidence")
        if a["local_weight"] is None:
            expect(said).to_have_text("Inget underlag")
            continue
        local, prior = r"^Egna data \((\d+)\u00a0%\)$", r"^Mest forskning \((\d+)\u00a0% egna data\)$"
        words = local if a["local_weight"] >= 0.5 else prior
        expect(said).to_have_text(re.compile(words))
        share = re.match(words, said.inner_text())
        assert share is not None
        assert abs(int(share.group(1)) - 100 * a["local_weight"]) <= 0.5 + 1e-9

    if len(ranked) > 15:
        page.get_by_role("button", name=f"Visa alla {len(ranked)}").click()
        expect(shown).to_have_count(len(ranked))
        order = shown.evaluate_all("rows => rows.map((r) => [r.dataset.zone, r.dataset.action])")
        assert order == [[a["zone"], a["action"]] for a in ranked]
    # A line without a benefit says why in Swedish, from the API's reason code.
    words = {"good_band": "Redan inom bra nivå", "no_change": "Ändrar inget här", "no_team": "Ingen svarsgrupp i zonen",
             "unmeasured": "Verkar på sådant som sensorerna inte mäter", "no_data": "För lite sensordata",
             "no_sick_days": "Ingen korttidsfrånvaro att undvika", "other_way": "Skattningen pekar åt andra hållet",
             "no_estimate": "Ingen skattning av sambandet med sjukfrånvaro"}  # fmt: skip
    without = [(i, a) for i, a in enumerate(ranked) if a["reason_code"] is not None]
    assert without, "the demo has lines without a benefit"
    for i, a in without[:5]:
        if i < shown.count():
            expect(shown.nth(i).locator(".no-benefit")).to_have_text(words[a["reason_code"]])
    # The chart's table: the first ten with a benefit, in the same order.
    with_benefit = [a for a in ranked if (a["expected_sick_days_avoided_per_year"] or 0) > 0][:10]
    chart_rows = page.locator("#risk-actions-chart-table tbody tr")
    expect(chart_rows).to_have_count(len(with_benefit))
    if with_benefit:
        expect(chart_rows.first.locator("th")).to_contain_text(with_benefit[0]["action_name_sv"])
    expect(page.locator("#risk-actions-chart")).to_have_attribute("role", "img")
    assert risk.session().errors == []


def test_the_done_item_is_followed_up_with_a_verdict_in_words(risk: Risk) -> None:
    page = risk.session().page
    follow = api(risk.stack, Role.MANAGER, "/evidence/follow-up")["follow_ups"]
    cards = page.locator(".followup-card")
    expect(cards).to_have_count(len(follow))
    if not follow:
        expect(page.locator("#risk-followup-body")).to_contain_text("Inga genomförda åtgärder")
        return
    for f in follow:
        card = page.locator(f'.followup-card[data-item="{f["item_id"]}"]')
        expect(card.locator("h3")).to_have_text(f["title"])
        rows = card.locator("tbody tr")
        expect(rows).to_have_count(len(f["comparisons"]))
        for i, c in enumerate(f["comparisons"]):
            verdict = rows.nth(i).locator("td").last
            if c["status"] == "withheld":
                expect(verdict).to_contain_text("Visas bara för HR")
            elif c["status"] == "estimated" and c["verdict"] not in ("fell", "rose"):
                none = 0 if c["outcome"] == "exposure" else 1
                if c["ci_low"] <= none <= c["ci_high"]:
                    expect(verdict).to_contain_text("Data kan inte avgöra ännu")
            elif c["verdict"] == "fell":
                expect(verdict).to_contain_text("Minskade")
            elif c["verdict"] == "rose":
                expect(verdict).to_contain_text("Ökade")
        # The follow-up's own words are English: not on the Swedish page.
        expect(card).not_to_contain_text(f["statement"][:30])
    assert risk.session().errors == []


def test_the_forecast_note_is_asked_for_only_when_opened(risk: Risk) -> None:
    """The backtest's first request starts minutes of work: the page asks only when its note is opened.

    The answer is the route's (a fixed backtest) so that this test does not start that work on the stack.
    """
    page = risk.session().page
    asked: list[str] = []
    body = {
        "computed_at": "2026-11-18T09:00:00Z", "target_answer_rate": 0.95, "draws": 500, "origins": ["2026-04-05"],
        "origin_count": 26, "reliability": [], "volume": [],
        "horizons": [
            {"horizon": h, "n": 312, "share_below": 0.2, "brier": b, "brier_climatology": 0.15,
             "brier_persistence": 0.2, "skill_vs_climatology": s, "skill_vs_persistence": 0.4,
             "coverage_p10_p90": 0.78, "mae_pp": 1.9}
            for h, b, s in ((1, 0.09, 0.4), (4, 0.11, 0.27), (8, 0.16, -0.07))
        ],
    }  # fmt: skip

    def answer(route: Any) -> None:
        asked.append(route.request.url)
        route.fulfill(status=200, content_type="application/json", body=json.dumps(body))

    page.route("**/api/v1/forecast/backtest*", answer)
    try:
        assert asked == []
        page.locator("#risk-quality summary").click()
        quality = page.locator("#risk-quality-body")
        expect(quality).to_contain_text("Testad på 312 gruppveckor, 4 veckor i förväg")
        expect(quality).to_contain_text("27 % mindre")
        expect(quality.locator("tbody tr")).to_have_count(3)
        expect(quality.locator("tbody tr").first.locator("th")).to_have_text("1 vecka")
        assert len(asked) == 1
    finally:
        page.unroute("**/api/v1/forecast/backtest*")
        page.locator("#risk-quality summary").click()


# ---------------------------------------------------------------- other languages, widths and roles


def test_the_english_page(risk: Risk, forecast: dict[str, Any]) -> None:
    page = risk.session("en").page
    expect(page.locator("#risk-heat-title")).to_have_text("Risk of missing the answer-rate goal")
    _, weeks = teams_and_weeks(forecast)
    expect(page.locator("#risk-heat-table thead th").nth(1).locator(".wk")).to_have_text(f"week {int(weeks[0][-2:])}")
    expect(page.locator("#risk-heat-table tbody tr").last.locator("th")).to_have_text("Whole centre")
    row = riskiest(forecast)
    page.locator(f'.heat-button[data-team="{row["team"]}"][data-week="{row["week"]}"]').click()
    details = page.locator("#risk-details-body")
    expect(details.locator(".risk-headline")).to_contain_text("chance that the answer rate ends below")
    # The English page also gives the forecast's own sentences.
    if row["drivers"]:
        expect(details.locator(".risk-words li").first).to_have_text(row["drivers"][0])
    ranked = api(risk.stack, Role.MANAGER, "/evidence/actions", {"limit": 1000})["actions"]
    expect(page.locator("#risk-actions-table tbody tr").first.locator(".action-name")).to_have_text(
        ranked[0]["action_name"]
    )
    expect(page.locator("#risk-scenario h2")).to_have_text("What if – compare a decision with the forecast")
    assert_accessible(page)
    shot(page, "risk-manager-en")
    assert risk.session("en").errors == []


def test_a_tablet_width(risk: Risk) -> None:
    session = risk.session("sv", width=768)
    page = session.page
    page.locator(".heat-button").first.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#risk-details-body h3")).to_be_visible()
    # The page itself does not scroll sideways: the wide heat map scrolls in its own box.
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1
    assert_accessible(page)
    shot(page, "risk-manager-sv-768")
    assert session.errors == []


def test_facilities_gets_the_role_message(demo_stack: DemoStack, browser: Browser) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="sv-SE")
    try:
        page = context.new_page()
        errors = watch(page)
        page.clock.set_fixed_time(demo_stack.now)
        page.goto(demo_stack.url + "/risk")
        page.fill("#username", Role.FACILITIES.value)
        page.fill("#password", demo_stack.passwords[Role.FACILITIES])
        page.click("#login-submit")
        expect(page.locator("#role-view")).to_be_visible()
        expect(page.locator("#role-view h1")).to_have_text("Inte för din roll")
        expect(page.locator("#app-view")).to_be_hidden()
        expect(page.locator(".heat-button")).to_have_count(0)
        expect(page.locator("nav.topnav a[href='/risk']")).to_be_hidden()
        assert_accessible(page)
        shot(page, "risk-facilities-sv")
        assert errors == []
    finally:
        context.close()


def test_after_logout_nothing_of_the_managers_figures_stays(demo_stack: DemoStack, browser: Browser) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="sv-SE")
    try:
        page = context.new_page()
        errors = watch(page)
        login(page, demo_stack, Role.MANAGER, "/risk")
        expect(page.locator(".heat-button").first).to_be_visible()
        expect(page.locator("#risk-actions-table tbody tr").first).to_be_visible()
        page.click("#logout")
        expect(page.locator("#login-form")).to_be_visible()
        # The hidden page holds no heat map, no ranked action and no follow-up of the manager's session.
        expect(page.locator(".heat-button")).to_have_count(0)
        expect(page.locator("#risk-actions-table")).to_have_count(0)
        expect(page.locator("#risk-followup-body .followup-card")).to_have_count(0)
        page.fill("#username", Role.FACILITIES.value)
        page.fill("#password", demo_stack.passwords[Role.FACILITIES])
        page.click("#login-submit")
        expect(page.locator("#role-view")).to_be_visible()
        expect(page.locator(".heat-button")).to_have_count(0)
        assert errors == []
    finally:
        context.close()
