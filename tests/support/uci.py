"""The UCI Occupancy Detection files as a frame of officewell quantities, and as native MQTT messages."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pandas as pd

COLUMNS = {"Temperature": "temperature_c", "Humidity": "humidity_pct", "Light": "illuminance_lux", "CO2": "co2_ppm"}
FILES = ("datatest.txt", "datatraining.txt", "datatest2.txt")


def load_uci(directory: Path) -> pd.DataFrame:
    """All rows of the three files: `ts` (UTC; the room was in Belgium), quantities, `occupied`."""
    frames = [pd.read_csv(directory / name) for name in FILES]
    data = pd.concat(frames, ignore_index=True)
    ts = pd.to_datetime(data["date"]).dt.tz_localize("Europe/Brussels").dt.tz_convert("UTC")
    out = data.rename(columns=COLUMNS)[list(COLUMNS.values())]
    out.insert(0, "ts", ts)
    out["occupied"] = data["Occupancy"].astype(bool)
    return out.sort_values("ts", ignore_index=True)


def whole_weeks_to(frame: pd.DataFrame, end: pd.Timestamp) -> timedelta:
    """The shift in whole weeks that moves the data's last row to just before `end` (keeps hours and weekdays)."""
    return timedelta(weeks=int((end - frame["ts"].max()) / pd.Timedelta(weeks=1)))


def native_messages(
    frame: pd.DataFrame, shift: timedelta, site: str, zone: str, device: str
) -> list[tuple[str, bytes]]:
    """One native message per row, timestamps moved by `shift`."""
    topic = f"officewell/{site}/{zone}/{device}"
    messages = []
    for row in frame.itertuples(index=False):
        body = {"ts": (row.ts + shift).isoformat()}
        body.update({q: float(getattr(row, q)) for q in COLUMNS.values()})
        messages.append((topic, json.dumps(body).encode()))
    return messages
