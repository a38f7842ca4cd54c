"""XLSX files for the tests, made with openpyxl (no binaries in the repository)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime

from openpyxl import Workbook


def workbook_bytes(rows: Sequence[Sequence[object]], *, first_sheet_title: str = "Frånvaro") -> bytes:
    """An XLSX whose first sheet holds `rows` (a string starting with '=' becomes a formula cell)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = first_sheet_title
    for row in rows:
        sheet.append(list(row))
    # A second sheet that must be ignored: only the first sheet is read.
    book.create_sheet("Anteckningar").append(["nothing", "to", "see"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def absences_xlsx() -> bytes:
    """A realistic HR export: Swedish headers, date cells, a numeric employee number, a percent cell."""
    # Spreadsheet date cells have no time zone: naive datetimes are what openpyxl writes and reads.
    return workbook_bytes(
        [
            ["Anställningsnummer", "Svarsgrupp", "From", "Tom", "Orsak", "Omfattning"],
            ["EMP-6001-K", "team-7", datetime(2024, 5, 6), datetime(2024, 5, 8), "Sjuk", 100],  # noqa: DTZ001
            ["EMP-6002-K", "team-7", datetime(2024, 5, 13), datetime(2024, 5, 13), "VAB", 50],  # noqa: DTZ001
            [6003, "team-8", "2024-05-20", "2024-05-24", "övrigt", None],
            [None, None, None, None, None, None],
        ]
    )


def formula_xlsx() -> bytes:
    """An export where a cell is a formula (formula injection)."""
    return workbook_bytes(
        [
            ["employee_id", "team", "start_date", "end_date", "reason", "extent_pct"],
            ["EMP-6001-K", "team-7", "2024-05-06", "2024-05-08", "sick", 100],
            ["EMP-6002-K", "team-7", "2024-05-13", "2024-05-13", '=HYPERLINK("http://x","sick")', 100],
        ]
    )


def text_formula_xlsx() -> bytes:
    """An export where a text cell would run as a formula when re-exported (starts with '@')."""
    book_rows = [
        ["employee_id", "team", "start_date", "end_date", "reason", "extent_pct"],
        ["EMP-6001-K", "@SUM(1+1)*cmd|' /C calc'!A0", "2024-05-06", "2024-05-08", "sick", 100],
    ]
    return workbook_bytes(book_rows)
