"""Sensor history from CSV: checked like gateway messages, refused whole with rows and columns, idempotent."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from gateway.history import HistoryRejectedError, import_history, read_history
from gateway.stores import MemoryReadingStore, SQLiteReadingStore
from officewell.cli import app
from sensors.site import Site, load_site
from tests.conftest import EXAMPLE_SITE, ROOT
from tests.support.uci import load_uci

FIXTURES = ROOT / "tests" / "fixtures" / "readings"
T0 = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)


def test_a_good_file_is_stored_with_every_kind_of_time(example_site: Site, tmp_path: Path) -> None:
    store = SQLiteReadingStore(tmp_path / "readings.db")
    summary = import_history(FIXTURES / "history_good.csv", example_site, store)
    assert (summary.rows, summary.points) == (5, 5)
    assert summary.values == {"co2_ppm": 5, "temperature_c": 5, "humidity_pct": 4, "sound_dba": 4, "illuminance_lux": 4}
    co2 = store.series("kc-main", "co2_ppm", T0, T0 + timedelta(hours=1))
    # Z, +01:00, a local time without an offset (Stockholm, UTC+1 in March) and epoch seconds: all minute 0–4.
    assert co2["ts"].tolist() == [pd.Timestamp(T0 + timedelta(minutes=m)) for m in range(5)]
    assert co2["value"].tolist() == [612.0, 618.0, 621.0, 702.0, 705.5]
    assert co2["device"].tolist() == ["aq-01", "aq-01", "aq-01", "aq-02", "aq-02"]
    assert len(store.series("kc-main", "humidity_pct", T0, T0 + timedelta(hours=1))) == 4
    again = import_history(FIXTURES / "history_good.csv", example_site, store)
    assert again.points == 5
    assert store.count("kc-main") == 5, "importing the same file again changes nothing"
    store.close()


def test_semicolons_and_decimal_commas(example_site: Site) -> None:
    store = MemoryReadingStore()
    import_history(FIXTURES / "history_semicolon_decimal_comma.csv", example_site, store)
    frame = store.series("kc-main", "temperature_c", T0, T0 + timedelta(hours=1))
    assert frame["value"].tolist() == [22.4, 22.45]
    assert store.series("kc-main", "co2_ppm", T0, T0 + timedelta(hours=1))["value"].tolist() == [1012.0, 1015.0]


def test_a_broken_file_names_every_row_and_column_and_stores_nothing(example_site: Site, tmp_path: Path) -> None:
    store = SQLiteReadingStore(tmp_path / "readings.db")
    with pytest.raises(HistoryRejectedError) as caught:
        import_history(FIXTURES / "history_broken.csv", example_site, store)
    error = caught.value
    found = {(p.row, p.column): p.reason for p in error.problems}
    assert "unknown zone 'z99'" in found[(3, "zone")]
    assert "device 'rogue-01' is not in zone 'z1'" in found[(4, "device")]
    assert "device 'aq-02' is not in zone 'z1'" in found[(5, "device")]
    assert "12000 ppm is outside the plausible range 250–10000" in found[(6, "co2_ppm")]
    assert "'high' is not a number" in found[(7, "co2_ppm")]
    assert "'2026-13-02T07:06:00Z' is not a time" in found[(8, "ts")]
    assert "does not exist or is ambiguous in Europe/Stockholm" in found[(9, "ts")]  # 02:30 on the spring change
    assert "the same point (ts, zone, device) as row 2 with other values" in found[(10, None)]
    assert "no value in the row" in found[(11, None)]
    assert "the time is empty" in found[(12, "ts")]
    assert error.total == 10
    assert "history_broken.csv: refused, nothing was imported (10 problems)" in str(error)
    assert store.count("kc-main") == 0
    store.close()


@pytest.mark.parametrize(
    ("content", "where", "reason"),
    [
        ("ts,zone,device,co2,temperature_c\n", (1, "co2"), "not a quantity key"),
        ("ts,device,co2_ppm\n2026-03-02T07:00:00Z,aq-01,600\n", (1, "zone"), "missing column"),
        ("ts,zone,device,co2_ppm,co2_ppm\n", (1, "co2_ppm"), "appears more than once"),
        ("ts,zone,device,co2_ppm\n", (2, None), "no data rows"),
        ("", (1, None), "the file is empty"),
        ("ts,zone,device\n2026-03-02T07:00:00Z,z1,aq-01\n", (1, None), "no quantity columns"),
    ],
)
def test_a_bad_header_is_refused(example_site: Site, tmp_path: Path, content: str, where: tuple, reason: str) -> None:
    path = tmp_path / "history.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(HistoryRejectedError) as caught:
        read_history(path, example_site)
    assert [(p.row, p.column) for p in caught.value.problems][:1] == [where]
    assert reason in caught.value.problems[0].reason


def test_the_uci_office_imports_and_its_hourly_means_match_pandas(tmp_path: Path) -> None:
    """Real data: the UCI office's 20 560 rows (three files that overlap in time) through the importer."""
    site = load_site(ROOT / "tests" / "fixtures" / "uci_site.toml")
    data = load_uci(ROOT.parent / "shared" / "data" / "uci-occupancy")
    csv = data.assign(zone="office", device="uci-room", ts=data["ts"].map(lambda t: t.isoformat()))
    path = tmp_path / "uci.csv"
    columns = ["ts", "zone", "device", "co2_ppm", "temperature_c", "humidity_pct", "illuminance_lux"]
    csv[columns].to_csv(path, index=False)
    store = SQLiteReadingStore(tmp_path / "readings.db")
    summary = import_history(path, site, store)
    unique = data.drop_duplicates("ts")
    assert summary.points == len(unique)
    start, stop = data["ts"].min().to_pydatetime(), data["ts"].max().to_pydatetime() + timedelta(hours=1)
    hourly = store.windows("mons", "co2_ppm", start, stop, timedelta(hours=1))
    expected = unique.set_index("ts")["co2_ppm"].resample("1h").mean().dropna()
    assert np.allclose(hourly["mean"].to_numpy(), expected.to_numpy())
    store.close()


def test_the_command_line_reports_json_and_dry_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for key in [k for k in __import__("os").environ if k.startswith("OFFICEWELL_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("OFFICEWELL_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("OFFICEWELL_SITE", str(EXAMPLE_SITE))
    runner = CliRunner()
    good = str(FIXTURES / "history_good.csv")
    dry = runner.invoke(app, ["import", "readings", good, "--dry-run", "--json"])
    assert dry.exit_code == 0, dry.output
    body = json.loads(dry.stdout)
    assert (body["dry_run"], body["points"], body["imported"]) == (True, 5, False)
    assert not (tmp_path / "readings.db").exists() or SQLiteReadingStore(tmp_path / "readings.db").count("kc-main") == 0
    done = runner.invoke(app, ["import", "readings", good, "--json"])
    assert json.loads(done.stdout)["points"] == 5
    assert SQLiteReadingStore(tmp_path / "readings.db").count("kc-main") == 5
    refused = runner.invoke(app, ["import", "readings", str(FIXTURES / "history_broken.csv"), "--json"])
    assert refused.exit_code == 1
    report = json.loads(refused.stdout)
    assert (report["imported"], report["total_errors"]) == (False, 10)
    assert report["errors"][0] == {"row": 3, "column": "zone", "reason": "unknown zone 'z99' of site 'kc-main'"}
    text = runner.invoke(app, ["import", "readings", good])
    assert "stored 5 points" in text.output
