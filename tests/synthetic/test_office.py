"""The office simulator: determinism, the physics it promises, sensor faults, and its outputs."""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

import numpy as np
import paho.mqtt.client as mqtt
import pandas as pd
import pytest

from models.holidays import opening_days
from sensors.decoders.native import NativeDecoder, native_topic
from sensors.quantities import QUANTITIES
from sensors.reading import Reading
from sensors.site import Site
from synthetic.errors import NotInSiteError, SyntheticError, SyntheticInputError
from synthetic.office import FilterLoading, OfficeSimulator, ZoneChange
from synthetic.office.filters import fan_flow
from synthetic.office.occupancy import Schedule, zone_occupancy
from synthetic.office.physics import (
    co2_ppm,
    daylight_lux,
    relative_humidity,
    saturation_vapour_density,
    solve_linear,
)
from synthetic.office.publisher import native_payload, publish_live
from synthetic.office.simulator import COLUMNS
from synthetic.office.solar import solar_position

if TYPE_CHECKING:
    from tests.conftest import Mosquitto

TZ = "Europe/Stockholm"
EPOCH = date(2026, 9, 1)
WEEKDAY = date(2026, 11, 24)  # a Tuesday
SATURDAY = date(2026, 11, 28)


@pytest.fixture(scope="module")
def site(example_site: Site) -> Site:
    return example_site


@pytest.fixture(scope="module")
def sim(site: Site) -> OfficeSimulator:
    return OfficeSimulator(site, seed=7, epoch=EPOCH)


def local(frame: pd.DataFrame | pd.Series, start: str, end: str) -> pd.DataFrame | pd.Series:
    """Rows whose local wall-clock time lies in [start, end)."""
    converted = frame.tz_convert(TZ)
    return converted.between_time(start, end, inclusive="left")


# ----- determinism -----------------------------------------------------------------------------


def test_same_seed_gives_identical_frames(site: Site) -> None:
    a = OfficeSimulator(site, seed=11, epoch=EPOCH).day(WEEKDAY)
    b = OfficeSimulator(site, seed=11, epoch=EPOCH).day(WEEKDAY)
    assert a.keys() == b.keys()
    for device in a:
        pd.testing.assert_frame_equal(a[device], b[device])


def test_different_seed_gives_different_frames(site: Site) -> None:
    a = OfficeSimulator(site, seed=11, epoch=EPOCH).day(WEEKDAY)["aq-01"]
    b = OfficeSimulator(site, seed=12, epoch=EPOCH).day(WEEKDAY)["aq-01"]
    assert not a.equals(b)
    assert (a["co2_ppm"] - b["co2_ppm"]).abs().mean() > 5


def test_a_day_does_not_depend_on_what_was_computed_before(site: Site) -> None:
    cold = OfficeSimulator(site, seed=5, epoch=EPOCH)
    warm = OfficeSimulator(site, seed=5, epoch=EPOCH)
    for k in range(4, 0, -1):
        warm.day(WEEKDAY - timedelta(days=k))
    pd.testing.assert_frame_equal(cold.day(WEEKDAY)["aq-05"], warm.day(WEEKDAY)["aq-05"])


def test_frames_returned_to_callers_do_not_corrupt_the_cache(sim: OfficeSimulator) -> None:
    frame = sim.day(WEEKDAY)["aq-02"]
    original = float(frame["co2_ppm"].iloc[600])
    frame.iloc[600, 0] = -1.0
    assert float(sim.day(WEEKDAY)["aq-02"]["co2_ppm"].iloc[600]) == original


def test_seed_must_be_non_negative(site: Site) -> None:
    with pytest.raises(SyntheticInputError, match="seed"):
        OfficeSimulator(site, seed=-1)


# ----- occupancy -------------------------------------------------------------------------------


def test_nobody_in_answer_groups_on_a_weekend(sim: OfficeSimulator, site: Site) -> None:
    for zone in site.zones:
        assert sim.occupancy(zone.id, SATURDAY).sum() == 0, zone.id


def test_weekday_occupancy_follows_the_working_day(sim: OfficeSimulator, site: Site) -> None:
    groups = [z.id for z in site.zones if z.kind == "answer_group"]
    people = sum(sim.occupancy(z, WEEKDAY) for z in groups)
    assert isinstance(people, pd.Series)
    assert local(people, "03:00", "03:01").sum() == 0
    assert local(people, "20:00", "23:59").sum() == 0
    morning = local(people, "09:45", "11:15").mean()
    assert morning > 0.75 * 3 * len(groups)
    # Lunch: most people are away for about 40 minutes between 11:30 and 13:00.
    assert local(people, "12:05", "12:25").mean() < 0.7 * morning


def test_occupancy_never_exceeds_the_zone_capacity(sim: OfficeSimulator, site: Site) -> None:
    for zone in site.zones:
        assert sim.occupancy(zone.id, WEEKDAY).max() <= zone.capacity, zone.id


