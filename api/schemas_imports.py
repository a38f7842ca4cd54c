"""Response models of the import routes: what an upload stored, why a file was refused, the imported files."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from api.problems import Problem


class ImportSummaryPublic(BaseModel):
    """What importing an HR or operations file did: the keys of `officewell import KIND FILE --json`."""

    kind: str
    file_name: str
    sha256: str
    rows: int = Field(description="data rows in the file")
    inserted: int = Field(description="rows stored (for a dry run: rows that would be stored)")
    replaced: int = Field(description="stored rows of the file's teams and period that were deleted")
    trimmed: int = Field(description="stored rows reaching outside the period, cut back to their part outside it")
    period_start: str | None = Field(description="ISO date (calls: ISO instant, UTC)")
    period_end: str | None = Field(description="ISO date; null = open-ended (a roster with ongoing rows)")
    teams: list[str | None] = Field(description="the answer groups the file covers; null = the whole centre (NKI)")
    skipped_as_duplicate_file: bool = Field(description="the same content was imported before: nothing changed")
    dry_run: bool
    encoding: str
    delimiter: str | None
    ignored_columns: list[str]
    batch_id: int | None = Field(description="the import batch (the earlier one when skipped; null for a dry run)")
    seconds: float
    notes: list[str] = Field(
        default_factory=list, description="what to know, e.g. that columns were ignored (their cells never stored)"
    )
    imported: bool = Field(description="something was stored: neither a dry run nor a file imported before")


class ReadingsImportPublic(BaseModel):
    """What importing sensor history did: the keys of `officewell import readings FILE --json` (but the store)."""

    file: str
    imported: bool
    dry_run: bool
    rows: int
    points: int
    duplicate_rows: int
    values: dict[str, int] = Field(description="values per quantity key")
    zones: list[str]
    devices: list[str]
    first: str | None = Field(description="the first point's time (ISO, UTC)")
    last: str | None = Field(description="the last point's time (ISO, UTC)")
    seconds: float


class ImportProblemPublic(BaseModel):
    """One problem of a refused file: the row as a spreadsheet shows it (header = row 1), the column and why."""

    row: int
    column: str | None
    message: str


class ImportRejectedPublic(Problem):
    """A refused file, as an RFC 9457 problem with the rows and columns at fault: nothing of it was stored.

    A malformed request (an unknown kind, a bad parameter) is a plain problem: the file's members are absent.
    """

    file: str | None = Field(None, description="the refused file's name")
    total_problems: int | None = Field(None, description="every problem found; `problems` lists the first by row")
    more: int | None = Field(None, description="problems found beyond those listed")
    problems: list[ImportProblemPublic] | None = None


class ImportBatchPublic(BaseModel):
    """One imported HR or operations file."""

    id: int
    kind: str
    file_name: str
    sha256: str
    rows: int
    inserted: int
    replaced: int
    trimmed: int
    period_start: date | None
    period_end: date | None = Field(description="null = open-ended")
    teams: list[str | None]
    actor: str = Field(description="who imported it: the logged-in user, or the operating-system user of the CLI")
    imported_at: datetime


class ImportBatchesPublic(BaseModel):
    """A page of imported files, newest first (shaped as every list of the API: items, total, limit, offset)."""

    items: list[ImportBatchPublic]
    total: int = Field(description="how many files match the filter in all")
    limit: int
    offset: int
