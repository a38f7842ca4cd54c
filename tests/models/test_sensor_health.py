from datetime import UTC, date, datetime, timedelta

import pandas as pd
import pytest

from models.sensor_health import sensor_health
from synthetic.office import OfficeSimulator

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def devices(*rows):
    return pd.DataFrame(rows, columns=["device", "zone", "format", "interval_s"])


def status(*rows):
    return pd.DataFrame(rows, columns=["device", "format", "first_seen", "last_seen", "messages", "battery_pct"])


def raw(device, values, quantity="co2_ppm", start=NOW - timedelta(hours=2)):
    return pd.DataFrame(
        {
            "ts": [start + timedelta(minutes=i) for i in range(len(values))],
            "device": device,
            "quantity": quantity,
            "value": values,
        }
    )


EMPTY = pd.DataFrame(columns=["ts", "device", "quantity", "value"])


def test_a_healthy_device_is_ok():
    health = sensor_health(
        devices(("aq-01", "z1", "native", 60)),
        status(("aq-01", "native", NOW - timedelta(days=1), NOW - timedelta(seconds=30), 1440, None)),
        raw("aq-01", [420 + i % 300 for i in range(600)]),
        raw("aq-01", [500 + i for i in range(60)]),
        NOW,
    )
    row = health.iloc[0]
    assert row["status"] == "ok"
    assert row["problems"] == []
    assert row["messages_per_hour"] == pytest.approx(60, rel=0.01)
    assert row["expected_per_hour"] == 60


def test_stale_never_seen_and_low_battery():
    health = sensor_health(
        devices(("aq-01", "z1", "native", 60), ("aq-02", "z2", "native", 60), ("sensor 3", "z3", "zigbee2mqtt", 300)),
        status(
            ("aq-01", "native", NOW - timedelta(days=1), NOW - timedelta(minutes=10), 1000, None),
            ("sensor 3", "zigbee2mqtt", NOW - timedelta(days=1), NOW - timedelta(minutes=2), 288, 12.0),
        ),
        EMPTY,
        EMPTY,
        NOW,
    ).set_index("device")
    assert health.loc["aq-01", "stale"]
    assert health.loc["aq-01", "problems"] == ["stale: nothing for 10 min (reports every 60 s)"]
    assert health.loc["aq-02", "problems"] == ["never heard from"]
    assert health.loc["aq-02", "status"] == "fault"
    assert not health.loc["sensor 3", "stale"]
    assert health.loc["sensor 3", "problems"] == ["battery 12 %"]
    assert health.loc["sensor 3", "status"] == "attention"
    assert health["battery_low"].to_dict() == {"aq-01": False, "aq-02": False, "sensor 3": True}


def test_flatline_but_not_a_dark_room():
    recent = pd.concat(
        [
            raw("aq-01", [22.5] * 60, "temperature_c"),
            raw("aq-01", [0.0] * 60, "illuminance_lux"),
            raw("aq-01", [400 + i for i in range(60)]),
        ]
    )
    health = sensor_health(
        devices(("aq-01", "z1", "native", 60)),
        status(("aq-01", "native", NOW - timedelta(hours=3), NOW, 180, None)),
        EMPTY,
        recent,
        NOW,
    )
    assert health.iloc[0]["flatlined"] == ["temperature_c"]
    assert health.iloc[0]["status"] == "fault"


def test_co2_stuck_at_the_floor():
    values = [400.0] * 300 + [600.0] * 700
    health = sensor_health(
        devices(("aq-01", "z1", "native", 60)),
        status(("aq-01", "native", NOW - timedelta(days=7), NOW, 10_000, None)),
        raw("aq-01", values),
        EMPTY,
        NOW,
    )
    assert health.iloc[0]["co2_drift"] == "stuck"


def test_the_simulators_drifting_sensor_is_found(example_site):
    # The simulator plants one CO2 sensor that drifts low; a week of its data, 60 days into the drift.
    sim = OfficeSimulator(example_site, seed=3, epoch=date(2026, 9, 1))
    frames = []
    for day in (date(2026, 10, 26) + timedelta(days=i) for i in range(7)):
        for device, frame in sim.day(day).items():
            frames.append(pd.DataFrame({"ts": frame.index, "device": device, "value": frame["co2_ppm"]}).dropna())
    week = pd.concat(frames, ignore_index=True)
    site_devices = devices(*[(d.id, d.zone, d.format, d.interval_s) for d in example_site.devices])
    seen = status(*[(d.id, d.format, NOW - timedelta(days=7), NOW, 10_000, None) for d in example_site.devices])
    health = sensor_health(site_devices, seen, week, EMPTY, NOW).set_index("device")
    drifting = health[health["co2_drift"] == "low"].index.tolist()
    assert drifting == ["aq-07"]
    assert health.loc["aq-07", "co2_baseline_ppm"] < 400
    assert "calibration drift" in health.loc["aq-07", "problems"][0]
    assert health.drop("aq-07")["co2_baseline_ppm"].min() > 400


@pytest.mark.parametrize("dark", [0.0, 0.4, 1.1, 7.5])
def test_a_dark_room_at_any_small_constant_is_not_flat_lined(dark):
    recent = pd.concat([raw("aq-01", [dark] * 120, "illuminance_lux"), raw("aq-01", [400 + i for i in range(120)])])
    health = sensor_health(
        devices(("aq-01", "z1", "native", 60)),
        status(("aq-01", "native", NOW - timedelta(hours=3), NOW, 180, None)),
        EMPTY,
        recent,
        NOW,
    )
    assert health.iloc[0]["flatlined"] == []
    assert health.iloc[0]["status"] == "ok"
    lit = sensor_health(
        devices(("aq-01", "z1", "native", 60)),
        status(("aq-01", "native", NOW - timedelta(hours=3), NOW, 180, None)),
        EMPTY,
        raw("aq-01", [412.0] * 120, "illuminance_lux"),
        NOW,
    )
    assert lit.iloc[0]["flatlined"] == ["illuminance_lux"], "a lit room does not hold one exact value for 2 hours"


def test_a_rate_far_from_the_site_file_is_flagged():
    health = sensor_health(
        devices(("fast", "z1", "native", 60), ("lossy", "z2", "native", 60), ("fine", "z3", "native", 5)),
        status(
            ("fast", "native", NOW - timedelta(hours=2), NOW, 1454, None),  # every 5 s, but the file says 60
            ("lossy", "native", NOW - timedelta(hours=2), NOW, 10, None),
            ("fine", "native", NOW - timedelta(hours=2), NOW, 1440, None),
        ),
        EMPTY,
        EMPTY,
        NOW,
    ).set_index("device")
    assert health.loc["fast", "status"] == "attention"
    assert health.loc["fast", "problems"] == [
        "reports 727 messages an hour, the site file expects 60 (every 60 s): "
        "correct interval_s, or look for two devices sending under one id"
    ]
    lost = "reports 5.0 messages an hour, the site file expects 60: messages are lost"
    assert health.loc["lossy", "problems"] == [lost]
    assert health.loc["fine", "problems"] == []
    assert health.loc["fine", "expected_per_hour"] == 720
