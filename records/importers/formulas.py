"""Formula injection: cell text a spreadsheet would run as a formula is refused, in CSV and XLSX alike.

A cell starting with `=`, `@`, `+` or `-` (or a tab or carriage return before one of them) becomes a live
formula when someone opens an export of the data in a spreadsheet again (OWASP "CSV injection"). A
cell that is only a signed number (`-5`, `-0,5`, `+46 8 123 45`) is data and passes.
"""

from __future__ import annotations

import re

import numpy as np

from records.errors import MAX_REPORTED_ERRORS, ImportRejected, RowError
from records.importers.columns import normalise_name
from records.importers.table import RawTable

FORMULA_TEXT = re.compile(r"^\s*[=@+-]")
SIGNED_NUMBER = re.compile(r"\s*[+-][\d\s.,\u00a0]*\d[\d\s.,\u00a0]*%?\s*")
ADVICE = "formula injection is refused; paste the values only (Paste Special → Values)"


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet would run this cell text as a formula."""
    return FORMULA_TEXT.match(text) is not None and SIGNED_NUMBER.fullmatch(text) is None


def refuse_formula_text(table: RawTable, file_name: str, read: frozenset[str] | None = None) -> None:
    """Refuse the file, naming row and column of each cell, if any cell's text starts like a formula.

    With `read` (normalised headers), only those columns are checked: the others are never stored, so they
    cannot be exported again, and a citizen's free text starting with '-' does not refuse a feedback file.
    """
    errors: list[RowError] = []
    total = 0
    for position, header in enumerate(table.headers):
        if read is not None and normalise_name(header) not in read:
            continue
        column = table.cells[position]
        starts = column.str.match(FORMULA_TEXT.pattern).to_numpy(dtype=bool)
        if starts.any():
            starts = starts & ~column.str.fullmatch(SIGNED_NUMBER.pattern).to_numpy(dtype=bool)
        hits = np.flatnonzero(starts)
        total += len(hits)
        for i in hits[:MAX_REPORTED_ERRORS].tolist():
            errors.append(
                RowError(
                    int(table.rows[i]), header or f"column {position + 1}", f"the cell starts like a formula: {ADVICE}"
                )
            )
    if errors:
        errors.sort(key=lambda e: (e.row, e.column or ""))
        raise ImportRejected(file_name, errors[:MAX_REPORTED_ERRORS], total)
