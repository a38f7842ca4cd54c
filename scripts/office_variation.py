"""How much a zone's weekly occupied-hours CO2 varies over time in the office simulator, and how fast a day is.

Usage: .venv/bin/python scripts/office_variation.py [--seed 1] [--start 2025-01-01] [--end 2026-12-31]
       [--no-filters] [--timing-only]

Prints, per zone of the example site, the mean and the standard deviation of the weekly means of CO2
over occupied hours (local working hours on open days, public holidays closed), from the true air as
the devices measure it (no drifting sensor). The within-zone standard deviation of weekly means is
what identifies an environment effect once team fixed effects take out each zone's level. Then it
times OfficeSimulator.day() for one day on a fresh simulator (the previous day is integrated too).
"""

from __future__ import annotations

import argparse
import inspect
import statistics
import time
from datetime import date, timedelta

import numpy as np
import pandas as pd

from models.holidays import opening_days
from officewell.wiring import EXAMPLE_SITE
from sensors.site import load_site
from synthetic.office import OfficeSimulator


def simulator(seed: int, filters: bool) -> OfficeSimulator:
    """The example site's simulator without a drifting sensor (and without filter loading if asked)."""
    site = load_site(EXAMPLE_SITE)
    kwargs: dict[str, object] = {"drifting_device": None}
    if not filters:
        if "filters" not in inspect.signature(OfficeSimulator).parameters:
            raise SystemExit("this simulator has no filter loading to switch off")
        kwargs["filters"] = None
    return OfficeSimulator(site, seed=seed, **kwargs)  # type: ignore[arg-type]


def weekly_co2(sim: OfficeSimulator, start: date, end: date) -> pd.DataFrame:
    """Weekly occupied-hours CO2 mean per zone: rows ISO weeks (their Monday), columns zones."""
    site = sim.site
    hours = site.site.working_hours
    begin, finish = hours.start.hour * 60 + hours.start.minute, hours.end.hour * 60 + hours.end.minute
    sums: dict[tuple[date, str], list[float]] = {}
    for day in opening_days(start, end, hours.days):
        frames = sim.day(day)
        local = pd.DatetimeIndex(next(iter(frames.values())).index).tz_convert(site.site.tz)
        clock = np.asarray(local.hour * 60 + local.minute)
        occupied = (clock >= begin) & (clock < finish)
        week = day - timedelta(days=day.weekday())
        for device in site.devices:
            values = frames[device.id]["co2_ppm"].to_numpy()[occupied]
            values = values[~np.isnan(values)]
            acc = sums.setdefault((week, device.zone), [0.0, 0.0])
            acc[0] += float(values.sum())
            acc[1] += float(len(values))
    rows = [(week, zone, total / n) for (week, zone), (total, n) in sums.items() if n]
    frame = pd.DataFrame(rows, columns=["week", "zone", "co2_ppm"])
    return frame.pivot(index="week", columns="zone", values="co2_ppm")


def time_day(seed: int, filters: bool, days: list[date]) -> tuple[float, float]:
    """Median and least CPU seconds of day() on a fresh simulator (so nothing is cached), over the given days.

    CPU time rather than wall-clock time, so that other work on a shared machine counts less.
    """
    seconds = []
    for day in days:
        sim = simulator(seed, filters)
        began = time.process_time()
        sim.day(day)
        seconds.append(time.process_time() - began)
    return statistics.median(seconds), min(seconds)


def main() -> None:
    """Print the per-zone table and the timing."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--start", type=date.fromisoformat, default=date(2025, 1, 1))
    parser.add_argument("--end", type=date.fromisoformat, default=date(2026, 12, 31))
    parser.add_argument("--no-filters", action="store_true", help="switch filter loading off")
    parser.add_argument("--timing-only", action="store_true")
    args = parser.parse_args()
    filters = not args.no_filters
    if not args.timing_only:
        weekly = weekly_co2(simulator(args.seed, filters), args.start, args.end)
        order = sorted(weekly.columns, key=lambda z: (not z[1:].isdigit(), int(z[1:]) if z[1:].isdigit() else 0, z))
        print(f"weekly occupied-hours CO2, seed {args.seed}, {args.start} – {args.end}, {len(weekly)} weeks")
        print(f"{'zone':<8}{'mean':>8}{'sd':>8}{'min':>8}{'max':>8}")
        for zone in order:
            column = weekly[zone].dropna()
            print(f"{zone:<8}{column.mean():8.0f}{column.std():8.1f}{column.min():8.0f}{column.max():8.0f}")
    probe = [date(2026, 1, 13) + timedelta(days=7 * k) for k in range(25)]  # Tuesdays
    median, least = time_day(args.seed, filters, probe)
    print(f"day(): median {1000 * median:.0f} ms, least {1000 * least:.0f} ms CPU, {len(probe)} fresh simulators")


if __name__ == "__main__":
    main()
