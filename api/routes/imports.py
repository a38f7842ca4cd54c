"""Imports by upload: what `officewell import KIND FILE` does, over HTTP, for admins.

The same importers as the command line, with the same rules: a file is imported whole or not at all
(a refused file is a 422 naming rows and columns), the same content again changes nothing, and
`dry_run` checks and counts without storing. The import batch and the audit log name the logged-in
user. The records' data version moves with every import, so the API's kept figures see the new
rows at the next request (api/cache.py).
"""

from __future__ import annotations

import logging
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from api import bounds
from api.deps import Authorized, RecordsDep, Services, ServicesDep
from api.limits import IMPORT_BODY_BYTES
from api.schemas_imports import (
    ImportBatchesPublic,
    ImportBatchPublic,
    ImportRejectedPublic,
    ImportSummaryPublic,
    ReadingsImportPublic,
)
from api.security import Principal
from api.uploads import PROBLEM_JSON, UPLOAD_BODY, ImportRejectedError, Upload, read_upload
from gateway.history import HistoryRejectedError, import_history
from records.errors import ImportRejected, RecordsError
from records.importers import import_file
from records.store import RecordsStore

router = APIRouter(prefix="/imports", tags=["imports"])
log = logging.getLogger(__name__)


class RecordsKind(StrEnum):
    """The HR and operations files the records store takes (contracts §5)."""

    ABSENCES = "absences"
    STAFF = "staff"
    CALLS = "calls"
    NKI = "nki"
    FEEDBACK = "feedback"


DryRun = Annotated[
    bool, Query(description="check the file and say what would change; store nothing (also a form field)")
]


def _answers(model: type[BaseModel], unchanged: str) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI answers of an upload besides its 201."""
    return {
        200: {"model": model, "description": unchanged},
        413: {"description": f"over {IMPORT_BODY_BYTES >> 20} MiB: import the file with `officewell import` instead"},
        429: {"description": "another import is running; Retry-After says when to try again"},
        422: {
            "model": ImportRejectedPublic,
            "content": {PROBLEM_JSON: {}},
            "description": "the file was refused whole, naming each bad row and column; nothing was stored",
        },
    }


@router.post(
    "/readings",
    status_code=status.HTTP_201_CREATED,
    response_model=ReadingsImportPublic,
    responses=_answers(ReadingsImportPublic, "a dry run: nothing was stored"),
    openapi_extra=UPLOAD_BODY,
)
async def import_readings(
    request: Request, services: ServicesDep, principal: Authorized, dry_run: DryRun = False
) -> Any:
    """Import sensor history (CSV: ts, zone, device, quantity keys) into the reading store, checked like messages."""
    upload = await read_upload(request, "readings.csv")
    try:
        summary = await run_in_threadpool(_store_readings, services, upload, principal, dry_run or upload.dry_run)
    finally:
        await upload.close()
    # Storing points is idempotent: a repeated file is stored again and changes nothing.
    return JSONResponse(summary, status_code=status.HTTP_200_OK if summary["dry_run"] else status.HTTP_201_CREATED)


@router.post(
    "/{kind}",
    status_code=status.HTTP_201_CREATED,
    response_model=ImportSummaryPublic,
    responses=_answers(ImportSummaryPublic, "a dry run, or the same content imported before: nothing was stored"),
    openapi_extra=UPLOAD_BODY,
)
async def import_records(
    request: Request,
    kind: RecordsKind,
    services: ServicesDep,
    records: RecordsDep,
    principal: Authorized,
    dry_run: DryRun = False,
) -> Any:
    """Import an HR or operations file (CSV or XLSX) into the records store, whole or not at all."""
    upload = await read_upload(request, f"{kind.value}.csv")
    try:
        summary = await run_in_threadpool(
            _store_records, services, records, kind, upload, principal, dry_run or upload.dry_run
        )
    finally:
        await upload.close()
    created = summary["imported"]
    return JSONResponse(summary, status_code=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


@router.get("")
def import_batches(
    records: RecordsDep,
    _: Authorized,
    kind: Annotated[RecordsKind | None, Query(description="only files of this kind")] = None,
    limit: Annotated[int, Query(ge=1, le=bounds.MAX_PAGE, description="files per page")] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000, description="how many of the newest to skip")] = 0,
) -> ImportBatchesPublic:
    """The imported HR and operations files, newest first: who imported what, when, and what it replaced."""
    batches = records.import_batches(None if kind is None else kind.value)  # one row per file: a few hundred
    page = batches[::-1][offset : offset + limit]
    items = [
        ImportBatchPublic(
            id=b.id,
            kind=b.kind,
            file_name=b.file_name,
            sha256=b.sha256,
            rows=b.rows,
            inserted=b.inserted,
            replaced=b.replaced,
            trimmed=b.trimmed,
            period_start=b.period_start,
            period_end=b.period_end,
            teams=list(b.teams),
            actor=b.actor,
            imported_at=b.imported_at,
        )
        for b in page
    ]
    return ImportBatchesPublic(items=items, total=len(batches), limit=limit, offset=offset)


# One import at a time: a 50 MiB file parsed by pandas takes several times its size in memory, and two
# imports of one kind would replace each other's periods anyway. The next waits, then is turned away.
_IMPORTING = threading.BoundedSemaphore(1)
IMPORT_WAIT_S = 60.0


@contextmanager
def _one_at_a_time() -> Iterator[None]:
    """Hold the import slot; 429 with Retry-After when another import keeps it past IMPORT_WAIT_S."""
    if not _IMPORTING.acquire(timeout=IMPORT_WAIT_S):
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS, "Another import is running: try again in a minute", {"Retry-After": "60"}
        )
    try:
        yield
    finally:
        _IMPORTING.release()


def _store_records(
    services: Services, records: RecordsStore, kind: RecordsKind, upload: Upload, principal: Principal, dry_run: bool
) -> dict[str, Any]:
    """Run the records import (blocking, in the threadpool); its summary as the CLI's --json prints it."""
    with _one_at_a_time():
        return _import_records(services, records, kind, upload, principal, dry_run)