def test_meetings_and_coffee_breaks(sim: OfficeSimulator) -> None:
    weekdays = [WEEKDAY + timedelta(days=k) for k in range(-1, 3)]
    meeting = pd.concat([sim.occupancy("meeting", d) for d in weekdays])
    sizes = meeting[meeting > 0]
    assert len(sizes) > 0
    assert sizes.min() >= 3
    assert sizes.max() <= 8
    kitchen = pd.concat([sim.occupancy("break", d) for d in weekdays])
    coffee = local(kitchen, "09:15", "09:45").mean()
    quiet = local(kitchen, "10:30", "11:15").mean()
    assert coffee > 2 * quiet


def test_agents_on_calls_are_present_agents() -> None:
    tod = np.arange(1440, dtype=np.float64)
    schedule = Schedule(start=480.0, end=1020.0, working_day=True, month=11)
    occ = zone_occupancy("answer_group", 3, tod, schedule, np.random.default_rng(1))
    assert (occ.on_calls <= occ.present).all()
    assert occ.on_calls[(tod >= 540) & (tod < 660)].mean() > occ.on_calls[(tod >= 720) & (tod < 780)].mean()
    assert occ.present[tod < 420].sum() == 0


# ----- air -------------------------------------------------------------------------------------


def test_underventilated_zone_has_high_afternoon_co2(sim: OfficeSimulator) -> None:
    frames = sim.day(WEEKDAY)
    z1 = local(frames["aq-01"]["co2_ppm"], "13:30", "16:30").mean()
    z3 = local(frames["aq-03"]["co2_ppm"], "13:30", "16:30").mean()
    assert 550 < z1 < 850
    assert z3 > z1 + 200


def test_underventilated_zone_exceeds_1000_ppm_on_full_days(sim: OfficeSimulator) -> None:
    week = [WEEKDAY + timedelta(days=k) for k in range(-1, 4)]  # Monday to Friday
    peaks, full = [], []
    for day in week:
        peaks.append(local(sim.day(day)["aq-03"]["co2_ppm"], "08:00", "17:00").max())
        full.append(local(sim.occupancy("z3", day), "10:00", "16:00").max() == 3)
    # With all three agents in, 20 l/s cannot keep up; an absent agent can spare the room a day.
    assert all(peak > 1000 for peak, everyone in zip(peaks, full, strict=True) if everyone)
    assert sum(peak > 1000 for peak in peaks) >= 3


def test_co2_is_near_outdoor_before_the_day_starts(sim: OfficeSimulator) -> None:
    for device, frame in sim.day(WEEKDAY).items():
        if device == sim.drifting_device:
            continue
        value = local(frame["co2_ppm"], "05:00", "05:10").mean()
        assert 390 < value < 500, device


def test_winter_is_drier_and_colder_than_summer(sim: OfficeSimulator) -> None:
    winter = sim.day(date(2026, 1, 21))["aq-01"]  # Wednesdays
    summer = sim.day(date(2026, 7, 15))["aq-01"]
    winter_rh = local(winter["humidity_pct"], "10:00", "16:00").mean()
    summer_rh = local(summer["humidity_pct"], "10:00", "16:00").mean()
    assert winter_rh < 35
    assert summer_rh > 40
    assert winter_rh + 10 < summer_rh
    winter_t = local(winter["temperature_c"], "14:00", "16:00").mean()
    summer_t = local(summer["temperature_c"], "14:00", "16:00").mean()
    assert 20 < winter_t < 24
    assert summer_t > winter_t + 1


# ----- sound and light -------------------------------------------------------------------------


def test_sound_of_a_busy_answer_group_and_an_empty_night(sim: OfficeSimulator) -> None:
    frame = sim.day(WEEKDAY)["aq-01"]
    assert 48 <= local(frame["sound_dba"], "10:00", "11:00").mean() <= 62
    assert 30 <= local(frame["sound_dba"], "01:00", "04:00").mean() <= 40
    assert (frame["sound_max_dba"].dropna() >= frame["sound_dba"].dropna()).all()


def test_illuminance_is_dark_at_night_and_lit_at_desks(sim: OfficeSimulator) -> None:
    frame = sim.day(WEEKDAY)["aq-07"]  # north window, late November
    assert local(frame["illuminance_lux"], "01:00", "04:00").max() < 20
    assert local(frame["illuminance_lux"], "10:00", "11:00").mean() > 400


def test_south_window_gets_more_daylight_than_north_or_none(sim: OfficeSimulator) -> None:
    # June weekends: no electric light, only the sun and the sky.
    weekends = [date(2026, 6, d) for d in (6, 7, 13, 14, 20, 21, 27, 28)]
    noon = {
        device: pd.concat([local(sim.day(d)[device]["illuminance_lux"], "12:00", "14:00") for d in weekends]).mean()
        for device in ("aq-01", "aq-07", "aq-meeting")  # S, N and no window
    }
    assert noon["aq-01"] > noon["aq-07"] > noon["aq-meeting"]


