"""Action follow-up: DiD by hand, against statsmodels, and on a generated centre with and without a planted change."""

from __future__ import annotations

import json
import math
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from models.associations import PANEL_COLUMNS, team_week_panel
from models.errors import ModelInputError
from models.follow_up import PLACEBO_LEVEL, Comparison, FollowUp, _pp, follow_up
from models.holidays import opening_days
from sensors.site import Site
from synthetic.centre import Centre, GeneratorConfig, generate_centre
from synthetic.office import OfficeSimulator, ZoneChange
from synthetic.office.weekly import weekly_exposure

# ----- a hand-made centre: four zones, one team each, nine weeks --------------------------------------

MONDAY = date(2026, 1, 5)
HAND = {"weeks_before": 4, "weeks_after": 4, "min_weeks_before": 2, "min_weeks_after": 2, "settle_weeks": 0}
DONE_ON = MONDAY + timedelta(weeks=4, days=2)  # a Wednesday: weeks 0–3 before, 4 left out, 5–8 after
TEAM_ZONE = {f"team-{i}": f"z{i}" for i in range(1, 5)}
CO2 = {  # weeks 0–3, the done week (left out), weeks 5–8
    "z1": [1000, 1010, 990, 1000, 850, 700, 690, 710, 700],
    "z2": [700, 705, 695, 700, 700, 700, 705, 695, 700],
    "z3": [650, 660, 640, 650, 650, 655, 665, 645, 655],
    "z4": [720, 710, 730, 720, 720, 710, 700, 720, 710],
}


def hand_exposure(values: dict[str, list[float]] = CO2) -> pd.DataFrame:
    rows = [
        (zone, pd.Timestamp(MONDAY + timedelta(weeks=k)), "co2_ppm", float(v), "ok")
        for zone, series in values.items()
        for k, v in enumerate(series)
    ]
    return pd.DataFrame(rows, columns=["zone", "week_start", "quantity", "mean", "status"])


def hand_panel(weeks: int = 9) -> pd.DataFrame:
    """team-1 starts 5 spells a week before and 2 after, answers 90 % then 95 %; the others 4 spells and 90 %."""
    rows = []
    for team in TEAM_ZONE:
        for k in range(weeks):
            after = k >= 4
            spells = (2 if after else 5) if team == "team-1" else 4
            answered = (95 if after else 90) if team == "team-1" else 90
            rows.append((team, pd.Timestamp(MONDAY + timedelta(weeks=k)), 3, 100.0, float(spells), float(spells),
                         100.0, float(answered), 120.0))  # fmt: skip
    return pd.DataFrame(rows, columns=PANEL_COLUMNS)


@pytest.fixture(scope="module")
def by_hand() -> FollowUp:
    return follow_up("z1", DONE_ON, hand_panel(), hand_exposure(), TEAM_ZONE, "co2_ppm", **HAND)


def test_the_window_leaves_the_done_week_out(by_hand: FollowUp) -> None:
    window = by_hand.window
    assert window.done_week == MONDAY + timedelta(weeks=4)
    assert window.excluded == (MONDAY + timedelta(weeks=4),)
    assert window.before == (MONDAY, MONDAY + timedelta(weeks=3))
    assert window.after == (MONDAY + timedelta(weeks=5), MONDAY + timedelta(weeks=8))
    assert "left out of both" in by_hand.notes[0]
    settled = follow_up(
        "z1", DONE_ON, hand_panel(), hand_exposure(), TEAM_ZONE, "co2_ppm", **{**HAND, "settle_weeks": 1}
    )
    assert settled.window.excluded == (MONDAY + timedelta(weeks=4), MONDAY + timedelta(weeks=5))
    assert settled.comparison("exposure").weeks_after == 3


