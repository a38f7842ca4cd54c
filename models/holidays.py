"""Swedish public holidays and the days the centre keeps its phones open (its working weekdays, holidays closed).

One home for the calendar rule: exposure over occupied hours, staffing intervals, forecasts and the
synthetic centre all ask these functions which days are open.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta

WEEKDAYS = (1, 2, 3, 4, 5)  # ISO weekdays, as in the site file's working_hours


def easter_sunday(year: int) -> date:
    """Western (Gregorian) Easter Sunday by the anonymous computus (Meeus/Jones/Butcher)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _on_or_after(day: date, weekday: int) -> date:
    """The first date on or after `day` that falls on `weekday` (Monday = 0)."""
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def swedish_holidays(year: int) -> dict[date, str]:
    """Public holidays (lag 1989:253) plus the eves that are non-working in practice (julafton, …)."""
    easter = easter_sunday(year)
    midsummer_eve = _on_or_after(date(year, 6, 19), 4)  # the Friday between 19 and 25 June
    days = {
        date(year, 1, 1): "nyårsdagen",
        date(year, 1, 6): "trettondedag jul",
        easter - timedelta(days=2): "långfredagen",
        easter - timedelta(days=1): "påskafton",
        easter: "påskdagen",
        easter + timedelta(days=1): "annandag påsk",
        date(year, 5, 1): "första maj",
        easter + timedelta(days=39): "Kristi himmelsfärdsdag",
        easter + timedelta(days=49): "pingstdagen",
        date(year, 6, 6): "Sveriges nationaldag",
        midsummer_eve: "midsommarafton",
        midsummer_eve + timedelta(days=1): "midsommardagen",
        _on_or_after(date(year, 10, 31), 5): "alla helgons dag",  # Saturday 31 October – 6 November
        date(year, 12, 24): "julafton",
        date(year, 12, 25): "juldagen",
        date(year, 12, 26): "annandag jul",
        date(year, 12, 31): "nyårsafton",
    }
    return dict(sorted(days.items()))


def holidays_between(start: date, end: date) -> dict[date, str]:
    """The holidays of swedish_holidays() in [start, end]."""
    out: dict[date, str] = {}
    for year in range(start.year, end.year + 1):
        out.update({d: name for d, name in swedish_holidays(year).items() if start <= d <= end})
    return out


def opening_days(start: date, end: date, weekdays: Collection[int] = WEEKDAYS) -> list[date]:
    """Days in [start, end] on the working ISO `weekdays` (the site file's working_hours.days) that are not holidays."""
    working = set(weekdays)
    closed = holidays_between(start, end)
    days = []
    day = start
    while day <= end:
        if day.isoweekday() in working and day not in closed:
            days.append(day)
        day += timedelta(days=1)
    return days
