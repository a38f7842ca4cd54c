"""InfluxDB 1.x's 15-minute rollup: count, sum, min and max per site, zone and quarter hour, made by the server.

InfluxDB spends about half a second per aggregate and million points on a `GROUP BY time`: the
analysis's hourly windows over two years of 1-minute readings for 12 zones (12.6 million points, six
quantities, four aggregates) took minutes. So, like the embedded store (gateway/stores/sqlite_rollup.py),
the store keeps a second measurement, `environment_15m`, with the fields `count_<q>`, `sum_<q>`,
`min_<q>` and `max_<q>` per site, zone and quarter hour, and serves windows of whole quarter hours over
whole quarter hours from it: 15 times fewer points. InfluxDB's `GROUP BY time` costs more per window it
answers than per point it reads, so hourly windows (what the analysis reads) come from a second level,
`environment_1h`, made from the first, and are read without any GROUP BY time.

The server computes it: after every write, `SELECT count(*), sum(*), min(*), max(*) INTO …` over the
quarter hours the write touched, so the rollup holds what the points hold, merged fields and rewritten
values included (InfluxQL's INTO overwrites the rollup's points of the same site, zone and time).

Limits, said plainly:
- only InfluxDB 1.x: the 1.x API of InfluxDB 2.x and 3.x answers no INTO, and those servers read the
  points as before;
- points written by another program, not through officewell, reach the rollup only when a later
  officewell write touches their quarter hour (or the rollup is rebuilt, see `MARKER`);
- two writers touching one quarter hour at the same moment may leave it one write behind until the
  next write there; one gateway per site, as contracts §2 has it, never does.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
from numpy.typing import NDArray

from gateway.stores import influxql as q
from sensors.quantities import QUANTITY_KEYS

QUARTER_NS = 15 * 60 * 1_000_000_000
HOUR_NS = 4 * QUARTER_NS
DAY_NS = 24 * 3600 * 1_000_000_000
MEASUREMENT = "environment_15m"
HOURS = "environment_1h"
# A point in this measurement says the rollups hold every point written before it was made; a database
# without it (one written before the rollups existed, or a rebuild cut short) is rolled up on open. The
# name carries the rollups' version: 2, quarter hours and hours.
MARKER = "officewell_rollup_2"
SPAN_NS = 7 * DAY_NS  # one INTO statement covers at most a week: bounded work per statement
STATEMENTS_PER_REQUEST = 8


def serves(width_ns: int, start_ns: int, stop_ns: int) -> bool:
    """Whether windows of this width over this period can be read from the rollup (whole quarter hours)."""
    return width_ns % QUARTER_NS == 0 and start_ns % QUARTER_NS == 0 and stop_ns % QUARTER_NS == 0


def spans(ts_ns: NDArray[np.int64] | Iterable[int]) -> list[tuple[int, int]]:
    """The quarter hours holding these times, as [start, stop) spans: gaps under a day bridged, at most a week each."""
    times = np.asarray(ts_ns if isinstance(ts_ns, np.ndarray) else list(ts_ns), dtype=np.int64)
    if times.size == 0:
        return []
    quarters = np.unique(times - times % QUARTER_NS)  # numpy's % floors, so times before 1970 too
    out: list[tuple[int, int]] = []
    start = stop = int(quarters[0])
    for quarter in quarters.tolist():
        if quarter - stop >= DAY_NS or quarter + QUARTER_NS - start > SPAN_NS:
            out.append((start, stop + QUARTER_NS))
            start = quarter
        stop = quarter
    out.append((start, stop + QUARTER_NS))
    return out


def into_statements(
    site: str | None, zones: Sequence[str] | None, source: str, target: str, periods: Iterable[tuple[int, int]]
) -> list[str]:
    """INTO statements that recompute the rollup of `periods` from the points (all sites, all zones when None)."""
    where_site = _tags(site, zones)
    return [
        f"SELECT count(*), sum(*), min(*), max(*) INTO {target} FROM {source} "  # noqa: S608 - quoted names
        f"WHERE {where_site}{q.time_range(start, stop)} "
        f"GROUP BY time({q.duration(QUARTER_NS)}), {q.ident('site')}, {q.ident('zone')} fill(none)"
        for start, stop in periods
    ]


def _tags(site: str | None, zones: Sequence[str] | None) -> str:
    """The WHERE conditions on site and zones, each followed by AND (none for None)."""
    where = f"{q.tag_equals('site', site)} AND " if site is not None else ""
    return where + (f"{q.tag_in('zone', zones)} AND " if zones else "")


def serves_hours(width_ns: int, start_ns: int, stop_ns: int) -> bool:
    """Whether the windows are the hourly rollup's own rows: hour-wide over whole hours."""
    return width_ns == HOUR_NS and start_ns % HOUR_NS == 0 and stop_ns % HOUR_NS == 0