def test_exposure_did_by_hand(by_hand: FollowUp) -> None:
    c = by_hand.comparison("exposure", "co2_ppm")
    # Treated: 700 − 1000; the other zones: (0 + 5 − 10) / 3. Two-way fixed effects on a balanced panel give just this.
    assert c.estimate == pytest.approx(-300 - (0 + 5 - 10) / 3)
    assert (c.treated_before, c.treated_after) == (pytest.approx(1000), pytest.approx(700))
    assert c.control_before == pytest.approx(np.mean([700, 705, 695, 700, 650, 660, 640, 650, 720, 710, 730, 720]))
    assert (c.weeks_before, c.weeks_after, c.n, c.placebos) == (4, 4, 32, 3)
    # The treated zone's own spread: var of its residuals before and after (ddof 1) over the weeks.
    residual_before = np.array([0, 10, -10, 0]) - np.array([0, 10 / 3, -10 / 3, 0])
    assert np.var(residual_before, ddof=1) > 0
    assert c.ci_low < c.estimate < c.ci_high < 0
    # With three other zones the smallest placebo p is 1/4: the interval excludes no change, but nothing is called.
    assert (c.p_placebo, c.clearer_than) == (0.25, 3)
    assert c.verdict == "unclear"
    assert "With only 3 other zones even the clearest change cannot be told apart" in c.statement


def test_sick_spell_ratio_by_hand(by_hand: FollowUp) -> None:
    c = by_hand.comparison("short_term_sick_spells")
    # Flat week effects (the other teams start 4 spells every week): E_before = E_after, so the ratio is
    # (8 + ½) / (20 + ½) with Haldane's half spell, and its Poisson variance 1/8.5 + 1/20.5.
    ratio = 8.5 / 20.5
    assert c.estimate == pytest.approx(ratio, rel=1e-6)
    se = math.sqrt(1 / 8.5 + 1 / 20.5)
    half = stats.t.ppf(0.975, 3) * se  # every placebo's change is zero: no widening, t on 3 placebos
    assert (c.ci_low, c.ci_high) == (pytest.approx(ratio * math.exp(-half)), pytest.approx(ratio * math.exp(half)))
    assert (c.treated_before, c.treated_after) == (pytest.approx(12.5), pytest.approx(5.0))  # per 250 FTE-days
    assert (c.control_before, c.control_after) == (pytest.approx(10.0), pytest.approx(10.0))
    assert (c.events_before, c.events_after, c.events, c.group_size) == (20, 8, 20 + 8 + 3 * 32, 3)
    assert c.measure == "rate ratio"
    assert c.model.startswith("Poisson,")
    assert c.verdict == "unclear"


def test_answer_rate_odds_ratio_by_hand(by_hand: FollowUp) -> None:
    c = by_hand.comparison("answer_rate")
    assert c.estimate == pytest.approx((0.95 / 0.05) / (0.9 / 0.1), rel=1e-6)
    assert c.change_pp == pytest.approx(5.0, abs=1e-6)  # 95 % after, 90 % had it followed the others
    assert (c.treated_before, c.treated_after, c.control_after) == (
        pytest.approx(90),
        pytest.approx(95),
        pytest.approx(90),
    )
    assert c.measure == "odds ratio"
    assert c.unit == "%"


def test_a_period_without_spells_gives_a_finite_cautious_ratio() -> None:
    panel = hand_panel()
    panel.loc[(panel["team"] == "team-1") & (panel["week_start"] >= pd.Timestamp(MONDAY + timedelta(weeks=4))),
              "short_term_sick_spells"] = 0.0  # fmt: skip
    c = follow_up("z1", DONE_ON, panel, hand_exposure(), TEAM_ZONE, "co2_ppm", **HAND).comparison(
        "short_term_sick_spells"
    )
    assert c.estimate == pytest.approx(0.5 / 20.5, rel=1e-6)
    assert 0 < c.ci_low < c.estimate < c.ci_high < math.inf
    assert c.events_after == 0