def test_daylight_model_for_a_clear_june_noon() -> None:
    elevation, azimuth = np.radians([54.0]), np.radians([180.0])
    clear = np.array([1.0])
    south = daylight_lux(elevation, azimuth, "S", clear)[0]
    north = daylight_lux(elevation, azimuth, "N", clear)[0]
    interior = daylight_lux(elevation, azimuth, None, clear)[0]
    assert south > 2 * north > 0
    assert interior < 50
    assert daylight_lux(np.radians([-10.0]), azimuth, "S", clear)[0] < 5


# ----- sensor faults and ranges ----------------------------------------------------------------


def test_the_drifting_sensor_reads_low_at_night(sim: OfficeSimulator) -> None:
    assert sim.drifting_device == "aq-07"
    frames = sim.day(EPOCH + timedelta(days=60))
    drifting = local(frames["aq-07"]["co2_ppm"], "02:00", "05:00").mean()
    healthy = local(frames["aq-01"]["co2_ppm"], "02:00", "05:00").mean()
    assert healthy - drifting > 60
    assert drifting < 400


def test_no_drift_before_the_epoch_and_none_when_disabled(site: Site) -> None:
    day = EPOCH - timedelta(days=5)
    drifting = OfficeSimulator(site, seed=3, epoch=EPOCH).day(day)["aq-07"]
    plain = OfficeSimulator(site, seed=3, epoch=EPOCH, drifting_device=None).day(day)["aq-07"]
    pd.testing.assert_frame_equal(drifting, plain)


def test_unknown_drifting_device_is_refused(site: Site) -> None:
    with pytest.raises(SyntheticInputError, match="drifting_device"):
        OfficeSimulator(site, drifting_device="nope")


def test_dropouts_are_rare_gaps(sim: OfficeSimulator) -> None:
    rows = missing = 0
    for k in range(28):
        for frame in sim.day(date(2026, 10, 1) + timedelta(days=k)).values():
            rows += len(frame)
            missing += int(frame.isna().all(axis=1).sum())
            assert frame.isna().any(axis=1).equals(frame.isna().all(axis=1))  # whole rows go missing
    assert missing > 0
    assert missing / rows < 0.05


def test_values_stay_in_the_plausible_ranges(site: Site) -> None:
    # A sensor drifting for six years would read far below the range; it is clipped into it.
    sim = OfficeSimulator(site, seed=2, epoch=date(2020, 1, 1))
    for day in (date(2026, 1, 14), date(2026, 7, 15), SATURDAY):
        for device, frame in sim.day(day).items():
            for key in COLUMNS:
                values = frame[key].dropna()
                quantity = QUANTITIES[key]
                assert values.between(quantity.minimum, quantity.maximum).all(), (device, key)
    assert sim.day(SATURDAY)["aq-07"]["co2_ppm"].min() == QUANTITIES["co2_ppm"].minimum


@pytest.mark.parametrize(("day", "hours"), [(date(2026, 3, 29), 23), (date(2026, 10, 25), 25), (WEEKDAY, 24)])
def test_local_days_across_dst(sim: OfficeSimulator, day: date, hours: int) -> None:
    frame = sim.day(day)["aq-01"]
    assert len(frame) == hours * 60
    assert isinstance(frame.index, pd.DatetimeIndex)
    assert str(frame.index.tz) == "UTC"
    assert frame.index[0] == pd.Timestamp(datetime.combine(day, time(0), tzinfo=sim.tz))
    assert (frame.index[1:] - frame.index[:-1] == pd.Timedelta(minutes=1)).all()
    assert list(frame.columns) == list(COLUMNS)


# ----- readings, backfill, live values ---------------------------------------------------------


class ListSink:
    def __init__(self) -> None:
        self.batches: list[list[Reading]] = []

    def write(self, readings: Sequence[Reading]) -> None:
        self.batches.append(list(readings))


def test_readings_cover_the_range_and_skip_dropouts(sim: OfficeSimulator, site: Site) -> None:
    start = datetime(2026, 11, 23, 22, 30, tzinfo=UTC)
    stop = datetime(2026, 11, 24, 3, 15, tzinfo=UTC)
    chunks = list(sim.readings(start, stop))
    assert len(chunks) == 2  # the range spans two local days
    readings = [r for chunk in chunks for r in chunk]
    expected = 0
    for day in (date(2026, 11, 23), WEEKDAY):
        for frame in sim.day(day).values():
            inside = frame[(frame.index >= start) & (frame.index < stop)]
            expected += int(inside.notna().any(axis=1).sum())
    assert len(readings) == expected
    assert {r.device for r in readings} == {d.id for d in site.devices}
    for r in readings:
        assert r.ts.utcoffset() is not None
        assert start <= r.ts < stop
        assert r.site == "kc-main"
        assert set(r.values) <= set(QUANTITIES)
        assert all(math.isfinite(v) for v in r.values.values())


