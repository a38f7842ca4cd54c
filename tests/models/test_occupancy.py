"""Occupied hours: working hours on working days in the site's time zone, Swedish public holidays closed."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pandas as pd

from models.occupancy import OccupiedHours

STOCKHOLM = ZoneInfo("Europe/Stockholm")
HOURS = OccupiedHours(STOCKHOLM, time(8), time(17), (1, 2, 3, 4, 5))


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=STOCKHOLM)  # type: ignore[misc]


def series(*instants: datetime) -> pd.Series:
    return pd.Series(pd.to_datetime([i.astimezone(UTC) for i in instants], utc=True))


def test_working_hours_on_working_days_in_local_time() -> None:
    instants = [
        local(2026, 11, 24, 7, 59),  # Tuesday, before opening
        local(2026, 11, 24, 8, 0),  # opening: occupied
        local(2026, 11, 24, 16, 59, 59),
        local(2026, 11, 24, 17, 0),  # closing is exclusive
        local(2026, 11, 24, 20, 3),  # the 20:03
        local(2026, 11, 28, 10, 0),  # Saturday
        local(2026, 7, 1, 8, 30),  # summer time: 06:30 UTC
    ]
    assert HOURS.at(series(*instants)).tolist() == [False, True, True, False, False, False, True]
    assert HOURS.contains(local(2026, 11, 24, 9, 0))
    # The site's clock decides: 06:59 UTC is 07:59 in Stockholm (in November), 07:00 UTC is 08:00.
    assert not HOURS.contains(datetime(2026, 11, 24, 6, 59, tzinfo=UTC))
    assert HOURS.contains(datetime(2026, 11, 24, 7, 0, tzinfo=UTC))


def test_public_holidays_are_unoccupied() -> None:
    days = [local(2026, 12, 24, 10), local(2026, 12, 25, 10), local(2026, 6, 19, 10), local(2026, 4, 3, 10)]
    assert HOURS.at(series(*days)).tolist() == [False, False, False, False]  # julafton, juldagen, midsommar, långfredag
    assert HOURS.at(series(local(2026, 12, 23, 10))).tolist() == [True]
    open_all_year = OccupiedHours(STOCKHOLM, time(8), time(17), (1, 2, 3, 4, 5), holidays_closed=False)
    assert open_all_year.contains(local(2026, 12, 25, 10))


def test_periods_and_windows_that_overlap_them() -> None:
    start, stop = local(2026, 12, 23, 0), local(2026, 12, 29, 0)
    periods = HOURS.periods(start, stop)
    # Wednesday the 23rd and Monday the 28th; the 24th–27th are holidays and a weekend.
    shown = [(a.astimezone(STOCKHOLM), b.astimezone(STOCKHOLM)) for a, b in periods]
    assert [(a.day, a.hour, b.hour) for a, b in shown] == [(23, 8, 17), (28, 8, 17)]
    starts = series(local(2026, 12, 23, 7, 55), local(2026, 12, 23, 7, 50), local(2026, 12, 23, 16, 55))
    starts = pd.concat([starts, series(local(2026, 12, 23, 17, 0), local(2026, 12, 24, 10, 0))], ignore_index=True)
    assert HOURS.overlapping(starts, timedelta(minutes=5)).tolist() == [False, False, True, False, False]
    assert HOURS.overlapping(starts, timedelta(minutes=6)).tolist() == [True, False, True, False, False]
    # A day's window overlaps the working day; a weekend day's does not.
    days = series(local(2026, 11, 23, 0), local(2026, 11, 28, 0))
    assert HOURS.overlapping(days, timedelta(days=1)).tolist() == [True, False]
    empty = pd.Series([], dtype="datetime64[ns, UTC]")
    assert HOURS.at(empty).tolist() == []
    assert HOURS.overlapping(empty, timedelta(hours=1)).tolist() == []


def test_one_instant_and_a_series_agree() -> None:
    # Every 7 minutes and 13 seconds across Christmas week and a change of clocks (29 March 2026).
    instants = [local(2026, 12, 21) + timedelta(seconds=433 * k) for k in range(2000)]
    instants += [local(2026, 3, 27) + timedelta(seconds=433 * k) for k in range(2000)]
    mask = HOURS.at(series(*instants)).tolist()
    assert [HOURS.contains(i) for i in instants] == mask
    assert 0 < sum(mask) < len(mask)