def test_too_early_no_data_no_team_and_no_controls() -> None:
    panel, exposure = hand_panel(), hand_exposure()
    late = follow_up("z1", MONDAY + timedelta(weeks=6), panel, exposure, TEAM_ZONE, "co2_ppm",
                     **{**HAND, "min_weeks_after": 3})  # fmt: skip
    for c in late.comparisons:
        assert c.status == "too_early", c.outcome
        assert c.statement.startswith("Too early to tell: 2 weeks of")
        assert "at least 3 needed" in c.statement
        assert "expect a first answer after 2026-03-15" in c.statement
        assert c.estimate is None
        assert c.verdict is None
    assert "too early to tell" in late.statement

    unmeasured = follow_up("z9", DONE_ON, panel, exposure, TEAM_ZONE, **HAND)  # no quantity named, none measured
    assert [c.outcome for c in unmeasured.comparisons] == ["short_term_sick_spells", "answer_rate"]
    assert unmeasured.notes[-1] == "No environment data for zone z9: nothing to compare its exposure with."

    nowhere = follow_up("z9", DONE_ON, panel, exposure, TEAM_ZONE, "co2_ppm", **HAND)
    assert nowhere.teams == ()
    assert nowhere.comparison("exposure").status == "no_data"
    assert nowhere.comparison("exposure").statement == "No CO₂ data for zone z9 in the weeks compared."
    assert nowhere.comparison("short_term_sick_spells").status == "no_team"
    assert nowhere.comparison("answer_rate").statement.startswith("No answer group sits in z9")

    no_pm = follow_up("z1", DONE_ON, panel, exposure, TEAM_ZONE, "pm25_ugm3", **HAND)
    assert no_pm.comparison("exposure").status == "no_data"
    assert no_pm.comparison("short_term_sick_spells").status == "estimated"

    gone = follow_up("z1", DONE_ON, panel[panel["team"] != "team-1"], exposure, TEAM_ZONE, "co2_ppm", **HAND)
    assert gone.comparison("short_term_sick_spells").status == "no_data"
    assert gone.comparison("short_term_sick_spells").group_size is None
    assert gone.comparison("answer_rate").statement == "No call data for team-1 in the weeks compared."

    pair = {"team-1": "z1", "team-2": "z2"}
    alone = follow_up("z1", DONE_ON, panel[panel["team"].isin(pair)], exposure, pair, "co2_ppm", **HAND)
    assert {c.status for c in alone.comparisons} == {"no_controls"}
    assert "1 other zone(s)" in alone.comparison("exposure").statement

    gap = exposure[~((exposure["zone"] == "z1") & (exposure["week_start"] < pd.Timestamp(MONDAY + timedelta(weeks=3))))]
    short = follow_up("z1", DONE_ON, panel, gap, TEAM_ZONE, "co2_ppm", **HAND).comparison("exposure")
    assert (short.status, short.weeks_before) == ("too_little_data", 1)
    assert "1 week of CO₂ data for zone z1 before" in short.statement


def test_every_quantity_with_data_when_the_item_names_none() -> None:
    first, second = (0.1, 0.2, 0.3, 0.4), (0.2, 0.1, 0.3, 0.5)
    # Each zone wobbles by ±a, ±b around a shared trend, the same before and after: no difference in differences.
    wobble = {z: [a, -a, b, -b, 0.0, a, -a, b, -b] for z, a, b in zip(CO2, first, second, strict=True)}
    temperature = {z: [21.0 + 0.1 * k + w for k, w in enumerate(wobble[z])] for z in CO2}
    exposure = pd.concat([hand_exposure(), hand_exposure(temperature).assign(quantity="temperature_c")])
    result = follow_up("z1", DONE_ON, hand_panel(), exposure, TEAM_ZONE, **HAND)
    assert [(c.outcome, c.quantity) for c in result.comparisons] == [
        ("exposure", "co2_ppm"),
        ("exposure", "temperature_c"),
        ("short_term_sick_spells", None),
        ("answer_rate", None),
    ]
    temperature_did = result.comparison("exposure", "temperature_c")
    assert temperature_did.estimate == pytest.approx(0.0, abs=1e-9)
    assert temperature_did.ci_low < 0 < temperature_did.ci_high
    assert temperature_did.unit == "°C"
    assert temperature_did.verdict == "unclear"