def test_backfill_writes_everything_and_reports_progress(sim: OfficeSimulator) -> None:
    start = datetime(2026, 11, 20, 12, tzinfo=UTC)
    stop = datetime(2026, 11, 22, 12, tzinfo=UTC)
    sink = ListSink()
    seen: list[int] = []
    written = sim.backfill(sink, start, stop, progress=seen.append)
    assert written == sum(len(b) for b in sink.batches) > 0
    assert len(sink.batches) == 3
    assert seen[-1] == written
    assert seen == sorted(seen)


def test_readings_refuse_naive_times(sim: OfficeSimulator) -> None:
    with pytest.raises(SyntheticInputError, match="timezone-aware"):
        next(sim.readings(datetime(2026, 11, 1), datetime(2026, 11, 2)))  # noqa: DTZ001


def test_values_at_matches_the_day_frame(sim: OfficeSimulator) -> None:
    frame = sim.day(WEEKDAY)["aq-04"]
    at = datetime(2026, 11, 24, 9, 30, 42, tzinfo=UTC)
    row = frame.loc[pd.Timestamp("2026-11-24T09:30:00Z")]
    assert sim.values_at("aq-04", at) == pytest.approx(row.to_dict())
    gaps = frame.index[frame.isna().all(axis=1)]
    if len(gaps):
        assert sim.values_at("aq-04", gaps[0].to_pydatetime()) == {}


# ----- native payload and live publishing ------------------------------------------------------


def test_native_payload_round_trips_through_the_decoder() -> None:
    ts = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    values = {"co2_ppm": 812.4, "temperature_c": 22.436, "humidity_pct": 38.52, "illuminance_lux": 430.0}
    payload = native_payload(ts, 1841, values)
    [sample] = NativeDecoder().decode(native_topic("kc-main", "z1", "aq-01"), payload)
    assert sample.ts == ts
    assert sample.seq == 1841
    assert sample.device == "aq-01"
    assert sample.values == {"co2_ppm": 812.0, "temperature_c": 22.44, "humidity_pct": 38.5, "illuminance_lux": 430.0}
    assert b'"ts":"2026-11-24T09:00:00Z"' in payload


class RecordingClient:
    def __init__(self, stop_after: int, stop: threading.Event) -> None:
        self.messages: list[tuple[str, bytes, int]] = []
        self.stop_after = stop_after
        self.stop = stop

    def publish(self, topic: str, payload: bytes, qos: int) -> None:
        self.messages.append((topic, payload, qos))
        if len(self.messages) >= self.stop_after:
            self.stop.set()


def test_publish_live_sends_every_device_with_rising_seq(sim: OfficeSimulator, site: Site) -> None:
    at = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
    live = [d for d in site.devices if sim.values_at(d.id, at)]
    stop = threading.Event()
    client = RecordingClient(stop_after=2 * len(live), stop=stop)
    sent = publish_live(sim, client, site, interval_s=0.01, stop_event=stop, clock=lambda: at)
    assert sent == len(client.messages) == 2 * len(live)
    decoder = NativeDecoder()
    seqs: dict[str, list[int]] = {}
    for topic, payload, qos in client.messages:
        assert qos == 1
        [sample] = decoder.decode(topic, payload)
        assert sample.ts == at
        assert sample.values
        device = next(d for d in site.devices if d.id == sample.device)
        assert topic == native_topic(site.id, device.zone, device.id)
        seqs.setdefault(sample.device, []).append(sample.seq or 0)
    assert seqs == {d.id: [1, 2] for d in live}


@pytest.mark.mosquitto
def test_publish_live_through_a_real_broker(sim: OfficeSimulator, site: Site, mosquitto: Mosquitto) -> None:
    at = datetime(2026, 11, 24, 13, 0, tzinfo=UTC)
    live = {d.id for d in site.devices if sim.values_at(d.id, at)}
    received: list[tuple[str, bytes]] = []
    subscribed, got_all = threading.Event(), threading.Event()

    def on_message(client: mqtt.Client, userdata: object, message: mqtt.MQTTMessage) -> None:
        received.append((message.topic, bytes(message.payload)))
        if len(received) >= len(live):
            got_all.set()

    subscriber = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2)
    subscriber.on_message = on_message
    subscriber.on_subscribe = lambda *_: subscribed.set()
    subscriber.connect("127.0.0.1", mosquitto.port)
    subscriber.loop_start()
    publisher = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2)
    publisher.connect("127.0.0.1", mosquitto.port)
    publisher.loop_start()
    stop = threading.Event()
    worker = threading.Thread(
        target=publish_live,
        args=(sim, publisher, site),
        kwargs={"interval_s": 0.2, "stop_event": stop, "clock": lambda: at},
    )
    try:
        subscriber.subscribe("officewell/kc-main/+/+", qos=1)
        assert subscribed.wait(5)
        worker.start()
        assert got_all.wait(10)
    finally:
        stop.set()
        if worker.is_alive():
            worker.join(5)
        for client in (publisher, subscriber):
            client.disconnect()
            client.loop_stop()
    decoder = NativeDecoder()
    samples = [decoder.decode(topic, payload)[0] for topic, payload in received[: len(live)]]
    assert {s.device for s in samples} == live
    assert all(s.ts == at and s.seq == 1 for s in samples)


