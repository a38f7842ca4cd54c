"""Importing one file: read, check every row, then replace the covered period in one transaction."""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Literal

from sqlalchemy import Connection, insert

from records.bulk import insert_frame
from records.errors import ImportRejected, InvalidRequestError
from records.importers import absences, calls, feedback, nki, staff
from records.importers.columns import known_headers, map_headers
from records.importers.common import raw_ids
from records.importers.context import Context
from records.importers.csvfile import read_csv
from records.importers.formulas import refuse_formula_text
from records.importers.kind import Kind, Period, Replaced, Scope
from records.importers.problems import ROW, Problems
from records.importers.summary import ImportSummary
from records.importers.table import RawTable
from records.importers.xlsx import is_xlsx, read_xlsx
from records.models import ImportBatch
from records.store import BatchInfo, RecordsStore
from sensors.site import Site

KindName = Literal["absences", "staff", "calls", "nki", "feedback"]
KINDS: dict[str, Kind] = {k.name: k for k in (absences.KIND, staff.KIND, calls.KIND, nki.KIND, feedback.KIND)}
Progress = Callable[[int, int], None]

log = logging.getLogger(__name__)


class _DryRun(Exception):
    pass


def import_file(
    store: RecordsStore,
    kind: KindName | str,
    path: str | Path | None = None,
    *,
    site: Site,
    content: bytes | None = None,
    file_name: str | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
    actor: str = "system",
    period: Period | None = None,
) -> ImportSummary:
    """Import a CSV or XLSX file of `kind` whole or not at all; raises ImportRejected listing bad rows.

    The same content imported again is a no-op. Otherwise the file replaces what the store held for its
    teams and covered period (see README "Importing HR and operations files").
    """
    spec = KINDS.get(kind)
    if spec is None:
        raise InvalidRequestError(f"unknown kind {kind!r}: use one of {', '.join(KINDS)}")
    if content is None:
        if path is None:
            raise InvalidRequestError("give a path or the content")
        content = Path(path).read_bytes()
    name = file_name or (Path(path).name if path is not None else f"{spec.name}.csv")
    began = time.monotonic()
    sha = hashlib.sha256(content).hexdigest()
    earlier = store.find_batch(spec.name, sha)
    if earlier is not None:
        log.info("%s: already imported as batch %d; nothing changed", name, earlier.id)
        return _skipped(spec, name, sha, earlier, began, dry_run)
    try:
        summary = _import(store, spec, name, sha, content, site, dry_run, progress, actor, period, began)
    except ImportRejected as exc:
        log.warning("%s: refused with %d error(s)", name, exc.total)
        if not dry_run:
            store.audit(actor, "import_rejected", f"{spec.name}:{name}", {"sha256": sha, "errors": exc.total})
        raise
    verb = "checked (dry run)" if dry_run else "imported"
    log.info(
        "%s: %s %d rows; %d stored rows replaced, %d cut",
        name,
        verb,
        summary.inserted,
        summary.replaced,
        summary.trimmed,
    )
    return summary