def test_bad_input_is_named() -> None:
    panel, exposure = hand_panel(), hand_exposure()
    with pytest.raises(ModelInputError, match=r"the panel lacks columns \['answered'\]"):
        follow_up("z1", DONE_ON, panel.drop(columns="answered"), exposure, TEAM_ZONE)
    with pytest.raises(ModelInputError, match=r"exposure lacks columns \['status'\]"):
        follow_up("z1", DONE_ON, panel, exposure.drop(columns="status"), TEAM_ZONE)
    with pytest.raises(ModelInputError, match="done_on must be a date"):
        follow_up("z1", datetime(2026, 2, 4, 12), panel, exposure, TEAM_ZONE)  # noqa: DTZ001 - the point of the test
    with pytest.raises(ModelInputError, match="unknown quantity 'radon'"):
        follow_up("z1", DONE_ON, panel, exposure, TEAM_ZONE, "radon")
    with pytest.raises(ModelInputError, match="weeks_after must be a whole number of weeks"):
        follow_up("z1", DONE_ON, panel, exposure, TEAM_ZONE, weeks_after=0)
    with pytest.raises(ModelInputError, match="cannot exceed"):
        follow_up("z1", DONE_ON, panel, exposure, TEAM_ZONE, weeks_after=4, min_weeks_after=8)
    with pytest.raises(ModelInputError, match="naive local dates"):
        follow_up("z1", DONE_ON, panel.assign(week_start=panel["week_start"].dt.tz_localize("UTC")), exposure,
                  TEAM_ZONE)  # fmt: skip


def test_the_result_is_json_ready(by_hand: FollowUp) -> None:
    data = json.loads(json.dumps(by_hand.to_dict()))
    assert data["zone"] == "z1"
    assert data["teams"] == ["team-1"]
    assert data["window"]["excluded_weeks"] == ["2026-02-02"]
    assert [c["outcome"] for c in data["comparisons"]] == ["exposure", "short_term_sick_spells", "answer_rate"]
    assert data["comparisons"][0]["estimate"] == round(-300 + 5 / 3, 4)
    assert data["statement"].startswith("Follow-up of the action done on 2026-02-04 in z1: CO₂: no clear change")


# ----- privacy: what readers who may not see a small group's sick leave get ----------------------------


def public(result: FollowUp) -> dict:
    """The sick-leave comparison as facilities and managers get it, through the JSON form."""
    data = json.loads(json.dumps(result.without_small_groups().to_dict(), allow_nan=False))
    return next(c for c in data["comparisons"] if c["outcome"] == "short_term_sick_spells")


def sized(panel: pd.DataFrame, people: dict[str, int], weeks: dict[tuple[str, int], int] | None = None) -> pd.DataFrame:
    """The panel with each team's headcount, and some team-weeks (week number from MONDAY) set apart."""
    panel = panel.assign(people=panel["team"].map(people))
    for (team, k), n in (weeks or {}).items():
        panel.loc[(panel["team"] == team) & (panel["week_start"] == pd.Timestamp(MONDAY + timedelta(weeks=k))),
                  "people"] = n  # fmt: skip
    return panel


