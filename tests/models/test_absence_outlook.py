"""Unplanned absence ahead: hazards fitted on the generated centre (season and weekdays known), spells simulated."""

from datetime import date

import numpy as np
import pandas as pd
import pytest

from models.absence_outlook import AbsenceRates, KindRates, Ongoing, fit_absence_rates, simulate_absence
from models.errors import ModelInputError
from models.holidays import opening_days
from synthetic.centre import GeneratorConfig, generate_centre

START, END = date(2024, 1, 1), date(2025, 12, 28)


@pytest.fixture(scope="module")
def rates(example_site) -> AbsenceRates:
    centre = generate_centre(example_site, START, END, seed=5, config=GeneratorConfig().quick())
    absences = centre.absences.rename(columns={"employee_id": "employee"})
    staff = centre.staff.rename(columns={"employee_id": "employee"})
    return fit_absence_rates(absences, staff, opening_days(START, END))


def test_the_centres_sick_leave_rate_season_and_weekdays_are_found(rates):
    sick, long_sick, child = rates.kinds
    assert (sick.kind, long_sick.kind, child.kind) == ("short_sick", "long_sick", "child_care")
    assert sick.spells > 100
    # The generator: 2 short spells per FTE-year at its reference environment, 0.12 long ones.
    assert 1.2 < sick.base * 250 < 3.5
    assert 0.03 < long_sick.base * 250 < 0.4
    assert long_sick.lengths.min() > 14
    assert sick.month[0] > sick.month[6]  # January's flu against July
    assert sick.weekday[0] > sick.weekday[4]  # onsets over the weekend are reported on Monday
    assert sick.weekday[5] == sick.weekday[6] == 0.0  # the centre is closed at weekends
    assert sick.lengths.min() >= 1
    assert child.spells > 20


def test_group_levels_are_shrunk_towards_the_centre(rates):
    sick = rates.kinds[0]
    raw = {t: o / e for t, (o, e) in sick.recent.items() if e > 0}
    for team, level in sick.level.items():
        # Between 1 and the group's own ratio: pulled in, never past the centre.
        assert min(1.0, raw[team]) - 1e-9 <= level <= max(1.0, raw[team]) + 1e-9


def test_the_hazard_is_zero_on_closed_days_and_follows_the_environment(rates):
    days = pd.date_range("2027-01-11", "2027-01-24")
    open_day = np.array([d.weekday() < 5 for d in days])
    plain = rates.hazard(["team-1"], days, open_day)
    assert plain.shape == (3, 1, 14)
    assert (plain[:, :, ~open_day] == 0).all()
    assert (plain[:, :, open_day] > 0).all()
    stuffy = AbsenceRates(rates.kinds, {"team-1": 1.5}, rates.person_days, rates.weeks).hazard(
        ["team-1"], days, open_day
    )
    assert stuffy[0] == pytest.approx(1.5 * plain[0])  # short-term sick leave follows the zone ...
    assert stuffy[1:] == pytest.approx(plain[1:])  # ... long sick leave and a sick child do not


def test_simulated_spells_match_their_hazard_and_length():
    days = 200
    hazard = np.zeros((1, 1, days))
    hazard[0, 0, ::7] = 0.05  # onsets possible one day a week
    lengths = np.array([3], dtype=np.int64)
    absent = simulate_absence(
        hazard, np.array([0, 0]), np.array([1.0, 0.5]), [(lengths, np.array([1.0]))], draws=2000, seed=1
    )
    assert absent.shape == (2000, 2, days)
    # Each spell lasts exactly three calendar days.
    onsets = absent[:, 0, ::7].mean()
    assert onsets == pytest.approx(0.05, rel=0.1)
    assert absent[:, 0, 1::7].mean() == pytest.approx(onsets, rel=0.02)
    assert absent[:, 0, 3::7].sum() == 0
    assert absent[:, 1, ::7].mean() == pytest.approx(0.025, rel=0.15)  # a half-timer is at work half as often
    again = simulate_absence(
        hazard, np.array([0, 0]), np.array([1.0, 0.5]), [(lengths, np.array([1.0]))], draws=2000, seed=1
    )
    assert np.array_equal(absent, again)  # common random numbers: the same seed meets the same numbers
    doubled = simulate_absence(
        hazard,
        np.array([0, 0]),
        np.array([1.0, 0.5]),
        [(lengths, np.array([1.0]))],
        draws=2000,
        seed=1,
        multiplier=np.full((2000, 1, days), 2.0),
    )
    assert doubled.mean() == pytest.approx(2 * absent.mean(), rel=0.1)
    assert (doubled >= absent).all()  # the same draws, only more onsets: nobody gets better


def test_no_history_is_refused():
    with pytest.raises(ModelInputError, match="no open days"):
        fit_absence_rates(pd.DataFrame(), pd.DataFrame(), [])


def test_a_kind_without_spells_has_no_hazard():
    kind = KindRates("short_sick", 0.0, np.ones(12), np.ones(7), {}, 0, {}, np.array([], dtype=np.int64), np.array([]))
    days = pd.date_range("2027-01-11", periods=3)
    assert AbsenceRates((kind,)).hazard(["g"], days, np.ones(3, dtype=bool)).sum() == 0.0


