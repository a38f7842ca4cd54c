"""OfficeSimulator: a deterministic, minute-by-minute simulation of every device of a site."""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from types import MappingProxyType
from typing import Generic, Protocol, TypeVar

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from sensors.reading import Reading
from sensors.site import Site, Zone
from synthetic.errors import NotInSiteError, SyntheticInputError
from synthetic.office.changes import ZoneChange, ZoneChanges
from synthetic.office.filters import FilterLoading
from synthetic.office.grid import DayGrid, FloatArray, between_days, day_grid
from synthetic.office.occupancy import Schedule, ZoneOccupancy, zone_occupancy
from synthetic.office.outdoor import Outdoor, WeatherDraws, outdoor_day, weather_draws
from synthetic.office.physics import (
    SOLAR_C_PER_KLX,
    co2_ppm,
    daylight_lux,
    indoor_temperature,
    lights_on,
    outdoor_air_m3s,
    relative_humidity,
    sound_dba,
    vapour_gm3,
)
from synthetic.office.sensor import Calibration, calibration, drift_ppm, measure
from synthetic.office.solar import solar_position
from synthetic.office.streams import (
    check_seed,
    device_stream,
    filter_stream,
    weather_stream,
    zone_day_anchor,
    zone_day_streams,
)

COLUMNS: tuple[str, ...] = (
    "co2_ppm",
    "temperature_c",
    "humidity_pct",
    "sound_dba",
    "sound_max_dba",
    "illuminance_lux",
)
# Without an explicit epoch the drifting sensor starts drifting here; pass `epoch` to place the fault.
DEFAULT_EPOCH = date(2026, 1, 1)
# Filters load and get changed twice a year unless the caller says otherwise (filters=None: always clean).
DEFAULT_FILTERS = FilterLoading()
CACHE_DAYS = 8

HVAC_LEAD_MIN = 60.0  # fans start an hour before the working day (07:00 for 08–17) ...
HVAC_LAG_MIN = 60.0  # ... and stop an hour after it (18:00)
NIGHT_VENTILATION_SHARE = 0.15
HEATING_DAY_C = 21.5
HEATING_NIGHT_C = 20.0
PREHEAT_MIN = 120.0  # the heating leaves its night setback this long before the working day
OCCUPANT_C_PER_PERSON = 0.3  # in a 28 m² answer-group room; less per person in larger rooms
REFERENCE_AREA_M2 = 28.0
SPEECH_DB = {"answer_group": 57.0, "office": 57.0, "meeting_room": 60.0, "break_room": 56.0, "other": 56.0}
DESK_LIGHT_LUX = (450.0, 550.0)
AMBIENT_LIGHT_LUX = (250.0, 350.0)  # break rooms and corridors are lit for walking, not reading
PRESENCE_OFF_DELAY_MIN = {"meeting_room": 10}  # rooms with presence detectors; the rest have a switch

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class ReadingSink(Protocol):
    """Anything readings can be written to, such as a reading store."""

    def write(self, readings: Sequence[Reading]) -> None:
        """Store a batch of readings."""
        ...


class _Lru(Generic[K, V]):
    """A small least-recently-used cache."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K, make: Callable[[], V]) -> V:
        """The cached value of key, made and remembered if missing."""
        if key in self._items:
            self._items.move_to_end(key)
            return self._items[key]
        value = make()
        self._items[key] = value
        if len(self._items) > self._size:
            self._items.popitem(last=False)
        return value


@dataclass(frozen=True, eq=False)
class _SiteDay:
    """What every zone of a local day shares: the grid, the weather, the sun and the building's timers."""

    grid: DayGrid
    schedule: Schedule
    outdoor: Outdoor
    elevation: FloatArray
    azimuth: FloatArray
    hvac_on: NDArray[np.bool_]
    setpoint_c: FloatArray


@dataclass(frozen=True, eq=False)
class _DayResult:
    """One simulated local day of every device, as frames and as plain arrays for fast iteration."""

    grid: DayGrid
    frames: dict[str, pd.DataFrame]
    arrays: dict[str, FloatArray]
    times: list[datetime]


