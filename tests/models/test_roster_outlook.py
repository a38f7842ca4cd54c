"""The roster ahead: training ramps, vacancies with their recruitment gap, planned leave and full strength."""

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from models.errors import ModelInputError
from models.roster_outlook import Training, known_on, outlook

AS_OF = date(2027, 1, 10)  # a Sunday
FIRST, LAST = date(2027, 1, 11), date(2027, 4, 4)


def staff(*rows: tuple[str, str, str, str | None, float]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "employee": e,
                "team": t,
                "start_date": pd.Timestamp(s),
                "end_date": pd.Timestamp(x) if x else pd.NaT,
                "fte": f,
            }
            for e, t, s, x, f in rows
        ]
    )


NO_ABSENCE = pd.DataFrame(columns=["employee", "team", "start_date", "end_date", "reason", "extent_pct"])


def day(o, when: date) -> int:
    return int((pd.Timestamp(when) - o.days[0]).days)


def test_a_new_hire_ramps_from_half_an_agent_to_a_whole_one_over_training():
    o = outlook(
        staff(("a", "g1", "2020-01-01", None, 1.0), ("b", "g1", "2027-02-01", None, 0.8)),
        NO_ABSENCE,
        AS_OF,
        FIRST,
        LAST,
        training=Training(days=60, start_capacity=0.5),
    )
    b = 1
    assert o.capacity[b, day(o, date(2027, 1, 31))] == 0.0
    assert o.capacity[b, day(o, date(2027, 2, 1))] == pytest.approx(0.4)
    assert o.capacity[b, day(o, date(2027, 3, 3))] == pytest.approx(0.8 * 0.75)
    assert o.capacity[b, day(o, date(2027, 4, 2))] == pytest.approx(0.8)
    assert o.capacity[0].min() == 1.0  # hired long ago: a whole agent
    assert o.open_day[day(o, date(2027, 1, 16))] is np.False_  # a Saturday


def test_a_move_between_groups_is_neither_a_hire_nor_a_vacancy():
    o = outlook(
        staff(("a", "g1", "2020-01-01", "2027-01-31", 1.0), ("a", "g2", "2027-02-01", None, 1.0)),
        NO_ABSENCE,
        AS_OF,
        FIRST,
        LAST,
    )
    assert not o.new_hire[1]  # the second row continues the first: no training ramp
    assert o.vacancies == ()
    assert o.capacity[1, day(o, date(2027, 2, 1))] == 1.0


def test_a_leaver_without_a_hire_is_replaced_after_the_recruitment_gap_in_training():
    o = outlook(
        staff(("a", "g1", "2020-01-01", "2027-01-20", 1.0), ("b", "g1", "2020-01-01", None, 1.0)),
        NO_ABSENCE,
        AS_OF,
        FIRST,
        LAST,
        recruitment_days=30,
    )
    [vacancy] = o.vacancies
    assert (vacancy.team, vacancy.last_day, vacancy.known) == ("g1", date(2027, 1, 20), False)
    assert vacancy.start == date(2027, 2, 22)  # 30 days after the last day is a Saturday: the Monday after
    assert vacancy.person == 2
    assert o.starts[2] == vacancy.start
    assert o.capacity[2, day(o, date(2027, 2, 22))] == pytest.approx(0.5)
    assert o.rostered()[0, day(o, date(2027, 2, 1))] == 1.0  # one of two seats filled in the gap
    assert "replacement expected" in vacancy.describe()


def test_a_leaver_is_filled_by_the_groups_next_hire_and_an_overdue_seat_stays_open():
    rows = staff(
        ("a", "g1", "2020-01-01", "2027-01-20", 1.0),
        ("c", "g1", "2027-03-01", None, 1.0),
        ("d", "g2", "2020-01-01", "2026-09-01", 1.0),  # left long ago, nobody hired
        ("e", "g2", "2020-01-01", None, 1.0),
    )
    o = outlook(rows, NO_ABSENCE, AS_OF, FIRST, LAST, recruitment_days=91)
    by_team = {v.team: v for v in o.vacancies}
    assert by_team["g1"].known
    assert by_team["g1"].start == date(2027, 3, 1)
    assert by_team["g1"].person == 1
    assert by_team["g2"].start is None
    assert by_team["g2"].person is None
    assert any("g2" in n and "stay open" in n for n in o.notes)
    # Full strength: g1 has one seat (its holder leaves, a hire follows); g2 one filled and one open.
    assert o.full_strength.tolist() == [1.0, 2.0]
    moved = o.with_start(1, date(2027, 2, 1))
    assert moved.capacity[1, day(o, date(2027, 2, 1))] == pytest.approx(0.5)
    assert o.capacity[1, day(o, date(2027, 2, 1))] == 0.0  # the original is untouched