# ----- the physics on its own ------------------------------------------------------------------


def test_solve_linear_matches_a_step_by_step_loop() -> None:
    rng = np.random.default_rng(0)
    decay = rng.uniform(0.0, 1.0, 3000) ** 8  # includes tiny factors that would underflow a product
    drive = rng.normal(0.0, 10.0, 3000)
    expected = np.empty_like(drive)
    x = 5.0
    for k in range(len(drive)):
        x = decay[k] * x + drive[k]
        expected[k] = x
    np.testing.assert_allclose(solve_linear(decay, drive, 5.0), expected, rtol=1e-9, atol=1e-9)


def test_co2_reaches_the_mass_balance_steady_state() -> None:
    n = 600
    people = np.full(n, 3.0)
    flow = np.full(n, 0.020)  # 20 l/s
    co2 = co2_ppm(people, flow, 75.6, np.full(n, 420.0), 420.0)
    assert co2[-1] == pytest.approx(420 + 0.0052 * 3 / 20 * 1e6, rel=1e-3)  # 1200 ppm
    assert co2[60] < co2[120] < co2[-1]


def test_magnus_humidity() -> None:
    temps = np.array([0.0, 20.0, 30.0])
    assert saturation_vapour_density(temps) == pytest.approx([4.85, 17.3, 30.4], rel=0.02)
    assert relative_humidity(saturation_vapour_density(temps) / 2, temps) == pytest.approx([50.0] * 3)


def test_sun_position_at_the_stockholm_summer_solstice() -> None:
    index = pd.date_range("2026-06-21T00:00Z", periods=1440, freq="min")
    elevation, azimuth = solar_position(index, 59.33, 18.07)
    top = int(np.argmax(elevation))
    assert math.degrees(elevation[top]) == pytest.approx(90 - 59.33 + 23.44, abs=0.3)
    assert math.degrees(azimuth[top]) == pytest.approx(180, abs=2)
    assert index[top].hour == 10  # solar noon in Stockholm is about 10:50 UTC
    assert math.degrees(elevation.min()) == pytest.approx(-(90 - 59.33 - 23.44), abs=0.3)


def test_unknown_devices_and_zones_are_the_synthetic_packages_error(sim: OfficeSimulator) -> None:
    at = datetime(2026, 11, 24, 9, tzinfo=UTC)
    with pytest.raises(NotInSiteError) as caught:
        sim.values_at("aq-99", at)
    assert str(caught.value) == "no device 'aq-99' in site 'kc-main'"
    with pytest.raises(SyntheticError, match="no zone 'z99' in site 'kc-main'"):
        sim.occupancy("z99", WEEKDAY)
    with pytest.raises(SyntheticError, match="at must be timezone-aware"):
        sim.values_at("aq-01", at.replace(tzinfo=None))
    with pytest.raises(SyntheticError, match="interval_s must be positive"):
        publish_live(sim, _NoClient(), sim.site, interval_s=0, stop_event=threading.Event())


class _NoClient:
    def publish(self, topic: str, payload: bytes, qos: int) -> None:
        raise AssertionError("nothing is published with a refused interval")


# ----- filter loading --------------------------------------------------------------------------


def one_zone(site: Site, zone_id: str) -> Site:
    """The site with only this zone (the first, so its random streams match the full site's) and its devices."""
    assert site.zones[0].id == zone_id
    zone = site.zones[0]
    return site.model_copy(update={"zones": (zone,), "devices": site.devices_in(zone.id)})


def weekly_occupied_co2(sim: OfficeSimulator, device: str, start: date, end: date) -> pd.Series:
    """The device's mean CO2 over 08–17 local time on open days, per ISO week (indexed by its Monday)."""
    sums: dict[date, list[float]] = {}
    for day in opening_days(start, end):
        values = local(sim.day(day)[device]["co2_ppm"], "08:00", "17:00").dropna()
        acc = sums.setdefault(day - timedelta(days=day.weekday()), [0.0, 0.0])
        acc[0] += float(values.sum())
        acc[1] += len(values)
    return pd.Series({week: total / n for week, (total, n) in sums.items()}).sort_index()


def test_filter_loading_figures() -> None:
    filters = FilterLoading()
    assert filters.interval_days == 182  # six months, as the used filters in Wargocki et al. (2004)
    # The site's ventilation_lps holds at the pressure drop the fan was sized for (EN 13053: mean of initial and final).
    assert fan_flow(filters.design_filter_pa, filters.design_filter_pa, filters.system_pa, filters.fan_rise) == (
        pytest.approx(1.0)
    )
    flow = filters.flow_fraction(np.arange(filters.interval_days + 1))
    assert (np.diff(flow) < 0).all()
    assert 1.0 < flow[0] < 1.1  # a clean filter gives a little more than the design flow ...
    assert 0.25 <= filters.end_loss <= 0.35  # ... and a neglected one a quarter to a third less than a clean one
    assert 0.9 < flow.mean() < 0.97
    assert filters.pressure_pa(0) == pytest.approx(100.0)
    assert filters.pressure_pa(182) == pytest.approx(450.0)


