"""The embedded store's windows agree with the in-memory fake's, also before 1970 (floor, not truncation)."""

from datetime import UTC, datetime, timedelta

import pytest

from gateway.stores import MemoryReadingStore, SQLiteReadingStore
from sensors.reading import Reading


@pytest.mark.parametrize("start", [datetime(1969, 12, 31, 23, 50, tzinfo=UTC), datetime(2026, 3, 1, 8, 2, tzinfo=UTC)])
def test_windows_start_where_the_fakes_do(tmp_path, start):
    readings = [Reading("kc", "z1", "d1", start + timedelta(minutes=m), {"co2_ppm": 600.0 + m}) for m in range(25)]
    sqlite, memory = SQLiteReadingStore(tmp_path / "r.db"), MemoryReadingStore()
    for store in (sqlite, memory):
        store.write(readings)
    stop = start + timedelta(minutes=30)
    ours = sqlite.windows("kc", "co2_ppm", start, stop, timedelta(minutes=7))
    fake = memory.windows("kc", "co2_ppm", start, stop, timedelta(minutes=7))
    sqlite.close()
    assert ours.to_dict("records") == fake.to_dict("records")
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    assert all((ts.to_pydatetime() - epoch) % timedelta(minutes=7) == timedelta(0) for ts in ours["ts"])
