"""Swedish public holidays and the centre's open days."""

from __future__ import annotations

from datetime import date

from models.holidays import easter_sunday, holidays_between, opening_days, swedish_holidays


def test_easter_and_holidays() -> None:
    assert [easter_sunday(y) for y in (2024, 2025, 2026, 2027)] == [
        date(2024, 3, 31),
        date(2025, 4, 20),
        date(2026, 4, 5),
        date(2027, 3, 28),
    ]
    names = {name: day for day, name in swedish_holidays(2025).items()}
    assert names["långfredagen"] == date(2025, 4, 18)
    assert names["annandag påsk"] == date(2025, 4, 21)
    assert names["Kristi himmelsfärdsdag"] == date(2025, 5, 29)
    assert names["midsommarafton"] == date(2025, 6, 20)
    assert names["alla helgons dag"] == date(2025, 11, 1)


def test_opening_days_skip_weekends_and_holidays() -> None:
    days = opening_days(date(2025, 12, 22), date(2026, 1, 9))
    assert date(2025, 12, 24) not in days  # julafton, a Wednesday
    assert date(2025, 12, 31) not in days  # nyårsafton
    assert date(2026, 1, 6) not in days  # trettondedag jul
    assert date(2025, 12, 27) not in days  # a Saturday
    assert days[:3] == [date(2025, 12, 22), date(2025, 12, 23), date(2025, 12, 29)]
    saturdays = opening_days(date(2025, 12, 22), date(2026, 1, 9), weekdays=(6,))
    assert saturdays == [date(2025, 12, 27), date(2026, 1, 3)]
    assert set(holidays_between(date(2025, 12, 24), date(2025, 12, 26)).values()) == {
        "julafton",
        "juldagen",
        "annandag jul",
    }
