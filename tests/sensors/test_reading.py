from datetime import UTC, datetime, timedelta, timezone
from types import MappingProxyType

import pytest

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
    with pytest.raises(ValueError, match="timezone-aware"):
        Reading("s", "z", "d", datetime(2026, 1, 1), {})  # noqa: DTZ001
    cet = datetime(2026, 1, 1, 9, tzinfo=timezone(timedelta(hours=1)))
    assert epoch_ns(cet) == epoch_ns(datetime(2026, 1, 1, 8, tzinfo=UTC))
    assert from_epoch_ns(epoch_ns(cet)) == cet
