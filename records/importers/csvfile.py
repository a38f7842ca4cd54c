"""Reading CSV exports: encoding detection (UTF-8 with or without BOM, Windows-1252), delimiter sniffing."""

from __future__ import annotations

import csv
import io

import pandas as pd

from records.errors import MAX_REPORTED_ERRORS, ImportRejected, RowError
from records.importers.columns import normalise_name
from records.importers.table import RawTable

DELIMITERS = (",", ";")
_BOM = b"\xef\xbb\xbf"


def decode(content: bytes, file_name: str) -> tuple[str, str]:
    """The file's text and encoding; UTF-8 is tried strictly first, then Windows-1252; mixtures are refused."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportRejected(
            file_name, [RowError(1, None, "the file is UTF-16 text: save it as 'CSV UTF-8' (or CSV) instead")]
        )
    if b"\x00" in content:
        raise ImportRejected(
            file_name, [RowError(1, None, "not a text file (it contains NUL bytes): export CSV or XLSX")]
        )
    has_bom = content.startswith(_BOM)
    body = content[len(_BOM) :] if has_bom else content
    try:
        return body.decode("utf-8"), "utf-8-sig" if has_bom else "utf-8"
    except UnicodeDecodeError:
        pass
    lines = body.split(b"\n")
    utf8_line = next((i for i, line in enumerate(lines, 1) if not line.isascii() and _is_utf8(line)), None)
    bad_line = next(i for i, line in enumerate(lines, 1) if not _is_utf8(line))
    if has_bom or utf8_line is not None:
        # Some rows are UTF-8 (or the BOM says so) and this one is not: a file pasted together from two exports.
        since = "the file starts with a UTF-8 byte-order mark" if has_bom else f"row {utf8_line} is UTF-8"
        raise ImportRejected(
            file_name,
            [
                RowError(
                    bad_line, None, f"mixed encodings: this row is not UTF-8 but {since}; re-save the file as CSV UTF-8"
                )
            ],
        )
    try:
        return body.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError:
        bad = next(i for i, line in enumerate(lines, 1) if not _is_cp1252(line))
        raise ImportRejected(
            file_name, [RowError(bad, None, "this row is neither UTF-8 nor Windows-1252 text: re-save as CSV UTF-8")]
        ) from None


def _is_utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _is_cp1252(line: bytes) -> bool:
    try:
        line.decode("cp1252")
    except UnicodeDecodeError:
        return False
    return True


def sniff_delimiter(header_line: str, known: frozenset[str], file_name: str) -> str:
    """Comma or semicolon, from the header row; refuse a header that has neither or is ambiguous."""
    counts = {d: _count_outside_quotes(header_line, d) for d in DELIMITERS}
    present = [d for d in DELIMITERS if counts[d]]
    if len(present) == 1:
        return present[0]
    if not present:
        found = "tabs" if "\t" in header_line else ("'|'" if "|" in header_line else "a single column")
        raise ImportRejected(
            file_name,
            [
                RowError(
                    1,
                    None,
                    f"wrong delimiter: the header row has no comma or semicolon ({found}); "
                    "export the file comma- or semicolon-separated",
                )
            ],
        )
    # Both occur: the one that splits the header into recognisable column names wins.
    score = {d: sum(normalise_name(h) in known for h in _split(header_line, d)) for d in DELIMITERS}
    if score[","] == score[";"]:
        raise ImportRejected(
            file_name,
            [
                RowError(
                    1,
                    None,
                    "ambiguous delimiter: the header row contains both commas and semicolons; "
                    "quote column names that contain the other character",
                )
            ],
        )
    return max(DELIMITERS, key=lambda d: score[d])


def _count_outside_quotes(line: str, delimiter: str) -> int:
    count, quoted = 0, False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif char == delimiter and not quoted:
            count += 1
    return count


def _split(line: str, delimiter: str) -> list[str]:
    return next(csv.reader([line], delimiter=delimiter), [])


def read_csv(content: bytes, file_name: str, known: frozenset[str]) -> RawTable:
    """Decode, sniff and split a CSV file into text cells; rows with the wrong number of cells are refused."""
    text, encoding = decode(content, file_name)
    if not text.strip():
        raise ImportRejected(file_name, [RowError(1, None, "the file is empty: expected a header row and data rows")])
    first = next(line for line in text.splitlines() if line.strip())
    delimiter = sniff_delimiter(first, known, file_name)
    fast = _read_plain(text, delimiter, encoding, file_name)
    if fast is not None:
        return fast
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    line_before = 0
    header: list[str] = []
    cells: list[list[str]] = []
    rows: list[int] = []
    ragged: list[RowError] = []
    ragged_total = 0
    try:
        # Leading blank lines are skipped, but row numbers count them (they are rows in the user's editor).
        for record in reader:
            line_before = reader.line_num
            if any(field.strip() for field in record):
                header = [h.strip() for h in record]
                break
        while header and not header[-1]:
            header.pop()
        width = len(header)
        append, number = cells.append, rows.append
        # The hot loop of a large export: only a length check per record.
        for record in reader:
            row_number = line_before + 1
            line_before = reader.line_num
            if len(record) != width:
                record = _trim(record, width)
                if len(record) != width:
                    if not any(field.strip() for field in record):
                        continue
                    ragged_total += 1
                    if len(ragged) < MAX_REPORTED_ERRORS:
                        ragged.append(RowError(row_number, None, _ragged(len(record), width, delimiter)))
                    continue
            append(record)
            number(row_number)
    except csv.Error as exc:
        raise ImportRejected(file_name, [RowError(line_before + 1, None, f"not valid CSV: {exc}")]) from None
    if ragged:
        raise ImportRejected(file_name, ragged, ragged_total)
    return RawTable.from_records(tuple(header), cells, rows, encoding, delimiter, file_name)


def _read_plain(text: str, delimiter: str, encoding: str, file_name: str) -> RawTable | None:
    """The fast path for the common export: no quotes and the same number of cells on every row; else None."""
    if '"' in text:
        return None
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip())
    header = [h.strip() for h in lines[start].split(delimiter)]
    if not header[-1]:
        return None
    # Every non-empty row has exactly the header's delimiters (a short row would lower the total, a long
    # one makes the parser below fail); anything else goes the careful way, which names the rows.
    filled = len(lines) - lines.count("")
    if text.count(delimiter) != (len(header) - 1) * filled:
        return None
    try:
        cells = pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            header=None,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
            quoting=csv.QUOTE_NONE,
            engine="c",
        )
    except (pd.errors.ParserError, ValueError):
        return None
    if len(cells) != len(lines) or cells.shape[1] != len(header):
        return None
    cells = cells.iloc[start + 1 :]
    rows = cells.index.to_numpy(dtype="int64") + 1
    cells.columns = pd.Index(range(len(header)))
    return RawTable.build(tuple(header), cells.reset_index(drop=True), rows, encoding, delimiter, file_name)


def _ragged(count: int, width: int, delimiter: str) -> str:
    hint = (
        "a decimal comma or a comma inside a value needs quotes, or the file mixes delimiters"
        if delimiter == ","
        else "a semicolon inside a value needs quotes, or the file mixes delimiters"
    )
    return f"{count} values but the header has {width} columns ({hint})"


def _trim(record: list[str], width: int) -> list[str]:
    # Spreadsheets often add empty trailing cells: those are harmless, anything else is not.
    if len(record) > width and not any(f.strip() for f in record[width:]):
        return record[:width]
    return record
