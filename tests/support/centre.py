"""A generated centre in real stores: records through the importers, readings that follow its planted environment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from gateway.stores import ReadingStore
from gateway.stores.batch import PointBatch
from models.holidays import opening_days
from records.importers import import_file
from records.store import RecordsStore
from sensors.site import Site
from synthetic.centre import Centre, GeneratorConfig, PlantedEffects, generate_centre

KEY = "p" * 40
CENTRE_START, CENTRE_END = date(2025, 1, 6), date(2025, 12, 28)  # 51 whole ISO weeks
# Quantities the generator has no truth for: a level per zone and some noise.
OTHER_LEVELS = {"humidity_pct": 35.0, "illuminance_lux": 450.0}
NOISE = {"co2_ppm": 60.0, "temperature_c": 0.4, "sound_dba": 2.0, "humidity_pct": 3.0, "illuminance_lux": 40.0}


@dataclass(frozen=True)
class CentreStores:
    """A generated centre, the records store it was imported into, and its readings' store."""

    centre: Centre
    records: RecordsStore
    store: ReadingStore
    start: date
    end: date
    directory: Path  # records.db and readings.db


def import_centre(
    site: Site, directory: Path, start: date, end: date, seed: int, co2_rr: float
) -> tuple[Centre, RecordsStore]:
    """Generate a centre and import its four files into a new SQLite records store in `directory`."""
    centre = generate_centre(
        site, start, end, seed=seed, effects=PlantedEffects(co2_rr_per_100ppm=co2_rr), config=GeneratorConfig().quick()
    )
    files = centre.write_csv(directory)
    records = RecordsStore.open(f"sqlite:///{directory / 'records.db'}", KEY)
    for kind in ("staff", "absences", "calls", "nki"):
        import_file(records, kind, files[kind], site=site)
    return centre, records


def readings_of(
    site: Site, centre: Centre, start: date, end: date, every: timedelta = timedelta(hours=1), seed: int = 0
) -> PointBatch:
    """One device per zone with a team, reading every `every` through the working hours of open days.

    CO₂, temperature and sound follow the month's planted environment (centre.truth.environment), so the
    planted effect is in the readings; humidity and light a fixed level. Every value has some noise.
    """
    rng = np.random.default_rng(seed)
    tz = site.site.tz
    hours = site.site.working_hours
    truth = centre.truth.environment.assign(month=lambda f: pd.to_datetime(f["month"]).dt.to_period("M"))
    truth = truth.set_index(["zone", "month"])
    steps = int((datetime.combine(date.min, hours.end) - datetime.combine(date.min, hours.start)) / every)
    day_starts = [datetime.combine(d, hours.start, tz) for d in opening_days(start, end, hours.days)]
    stamps = pd.DatetimeIndex([s + every * k for s in day_starts for k in range(steps)]).tz_convert("UTC").as_unit("ns")
    months = stamps.tz_convert(tz).tz_localize(None).to_period("M")
    parts: list[tuple[str, str, np.ndarray, dict[str, np.ndarray]]] = []
    for zone in site.zones:
        if not zone.teams:
            continue
        device = site.devices_in(zone.id)[0].id
        values = {}
        for quantity, noise in NOISE.items():
            if quantity in OTHER_LEVELS:
                level = np.full(len(stamps), OTHER_LEVELS[quantity])
            else:
                level = truth[quantity].reindex(pd.MultiIndex.from_arrays([[zone.id] * len(months), months])).to_numpy()
            values[quantity] = level + rng.normal(0.0, noise, len(stamps))
        parts.append((zone.id, device, stamps.asi8, values))
    return PointBatch(
        site.id,
        np.concatenate([p[2] for p in parts]).astype(np.int64),
        np.concatenate([np.full(len(p[2]), p[0], dtype=object) for p in parts]),
        np.concatenate([np.full(len(p[2]), p[1], dtype=object) for p in parts]),
        {q: np.concatenate([p[3][q] for p in parts]) for q in NOISE},
    )


def local_midnight(site: Site, day: date) -> datetime:
    """The start of a local day at the site."""
    return datetime.combine(day, time(), site.site.tz)


def with_a_done_action(stores: CentreStores, directory: Path) -> RecordsStore:
    """A copy of the centre's records with an improvement done in z3 on 2 June 2025 (ventilation), one proposed."""
    import sqlite3

    from records import board

    path = directory / "records.db"
    with sqlite3.connect(stores.directory / "records.db") as source, sqlite3.connect(path) as target:
        source.backup(target)
    records = RecordsStore.open(f"sqlite:///{path}", KEY)
    board.add_item(
        records, "Rebalance ventilation in z3", actor="facilities", zone="z3", status="done",
        done_on=date(2025, 6, 2), action="ventilation_rebalancing", today=date(2025, 12, 1),
    )  # fmt: skip
    board.add_item(records, "Absorbers in z5", actor="facilities", zone="z5", status="proposed")
    return records
