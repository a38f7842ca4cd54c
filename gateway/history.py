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
import queue
import threading
import time
from collections.abc import Callable, Iterator
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
    """Check the whole file and store its points (unless dry_run); HistoryRejectedError if any row is bad.

    The embedded store takes the points while the file is still being checked, in one transaction that
    rolls back if a problem turns up (two cores: parsing and SQLite work side by side); a store without
    transactions (InfluxDB) is written only after a first pass found nothing wrong.
    """
    began = time.monotonic()
    source = _Source.open(path, site)
    if dry_run:
        tally = source.check(progress)
    elif store.atomic_batches:
        tally = _stream_into(source, store, progress)
    else:
        source.check(progress)
        tally = _Tally()
        store.write_batches(tally.counting(source.batches()), _points(progress, source.expected_rows))
    return tally.summary(path.name, dry_run, round(time.monotonic() - began, 3))


def read_history(path: Path, site: Site, progress: Progress | None = None) -> tuple[PointBatch, int, int]:
    """The file's points as one checked PointBatch, the number of data rows, and rows repeating a point.

    Raises HistoryRejectedError naming the rows and columns of every problem (the first 50).
    """
    source = _Source.open(path, site)
    tally = source.check(progress)
    batches = list(source.batches())
    if not batches:
        return PointBatch(site.id, np.zeros(0, np.int64), np.zeros(0, object), np.zeros(0, object)), tally.rows, 0
    joined = PointBatch(
        site.id,
        np.concatenate([b.ts_ns for b in batches]),
        np.concatenate([b.zone for b in batches]),
        np.concatenate([b.device for b in batches]),
        {q: np.concatenate([b.values[q] for b in batches]) for q in batches[0].quantities},
    )
    return joined, tally.rows, tally.duplicates