def test_each_zone_changes_its_filter_on_its_own_day_and_its_air_jumps_back(sim: OfficeSimulator, site: Site) -> None:
    year = (date(2026, 1, 1), date(2026, 12, 31))
    changes = {z.id: sim.filter_changes(z.id, *year) for z in site.zones}
    assert all(len(days) == 2 for days in changes.values())
    assert all((b - a).days == 182 for a, b in changes.values())
    assert len({days[0] for days in changes.values()}) >= 10  # 14 zones, phases drawn from the seed
    jumps = []
    for zone in site.zones:
        for day in changes[zone.id]:
            before = sim.outdoor_air_lps(zone.id, day - timedelta(days=1))
            after = sim.outdoor_air_lps(zone.id, day)
            assert after > before, (zone.id, day)
            assert 0.85 * zone.ventilation_lps < after < 1.25 * zone.ventilation_lps
            jumps.append(after / before)
    # 0.76 → 1.05 of the design flow, give or take the daily ±4 % wander.
    assert np.mean(jumps) == pytest.approx(1.049 / 0.758, abs=0.05)
    assert OfficeSimulator(site, seed=7, filters=None).filter_changes("z1", *year) == []
    assert OfficeSimulator(site, seed=8).filter_changes("z1", *year) != changes["z1"]  # the phase follows the seed


def test_filter_loading_makes_weekly_co2_a_sawtooth(site: Site) -> None:
    small = one_zone(site, "z1")  # a well-ventilated answer group: 45 l/s for three
    start, end = date(2026, 1, 1), date(2026, 12, 31)
    loaded = OfficeSimulator(small, seed=1, drifting_device=None)
    clean = OfficeSimulator(small, seed=1, drifting_device=None, filters=None)
    with_loading = weekly_occupied_co2(loaded, "aq-01", start, end)
    without = weekly_occupied_co2(clean, "aq-01", start, end)
    # Without loading the weeks differ only by who came in; with it, by the filter's age as well.
    assert with_loading.std() > 1.25 * without.std()
    assert with_loading.std() - without.std() > 5
    extra = with_loading - without
    changed = loaded.filter_changes("z1", start, end)
    # The filter's age in the middle of each week (Wednesday): changes come every 182 days.
    age = pd.Series([(week + timedelta(days=2) - changed[0]).days % 182 for week in extra.index], index=extra.index)
    assert extra.corr(age, method="spearman") > 0.8  # more CO2 the older the filter
    assert len(changed) == 2
    for day in changed:
        monday = day - timedelta(days=day.weekday())
        # Both runs have the same people in every week, so `extra` is the filter's doing alone.
        assert extra[monday - timedelta(days=7)] > 50, day  # a loaded filter: about 0.76 of the design flow
        assert extra[monday + timedelta(days=7)] < 10, day  # a clean one: a little more than the design flow


def test_without_filter_loading_the_zone_gets_its_design_flow(site: Site) -> None:
    sim = OfficeSimulator(site, seed=7, filters=None)
    flows = [sim.outdoor_air_lps("z3", date(2026, 3, 1) + timedelta(days=k)) for k in range(60)]
    assert all(0.85 * 20 <= f <= 1.15 * 20 for f in flows)
    assert np.mean(flows) == pytest.approx(20, rel=0.03)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("interval_days", 0, "interval_days must be a whole number of days ≥ 1"),
        ("interval_days", 182.5, "interval_days must be a whole number of days ≥ 1"),
        ("end_pa", math.nan, "end_pa must be a finite number"),
        ("end_pa", 50.0, "clean_pa ≤ design_final_pa ≤ end_pa"),
        ("system_pa", 120.0, "system_pa .* must exceed the filter's design pressure drop"),
        ("fan_rise", -0.1, "fan_rise must be ≥ 0"),
    ],
)
def test_bad_filter_loading_is_refused(field: str, value: float, message: str) -> None:
    with pytest.raises(SyntheticInputError, match=message):
        FilterLoading(**{field: value})  # type: ignore[arg-type]


def test_the_simulator_refuses_what_is_not_a_filter_loading(site: Site) -> None:
    with pytest.raises(SyntheticInputError, match="filters must be a FilterLoading or None"):
        OfficeSimulator(site, filters=0.3)  # type: ignore[arg-type]


# ----- planted zone changes --------------------------------------------------------------------

REBALANCED = date(2026, 11, 23)  # a Monday; WEEKDAY is the Tuesday after


def test_same_seed_and_changes_give_identical_frames(site: Site) -> None:
    changes = [ZoneChange("z3", on=REBALANCED, ventilation_lps=40.0, sound_offset_db=-3.0)]
    a = OfficeSimulator(site, seed=11, epoch=EPOCH, changes=changes).day(WEEKDAY)
    b = OfficeSimulator(site, seed=11, epoch=EPOCH, changes=list(changes)).day(WEEKDAY)
    for device in a:
        pd.testing.assert_frame_equal(a[device], b[device])