def test_a_group_under_five_in_a_week_compared_is_withheld_whatever_its_largest_week() -> None:
    # The reviewer's case: four people in every week compared (0–3, 5–8), five in week 9, outside both periods.
    four = {team: 4 for team in TEAM_ZONE}
    exposure = hand_exposure({z: [*v, v[-1]] for z, v in CO2.items()})
    for weeks in ({("team-1", 9): 5}, {("team-1", 4): 5}):  # outside both periods; the week left out
        result = follow_up("z1", DONE_ON, sized(hand_panel(weeks=10), four, weeks), exposure, TEAM_ZONE, "co2_ppm",
                           **HAND)  # fmt: skip
        assert result.comparison("short_term_sick_spells").group_size == 4
        shown = public(result)
        assert shown["status"] == "withheld"
        assert shown["group_size"] == 4
        for name in ("treated_before", "treated_after", "events_before", "events_after", "events", "estimate"):
            assert shown[name] is None, name
    # Five in every week compared but one at four: withheld too.
    five = {team: 5 for team in TEAM_ZONE}
    dip = follow_up("z1", DONE_ON, sized(hand_panel(), five, {("team-1", 7): 4}), hand_exposure(), TEAM_ZONE,
                    "co2_ppm", **HAND)  # fmt: skip
    assert dip.comparison("short_term_sick_spells").group_size == 4
    assert public(dip)["status"] == "withheld"
    # Five in every week compared and three in a week outside them (before the window): shown.
    panel = pd.concat([sized(hand_panel(), five), sized(hand_panel(), five).assign(
        week_start=lambda f: f["week_start"] - pd.Timedelta(weeks=9), people=3)])  # fmt: skip
    fine = follow_up("z1", DONE_ON, panel, hand_exposure(), TEAM_ZONE, "co2_ppm", **HAND)
    shown = public(fine)
    assert (shown["status"], shown["group_size"]) == ("estimated", 5)
    assert shown["estimate"] is not None
    # The counts are HR's: with the centre's weekly total they would give the other zones' by subtraction.
    assert (shown["events_before"], shown["events_after"], shown["events"]) == (None, None, None)
    full = fine.comparison("short_term_sick_spells")
    assert (full.events_before, full.events_after, full.events) == (20, 8, 20 + 8 + 3 * 32)
    assert full.control_before == pytest.approx(10.0)


def three_zones(people: dict[str, int]) -> tuple[dict[str, str], pd.DataFrame, pd.DataFrame]:
    """The reviewer's subtraction case: z1–z3, answer counts that wobble, team-3 with 7 spells in week 6."""
    team_zone = {f"team-{i}": f"z{i}" for i in range(1, 4)}
    panel = hand_panel()
    panel = panel[panel["team"].isin(team_zone)].copy()
    panel["answered"] = panel["answered"] + np.random.default_rng(1).integers(-3, 4, len(panel))
    panel["people"] = panel["team"].map(people)
    week6 = (panel["team"] == "team-3") & (panel["week_start"] == pd.Timestamp(MONDAY + timedelta(weeks=6)))
    panel.loc[week6, "short_term_sick_spells"] = 7.0
    return team_zone, panel, hand_exposure({z: CO2[z] for z in ("z1", "z2", "z3")})