def _stream_into(source: _Source, store: ReadingStore, progress: Progress | None) -> _Tally:
    """Check and write at once: a producer thread parses and checks, the store writes what it hands over."""
    handover: queue.Queue[PointBatch | BaseException | None] = queue.Queue(maxsize=2)
    tally = _Tally()
    stop = threading.Event()

    def offer(item: PointBatch | BaseException | None) -> bool:
        """Hand an item to the writer unless it has stopped listening; whether it was handed over."""
        while not stop.is_set():
            try:
                handover.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for batch in source.fast_batches(tally, progress):
                if not offer(batch):
                    return
            offer(None)
        except BaseException as exc:
            offer(exc)

    def consume() -> Iterator[PointBatch]:
        while (item := handover.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item

    producer = threading.Thread(target=produce, name="officewell-history-check", daemon=True)
    producer.start()
    try:
        store.write_batches(consume(), _points(progress, source.expected_rows))
    except _NeedsExactPass:
        # The fast pass found a problem: the transaction rolled back, and the exact pass names every row.
        source.name_problems()
    finally:
        stop.set()
        producer.join()
    return tally


def _points(progress: Progress | None, expected: int) -> Callable[[int], None] | None:
    if progress is None:
        return None
    return lambda n: progress(n, max(n, expected))


class _NeedsExactPass(Exception):
    """The fast pass met a problem (or a cell its parser could not read): the exact pass names every row."""


@dataclass
class _Tally:
    """What passed through: rows, points, values per quantity, zones, devices, the time span, repeated points."""

    rows: int = 0
    points: int = 0
    duplicates: int = 0
    values: dict[str, int] = field(default_factory=dict)
    zones: set[str] = field(default_factory=set)
    devices: set[str] = field(default_factory=set)
    first: int | None = None
    last: int | None = None

    def add(self, batch: PointBatch, rows: int) -> None:
        """Count one checked batch of `rows` file rows."""
        self.rows += rows
        self.points += len(batch)
        for key in batch.quantities:
            self.values[key] = self.values.get(key, 0) + int((~np.isnan(batch.values[key])).sum())
        self.zones.update(pd.unique(batch.zone).tolist())  # hashing: sorting strings is slow
        self.devices.update(pd.unique(batch.device).tolist())
        if len(batch):
            low, high = int(batch.ts_ns.min()), int(batch.ts_ns.max())
            self.first = low if self.first is None else min(self.first, low)
            self.last = high if self.last is None else max(self.last, high)

    def counting(self, batches: Iterator[PointBatch]) -> Iterator[PointBatch]:
        """The batches, counted as they pass."""
        for batch in batches:
            self.add(batch, len(batch))
            yield batch

    def summary(self, file_name: str, dry_run: bool, seconds: float) -> HistorySummary:
        """The summary of the import."""
        stamp = lambda ns: None if ns is None else pd.Timestamp(ns, tz="UTC").isoformat()  # noqa: E731
        return HistorySummary(
            file_name=file_name,
            rows=self.rows,
            points=self.points - self.duplicates,
            values=self.values,
            zones=tuple(sorted(self.zones)),
            devices=tuple(sorted(self.devices)),
            first=stamp(self.first),
            last=stamp(self.last),
            dry_run=dry_run,
            seconds=seconds,
            duplicates=self.duplicates,
        )


@dataclass
class _Source:
    """A history file whose header was checked: how to read it fast, and exactly when something is wrong."""

    path: Path
    site: Site
    columns: list[str]
    quantities: list[str]
    delimiter: str
    expected_rows: int

    @classmethod
    def open(cls, path: Path, site: Site) -> _Source:
        """Read and check the header; HistoryRejectedError for an empty file or bad columns."""
        with path.open("rb") as raw:
            head = raw.read(64 * 1024)
        header_line, delimiter = _header(head, path.name)
        columns = [c.strip() for c in next(csv.reader([header_line], delimiter=delimiter))]
        quantities = _check_header(columns, path.name)
        return cls(path, site, columns, quantities, delimiter, _estimate_rows(path.stat().st_size, head))

    def checker(self) -> _Checker:
        """A fresh checker for one pass."""
        return _Checker(self.site, self.columns, self.quantities, self.delimiter)

    def fast_batches(self, tally: _Tally, progress: Progress | None) -> Iterator[PointBatch]:
        """The file's checked batches, read by the C parser; _NeedsExactPass at the first sign of a problem."""
        checker = self.checker()
        rows = 0
        try:
            reader = pd.read_csv(
                self.path,
                sep=self.delimiter,
                header=None,
                skiprows=1,
                names=self.columns,
                dtype={c: str for c in REQUIRED} | dict.fromkeys(self.quantities, "float64"),
                decimal=checker.decimal,
                skip_blank_lines=True,  # row numbers may drift past a blank line: problems are named by the exact pass
                skipinitialspace=True,
                keep_default_na=False,
                na_values=[""],
                chunksize=CHUNK_ROWS,
                encoding="utf-8-sig",
                engine="c",
            )
            with reader:
                for frame in reader:
                    row = np.arange(rows + 2, rows + 2 + len(frame), dtype=np.int64)
                    part = checker.check_frame(frame, row)
                    if checker.total:
                        raise _NeedsExactPass
                    batch = checker.batch_of(part)
                    tally.add(batch, len(frame))
                    rows += len(frame)
                    if progress is not None:
                        progress(rows, max(rows, self.expected_rows))
                    yield batch
        except (ValueError, UnicodeDecodeError, pd.errors.ParserError):
            raise _NeedsExactPass from None
        if rows == 0:
            raise _NeedsExactPass
        tally.duplicates = checker.repeated_points()
        if checker.total:
            raise _NeedsExactPass

    def check(self, progress: Progress | None) -> _Tally:
        """Check the whole file without storing it; HistoryRejectedError naming the problems if there are any."""
        tally = _Tally()
        try:
            for _ in self.fast_batches(tally, progress):
                pass
        except _NeedsExactPass:
            self.name_problems()
        return tally

    def batches(self) -> Iterator[PointBatch]:
        """The (already checked) file's batches again, for a store that is written after the checks."""
        yield from self.fast_batches(_Tally(), None)

    def name_problems(self) -> None:
        """Read the file line by line, exactly, and raise HistoryRejectedError naming each problem's row."""
        name = self.path.name
        checker = self.checker()
        rows = 0
        try:
            with self.path.open(encoding="utf-8-sig", newline="") as text:
                next(text)  # the header, checked already
                while lines := list(itertools.islice(text, CHUNK_ROWS)):
                    checker.check("".join(lines), first_row=rows + 2, count=len(lines))
                    rows += len(lines)
        except UnicodeDecodeError as exc:
            raise HistoryRejectedError(name, [RowProblem(1, None, f"not UTF-8 text: {exc.reason}")], 1) from None
        if not checker.kept_rows:
            raise HistoryRejectedError(name, [RowProblem(2, None, "the file has a header row but no data rows")], 1)
        checker.repeated_points()
        if not checker.total:
            # The fast pass saw a problem the exact one cannot find: say so rather than store a doubtful file.
            problem = RowProblem(1, None, "the file could not be read as a CSV file of readings")
            raise HistoryRejectedError(name, [problem], 1)
        raise HistoryRejectedError(name, checker.problems, checker.total)


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
        self.kept_rows = 0
        self._keys: list[tuple[np.ndarray, ...]] = []

    def flag(self, rows: np.ndarray, column: str | None, reason: str | Callable[[int], str]) -> None:
        """Record a problem for each of these row numbers (a generous first part of them in full)."""
        self.total += len(rows)
        room = 20 * MAX_REPORTED - len(self.problems)
        for i, row in enumerate(rows[: max(0, room)].tolist()):
            self.problems.append(RowProblem(int(row), column, reason(i) if callable(reason) else reason))

    def check(self, text: str, first_row: int, count: int) -> None:
        """Parse and check one chunk of lines exactly (row numbers as a spreadsheet shows them)."""
        frame = self._parse(text)
        if len(frame) != count:
            # A quoted field spanning lines: the rows no longer match the lines, so nothing can be named right.
            self.flag(np.array([first_row]), None, "a quoted field spans lines: not a CSV file of readings")
            return
        row = np.arange(first_row, first_row + count, dtype=np.int64)
        blank = frame["ts"].isna().to_numpy() & frame["zone"].isna().to_numpy() & frame["device"].isna().to_numpy()
        for q in self.quantities:
            blank &= frame[q].isna().to_numpy()
        if blank.any():  # empty lines are skipped, and the rows keep the numbers a spreadsheet shows
            frame, row = frame[~blank].reset_index(drop=True), row[~blank]
        self.check_frame(frame, row)

    def check_frame(self, frame: pd.DataFrame, row: np.ndarray) -> dict[str, np.ndarray]:
        """Check parsed rows; their columns as arrays (zone and device as codes); remember their points."""
        values = {q: self._numbers(frame[q], q, row) for q in self.quantities}
        filled = np.zeros(len(frame), dtype=bool)
        for q in self.quantities:
            filled |= frame[q].notna().to_numpy()
        self.flag(row[~filled], None, "no value in the row: give at least one quantity")
        ts_ns = self._times(frame["ts"], row)
        zone, device = self._places(frame["zone"], frame["device"], row)
        part = {"ts_ns": ts_ns, "zone": zone, "device": device, "row": row, **values}
        self._keys.append(
            (ts_ns, zone.astype(np.int32), device.astype(np.int32), row.astype(np.int64), _value_hash(values))
        )
        self.kept_rows += len(frame)
        return part

    def batch_of(self, part: dict[str, np.ndarray]) -> PointBatch:
        """A checked part as the store's PointBatch."""
        zone_ids = np.array(self.zone_ids, dtype=object)
        device_ids = np.array(self.device_ids or [""], dtype=object)
        return PointBatch(
            self.site.id,
            part["ts_ns"],
            zone_ids[part["zone"]],
            device_ids[part["device"]],
            {q: part[q] for q in self.quantities},
        )

    def repeated_points(self) -> int:
        """How many rows repeat an earlier point (ts, zone, device); one with other values is a problem."""
        if not self._keys:
            return 0
        ts, zone, device, row, digest = (np.concatenate(column) for column in zip(*self._keys, strict=True))
        order = np.lexsort((row, ts, device, zone))
        ts, zone, device, row, digest = ts[order], zone[order], device[order], row[order], digest[order]
        same = np.zeros(len(ts), dtype=bool)
        same[1:] = (ts[1:] == ts[:-1]) & (zone[1:] == zone[:-1]) & (device[1:] == device[:-1])
        clash = same & np.r_[False, digest[1:] != digest[:-1]]
        first = row[np.flatnonzero(clash) - 1].tolist()
        what = "the same point (ts, zone, device) as row {} with other values"
        self.flag(row[clash], None, lambda i: what.format(first[i]))
        return int(same.sum())

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


def _value_hash(values: dict[str, np.ndarray]) -> np.ndarray:
    """A 64-bit digest of each row's values (exact bits, NaN alike), to tell repeated points apart cheaply."""
    digest = np.zeros(len(next(iter(values.values()))) if values else 0, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for i, column in enumerate(values.values()):
            bits = np.where(np.isnan(column), np.nan, column).view(np.uint64)  # one NaN bit pattern for every NaN
            digest = digest * np.uint64(0x100000001B3) + (bits ^ np.uint64(0x9E3779B97F4A7C15 + i))
    return digest


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
