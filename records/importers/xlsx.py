"""Reading the first sheet of an XLSX workbook into text cells; formulas are refused (formula injection)."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime, time
from typing import Any

from openpyxl import load_workbook  # type: ignore[import-untyped,unused-ignore]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped,unused-ignore]

from records.errors import MAX_REPORTED_ERRORS, ImportRejected, RowError
from records.importers.columns import normalise_name
from records.importers.formulas import ADVICE, looks_like_formula
from records.importers.table import RawTable

ZIP_MAGIC = b"PK\x03\x04"


def is_xlsx(content: bytes) -> bool:
    """Whether the bytes are a ZIP container (XLSX), whatever the file is called."""
    return content.startswith(ZIP_MAGIC)


def read_xlsx(content: bytes, file_name: str, read: frozenset[str] | None = None) -> RawTable:
    """The first sheet as text cells: dates as ISO text, whole numbers without '.0'; row numbers as in Excel.

    A formula is refused in the header and, with `read` (normalised headers), only in the columns read; in
    the others it is left empty (they are never stored, so they cannot be exported again).
    """
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ImportRejected(
            file_name, [RowError(1, None, f"not a readable XLSX workbook: {exc.__class__.__name__}")]
        ) from None
    try:
        sheet = workbook.worksheets[0]
        header: list[str] | None = None
        cells: list[list[str]] = []
        rows: list[int] = []
        formulas: list[RowError] = []
        formula_total = 0
        for row_number, row in enumerate(sheet.iter_rows(), start=1):
            texts: list[str] = []
            for position, cell in enumerate(row, start=1):
                value = cell.value
                if getattr(cell, "data_type", None) == "f" or (isinstance(value, str) and looks_like_formula(value)):
                    if read is not None and header is not None and not _is_read(header, position, read):
                        texts.append("")
                        continue
                    formula_total += 1
                    if len(formulas) < MAX_REPORTED_ERRORS:
                        ref = f"{get_column_letter(position)}{row_number}"
                        label = (
                            header[position - 1] if header and position <= len(header) else get_column_letter(position)
                        )
                        formulas.append(
                            RowError(
                                row_number,
                                label,
                                f"cell {ref} holds a formula: {ADVICE}",
                            )
                        )
                    value = None
                texts.append(_text(value))
            if not any(texts):
                continue
            if header is None:
                header = texts
                while header and not header[-1]:
                    header.pop()
                continue
            width = len(header)
            if len(texts) < width:
                texts += [""] * (width - len(texts))
            cells.append(texts[:width])
            rows.append(row_number)
    finally:
        workbook.close()
    if formulas:
        raise ImportRejected(file_name, formulas, formula_total)
    return RawTable.from_records(tuple(header or ()), cells, rows, "xlsx", None, file_name)


def _is_read(header: list[str], position: int, read: frozenset[str]) -> bool:
    """Whether the column at `position` (1-based) has a header the import reads."""
    return position <= len(header) and normalise_name(header[position - 1]) in read


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value).strip()