def test_the_groups_shown_do_not_give_a_withheld_one_by_subtraction() -> None:
    team_zone, panel, exposure = three_zones({"team-1": 6, "team-2": 6, "team-3": 3})
    results = {z: follow_up(z, DONE_ON, panel, exposure, team_zone, "co2_ppm", **HAND) for z in ("z1", "z2", "z3")}
    views = {z: public(r) for z, r in results.items()}
    assert views["z3"]["status"] == "withheld"
    compared = panel[results["z1"].window.period(panel["week_start"]) != ""]
    truth = float(compared.loc[compared["team"] == "team-3", "short_term_sick_spells"].sum())
    assert truth == 35
    for z in ("z1", "z2"):
        shown, full = views[z], results[z].comparison("short_term_sick_spells")
        # HR gets the total and the other teams' levels, which pool team-3's spells ...
        assert full.events is not None
        assert full.control_before is not None
        other = results["z2" if z == "z1" else "z1"].comparison("short_term_sick_spells")
        # (HR may see that: the subtraction is what the other roles must not be able to do.)
        own, others = full.events_before + full.events_after, other.events_before + other.events_after
        assert full.events - own - others == truth
        # ... the others get the group's rate ratio and its interval, no count and no level.
        assert shown["status"] == "estimated"
        assert shown["group_size"] == 6
        assert (shown["estimate"], shown["ci_low"]) == (round(full.estimate, 4), round(full.ci_low, 4))
        for name in ("events_before", "events_after", "events", "treated_before", "control_before"):
            assert shown[name] is None, name
        assert "the counts and levels are shown to HR only" in shown["statement"]
        assert f"{full.events_before:g} and" not in shown["statement"]
        assert f"{full.control_before:.1f}" not in shown["statement"]
        assert f"{full.control_before:.1f}" in full.statement
        assert "others_size" not in shown  # the sizes behind the rule are not published
    # No sum of the figures shown gives team-3's spells.
    numbers = [v for z in ("z1", "z2") for k, v in views[z].items() if k.startswith(("events", "control"))]
    assert truth not in {a - b for a in numbers if a is not None for b in numbers if b is not None}
    # Everyone five or more: still only the ratio (the centre's weekly total is published elsewhere).
    team_zone, panel, exposure = three_zones({"team-1": 6, "team-2": 6, "team-3": 5})
    shown = public(follow_up("z1", DONE_ON, panel, exposure, team_zone, "co2_ppm", **HAND))
    assert shown["events"] is None
    assert shown["control_before"] is None
    assert shown["estimate"] is not None


# ----- no figure overflows, none is infinite -----------------------------------------------------------


def test_controls_whose_answer_rates_do_not_move_give_honest_intervals_not_an_overflow() -> None:
    # The reviewer's case: three zones; two answer 90 % every week. Before the binomial floor of the
    # quasi-binomial scale, a placebo's standard error was all but zero, the widening by the placebos ran to
    # millions and the odds-ratio interval to e^±1.7 million (an OverflowError), while z1's was 0.7472–0.7472.
    team_zone = {f"team-{i}": f"z{i}" for i in range(1, 4)}
    panel = hand_panel()
    panel = panel[panel["team"].isin(team_zone)]
    exposure = hand_exposure({z: CO2[z] for z in team_zone.values()})
    for zone in ("z1", "z2", "z3"):
        result = follow_up(zone, DONE_ON, panel, exposure, team_zone, "co2_ppm", **HAND)
        data = json.dumps(result.to_dict(), allow_nan=False)  # no NaN or Infinity reaches the JSON
        assert "Infinity" not in data
        answer = result.comparison("answer_rate")
        assert answer.status in ("estimated", "too_little_data"), zone
        if answer.status == "estimated":
            assert answer.ci_low is not None
            assert answer.ci_high is not None
            assert answer.ci_high / answer.ci_low > 1.05, zone  # not a vanishing interval


def test_the_percentage_points_of_any_odds_ratio_are_finite() -> None:
    assert _pp(0.9, 0.0) == pytest.approx(0.0, abs=1e-9)
    assert _pp(0.9, 1e6) == pytest.approx(90.0)  # without the change the rate would have been 0
    assert _pp(0.9, -1e6) == pytest.approx(-10.0)  # ... or 100 %
    assert _pp(0.9, -1e308) == pytest.approx(-10.0)


def test_a_non_finite_figure_is_none_in_json() -> None:
    c = Comparison("answer_rate", None, "%", "odds ratio", "estimated", "", estimate=math.inf, ci_low=0.0,
                   ci_high=math.nan, change_pp=-math.inf)  # fmt: skip
    data = c.to_dict()
    assert (data["estimate"], data["ci_low"], data["ci_high"], data["change_pp"]) == (None, 0.0, None, None)
    json.dumps(data, allow_nan=False)


# ----- a generated centre with a planted ventilation change ------------------------------------------

