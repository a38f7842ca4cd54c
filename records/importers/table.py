"""A file read into text cells, whatever its format: the header, the data rows and their row numbers."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from records.errors import ImportRejected, RowError
from records.importers.problems import ROW


@dataclass(frozen=True)
class RawTable:
    """Header and cells (stripped text, '' when empty) of a file, with each row's number as the user sees it."""

    headers: tuple[str, ...]
    cells: pd.DataFrame  # one str column per header position (0, 1, …), blank rows removed
    rows: np.ndarray  # row numbers, header = 1
    encoding: str  # 'utf-8', 'utf-8-sig', 'windows-1252' or 'xlsx'
    delimiter: str | None  # None for XLSX

    @classmethod
    def build(
        cls,
        headers: tuple[str, ...],
        cells: pd.DataFrame,
        rows: np.ndarray,
        encoding: str,
        delimiter: str | None,
        file_name: str,
    ) -> RawTable:
        """A table from cells (one column per header position) and row numbers; blank rows are dropped."""
        if not headers:
            raise ImportRejected(
                file_name, [RowError(1, None, "the file is empty: expected a header row and data rows")]
            )
        cells = pd.DataFrame({i: cells[i].astype("str").str.strip() for i in range(len(headers))})
        filled = np.zeros(len(cells), dtype=bool)
        for i in range(len(headers)):
            filled |= cells[i].ne("").to_numpy()
        if not filled.all():
            cells, rows = cells[filled].reset_index(drop=True), rows[filled]
        if cells.empty:
            raise ImportRejected(file_name, [RowError(2, None, "the file has a header row but no data rows")])
        return cls(headers, cells.reset_index(drop=True), np.asarray(rows, dtype="int64"), encoding, delimiter)

    @classmethod
    def from_records(
        cls,
        headers: tuple[str, ...],
        records: list[list[str]],
        rows: list[int],
        encoding: str,
        delimiter: str | None,
        file_name: str,
    ) -> RawTable:
        """A table from row-major records of the header's width."""
        columns = list(zip(*records, strict=True)) if records else [() for _ in headers]
        cells = pd.DataFrame({i: pd.Series(list(column), dtype="str") for i, column in enumerate(columns)})
        return cls.build(headers, cells, np.asarray(rows, dtype="int64"), encoding, delimiter, file_name)

    def __len__(self) -> int:
        return len(self.rows)

    def frame(self, positions: dict[str, int]) -> pd.DataFrame:
        """The named columns as a string frame, plus the row numbers in `_row`."""
        data: dict[str, object] = {name: self.cells[i] for name, i in positions.items()}
        data[ROW] = self.rows
        return pd.DataFrame(data)
