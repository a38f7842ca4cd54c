"""Sensor health: stale devices, flat-lined values, CO2 calibration drift and low batteries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd

HEALTH_COLUMNS = [
    "device",
    "zone",
    "format",
    "last_seen",
    "messages_per_hour",
    "expected_per_hour",
    "stale",
    "flatlined",
    "co2_baseline_ppm",
    "co2_drift",
    "battery_pct",
    "battery_low",
    "problems",
    "status",
]


@dataclass(frozen=True)
class HealthRules:
    """Thresholds of the health checks; defaults suit 1-minute office sensors."""

    missed_intervals: int = 3  # stale after this many expected reports are missing
    flatline_min_values: int = 30  # a constant series shorter than this is not judged
    co2_outdoor_floor_ppm: float = 400.0  # a working sensor's quiet-hours baseline sits near outdoor air (~420)
    co2_stuck_share: float = 0.2  # share of values exactly at the floor that means "stuck"
    low_battery_pct: float = 20.0
    dark_lux: float = 10.0  # a constant illuminance below this is a dark room, not a stuck sensor
    rate_tolerance: float = 3.0  # a message rate this many times above (or below) the site file's is flagged


DRIFT_COLUMNS = ["device", "co2_baseline_ppm", "co2_drift"]
FLAT_COLUMNS = ["device", "flatlined"]


def sensor_health(
    devices: pd.DataFrame,
    status: pd.DataFrame,
    co2_week: pd.DataFrame,
    recent: pd.DataFrame,
    now: datetime,
    rules: HealthRules | None = None,
) -> pd.DataFrame:
    """One row per device of the site with its health.

    devices: device, zone, format, interval_s (from the site file).
    status: device, format, first_seen, last_seen, messages, battery_pct (from the gateway).
    co2_week: raw CO2 of about the last 7 days: ts, device, value.
    recent: raw values of the last hours of every quantity: ts, device, quantity, value.
    """
    rules = rules or HealthRules()
    return device_health(devices, status, co2_drift(co2_week, rules), flat_lines(recent, rules), now, rules)


def co2_drift(co2_week: pd.DataFrame, rules: HealthRules | None = None) -> pd.DataFrame:
    """Per device with enough CO2 readings: the quiet-hours baseline and its drift ("low", "stuck" or None)."""
    rules = rules or HealthRules()
    rows = [(device, *_co2_drift(frame, rules)) for device, frame in co2_week.groupby("device", sort=True)]
    return pd.DataFrame(rows, columns=DRIFT_COLUMNS, dtype=object)


def flat_lines(recent: pd.DataFrame, rules: HealthRules | None = None) -> pd.DataFrame:
    """Per device with recent readings: the quantities that never changed (a dark room excepted)."""
    rules = rules or HealthRules()
    rows = [(device, _flatlined(frame, rules)) for device, frame in recent.groupby("device", sort=True)]
    return pd.DataFrame(rows, columns=FLAT_COLUMNS, dtype=object)


def device_health(
    devices: pd.DataFrame,
    status: pd.DataFrame,
    drift: pd.DataFrame,
    flat: pd.DataFrame,
    now: datetime,
    rules: HealthRules | None = None,
) -> pd.DataFrame:
    """One row per device of the site, from its status and the drift and flat lines found in its readings.

    drift: co2_drift's rows; flat: flat_lines' rows (they may be a little older than `now`: they change slowly).
    """
    rules = rules or HealthRules()
    merged = devices.merge(status, on=["device", "format"], how="left", suffixes=("", "_seen"))
    baselines = {d: (b, k) for d, b, k in drift[DRIFT_COLUMNS].itertuples(index=False)}
    flats: dict[str, list[str]] = dict(flat[FLAT_COLUMNS].itertuples(index=False))
    rows = []
    for d in merged.to_dict("records"):
        problems: list[str] = []
        last_seen = None if pd.isna(d["last_seen"]) else pd.Timestamp(d["last_seen"]).to_pydatetime()
        expected = 3600.0 / float(d["interval_s"])
        if last_seen is None:
            problems.append("never heard from")
            rate = 0.0
            stale = True
        else:
            first_seen = pd.Timestamp(d["first_seen"]).to_pydatetime()
            span_h = max((last_seen - first_seen).total_seconds() / 3600.0, 1 / 60)
            rate = float(d["messages"]) / span_h if d["messages"] > 1 else 0.0
            silent_s = (now - last_seen).total_seconds()
            stale = silent_s > rules.missed_intervals * float(d["interval_s"])
            if stale:
                problems.append(f"stale: nothing for {_duration(silent_s)} (reports every {d['interval_s']:g} s)")
            elif span_h >= 1 and rate > 0:
                problems.extend(_rate_problem(rate, expected, float(d["interval_s"]), rules))
        flat_quantities: list[str] = list(flats.get(d["device"], []))
        if flat_quantities:
            problems.append("flat-lined: " + ", ".join(flat_quantities))
        baseline, drifting = baselines.get(d["device"], (None, None))
        if drifting == "low":
            problems.append(
                f"CO2 baseline {baseline:.0f} ppm is below outdoor air (~420 ppm): calibration drift, recalibrate"
            )
        elif drifting == "stuck":
            problems.append(f"CO2 stuck at {rules.co2_outdoor_floor_ppm:.0f} ppm: the sensor clamps, recalibrate")
        battery = float(d["battery_pct"]) if pd.notna(d["battery_pct"]) else None
        battery_low = battery is not None and battery < rules.low_battery_pct
        if battery_low:
            problems.append(f"battery {battery:.0f} %")
        status_word = "fault" if stale or flat_quantities else ("attention" if problems else "ok")
        rows.append(
            [
                d["device"],
                d["zone"],
                d["format"],
                last_seen,
                round(rate, 2),
                round(expected, 2),
                stale,
                flat_quantities,
                baseline,
                drifting,
                battery,
                battery_low,
                problems,
                status_word,
            ]
        )
    return pd.DataFrame(rows, columns=HEALTH_COLUMNS)


def unregistered_health(strangers: pd.DataFrame, now: datetime) -> pd.DataFrame:
    """Rows for devices heard from that the site file does not list: their readings are dead letters, not data.

    strangers: device, zone (as their topic named it), format, last_seen, messages; the gateway keeps the
    most recent few (gateway.device_status.MAX_UNREGISTERED), so invented names cannot grow this list.
    """
    rows = []
    for d in strangers.to_dict("records"):
        last_seen = pd.Timestamp(d["last_seen"]).to_pydatetime()
        silent = _duration((now - last_seen).total_seconds())
        problem = (
            f"not in the site file: its {int(d['messages'])} message(s) went to the dead letters (last {silent} ago); "
            "add it to the site file to store its readings"
        )
        rows.append(
            [d["device"], d["zone"], d["format"], last_seen, 0.0, 0.0, False, [], None, None, None, False, [problem],
             "unregistered"]
        )  # fmt: skip
    return pd.DataFrame(rows, columns=HEALTH_COLUMNS)


def _flatlined(frame: pd.DataFrame, rules: HealthRules) -> list[str]:
    """Quantities whose recent values never change (a dark room's constant few lux is not a fault)."""
    out = []
    for quantity, values in frame.groupby("quantity")["value"]:
        if len(values) < rules.flatline_min_values or values.max() != values.min():
            continue
        if quantity == "illuminance_lux" and values.iloc[0] < rules.dark_lux:
            continue  # a dark room reads the same small value all night, whatever it is
        out.append(str(quantity))
    return sorted(out)


def _co2_drift(frame: pd.DataFrame, rules: HealthRules) -> tuple[float | None, str | None]:
    """The quiet-hours CO2 baseline and whether it shows drift.

    The baseline is the 5th percentile of hourly means: averaging first keeps a healthy sensor's
    measurement noise (±15 ppm) from pulling the baseline of a well-ventilated room below outdoor air.
    """
    values = frame["value"]
    if len(values) < 60:
        return None, None
    if (values == rules.co2_outdoor_floor_ppm).mean() >= rules.co2_stuck_share:
        return float(values.quantile(0.05)), "stuck"
    hourly = values.groupby(frame["ts"].dt.floor("h")).mean()
    baseline = float(hourly.quantile(0.05))
    if baseline < rules.co2_outdoor_floor_ppm:
        return baseline, "low"
    return baseline, None


def _rate_problem(rate: float, expected: float, interval_s: float, rules: HealthRules) -> list[str]:
    """A message rate far from the site file's: a wrong interval_s, a duplicated device id, or lost messages."""
    if rate > expected * rules.rate_tolerance:
        return [
            f"reports {rate:.0f} messages an hour, the site file expects {expected:.0f} (every {interval_s:g} s): "
            "correct interval_s, or look for two devices sending under one id"
        ]
    if rate < expected / rules.rate_tolerance:
        return [f"reports {rate:.1f} messages an hour, the site file expects {expected:.0f}: messages are lost"]
    return []


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    if seconds < 172_800:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} days"