def _import_records(
    services: Services, records: RecordsStore, kind: RecordsKind, upload: Upload, principal: Principal, dry_run: bool
) -> dict[str, Any]:
    try:
        summary = import_file(
            records,
            kind.value,
            content=upload.read(),
            file_name=upload.name,
            site=services.site,
            dry_run=dry_run,
            actor=principal.username,
        )
    except ImportRejected as exc:
        raise ImportRejectedError(exc.file_name, exc.errors, exc.total) from None
    return summary.to_dict()


def _store_readings(services: Services, upload: Upload, principal: Principal, dry_run: bool) -> dict[str, Any]:
    """Run the history import (blocking, in the threadpool) from a copy under the file's own name."""
    with _one_at_a_time(), tempfile.TemporaryDirectory(prefix="officewell-upload-") as directory:
        path, sha = upload.save(Path(directory))  # the importer reads a path, and names it in its problems
        try:
            summary = import_history(path, services.site, services.store, dry_run=dry_run)
        except HistoryRejectedError as exc:
            _audit(services, principal, "import_rejected", upload.name, {"sha256": sha, "errors": exc.total}, dry_run)
            raise ImportRejectedError(exc.file_name, exc.problems, exc.total) from None
    details = {"sha256": sha, "rows": summary.rows, "points": summary.points, "first": summary.first}
    _audit(services, principal, "import_readings", upload.name, details | {"last": summary.last}, dry_run)
    return summary.to_dict()


def _audit(
    services: Services, principal: Principal, action: str, name: str, details: dict[str, Any], dry_run: bool
) -> None:
    """Note who imported sensor history, as the records importer notes its files (not for a dry run)."""
    if dry_run or services.records is None:
        return
    try:
        services.records.audit(principal.username, action, f"readings:{name}", details)
    except RecordsError:
        # Readings are rooms, not people, and are stored already: a missing note is logged, not a failed import.
        log.exception("could not write the audit entry of the readings import %s", name)
