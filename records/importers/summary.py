"""What an import did, as a frozen value that serialises to JSON."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class ImportSummary:
    """The outcome of importing one file (also of a dry run, and of a file that was imported before)."""

    kind: str
    file_name: str
    sha256: str
    rows: int  # data rows in the file
    inserted: int  # rows stored (for a dry run: rows that would be stored)
    replaced: int  # stored rows of the file's teams and period that were deleted
    trimmed: int  # stored rows reaching outside the period, cut back to their part outside it
    period_start: str | None  # ISO date (calls: ISO instant, UTC)
    period_end: str | None  # None = open-ended (a roster with ongoing rows)
    teams: tuple[str | None, ...]  # None = the whole centre (NKI)
    skipped_as_duplicate_file: bool  # the same content was imported before: nothing changed
    dry_run: bool  # checked and counted, then rolled back
    encoding: str  # utf-8, utf-8-sig, windows-1252 or xlsx
    delimiter: str | None
    ignored_columns: tuple[str, ...]
    batch_id: int | None  # the import_batches row (the earlier one when skipped; None for a dry run)
    seconds: float
    notes: tuple[str, ...] = ()  # what the user should know, e.g. that columns were ignored and not stored

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        data = asdict(self)
        data["teams"] = list(self.teams)
        data["ignored_columns"] = list(self.ignored_columns)
        data["notes"] = list(self.notes)
        data["imported"] = not self.dry_run and not self.skipped_as_duplicate_file
        return data

    def to_json(self) -> str:
        """One JSON document."""
        return json.dumps(self.to_dict(), ensure_ascii=False)