def test_a_change_leaves_other_zones_and_earlier_days_alone(site: Site, sim: OfficeSimulator) -> None:
    change = ZoneChange("z3", on=REBALANCED, ventilation_lps=40.0, sound_offset_db=-4.0, illuminance_offset_lux=150)
    changed = OfficeSimulator(site, seed=7, epoch=EPOCH, changes=[change])
    for day in (REBALANCED - timedelta(days=1), WEEKDAY):
        ours, theirs = changed.day(day), sim.day(day)
        for device in site.devices:
            if device.zone != "z3":
                pd.testing.assert_frame_equal(ours[device.id], theirs[device.id])
    before = REBALANCED - timedelta(days=1)
    pd.testing.assert_frame_equal(changed.day(before)["aq-03"], sim.day(before)["aq-03"])
    assert not changed.day(WEEKDAY)["aq-03"].equals(sim.day(WEEKDAY)["aq-03"])
    # Filter loading and the daily wander stay; only the design rate changed.
    assert changed.outdoor_air_lps("z3", WEEKDAY) == pytest.approx(2 * sim.outdoor_air_lps("z3", WEEKDAY))
    assert changed.outdoor_air_lps("z3", before) == sim.outdoor_air_lps("z3", before)
    assert changed.changes == (change,)


def test_rebalanced_ventilation_lowers_the_zones_co2_from_its_date_on(site: Site, sim: OfficeSimulator) -> None:
    changed = OfficeSimulator(site, seed=7, epoch=EPOCH, changes=[ZoneChange("z3", REBALANCED, ventilation_lps=40)])
    week = [REBALANCED + timedelta(days=k) for k in range(5)]
    after = np.mean([local(changed.day(d)["aq-03"]["co2_ppm"], "08:00", "17:00").mean() for d in week])
    plain = np.mean([local(sim.day(d)["aq-03"]["co2_ppm"], "08:00", "17:00").mean() for d in week])
    assert plain - after > 150
    assert after < 850  # 40 l/s for three is close to a well-ventilated zone
    # More air brings more fan noise: 2 dB for twice the air, heard while the fans run before anyone comes in.
    early = [local(f.day(WEEKDAY)["aq-03"]["sound_dba"], "07:05", "07:25").mean() for f in (changed, sim)]
    assert early[0] - early[1] == pytest.approx(2.0, abs=0.5)
    friday = REBALANCED - timedelta(days=3)
    pd.testing.assert_frame_equal(changed.day(friday)["aq-03"], sim.day(friday)["aq-03"])


def test_acoustic_and_lighting_changes(site: Site, sim: OfficeSimulator) -> None:
    quieter = OfficeSimulator(site, seed=7, epoch=EPOCH, changes=[ZoneChange("z3", REBALANCED, sound_offset_db=-4)])
    ours, theirs = quieter.day(WEEKDAY)["aq-03"], sim.day(WEEKDAY)["aq-03"]
    for key in ("sound_dba", "sound_max_dba"):
        np.testing.assert_allclose((ours[key] - theirs[key]).dropna(), -4.0, atol=0.11)  # both rounded to 0.1 dB
    pd.testing.assert_series_equal(ours["co2_ppm"], theirs["co2_ppm"])
    brighter = OfficeSimulator(
        site, seed=7, epoch=EPOCH, changes=[ZoneChange("z3", REBALANCED, illuminance_offset_lux=200.0)]
    )
    lit = brighter.day(WEEKDAY)["aq-03"]["illuminance_lux"] - theirs["illuminance_lux"]
    assert local(lit, "10:00", "15:00").mean() == pytest.approx(200, rel=0.15)
    assert local(lit, "01:00", "04:00").abs().max() < 1  # the lights are off at night
    assert ours["co2_ppm"].equals(brighter.day(WEEKDAY)["aq-03"]["co2_ppm"])


def test_changes_to_a_zone_add_up_in_date_order(site: Site, sim: OfficeSimulator) -> None:
    changes = [
        ZoneChange("z3", REBALANCED, ventilation_lps=40.0, sound_offset_db=-2.0),
        ZoneChange("z3", REBALANCED - timedelta(days=14), ventilation_lps=30.0, sound_offset_db=-1.5),
    ]
    changed = OfficeSimulator(site, seed=7, epoch=EPOCH, changes=changes)
    assert [c.on for c in changed.changes] == sorted(c.on for c in changes)
    middle = REBALANCED - timedelta(days=6)
    assert changed.outdoor_air_lps("z3", middle) == pytest.approx(1.5 * sim.outdoor_air_lps("z3", middle))
    assert changed.outdoor_air_lps("z3", WEEKDAY) == pytest.approx(2.0 * sim.outdoor_air_lps("z3", WEEKDAY))
    quiet = OfficeSimulator(site, seed=7, epoch=EPOCH, changes=[ZoneChange("z3", REBALANCED, ventilation_lps=40.0)])
    offset = changed.day(WEEKDAY)["aq-03"]["sound_dba"] - quiet.day(WEEKDAY)["aq-03"]["sound_dba"]
    np.testing.assert_allclose(offset.dropna(), -3.5, atol=0.11)


