"""The synthetic centre: determinism, staffing and turnover, absences, calls, NKI, CSV files, planted truth."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.stats import binomtest

from models.holidays import opening_days
from sensors.site import Site
from synthetic.centre import (
    MILTON_CO2_RR_PER_100PPM,
    Centre,
    FeedbackParams,
    GeneratorConfig,
    PlantedEffects,
    co2_rate_ratio_per_100ppm,
    generate_centre,
    zone_environment,
)
from synthetic.errors import SyntheticError, SyntheticInputError
from synthetic.office import FilterLoading, ZoneChange

START, END = date(2025, 1, 1), date(2026, 12, 31)  # two years; 2025 has National Day on a Friday
QUICK = GeneratorConfig().quick()
HEADERS = {
    "absences": "employee_id,team,start_date,end_date,reason,extent_pct",
    "staff": "employee_id,team,start_date,end_date,fte",
    "calls": "interval_start,team,offered,answered,abandoned",
    "nki": "period_start,period_end,team,dimension,score,responses",
    "feedback": "received_date,department,category,channel,failure_demand",
}


@pytest.fixture(scope="module")
def environment(example_site: Site) -> pd.DataFrame:
    # Sampled once (one day a month, burn-in included) and shared by every generation below.
    return zone_environment(example_site, START - timedelta(days=QUICK.burn_in_days), END, seed=0, days_per_month=1)


@pytest.fixture(scope="module")
def centre(example_site: Site, environment: pd.DataFrame) -> Centre:
    return generate_centre(example_site, START, END, seed=1, config=QUICK, environment=environment)


@pytest.fixture(scope="module")
def csv_files(centre: Centre, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return centre.write_csv(tmp_path_factory.mktemp("centre"))


def week_rates(centre: Centre) -> pd.DataFrame:
    """Per team and ISO week: answer rate, agent-days absent and the lowest capacity of an open day."""
    calls = centre.calls
    local = calls["interval_start"].dt.tz_localize(None)
    weekly = calls.groupby([calls["team"], local.dt.to_period("W").rename("week")])[["offered", "answered"]].sum()
    weekly["rate"] = weekly["answered"] / weekly["offered"]
    staffing = centre.truth.staffing
    staffing = staffing[staffing["date"].isin(local.dt.normalize().unique())]
    by_week = staffing.groupby([staffing["team"], staffing["date"].dt.to_period("W").rename("week")])
    return weekly.join(by_week.agg(absent=("absent", "sum"), capacity=("capacity", "min")))


# ----- determinism ----------------------------------------------------------------------------


def test_same_seed_same_centre(example_site: Site, environment: pd.DataFrame) -> None:
    kwargs = {"config": QUICK, "environment": environment}
    a = generate_centre(example_site, date(2025, 1, 1), date(2025, 3, 31), seed=5, **kwargs)
    b = generate_centre(example_site, date(2025, 1, 1), date(2025, 3, 31), seed=5, **kwargs)
    c = generate_centre(example_site, date(2025, 1, 1), date(2025, 3, 31), seed=6, **kwargs)
    for name in ("staff", "absences", "calls", "nki", "feedback"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))
    assert not a.calls["offered"].equals(c.calls["offered"])
    assert not a.feedback.equals(c.feedback)
    assert not a.absences.equals(c.absences)


def test_environment_is_deterministic_and_matches_the_rooms(example_site: Site, environment: pd.DataFrame) -> None:
    again = zone_environment(example_site, date(2025, 1, 1), date(2025, 2, 28), seed=0, days_per_month=1)
    same = environment[environment["month"].isin(again["month"])].reset_index(drop=True)
    pd.testing.assert_frame_equal(again, same)
    co2 = environment.groupby("zone")["co2_ppm"].mean()
    well_aired = co2.drop(["z3", "z8"])
    # z3 (20 l/s for three) is stuffier than z8 (30 l/s), which is stuffier than any 45 l/s zone.
    assert co2["z3"] > co2["z8"] + 50 > well_aired.max() + 50
    assert 600 < well_aired.mean() < 750
    assert environment["temperature_c"].between(19, 27).all()


# ----- staff and turnover ---------------------------------------------------------------------


def test_twelve_answer_groups_of_three(centre: Centre) -> None:
    staff = centre.staff
    assert sorted(staff["team"].unique(), key=lambda t: int(t.split("-")[1])) == [f"team-{i}" for i in range(1, 13)]
    assert staff["employee_id"].map(lambda e: re.fullmatch(r"E\d{4}", e) is not None).all()
    assert staff["employee_id"].is_unique
    assert set(staff["fte"]) <= {1.0, 0.75, 0.5}
    assert (staff["fte"] == 1.0).mean() > 0.6
    on_day_one = staff[
        (staff["start_date"] <= "2025-01-01") & (staff["end_date"].isna() | (staff["end_date"] >= "2025-01-01"))
    ]
    assert 33 <= len(on_day_one) <= 36
    assert (on_day_one.groupby("team").size() <= 3).all()
    # Never more than three people in a group on any day.
    assert (centre.truth.staffing["people"] <= 3).all()


def test_turnover_leaves_gaps_and_new_hires_train(centre: Centre) -> None:
    jobs = centre.truth.employments
    hires = jobs[jobs["vacancy_days"].notna() & (jobs["start_date"] >= "2025-01-01")]
    leavers = centre.staff[centre.staff["end_date"].notna()]
    assert 3 <= len(leavers) <= 20  # a few a year
    assert len(hires) >= 3
    assert hires["vacancy_days"].between(14, 95).all()
    assert (hires["training_end"] - hires["start_date"]).dt.days.eq(91).all()
    # During training the person adds less than their FTE; a vacancy leaves two people in the group.
    staffing = centre.truth.staffing
    hire = hires.iloc[0]
    first_week = staffing[(staffing["team"] == hire["team"]) & (staffing["date"] == hire["start_date"])].iloc[0]
    assert first_week["capacity"] < first_week["rostered_fte"] - 0.2
    assert (staffing["people"] == 2).any()


# ----- absences -------------------------------------------------------------------------------


def test_short_and_long_spells_respect_the_14_day_definition(centre: Centre) -> None:
    spells = centre.truth.spells
    sick = spells[spells["reason"] == "sick"]
    assert (sick.loc[sick["kind"] == "short", "days"] <= 14).all()
    assert (sick.loc[sick["kind"] == "long", "days"] > 14).all()
    assert len(centre.truth.short_term_spells) > 100
    assert (sick["kind"] == "long").sum() >= 2
    assert (sick["days"] > 90).any()
    days = (spells["end_date"] - spells["start_date"]).dt.days + 1
    assert days.eq(spells["days"]).all()


def test_absence_rows(centre: Centre) -> None:
    rows = centre.absences
    assert set(rows["reason"]) == {"sick", "child_care", "other"}
    assert set(rows["extent_pct"]) <= {25, 50, 75, 100}
    assert (rows["extent_pct"] < 100).any()  # part-time sick leave and half days of vab
    assert (rows["end_date"] >= rows["start_date"]).all()
    # A person is never away twice at once.
    for _, own in rows.sort_values("start_date").groupby("employee_id"):
        assert (own["start_date"].iloc[1:].to_numpy() > own["end_date"].iloc[:-1].to_numpy()).all()
    assert set(rows["employee_id"]) <= set(centre.staff["employee_id"])


def test_flu_season_and_mondays(centre: Centre) -> None:
    spells = centre.truth.short_term_spells
    spells = spells[spells["start_date"] >= pd.Timestamp(START)]
    month = spells["start_date"].dt.month
    winter = month.isin([12, 1, 2, 3]).sum() / 4
    summer = month.isin([6, 7, 8]).sum() / 3
    assert winter > 1.5 * summer
    weekday = spells["start_date"].dt.day_of_week.value_counts()
    assert weekday.get(0, 0) > 1.3 * weekday.get(4, 0)
    assert weekday.get(0, 0) == weekday.max()
    assert not weekday.index.isin([5, 6]).any()  # onsets are on working days
    child = centre.truth.spells
    child_month = child.loc[child["reason"] == "child_care", "start_date"].dt.month
    assert child_month.isin([1, 2, 3]).sum() > child_month.isin([6, 7, 8]).sum()


# ----- calls ----------------------------------------------------------------------------------


def test_no_calls_on_holidays_or_weekends(centre: Centre, example_site: Site) -> None:
    days = set(centre.calls["interval_start"].dt.tz_localize(None).dt.date)
    for closed in (
        date(2025, 6, 20),  # midsommarafton
        date(2025, 12, 25),  # juldagen
        date(2025, 12, 24),  # julafton
        date(2025, 6, 6),  # nationaldagen, a Friday in 2025
        date(2025, 4, 18),  # långfredagen
        date(2025, 5, 1),  # första maj
        date(2026, 1, 6),  # trettondedag jul
        date(2025, 1, 4),  # a Saturday
    ):
        assert closed not in days, closed
    assert date(2025, 6, 19) in days
    assert days == set(opening_days(START, END, example_site.site.working_hours.days))


def test_call_intervals(centre: Centre) -> None:
    calls = centre.calls
    assert (calls["answered"] <= calls["offered"]).all()
    assert (calls["answered"] >= 0).all()
    assert (calls["abandoned"] == calls["offered"] - calls["answered"]).all()
    local = calls["interval_start"].dt.tz_localize(None)
    assert local.dt.time.min().isoformat() == "08:00:00"
    assert local.dt.time.max().isoformat() == "16:45:00"
    per_day = calls.groupby(local.dt.date).size()
    assert (per_day == 12 * 36).all()


def test_volume_patterns(centre: Centre) -> None:
    calls = centre.calls
    local = calls["interval_start"].dt.tz_localize(None)
    daily = calls.groupby(local.dt.date)["offered"].sum()
    weekday = daily.groupby(pd.to_datetime(daily.index).day_of_week).mean()
    assert weekday.idxmax() == 0  # Monday
    hourly = calls.groupby(local.dt.hour)["offered"].mean()
    assert hourly[10] > hourly[12] < hourly[14]  # two peaks around a lunch dip
    assert hourly[10] > hourly[8]
    assert hourly[14] > hourly[16]
    monthly = calls.groupby(local.dt.month)["offered"].sum()
    assert monthly[1] > monthly[7]
    assert monthly[8] > monthly[7]


def test_absent_agents_lower_the_answer_rate(centre: Centre) -> None:
    weeks = week_rates(centre)
    full = weeks[(weeks["absent"] == 0) & (weeks["capacity"] >= 2.99)]["rate"]
    short = weeks[weeks["absent"] >= 2.5]["rate"]  # an agent away for half the week or more
    assert len(full) > 50
    assert len(short) > 30
    assert full.mean() > 0.96
    assert full.mean() - short.mean() > 0.04
    total = centre.calls["answered"].sum() / centre.calls["offered"].sum()
    assert 0.9 < total < 0.97  # around the centre's 95 % goal


# ----- NKI ------------------------------------------------------------------------------------


def test_nki(centre: Centre) -> None:
    nki = centre.nki
    assert set(nki["dimension"]) == {"treatment", "knowledge", "accessibility", "overall"}
    assert nki["score"].between(1, 5).all()
    teams = nki[nki["team"] != ""]
    assert teams["responses"].between(20, 60).all()
    assert len(nki[nki["team"] == ""]) == 24 * 4  # the whole centre, every month
    mean = teams.groupby("dimension")["score"].mean()
    assert 4.3 <= mean["treatment"] <= 4.5
    assert 4.0 <= mean["knowledge"] <= 4.2
    assert (nki["period_start"].dt.day == 1).all()
    # Accessibility follows the month's answer rate.
    calls = centre.calls
    month = calls["interval_start"].dt.tz_localize(None).dt.to_period("M").dt.to_timestamp()
    sums = calls.groupby([calls["team"], month.rename("period_start")])[["offered", "answered"]].sum()
    rate = (sums["answered"] / sums["offered"]).rename("rate").reset_index()
    access = teams[teams["dimension"] == "accessibility"].merge(rate, on=["team", "period_start"])
    assert np.corrcoef(access["score"], access["rate"])[0, 1] > 0.5


# ----- citizen feedback -----------------------------------------------------------------------


def test_feedback(centre: Centre) -> None:
    feedback = centre.feedback
    weekly = feedback.groupby(feedback["received_date"].dt.to_period("W")).size()
    assert 20 <= weekly.mean() <= 28
    assert weekly.quantile(0.05) >= 10
    assert weekly.quantile(0.95) <= 40
    assert feedback["received_date"].between(pd.Timestamp(START), pd.Timestamp(END)).all()
    assert 6 <= feedback["department"].nunique() <= 8
    categories = feedback["category"].value_counts(normalize=True)
    assert categories.index[0] == "complaint"
    assert 0.4 < categories["complaint"] < 0.5
    tagged = feedback["failure_demand"].dropna()
    assert 0.25 < tagged.mean() < 0.35
    assert 0.05 < feedback["failure_demand"].isna().mean() < 0.12
    assert set(feedback["channel"].dropna()) == {"phone", "email", "web", "visit"}
    by_category = tagged.groupby(feedback["category"]).mean()
    assert by_category["question"] > by_category["complaint"] > by_category["suggestion"] > by_category["praise"]
    # Snow clearing: the technical department's complaints rise in the winter.
    technical = feedback[feedback["department"] == "Tekniska förvaltningen"]
    winter = technical["received_date"].dt.month.isin([12, 1, 2])
    complaint = technical["category"] == "complaint"
    assert complaint[winter].mean() > complaint[~winter].mean() + 0.1
    weekday = feedback["received_date"].dt.day_of_week
    assert (weekday == 0).mean() > 3 * (weekday == 6).mean()  # Mondays are busy, Sundays quiet


def test_feedback_has_a_stream_of_its_own(example_site: Site, environment: pd.DataFrame, centre: Centre) -> None:
    # Other feedback parameters change the feedback and nothing else: the other files keep their numbers.
    config = replace(QUICK, feedback=FeedbackParams(cases_per_week=40.0))
    busier = generate_centre(example_site, START, END, seed=1, config=config, environment=environment)
    assert len(busier.feedback) > 1.5 * len(centre.feedback)
    for name in ("staff", "absences", "calls", "nki"):
        pd.testing.assert_frame_equal(getattr(busier, name), getattr(centre, name))


# ----- CSV files ------------------------------------------------------------------------------


def test_csv_headers_and_parsing(csv_files: dict[str, Path], centre: Centre) -> None:
    assert set(csv_files) == set(HEADERS)
    for name, path in csv_files.items():
        text = path.read_text(encoding="utf-8")
        assert text.splitlines()[0] == HEADERS[name]
        frame = pd.read_csv(path, keep_default_na=False)
        assert len(frame) == len(getattr(centre, name))
    calls = pd.read_csv(csv_files["calls"])
    starts = calls["interval_start"]
    assert starts.str.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d").all()
    assert starts.str.startswith("2025-01-02T08:00:00+01:00").any()
    assert starts.str.startswith("2025-07-01T08:00:00+02:00").any()  # summer time
    parsed = pd.to_datetime(starts, format="ISO8601", utc=True)
    assert parsed.min() == pd.Timestamp("2025-01-02T07:00:00Z")
    staff = pd.read_csv(csv_files["staff"], keep_default_na=False)
    assert staff["end_date"].map(lambda v: v == "" or re.fullmatch(r"\d{4}-\d\d-\d\d", v) is not None).all()
    assert pd.to_datetime(staff["start_date"], format="%Y-%m-%d").notna().all()
    nki = pd.read_csv(csv_files["nki"], keep_default_na=False)
    assert (nki["team"] == "").any()
    assert nki["score"].between(1, 5).all()
    feedback = pd.read_csv(csv_files["feedback"], keep_default_na=False)
    assert set(feedback["failure_demand"]) == {"yes", "no", ""}
    assert (feedback["channel"] == "").any()


# ----- planted effects ------------------------------------------------------------------------


def test_milton_translation() -> None:
    # 12 vs 24 l/s per person differ by 0.0052·10⁶·(1/12 − 1/24) = 217 ppm at steady state.
    assert co2_rate_ratio_per_100ppm() == pytest.approx(1.53 ** (100 / 216.667), rel=1e-4)
    assert pytest.approx(1.217, abs=1e-3) == MILTON_CO2_RR_PER_100PPM
    effects = PlantedEffects()
    assert effects.multiplier(700.0, 22.0, 55.0) == pytest.approx(1.0)
    assert effects.multiplier(800.0, 22.0, 55.0) == pytest.approx(MILTON_CO2_RR_PER_100PPM)
    assert effects.multiplier(np.nan, np.nan, np.nan) == pytest.approx(1.0)
    warm = PlantedEffects(temperature_rr_per_c=1.1, sound_rr_per_dba=1.05)
    assert warm.multiplier(700.0, 26.0, 52.0) == pytest.approx(1.1**2 * 1.05**2)
    with pytest.raises(SyntheticInputError, match="rate ratio"):
        PlantedEffects(co2_rr_per_100ppm=0.0)


def test_truth_multipliers_follow_the_zones(centre: Centre) -> None:
    hazard = centre.truth.hazard.groupby("team")["multiplier"].mean()
    assert hazard["team-3"] > hazard["team-8"] > hazard.drop(["team-3", "team-8"]).max()
    spells = centre.truth.short_term_spells
    assert spells["multiplier"].gt(0).all()


def test_planted_co2_effect_shows_in_the_under_ventilated_zone(example_site: Site, environment: pd.DataFrame) -> None:
    effects = PlantedEffects(co2_rr_per_100ppm=2.5)
    strong = generate_centre(example_site, START, END, seed=1, effects=effects, config=QUICK, environment=environment)
    spells = strong.truth.short_term_spells
    spells = spells[spells["start_date"] >= pd.Timestamp(START)]
    fte_years = strong.truth.staffing.groupby("team")["rostered_fte"].sum() / 365.25
    per_fte = spells.groupby("team").size().reindex(fte_years.index, fill_value=0) / fte_years
    others = per_fte.drop("team-3")
    assert per_fte["team-3"] > 2 * (len(spells) - (spells["team"] == "team-3").sum()) / fte_years.drop("team-3").sum()
    assert per_fte["team-3"] > others.max()
    # Conditional on the total, team-3's count is binomial with its share of the FTE-years.
    share = fte_years["team-3"] / fte_years.sum()
    test = binomtest(int((spells["team"] == "team-3").sum()), len(spells), share, alternative="greater")
    assert test.pvalue < 1e-4


def test_a_larger_effect_only_adds_spells(example_site: Site, environment: pd.DataFrame, centre: Centre) -> None:
    # The random numbers are drawn per person and day up front, so a stronger effect adds onsets.
    strong = generate_centre(
        example_site,
        START,
        END,
        seed=1,
        effects=PlantedEffects(co2_rr_per_100ppm=2.5),
        config=QUICK,
        environment=environment,
    )
    assert len(strong.truth.short_term_spells[lambda s: s["team"] == "team-3"]) > len(
        centre.truth.short_term_spells[lambda s: s["team"] == "team-3"]
    )
    pd.testing.assert_frame_equal(strong.staff, centre.staff)


def test_bad_arguments(example_site: Site) -> None:
    with pytest.raises(SyntheticInputError, match="before"):
        generate_centre(example_site, date(2025, 2, 1), date(2025, 1, 1))
    with pytest.raises(SyntheticInputError, match="seed"):
        generate_centre(example_site, date(2025, 1, 1), date(2025, 1, 31), seed=-1, environment=pd.DataFrame())


def test_default_environment_comes_from_the_simulator(example_site: Site) -> None:
    small = generate_centre(example_site, date(2025, 3, 1), date(2025, 4, 30), seed=4, config=QUICK)
    env = small.truth.environment
    assert set(env["month"].dt.month) == {1, 2, 3, 4}  # 31 days of burn-in reach back to 29 January
    assert (env["sampled_days"] == 1).all()
    assert env["co2_ppm"].notna().all()
    assert set(small.truth.hazard["team"]) == {f"team-{i}" for i in range(1, 13)}


def test_files_pass_the_real_importers(example_site: Site, environment: pd.DataFrame, tmp_path: Path) -> None:
    from records.importers import import_file
    from records.store import RecordsStore

    small = generate_centre(
        example_site, date(2025, 1, 1), date(2025, 3, 31), seed=2, config=QUICK, environment=environment
    )
    paths = small.write_csv(tmp_path / "files")
    store = RecordsStore.open(f"sqlite:///{tmp_path}/records.db", "generator-test-key-" + "k" * 32)
    try:
        store.sync_site(example_site)
        for kind in ("staff", "absences", "calls", "nki", "feedback"):
            summary = import_file(store, kind, paths[kind], site=example_site)
            assert summary.inserted == len(getattr(small, kind)), kind
    finally:
        store.close()


# ----- planted zone changes -------------------------------------------------------------------

REBALANCED = ZoneChange("z3", on=date(2026, 3, 2), ventilation_lps=45.0)  # the under-ventilated group, fixed


def test_a_planted_ventilation_change_moves_the_hazard_from_its_month_on(example_site: Site) -> None:
    start, end = date(2026, 1, 1), date(2026, 6, 30)
    plain = generate_centre(example_site, start, end, seed=4, config=QUICK)
    changed = generate_centre(example_site, start, end, seed=4, config=QUICK, changes=[REBALANCED])
    assert changed.truth.changes == (REBALANCED,)
    assert plain.truth.changes == ()
    ours = changed.truth.hazard.set_index(["team", "month"])
    theirs = plain.truth.hazard.set_index(["team", "month"])
    others = ours.index.get_level_values("team") != "team-3"
    pd.testing.assert_frame_equal(ours[others], theirs[others])
    month = ours.index.get_level_values("month")
    team3 = ~others
    march = pd.Timestamp("2026-03-01")  # every open day of March 2026 is on or after the change (Monday 2 March)
    before, after = team3 & (month < march), team3 & (month >= march)
    assert before.sum() == 3  # December (burn-in), January and February
    assert after.sum() == 4  # March to June
    pd.testing.assert_frame_equal(ours[before], theirs[before])
    assert (theirs.loc[after, "co2_ppm"] - ours.loc[after, "co2_ppm"] > 150).all()
    # The multiplier follows the room: team-3 now breathes what the other well-aired groups do.
    expected = PlantedEffects().multiplier(ours["co2_ppm"], ours["temperature_c"], ours["sound_dba"])
    np.testing.assert_allclose(ours["multiplier"], expected)
    assert (ours.loc[after, "multiplier"] < 0.8 * theirs.loc[after, "multiplier"]).all()
    well_aired = ours[others & ~ours.index.get_level_values("team").isin(["team-8"])]["multiplier"]
    assert well_aired.min() - 0.1 < ours.loc[after, "multiplier"].mean() < well_aired.max() + 0.1
    # The draws are per person and day, so a lower hazard only removes team-3's spells; other teams keep theirs.
    kept = [c.absences[c.absences["team"] != "team-3"].reset_index(drop=True) for c in (changed, plain)]
    pd.testing.assert_frame_equal(*kept)
    short = [c.truth.short_term_spells for c in (changed, plain)]
    assert len(short[0][short[0]["team"] == "team-3"]) <= len(short[1][short[1]["team"] == "team-3"])


def test_zone_environment_takes_changes_and_filters(example_site: Site) -> None:
    first, last = date(2026, 2, 1), date(2026, 4, 30)
    plain = zone_environment(example_site, first, last, seed=2, days_per_month=1)
    changed = zone_environment(example_site, first, last, seed=2, days_per_month=1, changes=[REBALANCED])
    again = zone_environment(example_site, first, last, seed=2, days_per_month=1, changes=(REBALANCED,))
    pd.testing.assert_frame_equal(changed, again)
    differs = (changed != plain).any(axis=1)
    assert set(changed.loc[differs, "zone"]) == {"z3"}
    assert set(changed.loc[differs, "month"].dt.month) == {3, 4}
    clean = zone_environment(example_site, first, last, seed=2, days_per_month=1, filters=None)
    assert not clean["co2_ppm"].equals(plain["co2_ppm"])
    assert clean["sound_dba"].equals(plain["sound_dba"])  # filters move the air, not the sound


def test_changes_the_generator_cannot_use_are_refused(example_site: Site, environment: pd.DataFrame) -> None:
    span = (date(2025, 1, 1), date(2025, 3, 31))
    with pytest.raises(SyntheticError, match="zone 'z99' is not a zone of site 'kc-main'"):
        generate_centre(example_site, *span, config=QUICK, changes=[ZoneChange("z99", date(2025, 2, 3), 40.0)])
    with pytest.raises(SyntheticInputError, match="replaces the office simulator, so it cannot take changes"):
        generate_centre(example_site, *span, config=QUICK, environment=environment, changes=[REBALANCED])
    with pytest.raises(SyntheticInputError, match="cannot take changes or filters"):
        generate_centre(
            example_site, *span, config=QUICK, environment=environment, filters=FilterLoading(interval_days=91)
        )