def hour_statements(
    site: str | None, zones: Sequence[str] | None, source: str, target: str, periods: Iterable[tuple[int, int]]
) -> list[str]:
    """INTO statements that recompute the hourly rollup of `periods` (widened to whole hours) from the quarter hours."""
    where_site = _tags(site, zones)
    fields = ", ".join(
        f"{agg}({q.ident(f'{part}_{k}')}) AS {q.ident(f'{part}_{k}')}"
        for k in QUANTITY_KEYS
        for part, agg in (("count", "sum"), ("sum", "sum"), ("min", "min"), ("max", "max"))
    )
    return [
        f"SELECT {fields} INTO {target} FROM {source} "  # noqa: S608 - quoted names
        f"WHERE {where_site}{q.time_range(start - start % HOUR_NS, stop + (-stop) % HOUR_NS)} "
        f"GROUP BY time({q.duration(HOUR_NS)}), {q.ident('site')}, {q.ident('zone')} fill(none)"
        for start, stop in periods
    ]


def hour_rows_statement(key: str, source: str, where: str) -> str:
    """The hourly rollup's rows of one quantity, per zone, without GROUP BY time: total, min, max, count."""
    n, s, lo, hi = (q.ident(f"{part}_{key}") for part in ("count", "sum", "min", "max"))
    return (
        f"SELECT {s} AS {q.ident('total')}, {lo} AS {q.ident('min')}, {hi} AS {q.ident('max')}, "  # noqa: S608
        f"{n} AS {q.ident('count')} FROM {source} WHERE {where} GROUP BY {q.ident('zone')}"
    )


def window_statement(key: str, width_ns: int, source: str, where: str) -> str:
    """Windows of `width_ns` from the rollup: total, min, max, count (mean = total / count, divided by the caller).

    Four aggregates, not five: InfluxDB's time is per aggregate and window, and `sum(s) / sum(n)` costs two.
    """
    n, s, lo, hi = (q.ident(f"{part}_{key}") for part in ("count", "sum", "min", "max"))
    return (
        f"SELECT sum({s}) AS {q.ident('total')}, min({lo}) AS {q.ident('min')}, "  # noqa: S608
        f"max({hi}) AS {q.ident('max')}, sum({n}) AS {q.ident('count')} FROM {source} WHERE {where} "
        f"GROUP BY time({q.duration(width_ns)}), {q.ident('zone')} fill(none)"
    )


def filled_weeks_statement(source: str, first_ns: int, last_ns: int) -> str:
    """The weeks that hold points, for a rebuild over a whole database (one count per field and week)."""
    fields = ", ".join(f"count({q.ident(k)})" for k in QUANTITY_KEYS)
    return (
        f"SELECT {fields} FROM {source} WHERE time >= {int(first_ns)} AND time <= {int(last_ns)} "  # noqa: S608
        f"GROUP BY time({q.duration(SPAN_NS)}) fill(none)"
    )