def test_zone_change_from_plain_values() -> None:
    change = ZoneChange.from_mapping({"zone": "z3", "on": "2026-03-02", "ventilation_lps": 40})
    assert change == ZoneChange("z3", date(2026, 3, 2), ventilation_lps=40.0)
    assert isinstance(change.ventilation_lps, float)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: ZoneChange("z3", date(2026, 3, 2)), r"changes nothing: give one of ventilation_lps"),
        (lambda: ZoneChange("z3", date(2026, 3, 2), ventilation_lps=math.nan), "ventilation_lps must be a finite"),
        (lambda: ZoneChange("z3", date(2026, 3, 2), sound_offset_db=math.inf), "sound_offset_db must be a finite"),
        (lambda: ZoneChange("z3", date(2026, 3, 2), illuminance_offset_lux="150"), "must be a finite number"),
        (lambda: ZoneChange("z3", date(2026, 3, 2), ventilation_lps=0.0), "ventilation_lps must be > 0"),
        (lambda: ZoneChange("z3", date(2026, 3, 2), ventilation_lps=True), "must be a finite number"),
        (lambda: ZoneChange("z3", datetime(2026, 3, 2, tzinfo=UTC), ventilation_lps=40), "on must be a date"),
        (lambda: ZoneChange("z3", "2026-03-02", ventilation_lps=40), "on must be a date"),
        (lambda: ZoneChange("", date(2026, 3, 2), ventilation_lps=40), "zone must be a zone id"),
        (
            lambda: ZoneChange.from_mapping({"zone": "z3", "on": "2026-03-02", "ventilaton_lps": 40}),
            "unknown field 'ventilaton_lps' in a zone change; known: zone, on, ventilation_lps",
        ),
        (lambda: ZoneChange.from_mapping({"zone": "z3", "ventilation_lps": 40}), "a zone change needs on"),
        (
            lambda: ZoneChange.from_mapping({"zone": "z3", "on": "2 March", "ventilation_lps": 40}),
            "not an ISO date",
        ),
    ],
)
def test_bad_zone_changes_are_refused(make: object, message: str) -> None:
    with pytest.raises(SyntheticInputError, match=message):
        make()  # type: ignore[operator]


def test_the_simulator_refuses_changes_it_cannot_place(site: Site) -> None:
    good = ZoneChange("z3", REBALANCED, ventilation_lps=40.0)
    with pytest.raises(SyntheticError, match="zone 'z99' is not a zone of site 'kc-main'"):
        OfficeSimulator(site, changes=[good, ZoneChange("z99", REBALANCED, ventilation_lps=40.0)])
    with pytest.raises(SyntheticInputError, match=r"changes\[1\]: zone 'z3' has two changes on 2026-11-23"):
        OfficeSimulator(site, changes=[good, ZoneChange("z3", REBALANCED, sound_offset_db=-3)])
    with pytest.raises(SyntheticInputError, match=r"changes\[0\] is a dict, not a ZoneChange"):
        OfficeSimulator(site, changes=[{"zone": "z3"}])  # type: ignore[list-item]
    with pytest.raises(SyntheticInputError, match="wrap a single change in a tuple"):
        OfficeSimulator(site, changes=good)  # type: ignore[arg-type]


def test_weekly_exposure_is_the_occupied_hours_mean_of_the_days_simulated(site: Site, sim: OfficeSimulator) -> None:
    from synthetic.office.weekly import weekly_exposure

    monday = WEEKDAY - timedelta(days=1)
    weekly = weekly_exposure(sim, monday, monday + timedelta(days=13), quantities=("co2_ppm", "sound_dba"),
                             weekdays={2, 4})  # fmt: skip
    assert list(weekly.columns) == ["zone", "week_start", "quantity", "mean", "status", "days"]
    assert set(weekly["zone"]) == {d.zone for d in site.devices}
    assert sorted(set(weekly["week_start"])) == [pd.Timestamp(monday), pd.Timestamp(monday + timedelta(days=7))]
    assert (weekly["days"] == 2).all()  # Tuesday and Thursday of each week
    assert (weekly["status"] == "ok").all()
    row = weekly[(weekly["zone"] == "z3") & (weekly["quantity"] == "co2_ppm")].iloc[0]
    by_hand = pd.concat(
        [local(sim.day(d)["aq-03"]["co2_ppm"], "08:00", "17:00") for d in (WEEKDAY, WEEKDAY + timedelta(days=2))]
    )
    assert row["mean"] == pytest.approx(by_hand.mean())
    with pytest.raises(SyntheticInputError, match="no quantity"):
        weekly_exposure(sim, monday, monday, quantities=("radon",))