START, END = date(2025, 1, 1), date(2025, 12, 31)
DONE = date(2025, 6, 2)  # a Monday: z3, the under-ventilated group, gets 45 l/s instead of 20 from then on
REBALANCED = ZoneChange("z3", on=DONE, ventilation_lps=45.0)
QUICK = GeneratorConfig().quick()
WEDNESDAYS = {3}  # one simulated day a week keeps the test quick; the truth uses the same days


def panel_of(centre: Centre, site: Site) -> pd.DataFrame:
    days = opening_days(centre.start, centre.end, site.site.working_hours.days)
    absences = centre.absences.rename(columns={"employee_id": "employee"})
    staff = centre.staff.rename(columns={"employee_id": "employee"})
    return team_week_panel(absences, staff, centre.calls, days)


@pytest.fixture(scope="module")
def site_teams(example_site: Site) -> dict[str, str]:
    return {t: z.id for z in example_site.zones for t in z.teams}


@pytest.fixture(scope="module")
def changed(example_site: Site) -> tuple[Centre, pd.DataFrame]:
    centre = generate_centre(example_site, START, END, seed=3, config=QUICK, changes=[REBALANCED])
    sim = OfficeSimulator(example_site, seed=3, drifting_device=None, changes=[REBALANCED])
    return centre, weekly_exposure(sim, START, END, weekdays=WEDNESDAYS)


@pytest.fixture(scope="module")
def plain(example_site: Site) -> tuple[Centre, pd.DataFrame]:
    centre = generate_centre(example_site, START, END, seed=3, config=QUICK)
    sim = OfficeSimulator(example_site, seed=3, drifting_device=None)
    return centre, weekly_exposure(sim, START, END, weekdays=WEDNESDAYS)


@pytest.fixture(scope="module")
def after_change(example_site: Site, changed: tuple[Centre, pd.DataFrame], site_teams: dict[str, str]) -> FollowUp:
    centre, exposure = changed
    return follow_up("z3", DONE, panel_of(centre, example_site), exposure, site_teams, "co2_ppm")


@pytest.fixture(scope="module")
def no_change(example_site: Site, plain: tuple[Centre, pd.DataFrame], site_teams: dict[str, str]) -> FollowUp:
    centre, exposure = plain
    return follow_up("z3", DONE, panel_of(centre, example_site), exposure, site_teams, "co2_ppm")


def after_weeks(result: FollowUp) -> pd.DatetimeIndex:
    first, last = result.window.after
    return pd.date_range(pd.Timestamp(first), pd.Timestamp(last), freq="7D")


def test_the_planted_ventilation_change_shows_in_the_zones_co2(
    after_change: FollowUp, changed: tuple[Centre, pd.DataFrame], plain: tuple[Centre, pd.DataFrame]
) -> None:
    c = after_change.comparison("exposure", "co2_ppm")
    # The truth: what the simulator produced in z3 with the change minus without it, over the weeks compared
    # (both runs share every random draw, so the plain one is the changed one's counterfactual).
    weeks = after_weeks(after_change)

    def z3(exposure: pd.DataFrame) -> pd.Series:
        return exposure[exposure["zone"] == "z3"].set_index("week_start")["mean"].reindex(weeks)

    truth = float((z3(changed[1]) - z3(plain[1])).mean())
    assert truth < -200  # 20 → 45 l/s for three people: a few hundred ppm
    assert c.status == "estimated"
    assert c.ci_low <= truth <= c.ci_high
    assert c.ci_high < -150
    assert (c.verdict, c.p_placebo, c.clearer_than, c.placebos) == ("fell", pytest.approx(1 / 12), 11, 11)
    assert c.statement.startswith("CO₂ in z3 fell by ")
    assert (
        "clearer than in 11 of 11 (placebo p = 0.08 — the smallest p-value so few comparisons can give)" in c.statement
    )
    assert c.weeks_after == 26
    assert c.weeks_before >= 20
    assert "CO₂: fell" in after_change.statement


