"""Sensor history from CSV (contracts §7, `officewell import readings`): checked like a gateway message, then stored.

The file has a header row: `ts`, `zone`, `device`, then any quantity keys of contracts §1 as columns; an
empty cell is no value. `ts` is RFC 3339 with an offset (`2026-11-24T08:00:00Z`), epoch seconds, or a
local time without an offset, read in the site's time zone (as the call-interval files are). Comma,
semicolon or tab separated, UTF-8 with or without a byte-order mark; with semicolons a decimal comma
is read too.

Every row is checked before anything is stored: the zone must be the site's, the device must be in
the site file in that zone, every value a finite number inside the quantity's plausible range, and a
point (ts, zone, device) given twice must carry the same values. A file with any problem is refused
whole, naming the row (the header is row 1), the column and the reason; nothing is written. Storing
is idempotent (contracts §3), so importing the same file again changes nothing.
"""

from __future__ import annotations

import csv
import io
import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from gateway.errors import GatewayError
from gateway.stores.batch import PointBatch
from gateway.stores.port import ReadingStore
from sensors.quantities import QUANTITIES
from sensors.site import Site
from sensors.text import safe_text

REQUIRED = ("ts", "zone", "device")
MAX_REPORTED = 50
CHUNK_ROWS = 250_000

Progress = Callable[[int, int], None]  # (done, total): rows checked, then points written


@dataclass(frozen=True)
class RowProblem:
    """One problem in the file: the row as a spreadsheet shows it (header = 1), the column and why."""

    row: int
    column: str | None
    reason: str

    def __str__(self) -> str:
        return f"row {self.row}" + (f", column {self.column}" if self.column else "") + f": {self.reason}"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        return {"row": self.row, "column": self.column, "reason": self.reason}