def test_planned_leave_counts_but_future_sick_leave_is_not_known():
    absences = pd.DataFrame(
        [
            {
                "employee": "a",
                "team": "g1",
                "start_date": "2027-02-01",
                "end_date": "2027-02-05",
                "reason": "other",
                "extent_pct": 100,
            },
            {
                "employee": "a",
                "team": "g1",
                "start_date": "2027-02-15",
                "end_date": "2027-02-16",
                "reason": "sick",
                "extent_pct": 100,
            },
            {
                "employee": "b",
                "team": "g1",
                "start_date": "2027-01-05",
                "end_date": "2027-01-20",
                "reason": "sick",
                "extent_pct": 50,
            },
        ]
    )
    o = outlook(
        staff(("a", "g1", "2020-01-01", None, 1.0), ("b", "g1", "2020-01-01", None, 1.0)), absences, AS_OF, FIRST, LAST
    )
    assert o.planned[0, day(o, date(2027, 2, 3))] == 1.0  # vacation, known ahead
    assert o.planned[0, day(o, date(2027, 2, 15))] == 0.0  # a future sick day cannot be known
    assert o.planned[1, day(o, date(2027, 1, 12))] == 0.5  # sick leave already begun runs to its end date
    assert o.planned[1, day(o, date(2027, 1, 21))] == 0.0


def test_known_on_censors_the_roster_and_the_absences_to_what_was_known():
    rows = staff(
        ("a", "g1", "2020-01-01", "2027-06-30", 1.0),
        ("b", "g1", "2027-05-01", None, 1.0),
        ("c", "g1", "2027-01-20", None, 1.0),
    )
    absences = pd.DataFrame(
        [
            {"employee": "a", "team": "g1", "start_date": "2027-03-01", "end_date": "2027-03-02", "reason": "sick"},
            {"employee": "a", "team": "g1", "start_date": "2027-03-01", "end_date": "2027-03-02", "reason": "other"},
        ]
    )
    kept, known = known_on(rows, absences, AS_OF, notice_days=30)
    assert kept["employee"].tolist() == ["a", "c"]  # b's start is four months away: not known yet
    assert kept["end_date"].isna().all()  # a's end is beyond the notice period
    assert known["reason"].tolist() == ["other"]


def test_known_on_cuts_sick_leave_under_way_at_the_day_until_a_certificate_gives_its_end():
    absences = pd.DataFrame(
        [
            {"employee": "a", "team": "g1", "start_date": "2027-01-08", "end_date": "2027-01-14", "reason": "sick"},
            {"employee": "b", "team": "g1", "start_date": "2026-12-28", "end_date": "2027-02-28", "reason": "sick"},
            {
                "employee": "c",
                "team": "g1",
                "start_date": "2027-01-09",
                "end_date": "2027-01-12",
                "reason": "child_care",
            },
            {"employee": "d", "team": "g1", "start_date": "2027-01-04", "end_date": "2027-01-06", "reason": "sick"},
            {"employee": "e", "team": "g1", "start_date": "2026-12-30", "end_date": "2027-01-06", "reason": "sick"},
            {"employee": "e", "team": "g1", "start_date": "2027-01-07", "end_date": "2027-01-20", "reason": "sick"},
        ]
    )
    _, known = known_on(staff(("a", "g1", "2020-01-01", None, 1.0)), absences, AS_OF)
    ends = dict(zip(known["employee"], pd.to_datetime(known["end_date"]).dt.date, strict=True))
    assert ends["a"] == AS_OF  # day 3 of a sick spell: how long it lasts is not known yet
    assert ends["b"] == date(2027, 2, 28)  # day 14: the certificate says until when
    assert ends["c"] == AS_OF  # a sick child: no certificate
    assert ends["d"] == date(2027, 1, 6)  # over before the day
    # e's second row began 4 days ago but continues a spell of 12 days: certified, its end known.
    assert ends["e"] == date(2027, 1, 20)


def test_bad_rosters_are_refused_with_what_is_wrong():
    with pytest.raises(ModelInputError, match="fte"):
        outlook(staff(("a", "g1", "2020-01-01", None, 1.5)), NO_ABSENCE, AS_OF, FIRST, LAST)
    with pytest.raises(ModelInputError, match="lacks columns"):
        outlook(pd.DataFrame({"employee": []}), NO_ABSENCE, AS_OF, FIRST, LAST)
    with pytest.raises(ModelInputError, match="before it begins"):
        outlook(staff(("a", "g1", "2020-01-01", None, 1.0)), NO_ABSENCE, AS_OF, LAST, FIRST - timedelta(days=1))
