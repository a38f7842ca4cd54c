"""The simulator's weekly occupied-hours means per zone, in the exposure frame the models take.

What a reading store would give after `models.exposure` for every zone and ISO week, computed straight
from the simulator's day frames (no gateway, no store): the mean over the site's working hours on open
days (Swedish public holidays closed), devices of a zone averaged minute by minute. To keep tests and
validation runs cheap, `weekdays` can restrict the days simulated (e.g. Wednesdays only): the week's
mean is then that of the days simulated, which is what a sampled sensor would show.
"""

from __future__ import annotations

import warnings
from collections.abc import Collection, Sequence
from datetime import date, timedelta

import numpy as np
import pandas as pd

from models.holidays import opening_days
from synthetic.errors import SyntheticInputError
from synthetic.office.simulator import COLUMNS, OfficeSimulator

WEEKLY_COLUMNS = ["zone", "week_start", "quantity", "mean", "status", "days"]


def weekly_exposure(
    sim: OfficeSimulator,
    start: date,
    end: date,
    *,
    quantities: Sequence[str] = ("co2_ppm",),
    weekdays: Collection[int] | None = None,
) -> pd.DataFrame:
    """Per zone with a device, ISO week (its Monday, naive) and quantity: the occupied-hours mean over [start, end].

    Columns WEEKLY_COLUMNS; status is "ok" for every row (a week without an open day has no row);
    `days` counts the days simulated in the week. `weekdays` (ISO 1–7) limits the days simulated.
    """
    unknown = [q for q in quantities if q not in COLUMNS]
    if unknown:
        raise SyntheticInputError(f"the simulator has no quantity {unknown}; it has {', '.join(COLUMNS)}")
    if end < start:
        raise SyntheticInputError(f"end {end} is before start {start}")
    site = sim.site
    hours = site.site.working_hours
    begin, finish = hours.start.hour * 60 + hours.start.minute, hours.end.hour * 60 + hours.end.minute
    zones = [z for z in site.zones if site.devices_in(z.id)]
    columns = [COLUMNS.index(q) for q in quantities]
    sums: dict[tuple[str, date], np.ndarray] = {}
    days: dict[tuple[str, date], int] = {}
    for day in opening_days(start, end, hours.days):
        if weekdays is not None and day.isoweekday() not in weekdays:
            continue
        frames = sim.day(day)
        local = pd.DatetimeIndex(next(iter(frames.values())).index).tz_convert(site.site.tz)
        clock = np.asarray(local.hour * 60 + local.minute)
        occupied = (clock >= begin) & (clock < finish)
        week = day - timedelta(days=day.weekday())
        for zone in zones:
            stacked = np.stack([frames[d.id].to_numpy()[occupied][:, columns] for d in site.devices_in(zone.id)])
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)  # minutes where every device dropped out
                values = np.nanmean(stacked, axis=0)
            acc = sums.setdefault((zone.id, week), np.zeros((2, len(columns))))
            acc[0] += np.nansum(values, axis=0)
            acc[1] += np.sum(~np.isnan(values), axis=0)
            days[(zone.id, week)] = days.get((zone.id, week), 0) + 1
    rows = [
        (zone, pd.Timestamp(week), quantity, acc[0, i] / acc[1, i] if acc[1, i] else np.nan, days[(zone, week)])
        for (zone, week), acc in sums.items()
        for i, quantity in enumerate(quantities)
    ]
    frame = pd.DataFrame(rows, columns=["zone", "week_start", "quantity", "mean", "days"])
    frame["status"] = np.where(frame["mean"].notna(), "ok", "missing")
    return frame.sort_values(["quantity", "zone", "week_start"]).reset_index(drop=True)[WEEKLY_COLUMNS]