class OfficeSimulator:
    """Simulates the sound, light and air that a site's devices would measure, minute by minute.

    Deterministic: each (zone, local day) has its own random streams derived from the seed, so any
    day can be computed on its own and the same seed always gives the same values.

    Each zone's supply-air filter loads with dust and is changed every `filters.interval_days`, on a
    day of its own drawn from the seed (synthetic.office.filters; None: filters stay clean and the
    zone gets its design flow). `changes` plant actions in zones from a date on
    (synthetic.office.changes); they leave every other zone, and the zone before the date, as it was.
    """

    def __init__(
        self,
        site: Site,
        seed: int = 0,
        *,
        epoch: date | None = None,
        drifting_device: str | None = "auto",
        filters: FilterLoading | None = DEFAULT_FILTERS,
        changes: Iterable[ZoneChange] = (),
    ) -> None:
        """Simulate `site`; one device's CO2 sensor drifts from `epoch` on (None: no drifting sensor)."""
        if filters is not None and not isinstance(filters, FilterLoading):
            raise SyntheticInputError(f"filters must be a FilterLoading or None, got {type(filters).__name__}")
        self.site = site
        self.seed = check_seed(seed)
        self.tz = site.site.tz
        self.epoch = epoch if epoch is not None else DEFAULT_EPOCH
        ids = [d.id for d in site.devices]
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        if repeated:
            raise SyntheticInputError(f"the simulator names devices by id, and these ids repeat: {', '.join(repeated)}")
        self.drifting_device = self._choose_drifting(drifting_device)
        self.filters = filters
        self._changes = ZoneChanges(site, changes)
        self.changes: tuple[ZoneChange, ...] = self._changes.changes
        self._zone_index = {z.id: i for i, z in enumerate(site.zones)}
        # The ordinal of a day on which each zone's filter was changed; the others follow every interval.
        self._filter_origin: dict[str, int] = {}
        if filters is not None:
            self._filter_origin = {
                z.id: int(filter_stream(self.seed, i).integers(0, filters.interval_days))
                for i, z in enumerate(site.zones)
            }
        self._calibrations: dict[str, Calibration] = {
            d.id: calibration(device_stream(self.seed, i)) for i, d in enumerate(site.devices)
        }
        self._drift_since = pd.Timestamp(self.epoch).tz_localize(self.tz, nonexistent="shift_forward").to_pydatetime()
        self._lock = threading.RLock()
        self._days: _Lru[date, _DayResult] = _Lru(CACHE_DAYS)
        self._site_days: _Lru[date, _SiteDay] = _Lru(CACHE_DAYS)
        self._weather: _Lru[date, WeatherDraws] = _Lru(4 * CACHE_DAYS)
        self._occupancy: _Lru[tuple[str, date], ZoneOccupancy] = _Lru(3 * max(1, len(site.zones)))
        self._anchors: _Lru[tuple[str, date], tuple[float, float]] = _Lru(5 * max(1, len(site.zones)))
        self._daylight_cache: _Lru[tuple[date, str | None], FloatArray] = _Lru(27)  # 9 orientations, 3 days

    def _choose_drifting(self, wanted: str | None) -> str | None:
        devices = self.site.devices
        if wanted is None or not devices:
            return None
        if wanted == "auto":
            return next((d.id for d in devices if d.zone == "z7"), devices[0].id)
        if all(d.id != wanted for d in devices):
            raise SyntheticInputError(f"drifting_device {wanted!r} is not a device of site {self.site.id!r}")
        return wanted

    # ----- public API -------------------------------------------------------------------------

    def day(self, day: date) -> dict[str, pd.DataFrame]:
        """Every device's values for one local day: 1-minute UTC rows, quantity columns, NaN in dropouts."""
        # Shallow copies: with pandas' copy-on-write a caller's edits never reach the cache.
        return {device: frame.copy(deep=False) for device, frame in self._day(day).frames.items()}

    def occupancy(self, zone_id: str, day: date) -> pd.Series:
        """How many people are in the zone in each minute of the local day."""
        zone = self._zone(zone_id)
        with self._lock:
            present = self._zone_occupancy(zone, day).present
            grid = self._site_day(day).grid
        return pd.Series(present, index=grid.index, name="people")

    def outdoor_air_lps(self, zone_id: str, day: date) -> float:
        """The outdoor air the zone really gets while the fans run that day, l/s: the truth CO2 follows.

        The design rate (after any planted change) times the filter's loss and the day's small wander;
        leaks through the envelope come on top.
        """
        zone = self._zone(zone_id)
        with self._lock:
            return self._changes.state(zone, day).ventilation_lps * self._vent_factor(zone, day)

    def filter_changes(self, zone_id: str, start: date, end: date) -> list[date]:
        """The days in [start, end] on which the zone's supply-air filter is changed (none without loading)."""
        zone = self._zone(zone_id)
        if self.filters is None or end < start:
            return []
        interval = self.filters.interval_days
        first = start.toordinal() + (self._filter_origin[zone.id] - start.toordinal()) % interval
        return [date.fromordinal(d) for d in range(first, end.toordinal() + 1, interval)]

    def readings(self, start: datetime, stop: datetime) -> Iterator[list[Reading]]:
        """The readings of every device in [start, stop), one list per local day; dropouts left out."""
        _check_range(start, stop)
        day = _local_date(start, self.site)
        last = _local_date(stop - timedelta(microseconds=1), self.site)
        lo_ts, hi_ts = pd.Timestamp(start).tz_convert("UTC"), pd.Timestamp(stop).tz_convert("UTC")
        while day <= last:
            result = self._day(day)
            lo = int(result.grid.index.searchsorted(lo_ts))
            hi = int(result.grid.index.searchsorted(hi_ts))
            chunk = self._build_readings(result, lo, hi)
            if chunk:
                yield chunk
            day += timedelta(days=1)

    def backfill(
        self,
        store: ReadingSink,
        start: datetime,
        stop: datetime,
        progress: Callable[[int], None] | None = None,
    ) -> int:
        """Write the readings of [start, stop) to the store a day at a time; return how many were written.

        `progress`, if given, is called after each day's write with the number written so far.
        """
        written = 0
        for chunk in self.readings(start, stop):
            store.write(chunk)
            written += len(chunk)
            if progress is not None:
                progress(written)
        return written

    def values_at(self, device_id: str, at: datetime) -> dict[str, float]:
        """The device's values in the minute holding `at`; empty while the device is in a dropout."""
        if at.tzinfo is None or at.utcoffset() is None:
            raise SyntheticInputError(f"at must be timezone-aware, got {at!r}")
        if all(d.id != device_id for d in self.site.devices):
            raise NotInSiteError(f"no device {device_id!r} in site {self.site.id!r}")
        minute = pd.Timestamp(at).tz_convert("UTC").floor("min")
        result = self._day(_local_date(at, self.site))
        row = result.arrays[device_id][int(result.grid.index.searchsorted(minute))]
        return {key: float(value) for key, value in zip(COLUMNS, row, strict=True) if not math.isnan(value)}

    # ----- computing a day --------------------------------------------------------------------

    def _day(self, day: date) -> _DayResult:
        with self._lock:
            return self._days.get(day, lambda: self._simulate(day))

    def _simulate(self, day: date) -> _DayResult:
        site_day = self._site_day(day)
        grid = site_day.grid
        frames: dict[str, pd.DataFrame] = {}
        arrays: dict[str, FloatArray] = {}
        for zone_index, zone in enumerate(self.site.zones):
            devices = self.site.devices_in(zone.id)
            if not devices:
                continue  # nobody measures this zone, so there is nothing to compute
            streams = zone_day_streams(self.seed, zone_index, day, len(devices))
            truth = self._zone_truth(zone, day, streams.physics)
            for device, rng in zip(devices, streams.sensors, strict=True):
                drift = drift_ppm(grid.index, self._drift_since) if device.id == self.drifting_device else None
                measured = measure(truth, self._calibrations[device.id], drift, rng)
                block = np.column_stack([measured[key] for key in COLUMNS])
                arrays[device.id] = block
                frames[device.id] = pd.DataFrame(block, index=grid.index, columns=list(COLUMNS))
        return _DayResult(grid, frames, arrays, list(grid.index.to_pydatetime()))

    def _zone_truth(self, zone: Zone, day: date, rng: np.random.Generator) -> dict[str, FloatArray]:
        """The true values in a zone over one local day."""
        site_day = self._site_day(day)
        state = self._changes.state(zone, day)
        occ = self._zone_occupancy(zone, day)
        daylight = self._daylight(day, zone.window)
        co2, temperature, humidity = self._air(zone, day)
        low, high = DESK_LIGHT_LUX if zone.kind in ("answer_group", "office", "meeting_room") else AMBIENT_LIGHT_LUX
        light_level = rng.uniform(low, high)
        standby = rng.uniform(0.0, 2.5)  # exit signs and standby LEDs
        fan_offset_db = rng.normal(0.0, 0.8)
        lights = lights_on(occ.present, PRESENCE_OFF_DELAY_MIN.get(zone.kind))
        # Fan noise grows with the design airflow (a rebalanced zone's too); at night the building hums more quietly.
        fan_db = np.clip(34.5 + 2.0 * math.log2(state.ventilation_lps / 45.0) + fan_offset_db, 31.0, 42.0)
        background = np.where(site_day.hvac_on, fan_db, 31.5 + fan_offset_db / 2)
        laeq, lafmax = sound_dba(
            occ.present.astype(np.float64),
            occ.talkers.astype(np.float64),
            background,
            SPEECH_DB.get(zone.kind, 56.0),
            rng,
        )
        # Planted changes act after every random draw, so they never shift the zone's random numbers.
        electric = max(light_level + state.illuminance_offset_lux, 0.0)
        return {
            "co2_ppm": co2,
            "temperature_c": temperature,
            "humidity_pct": humidity,
            "sound_dba": laeq + state.sound_offset_db,
            "sound_max_dba": lafmax + state.sound_offset_db,
            "illuminance_lux": daylight + standby + np.where(lights, electric, 0.0),
        }

    def _air(self, zone: Zone, day: date) -> tuple[FloatArray, FloatArray, FloatArray]:
        """CO2, temperature and relative humidity of a zone over one local day.

        These change slowly, so they are integrated over the previous day as well, starting from an
        empty night-time room: the evening's CO2 and warmth then carry over midnight as they should.
        """
        days = (day - timedelta(days=1), day)
        site_days = [self._site_day(d) for d in days]
        n = len(site_days[-1].grid)

        def joined(pick: Callable[[_SiteDay], FloatArray]) -> FloatArray:
            return np.concatenate([pick(s) for s in site_days])

        people = np.concatenate([self._zone_occupancy(zone, d).present for d in days]).astype(np.float64)
        volume = zone.volume_m3
        # Each day's fans deliver that day's design rate, less what its filter's dust takes, plus infiltration.
        flow = np.concatenate(
            [
                outdoor_air_m3s(
                    self._changes.state(zone, s.grid.day).ventilation_lps * self._vent_factor(zone, s.grid.day),
                    s.hvac_on,
                    volume,
                    NIGHT_VENTILATION_SHARE,
                )
                for s in site_days
            ]
        )
        outdoor_co2 = joined(lambda s: s.outdoor.co2_ppm)
        outdoor_vapour = joined(lambda s: s.outdoor.vapour_gm3)
        daylight = joined(lambda s: self._daylight(s.grid.day, zone.window))
        drift_c = joined(lambda s: self._temperature_drift(zone, s.grid))
        per_person = OCCUPANT_C_PER_PERSON * float(np.clip(REFERENCE_AREA_M2 / zone.area_m2, 0.3, 1.5))

        co2 = co2_ppm(people, flow, volume, outdoor_co2, float(outdoor_co2[0]))
        temperature = indoor_temperature(
            joined(lambda s: s.outdoor.temperature_c),
            joined(lambda s: s.setpoint_c),
            people,
            per_person,
            SOLAR_C_PER_KLX * daylight / 1000.0,
            drift_c,
            HEATING_NIGHT_C + float(drift_c[0]),
        )
        vapour = vapour_gm3(people, flow, volume, outdoor_vapour, float(outdoor_vapour[0]))
        humidity = relative_humidity(vapour, temperature)
        return co2[-n:], temperature[-n:], humidity[-n:]

    def _site_day(self, day: date) -> _SiteDay:
        return self._site_days.get(day, lambda: self._make_site_day(day))

    def _make_site_day(self, day: date) -> _SiteDay:
        info = self.site.site
        grid = day_grid(day, self.tz)
        hours = info.working_hours
        schedule = Schedule(
            start=hours.start.hour * 60.0 + hours.start.minute,
            end=hours.end.hour * 60.0 + hours.end.minute,
            working_day=day.isoweekday() in hours.days,
            month=day.month,
        )
        tod = grid.tod
        working = schedule.working_day
        hvac_on = working & (tod >= schedule.start - HVAC_LEAD_MIN) & (tod < schedule.end + HVAC_LAG_MIN)
        heating_day = working & (tod >= schedule.start - PREHEAT_MIN) & (tod < schedule.end)
        elevation, azimuth = solar_position(grid.index, info.latitude, info.longitude)
        return _SiteDay(
            grid=grid,
            schedule=schedule,
            outdoor=outdoor_day(grid, self._weather_draws),
            elevation=elevation,
            azimuth=azimuth,
            hvac_on=hvac_on,
            setpoint_c=np.where(heating_day, HEATING_DAY_C, HEATING_NIGHT_C),
        )

    def _daylight(self, day: date, window: str | None) -> FloatArray:
        """Daylight at a desk behind a window of this orientation (None: no window), shared by zones."""

        def make() -> FloatArray:
            s = self._site_day(day)
            return daylight_lux(s.elevation, s.azimuth, window, s.outdoor.clearness)

        return self._daylight_cache.get((day, window), make)

    def _weather_draws(self, day: date) -> WeatherDraws:
        return self._weather.get(day, lambda: weather_draws(weather_stream(self.seed, day)))

    def _zone_occupancy(self, zone: Zone, day: date) -> ZoneOccupancy:
        def make() -> ZoneOccupancy:
            site_day = self._site_day(day)
            rng = zone_day_streams(self.seed, self._zone_index[zone.id], day, 0).occupancy
            return zone_occupancy(zone.kind, zone.capacity, site_day.grid.tod, site_day.schedule, rng)

        return self._occupancy.get((zone.id, day), make)

    def _anchor(self, zone: Zone, day: date) -> tuple[float, float]:
        """The zone's slowly varying values of a day: temperature drift (°C) and ventilation factor."""

        def make() -> tuple[float, float]:
            rng = zone_day_anchor(self.seed, self._zone_index[zone.id], day)
            drift = float(rng.normal(0.0, 0.35))
            vent = float(np.clip(rng.normal(1.0, 0.04), 0.85, 1.15))  # dampers stick, wind and stack pressure vary
            return drift, vent

        return self._anchors.get((zone.id, day), make)

    def _vent_factor(self, zone: Zone, day: date) -> float:
        """The share of its design outdoor air the zone gets that day: filter loading times the daily wander."""
        return self._filter_fraction(zone, day) * self._anchor(zone, day)[1]

    def _filter_fraction(self, zone: Zone, day: date) -> float:
        """The flow the zone's filter lets through that day as a share of the design flow (1 without loading)."""
        if self.filters is None:
            return 1.0
        age = (day.toordinal() - self._filter_origin[zone.id]) % self.filters.interval_days
        return float(self.filters.flow_fraction(age))

    def _temperature_drift(self, zone: Zone, grid: DayGrid) -> FloatArray:
        """A slow random wander of the room temperature, continuous from day to day."""
        day = grid.day
        previous, current, following = (self._anchor(zone, day + timedelta(days=k))[0] for k in (-1, 0, 1))
        return between_days(grid.tod, previous, current, following)

    def _zone(self, zone_id: str) -> Zone:
        zone = self.site.zone(zone_id)
        if zone is None:
            raise NotInSiteError(f"no zone {zone_id!r} in site {self.site.id!r}")
        return zone

    def _build_readings(self, result: _DayResult, lo: int, hi: int) -> list[Reading]:
        """Readings of rows lo..hi of every device; NaN values left out and all-NaN rows skipped."""
        site_id = self.site.id
        times = result.times[lo:hi]
        out: list[Reading] = []
        append = out.append
        for device in self.site.devices:
            block = result.arrays.get(device.id)
            if block is None:
                continue
            part = block[lo:hi]
            complete = np.asarray(~np.isnan(part).any(axis=1))
            rows = part.tolist()
            zone, dev = device.zone, device.id
            for ts, row, full in zip(times, rows, complete.tolist(), strict=True):
                if full:
                    append(Reading(site_id, zone, dev, ts, MappingProxyType(dict(zip(COLUMNS, row, strict=True)))))
                    continue
                values = {key: value for key, value in zip(COLUMNS, row, strict=True) if not math.isnan(value)}
                if values:
                    append(Reading(site_id, zone, dev, ts, MappingProxyType(values)))
        return out


def _check_range(start: datetime, stop: datetime) -> None:
    if start.tzinfo is None or start.utcoffset() is None or stop.tzinfo is None or stop.utcoffset() is None:
        raise SyntheticInputError("start and stop must be timezone-aware")
    if stop < start:
        raise SyntheticInputError(f"stop {stop.isoformat()} is before start {start.isoformat()}")


def _local_date(at: datetime, site: Site) -> date:
    return at.astimezone(site.site.tz).date()