def _import(
    store: RecordsStore,
    spec: Kind,
    name: str,
    sha: str,
    content: bytes,
    site: Site,
    dry_run: bool,
    progress: Progress | None,
    actor: str,
    period: Period | None,
    began: float,
) -> ImportSummary:
    table = _read(content, name, spec)
    if progress:
        progress(0, len(table))
    problems = Problems(name)
    headers = map_headers(table.headers, spec.columns, problems)
    problems.raise_if_any()
    frame = table.frame(headers.index)
    hidden = raw_ids(frame["employee_id"]) if "employee_id" in frame else frozenset()
    ctx = Context.of(name, site, store.pseudonymiser, headers, hidden)
    clean = spec.validate(frame, ctx, problems)
    problems.raise_if_any()
    scope = spec.scope(clean, period, ctx, problems)
    problems.raise_if_any()
    rows = clean.drop(columns=[ROW])
    result: dict[str, int] = {}
    try:
        with store.writing() as conn:
            store.sync_site(site, conn)
            replaced = spec.replace(conn, scope)
            if spec.check_stored is not None:
                spec.check_stored(conn, clean, scope, ctx, problems)
                problems.raise_if_any()
            batch_id = _record_batch(conn, spec, name, sha, len(rows), replaced, scope, ctx, actor)
            inserted = insert_frame(conn, spec.table, rows.assign(batch_id=batch_id), progress)
            result = {
                "batch_id": batch_id,
                "inserted": inserted,
                "replaced": replaced.deleted,
                "trimmed": replaced.trimmed,
            }
            details = {
                "sha256": sha,
                "rows": inserted,
                "replaced": replaced.deleted,
                "trimmed": replaced.trimmed,
                "batch_id": batch_id,
            }
            store.audit(actor, "import", f"{spec.name}:{name}", details, conn=conn)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    start, end = scope.describe()
    return ImportSummary(
        kind=spec.name,
        file_name=name,
        sha256=sha,
        rows=len(rows),
        inserted=result["inserted"],
        replaced=result["replaced"],
        trimmed=result["trimmed"],
        period_start=start,
        period_end=end,
        teams=scope.teams,
        skipped_as_duplicate_file=False,
        dry_run=dry_run,
        encoding=table.encoding,
        delimiter=table.delimiter,
        ignored_columns=headers.ignored,
        batch_id=None if dry_run else result["batch_id"],
        seconds=round(time.monotonic() - began, 3),
        notes=_ignored_note(spec, headers.ignored),
    )


def _ignored_note(spec: Kind, ignored: tuple[str, ...]) -> tuple[str, ...]:
    """What the summary says about columns the kind does not read (their cells are never read or stored)."""
    if not ignored:
        return ()
    note = f"ignored {len(ignored)} column(s) this kind does not read: {', '.join(ignored)}"
    return (f"{note}; {spec.note_on_ignored}" if spec.note_on_ignored else note,)


def _read(content: bytes, name: str, spec: Kind) -> RawTable:
    read = known_headers(spec.columns)
    if is_xlsx(content):
        return read_xlsx(content, name, read)  # refuses formula cells and formula text itself, naming the cell
    table = read_csv(content, name, read)
    refuse_formula_text(table, name, read)  # in the columns the kind reads: the others are never stored
    return table


def _record_batch(
    conn: Connection,
    spec: Kind,
    name: str,
    sha: str,
    rows: int,
    replaced: Replaced,
    scope: Scope,
    ctx: Context,
    actor: str,
) -> int:
    first, last = (_local_date(scope.start, ctx), None if scope.end is None else _local_date(scope.end, ctx))
    values = {
        "kind": spec.name,
        "file_name": name[:255],
        "sha256": sha,
        "rows": rows,
        "inserted": rows,
        "replaced": replaced.deleted,
        "trimmed": replaced.trimmed,
        "period_start": first,
        "period_end": last,
        "teams": json.dumps(list(scope.teams)),
        "actor": actor[:100],
        "imported_at": datetime.now(UTC),
    }
    return int(conn.execute(insert(ImportBatch).values(**values).returning(ImportBatch.id)).scalar_one())


def _local_date(value: date | datetime, ctx: Context) -> date:
    return value.astimezone(ctx.tz).date() if isinstance(value, datetime) else value


def _skipped(spec: Kind, name: str, sha: str, earlier: BatchInfo, began: float, dry_run: bool) -> ImportSummary:
    return ImportSummary(
        kind=spec.name,
        file_name=name,
        sha256=sha,
        rows=earlier.rows,
        inserted=0,
        replaced=0,
        trimmed=0,
        period_start=earlier.period_start.isoformat() if earlier.period_start else None,
        period_end=earlier.period_end.isoformat() if earlier.period_end else None,
        teams=earlier.teams,
        skipped_as_duplicate_file=True,
        dry_run=dry_run,
        encoding="",
        delimiter=None,
        ignored_columns=(),
        batch_id=earlier.id,
        seconds=round(time.monotonic() - began, 3),
    )