def test_the_history_is_weighed_with_each_weeks_own_environment(example_site):
    """A group whose zone was bad all along has its level measured net of it: the environment is not counted twice."""
    centre = generate_centre(example_site, START, END, seed=5, config=GeneratorConfig().quick())
    absences = centre.absences.rename(columns={"employee_id": "employee"})
    staff = centre.staff.rename(columns={"employee_id": "employee"})
    days = opening_days(START, END)
    weeks = pd.date_range("2023-12-25", END, freq="7D")
    history = pd.DataFrame({"team": "team-6", "week_start": weeks, "rate_ratio": 2.0})
    plain = fit_absence_rates(absences, staff, days)
    weighed = fit_absence_rates(absences, staff, days, environment={"team-6": 2.0}, environment_history=history)
    # Its own spells are explained by the zone: the level falls by about half (shrunk towards 1) ...
    assert weighed.kinds[0].level["team-6"] < plain.kinds[0].level["team-6"]
    # ... and the hazard ahead, level × environment, lies between what the group has had and what the zone
    # alone predicts: its own few spells and the environment's estimate, weighed by the level's prior.
    days_ahead = pd.date_range("2026-01-12", periods=5)
    ahead = np.ones(5, dtype=bool)
    before = plain.hazard(["team-6"], days_ahead, ahead)[0].sum()
    after = weighed.hazard(["team-6"], days_ahead, ahead)[0].sum()
    assert before < after < 2 * before


def test_a_spell_under_way_goes_on_by_the_pool_of_spells_as_long():
    hazard = np.zeros((1, 1, 20))
    lengths = np.array([2, 5, 10], dtype=np.int64)
    ongoing = [Ongoing(person=0, kind=0, elapsed=4, extent=1.0, gap=0)]
    absent = simulate_absence(
        hazard, np.array([0]), np.array([1.0]), [(lengths, np.ones(3))], draws=4000, seed=3, ongoing=ongoing
    )
    # Four days gone: a 2-day spell is impossible, a 5-day one has 1 day left, a 10-day one 6.
    assert absent[:, 0, 0].mean() == 1.0
    assert absent[:, 0, 1].mean() == pytest.approx(0.5, abs=0.03)
    assert absent[:, 0, 5].mean() == pytest.approx(0.5, abs=0.03)
    assert absent[:, 0, 6].sum() == 0


def test_spells_begin_only_on_days_at_work():
    hazard = np.full((1, 1, 10), 0.2)
    at_work = np.ones((2, 10), dtype=bool)
    at_work[1, :5] = False  # the second person starts on day 5 (or is on vacation before)
    absent = simulate_absence(
        hazard,
        np.array([0, 0]),
        np.array([1.0, 1.0]),
        [(np.array([1]), np.ones(1))],
        draws=500,
        seed=2,
        at_work=at_work,
    )
    assert absent[:, 1, :5].sum() == 0
    assert absent[:, 1, 5:].mean() == pytest.approx(absent[:, 0, 5:].mean(), abs=0.04)


def test_a_spell_under_way_goes_on_in_the_current_row_and_by_every_sick_spell_as_long():
    from datetime import date as day

    from models.absence_outlook import KINDS, ongoing_spells

    absences = pd.DataFrame(
        [
            {
                "employee": "a",
                "team": "g2",
                "start_date": "2027-01-05",
                "end_date": "2027-01-10",
                "reason": "sick",
                "extent_pct": None,
            },
            {
                "employee": "b",
                "team": "g1",
                "start_date": "2027-01-09",
                "end_date": "2027-01-10",
                "reason": "child_care",
                "extent_pct": 50,
            },
            {
                "employee": "c",
                "team": "g1",
                "start_date": "2027-01-02",
                "end_date": "2027-01-08",
                "reason": "sick",
                "extent_pct": 100,
            },
        ]
    )
    # a moved from g1 (row 0, ended) to g2 (row 1, current); b is row 2; c's spell ended before the day.
    spells = ongoing_spells(
        absences, ["a", "a", "b", "c"], day(2027, 1, 10), day(2027, 1, 11), employed=[False, True, True, True]
    )
    by_person = {s.person: s for s in spells}
    assert set(by_person) == {1, 2}
    assert by_person[1].elapsed == 6
    assert by_person[1].extent == 1.0  # a blank extent is 100 %
    assert by_person[1].pools == (KINDS.index("short_sick"), KINDS.index("long_sick"))
    assert by_person[1].gap == 0
    assert by_person[2].pools == (KINDS.index("child_care"),)
    assert by_person[2].extent == 0.5
    # Six days gone with only short spells of at most 5 days in one pool: the long pool carries it on.
    pools = [(np.array([1, 2, 5]), np.ones(3)), (np.array([30]), np.ones(1)), (np.array([1]), np.ones(1))]
    absent = simulate_absence(
        np.zeros((3, 1, 30)), np.array([0, 0, 0, 0]), np.ones(4), pools, draws=50, seed=1, ongoing=[by_person[1]]
    )
    assert absent[:, 1, :24].min() == 1.0  # 30 − 6 days to go
    assert absent[:, 1, 24:].max() == 0.0