def planted_ratio(changed: Centre, plain: Centre, weeks: pd.DatetimeIndex) -> float:
    """team-3's planted sick-onset hazard with the change over without it, over the months after the date."""
    months = weeks.to_period("M").to_timestamp()
    season = np.asarray([QUICK.absence.short_sick_months[m.month - 1] for m in months])

    def multiplier(centre: Centre) -> np.ndarray:
        hazard = centre.truth.hazard
        return hazard[hazard["team"] == "team-3"].set_index("month")["multiplier"].reindex(months).to_numpy()

    return float(np.sum(season * multiplier(changed)) / np.sum(season * multiplier(plain)))


def test_the_sick_leave_comparison_is_honest(
    after_change: FollowUp,
    changed: tuple[Centre, pd.DataFrame],
    plain: tuple[Centre, pd.DataFrame],
    example_site: Site,
) -> None:
    c = after_change.comparison("short_term_sick_spells")
    truth = planted_ratio(changed[0], plain[0], after_weeks(after_change))
    assert truth < 0.8  # the planted effect: fewer spells in the better air
    assert c.status == "estimated"
    assert c.ci_low <= truth <= c.ci_high
    # team-3 has three people, and in the summer weeks compared only one: the fewest in a week compared counts.
    team = after_change.teams
    assert team == ("team-3",)
    panel = panel_of(changed[0], example_site)
    compared = panel[panel["team"].isin(team) & (after_change.window.period(panel["week_start"]) != "")]
    assert c.group_size == int(compared.loc[compared["person_days"] > 0, "people"].min()) == 1
    spells = changed[0].truth.short_term_spells
    own = spells[spells["team"] == "team-3"]
    first_after, last_after = after_change.window.after
    in_after = own["start_date"].between(pd.Timestamp(first_after), pd.Timestamp(last_after) + pd.Timedelta(days=6))
    assert c.events_after == int(in_after.sum())
    # What the words may say depends on what the data allow: never the wrong way, never a change without both
    # an interval that excludes none and a placebo rank that no other team matches.
    assert c.verdict in ("fell", "unclear")
    if c.verdict == "fell":
        assert c.ci_high < 1
        assert c.p_placebo <= PLACEBO_LEVEL
        assert "The data show a change." in c.statement
    else:
        assert "cannot tell" in c.statement or "cannot be told apart" in c.statement
        assert "short-term sick leave: cannot tell yet" in after_change.statement


def test_without_a_change_nothing_is_called(no_change: FollowUp) -> None:
    for c in no_change.comparisons:
        assert c.status == "estimated", c.outcome
        assert c.verdict == "unclear", c.statement
    exposure = no_change.comparison("exposure")
    assert exposure.ci_low < 0 < exposure.ci_high
    assert exposure.statement.startswith("No clear change in CO₂ in z3:")
    assert "CO₂: no clear change" in no_change.statement
    assert (
        no_change.comparison("short_term_sick_spells").ci_low
        < 1
        < no_change.comparison("short_term_sick_spells").ci_high
    )


def test_a_follow_up_just_after_the_date_is_too_early(
    example_site: Site, changed: tuple[Centre, pd.DataFrame], site_teams: dict[str, str]
) -> None:
    centre, exposure = changed
    result = follow_up("z3", date(2025, 11, 12), panel_of(centre, example_site), exposure, site_teams, "co2_ppm")
    assert {c.status for c in result.comparisons} == {"too_early"}
    # Weeks of 2025-11-24 … 2025-12-15 (the Wednesdays of the last two weeks are Christmas and New Year's Eve).
    assert result.comparison("exposure").weeks_after == 4
    assert result.statement.endswith("CO₂: too early to tell; short-term sick leave: too early to tell; "
                                     "answer rate: too early to tell.")  # fmt: skip
