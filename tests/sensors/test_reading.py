from datetime import UTC, datetime, timedelta, timezone
from types import MappingProxyType

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sensors.errors import InvalidReadingError, SensorsError
from sensors.reading import Reading, epoch_ns, from_epoch_ns


def test_values_are_frozen_copies():
    values = {"co2_ppm": 500.0}
    reading = Reading("s", "z", "d", datetime(2026, 1, 1, tzinfo=UTC), values)
    values["co2_ppm"] = 900.0
    assert reading.values["co2_ppm"] == 500.0
    with pytest.raises(TypeError):
        reading.values["co2_ppm"] = 1.0  # type: ignore[index]
    view = MappingProxyType({"co2_ppm": 1.0})
    assert Reading("s", "z", "d", datetime(2026, 1, 1, tzinfo=UTC), view).values is view


def test_naive_times_are_refused_and_offsets_kept():
    with pytest.raises(InvalidReadingError, match="timezone-aware"):
        Reading("s", "z", "d", datetime(2026, 1, 1), {})  # noqa: DTZ001
    cet = datetime(2026, 1, 1, 9, tzinfo=timezone(timedelta(hours=1)))
    assert epoch_ns(cet) == epoch_ns(datetime(2026, 1, 1, 8, tzinfo=UTC))
    assert from_epoch_ns(epoch_ns(cet)) == cet


def test_a_naive_time_is_the_sensors_packages_error():
    with pytest.raises(SensorsError, match=r"Reading.ts must be timezone-aware, got datetime.datetime\(2026, 1, 1"):
        Reading("s", "z", "d", datetime(2026, 1, 1), {})  # noqa: DTZ001


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("ts_ns", "expected"),
    [
        (0, EPOCH),
        (999, EPOCH),  # nanoseconds below a microsecond are dropped...
        (-1, EPOCH - timedelta(microseconds=1)),  # ...towards the past, before 1970 too
        (-1000, EPOCH - timedelta(microseconds=1)),
        (-1001, EPOCH - timedelta(microseconds=2)),
        (-86_400_000_000_000, datetime(1969, 12, 31, tzinfo=UTC)),
    ],
)
def test_nanoseconds_become_microseconds_rounded_down(ts_ns, expected):
    assert from_epoch_ns(ts_ns) == expected
    assert from_epoch_ns(ts_ns).tzinfo is UTC


@given(st.datetimes(timezones=st.just(UTC)))
def test_epoch_nanoseconds_round_trip_from_year_1_to_9999(ts):
    assert from_epoch_ns(epoch_ns(ts)) == ts
    assert from_epoch_ns(epoch_ns(ts) + 999) == ts