class HistoryRejectedError(GatewayError):
    """A history file was refused as a whole; nothing of it was stored."""

    def __init__(self, file_name: str, problems: list[RowProblem], total: int) -> None:
        """Keep the first problems (by row) and how many there were."""
        self.file_name = file_name
        self.problems = tuple(sorted(problems, key=lambda p: (p.row, p.column or ""))[:MAX_REPORTED])
        self.total = max(total, len(self.problems))
        lines = [f"{file_name}: refused, nothing was imported ({self.total} problem{'s' if self.total != 1 else ''}):"]
        lines += [f"  {p}" for p in self.problems]
        if self.total > len(self.problems):
            lines.append(f"  and {self.total - len(self.problems)} more")
        super().__init__("\n".join(lines))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form for `--json`."""
        return {
            "file": self.file_name,
            "imported": False,
            "total_errors": self.total,
            "errors": [p.to_dict() for p in self.problems],
            "more": self.total - len(self.problems),
        }


@dataclass(frozen=True)
class HistorySummary:
    """What an import stored (or, in a dry run, would store)."""

    file_name: str
    rows: int
    points: int
    values: dict[str, int]
    zones: tuple[str, ...]
    devices: tuple[str, ...]
    first: str | None
    last: str | None
    dry_run: bool
    seconds: float
    duplicates: int = 0
    notes: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        return {
            "file": self.file_name,
            "imported": not self.dry_run,
            "dry_run": self.dry_run,
            "rows": self.rows,
            "points": self.points,
            "duplicate_rows": self.duplicates,
            "values": self.values,
            "zones": list(self.zones),
            "devices": list(self.devices),
            "first": self.first,
            "last": self.last,
            "seconds": self.seconds,
        }


def import_history(
    path: Path,
    site: Site,
    store: ReadingStore,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> HistorySummary:
    """Check the whole file, then (unless dry_run) store its points in one batch; HistoryRejectedError if bad."""
    began = time.monotonic()
    batch, rows, duplicates = read_history(path, site, progress)
    if not dry_run and len(batch):
        store.write_batch(batch, (lambda n: progress(n, len(batch))) if progress else None)
    counts = {k: int((~np.isnan(v)).sum()) for k, v in batch.values.items()}
    first = last = None
    if len(batch):
        first = pd.Timestamp(int(batch.ts_ns.min()), tz="UTC").isoformat()
        last = pd.Timestamp(int(batch.ts_ns.max()), tz="UTC").isoformat()
    return HistorySummary(
        file_name=path.name,
        rows=rows,
        points=len(batch),
        values={k: counts[k] for k in batch.quantities},
        zones=tuple(sorted(set(batch.zone.tolist()))),
        devices=tuple(sorted(set(batch.device.tolist()))),
        first=first,
        last=last,
        dry_run=dry_run,
        seconds=round(time.monotonic() - began, 3),
        duplicates=duplicates,
    )


def read_history(path: Path, site: Site, progress: Progress | None = None) -> tuple[PointBatch, int, int]:
    """The file's points as one checked PointBatch, the number of data rows, and rows repeating a point.

    Raises HistoryRejectedError naming the rows and columns of every problem (the first 50).
    """
    name = path.name
    with path.open("rb") as raw:
        head = raw.read(64 * 1024)
    expected_rows = _estimate_rows(path.stat().st_size, head)
    header_line, delimiter = _header(head, name)
    columns = [c.strip() for c in next(csv.reader([header_line], delimiter=delimiter))]
    quantities = _check_header(columns, name)
    checker = _Checker(site, columns, quantities, delimiter)
    parts: list[dict[str, np.ndarray]] = []
    rows = 0
    try:
        with path.open(encoding="utf-8-sig", newline="") as text:
            next(text)  # the header, read above
            while True:
                lines = list(itertools.islice(text, CHUNK_ROWS))
                if not lines:
                    break
                parts.append(checker.check("".join(lines), first_row=rows + 2, count=len(lines)))
                rows += len(lines)
                if progress is not None:
                    progress(rows, max(rows, expected_rows))
    except UnicodeDecodeError as exc:
        raise HistoryRejectedError(name, [RowProblem(1, None, f"not UTF-8 text: {exc.reason}")], 1) from None
    if not parts or not any(len(p["row"]) for p in parts):
        raise HistoryRejectedError(name, [RowProblem(2, None, "the file has a header row but no data rows")], 1)
    batch, duplicates = checker.finish(parts, site.id)
    if checker.total:
        raise HistoryRejectedError(name, checker.problems, checker.total)
    if progress is not None:
        progress(rows, rows)
    return batch, int(sum(len(p["row"]) for p in parts)), duplicates


def _header(head: bytes, name: str) -> tuple[str, str]:
    text = head.decode("utf-8-sig", errors="replace")
    line = text.splitlines()[0] if text.strip() else ""
    if not line.strip():
        raise HistoryRejectedError(name, [RowProblem(1, None, "the file is empty: expected a header row")], 1)
    counts = {d: line.count(d) for d in (",", ";", "\t")}
    delimiter = max(counts, key=lambda d: counts[d])
    if counts[delimiter] == 0:
        raise HistoryRejectedError(
            name, [RowProblem(1, None, "no separator in the header: expected ts, zone, device and quantity columns")], 1
        )
    return line, delimiter


def _check_header(columns: list[str], name: str) -> list[str]:
    problems = []
    for required in REQUIRED:
        if required not in columns:
            problems.append(RowProblem(1, required, "missing column: the header needs ts, zone and device"))
    repeated = sorted({c for c in columns if columns.count(c) > 1})
    for column in repeated:
        problems.append(RowProblem(1, column, "the column appears more than once"))
    quantities = [c for c in columns if c not in REQUIRED]
    for column in quantities:
        if column not in QUANTITIES:
            shown = safe_text(column, 40)
            problems.append(
                RowProblem(
                    1, shown, f"not a quantity key; the columns after ts, zone, device are: {', '.join(QUANTITIES)}"
                )
            )
    if not quantities and not problems:
        problems.append(RowProblem(1, None, "no quantity columns: add e.g. co2_ppm or temperature_c"))
    if problems:
        raise HistoryRejectedError(name, problems, len(problems))
    return quantities


def _estimate_rows(size: int, head: bytes) -> int:
    """Data rows in a file of `size` bytes, judged by its first bytes (for the progress bar only)."""
    lines = head.count(b"\n")
    return max(1, int(size / max(1, len(head)) * lines) - 1)


class _Checker:
    """Checks chunks of lines and keeps their parsed columns; collects the problems of the whole file."""

    def __init__(self, site: Site, columns: list[str], quantities: list[str], delimiter: str) -> None:
        self.site = site
        self.tz = site.site.tz
        self.columns = columns
        self.quantities = quantities
        self.delimiter = delimiter
        self.decimal = "," if delimiter == ";" else "."
        self.zone_ids = sorted({z.id for z in site.zones})
        self.device_ids: list[str] = []
        self._device_code: dict[str, int] = {}
        self.placed = {(d.zone, d.id) for d in site.devices}
        self.problems: list[RowProblem] = []
        self.total = 0

    def flag(self, rows: np.ndarray, column: str | None, reason: str | Callable[[int], str]) -> None:
        """Record a problem for each of these row numbers (a generous first part of them in full)."""
        self.total += len(rows)
        room = 20 * MAX_REPORTED - len(self.problems)
        for i, row in enumerate(rows[: max(0, room)].tolist()):
            self.problems.append(RowProblem(int(row), column, reason(i) if callable(reason) else reason))

    def check(self, text: str, first_row: int, count: int) -> dict[str, np.ndarray]:
        """Parse and check one chunk of lines; its columns as arrays (zone and device as codes), with row numbers."""
        frame = self._parse(text)
        if len(frame) != count:
            # A quoted field spanning lines: the rows no longer match the lines, so nothing can be named right.
            self.flag(np.array([first_row]), None, "a quoted field spans lines: not a CSV file of readings")
            return _empty_part(self.quantities)
        row = np.arange(first_row, first_row + count, dtype=np.int64)
        blank = frame["ts"].isna().to_numpy() & frame["zone"].isna().to_numpy() & frame["device"].isna().to_numpy()
        for q in self.quantities:
            blank &= frame[q].isna().to_numpy()
        if blank.any():  # empty lines are skipped, and the rows keep the numbers a spreadsheet shows
            frame, row = frame[~blank].reset_index(drop=True), row[~blank]
        values = {q: self._numbers(frame[q], q, row) for q in self.quantities}
        filled = np.zeros(len(frame), dtype=bool)
        for q in self.quantities:
            filled |= frame[q].notna().to_numpy()
        self.flag(row[~filled], None, "no value in the row: give at least one quantity")
        ts_ns = self._times(frame["ts"], row)
        zone, device = self._places(frame["zone"], frame["device"], row)
        return {"ts_ns": ts_ns, "zone": zone, "device": device, "row": row, **values}

    def _parse(self, text: str) -> pd.DataFrame:
        """The chunk's cells: quantities as floats where every cell is a number (fast), else as text."""
        common: dict[str, Any] = {
            "sep": self.delimiter,
            "header": None,
            "names": self.columns,
            "skip_blank_lines": False,
            "skipinitialspace": True,
            "keep_default_na": False,
            "na_values": [""],
            "engine": "c",
        }
        try:
            return pd.read_csv(
                io.StringIO(text), dtype={c: str for c in REQUIRED} | dict.fromkeys(self.quantities, "float64"),
                decimal=self.decimal, **common,
            )  # fmt: skip
        except ValueError:
            return pd.read_csv(io.StringIO(text), dtype=str, **common)  # a bad cell: find it below
        except pd.errors.ParserError as exc:
            raise HistoryRejectedError(
                "", [RowProblem(1, None, f"not a readable CSV file: {safe_text(str(exc), 200)}")], 1
            ) from None

    def _times(self, cells: pd.Series, row: np.ndarray) -> np.ndarray:
        text = np.char.strip(cells.fillna("").to_numpy(dtype=str))
        out = np.full(len(text), np.iinfo(np.int64).min, dtype=np.int64)
        empty = text == ""
        self.flag(row[empty], "ts", "the time is empty")
        epoch = ~empty & (np.char.find(text, "-") < 0) & (np.char.find(text, ":") < 0)
        if epoch.any():
            seconds = pd.to_numeric(pd.Series(text[epoch]), errors="coerce").to_numpy(dtype=np.float64)
            ok = np.isfinite(seconds) & (seconds >= 0) & (seconds < 32_503_680_000)  # before the year 3000
            stamps = np.full(len(seconds), np.iinfo(np.int64).min, dtype=np.int64)
            stamps[ok] = np.round(seconds[ok] * 1e9).astype(np.int64)
            out[epoch] = stamps
        offset = ~epoch & ~empty & _has_offset(text)
        if offset.any():
            out[offset] = _ns(pd.to_datetime(pd.Series(text[offset]), format="ISO8601", utc=True, errors="coerce"))
        local = ~epoch & ~empty & ~offset
        gap = np.zeros(len(text), dtype=bool)
        if local.any():
            naive = pd.to_datetime(pd.Series(text[local]), format="ISO8601", errors="coerce")
            placed = naive.dt.tz_localize(self.tz, ambiguous="NaT", nonexistent="NaT")
            out[local] = _ns(placed)
            gap[local] = (placed.isna() & naive.notna()).to_numpy()
            self.flag(
                row[gap],
                "ts",
                f"this local time does not exist or is ambiguous in {self.tz.key} (a clock change): add the UTC offset",
            )
        bad = (out == np.iinfo(np.int64).min) & ~empty & ~gap
        shown = text[bad].tolist()
        advice = "is not a time: use RFC 3339, e.g. 2026-11-24T08:00:00Z"
        self.flag(row[bad], "ts", lambda i: f"{safe_text(shown[i], 40)!r} {advice}")
        return out

    def _places(self, zone_cells: pd.Series, device_cells: pd.Series, row: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Zone and device as codes into zone_ids and device_ids; unknown zones and misplaced devices flagged."""
        # Factorise first, then strip the few distinct values (not millions of cells).
        zone_codes, zone_raw = pd.factorize(zone_cells.fillna(""))
        device_codes, device_raw = pd.factorize(device_cells.fillna(""))
        zones = [str(z).strip() for z in zone_raw.tolist()]
        devices = [str(d).strip() for d in device_raw.tolist()]
        zone_index = np.array([self.zone_ids.index(z) if z in self.zone_ids else -1 for z in zones], dtype=np.int64)
        device_index = np.array([self._device(d) for d in devices], dtype=np.int64)
        ok_pair = np.zeros((max(1, len(zones)), max(1, len(devices))), dtype=bool)
        for zi, z in enumerate(zones):
            for di, d in enumerate(devices):
                ok_pair[zi, di] = (z, d) in self.placed
        unknown = zone_index[zone_codes] < 0
        named = [zones[c] for c in zone_codes[unknown].tolist()]
        site = self.site.id
        self.flag(row[unknown], "zone", lambda i: f"unknown zone {safe_text(str(named[i]), 40)!r} of site {site!r}")
        stray = ~unknown & ~ok_pair[zone_codes, device_codes]
        strays = [
            (devices[d], zones[z])
            for z, d in zip(zone_codes[stray].tolist(), device_codes[stray].tolist(), strict=True)
        ]
        self.flag(
            row[stray],
            "device",
            lambda i: (
                f"device {safe_text(str(strays[i][0]), 40)!r} is not in zone {strays[i][1]!r} in the site file: "
                "add it there, or correct the zone"
            ),
        )
        return zone_index[zone_codes], device_index[device_codes]

    def _device(self, device: str) -> int:
        if device not in self._device_code:
            self._device_code[device] = len(self.device_ids)
            self.device_ids.append(device)
        return self._device_code[device]

    def _numbers(self, cells: pd.Series, quantity: str, row: np.ndarray) -> np.ndarray:
        if cells.dtype == np.float64:
            values = cells.to_numpy(dtype=np.float64)
        else:
            text = cells.fillna("").str.strip()
            empty = (text == "").to_numpy()
            if self.decimal == ",":
                text = text.str.replace(",", ".", regex=False)
            values = pd.to_numeric(text.where(~empty), errors="coerce").to_numpy(dtype=np.float64)
            bad = np.isnan(values) & ~empty
            shown = cells[bad].tolist()
            self.flag(row[bad], quantity, lambda i: f"{safe_text(str(shown[i]), 40)!r} is not a number")
        spec = QUANTITIES[quantity]
        with np.errstate(invalid="ignore"):
            outside = ~np.isnan(values) & ~((values >= spec.minimum) & (values <= spec.maximum))
        out_values = values[outside].tolist()
        self.flag(
            row[outside],
            quantity,
            lambda i: f"{out_values[i]:g} {spec.unit} is outside the plausible range {spec.minimum:g}–{spec.maximum:g}",
        )
        return values

    def finish(self, parts: list[dict[str, np.ndarray]], site_id: str) -> tuple[PointBatch, int]:
        """All chunks as one batch; a point given twice with different values is a problem, the same twice is one."""
        joined = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
        order = np.lexsort((joined["ts_ns"], joined["device"], joined["zone"]))
        for key in joined:
            joined[key] = joined[key][order]
        same = np.zeros(len(order), dtype=bool)
        if len(order) > 1:
            same[1:] = (
                (joined["ts_ns"][1:] == joined["ts_ns"][:-1])
                & (joined["zone"][1:] == joined["zone"][:-1])
                & (joined["device"][1:] == joined["device"][:-1])
            )
        duplicates = int(same.sum())
        if duplicates:
            differ = np.zeros(len(order), dtype=bool)
            for q in self.quantities:
                a, b = joined[q][1:], joined[q][:-1]
                differ[1:] |= ~((a == b) | (np.isnan(a) & np.isnan(b)))
            clash = same & differ
            earlier = joined["row"][np.flatnonzero(clash) - 1].tolist()
            what = "the same point (ts, zone, device) as row {} with other values"
            self.flag(joined["row"][clash], None, lambda i: what.format(earlier[i]))
        keep = ~same
        zone_ids = np.array([*self.zone_ids, ""], dtype=object)  # -1 (an unknown zone) only ever in a refused file
        device_ids = np.array(self.device_ids or [""], dtype=object)
        batch = PointBatch(
            site_id,
            joined["ts_ns"][keep],
            zone_ids[joined["zone"][keep]],
            device_ids[joined["device"][keep]],
            {q: joined[q][keep] for q in self.quantities},
        )
        return batch, duplicates


def _empty_part(quantities: list[str]) -> dict[str, np.ndarray]:
    empty_int = np.zeros(0, dtype=np.int64)
    return {"ts_ns": empty_int, "zone": empty_int, "device": empty_int, "row": empty_int} | {
        q: np.zeros(0, dtype=np.float64) for q in quantities
    }


def _has_offset(text: np.ndarray) -> np.ndarray:
    """Which ISO times end with Z or a ±HH:MM / ±HHMM offset (read on the characters, vectorised)."""
    if not len(text):
        return np.zeros(0, dtype=bool)
    n = np.char.str_len(text)
    codes = text.view(np.uint32).reshape(len(text), -1)
    width = codes.shape[1]
    rows = np.arange(len(text))

    def at(back: int) -> np.ndarray:
        index = n - back
        valid = index >= 0
        return np.where(valid, codes[rows, np.clip(index, 0, width - 1)], 0)

    zulu = (at(1) == ord("Z")) | (at(1) == ord("z"))
    signs = (ord("+"), ord("-"))
    colon = np.isin(at(6), signs) & (at(3) == ord(":"))
    compact = np.isin(at(5), signs) & (n >= 15)  # 2026-11-24T08:00:00+0100; a date's own "-" sits further in
    return np.asarray(zulu | colon | compact)


def _ns(stamps: pd.Series) -> np.ndarray:
    """Aware timestamps as int64 nanoseconds, NaT as int64 min."""
    values = stamps.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy(dtype="datetime64[ns]")
    return values.astype(np.int64)
