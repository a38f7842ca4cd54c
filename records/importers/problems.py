"""Collects the row errors of one file, keeping the first few in full and counting the rest."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from records.errors import MAX_REPORTED_ERRORS, ImportRejected, RowError

ROW = "_row"  # the frame column holding each row's number as the user sees it (header = row 1)


class Problems:
    """Row errors found in one file; `raise_if_any` refuses the file with the first 50 by row."""

    def __init__(self, file_name: str) -> None:
        self.file_name = file_name
        self._errors: list[RowError] = []
        self.total = 0

    def __bool__(self) -> bool:
        return self.total > 0

    def add(self, row: int, column: str | None, reason: str) -> None:
        """Record one error."""
        self.total += 1
        # Rows arrive roughly in order: beyond a generous buffer only the count matters.
        if len(self._errors) < 20 * MAX_REPORTED_ERRORS:
            self._errors.append(RowError(row, column, reason))

    def flag(
        self,
        frame: pd.DataFrame,
        mask: pd.Series,
        column: str | None,
        reason: str | Callable[[pd.Series], str],
    ) -> None:
        """Record an error for every row where `mask` holds; `reason` may be built from the row."""
        mask = mask.fillna(False).astype(bool)
        count = int(mask.sum())
        if not count:
            return
        flagged = frame.loc[mask]
        # Only the lowest rows can be among those reported, so only they are formatted.
        first = flagged.iloc[np.argsort(flagged[ROW].to_numpy(), kind="stable")[:MAX_REPORTED_ERRORS]]
        for _, row in first.iterrows():
            self._errors.append(RowError(int(row[ROW]), column, reason(row) if callable(reason) else reason))
        self.total += count

    def raise_if_any(self) -> None:
        """Refuse the file if anything was found."""
        if self.total:
            ordered = sorted(self._errors, key=lambda e: (e.row, e.column or ""))
            raise ImportRejected(self.file_name, ordered[:MAX_REPORTED_ERRORS], self.total)
