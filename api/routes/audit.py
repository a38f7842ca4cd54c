"""The audit log for HR and admin: who read absence-derived data, and who changed what; as pages or one CSV file."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, status
from fastapi.responses import StreamingResponse

from api import bounds
from api.deps import Authorized, RecordsDep
from api.schemas_admin import AuditEntryPublic, AuditPublic
from records.store import AuditEntry, RecordsStore

router = APIRouter(tags=["audit"])

ActorQuery = Annotated[str | None, Query(max_length=100, description="one user, e.g. anna or token:nightly import")]
ActionQuery = Annotated[str | None, Query(max_length=64, description="read, import, user_add, token_revoke, …")]
SinceQuery = Annotated[datetime | None, Query(description="entries at or after this instant (timezone-aware)")]
UntilQuery = Annotated[datetime | None, Query(description="entries before this instant (timezone-aware)")]
EXPORT_PAGE = 1000
EXPORT_MAX = 1_000_000  # a bound on one export; filter by time for more


def _window(since: datetime | None, until: datetime | None) -> tuple[datetime | None, datetime | None]:
    since = bounds.instant(since, "since") if since is not None else None
    until = bounds.instant(until, "until") if until is not None else None
    if since is not None and until is not None and until <= since:
        raise bounds.refuse("until must be after since")
    return since, until


def _public(entry: AuditEntry) -> AuditEntryPublic:
    return AuditEntryPublic(
        id=entry.id,
        at=entry.at,
        actor=entry.actor,
        action=entry.action,
        resource=entry.resource,
        details=dict(entry.details),
    )


@router.get("/audit")
def audit_log(
    records: RecordsDep,
    _: Authorized,
    actor: ActorQuery = None,
    action: ActionQuery = None,
    since: SinceQuery = None,
    until: UntilQuery = None,
    limit: Annotated[int, Query(ge=1, le=1000, description="at most this many")] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000, description="skip this many")] = 0,
) -> AuditPublic:
    """The audit log, newest first: reads of absence-derived data (`read`) and every change."""
    since, until = _window(since, until)
    entries, total = records.audit_page(
        actor=actor, action=action, since=since, until=until, limit=limit, offset=offset
    )
    return AuditPublic(items=[_public(e) for e in entries], total=total, limit=limit, offset=offset)


@router.get(
    "/audit.csv",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {}}, "description": "the filtered log as CSV, newest first"}},
)
def audit_export(
    records: RecordsDep,
    _: Authorized,
    actor: ActorQuery = None,
    action: ActionQuery = None,
    since: SinceQuery = None,
    until: UntilQuery = None,
) -> StreamingResponse:
    """The filtered audit log as one CSV file (id, at, actor, action, resource, details as JSON)."""
    since, until = _window(since, until)
    total = records.audit_page(actor=actor, action=action, since=since, until=until, limit=1)[1]
    if total > EXPORT_MAX:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            f"{total} entries match: at most {EXPORT_MAX} per export; narrow it with since and until",
        )
    rows = _csv(records, actor, action, since, until)
    headers = {"Content-Disposition": 'attachment; filename="officewell-audit.csv"', "Cache-Control": "no-store"}
    return StreamingResponse(rows, media_type="text/csv; charset=utf-8", headers=headers)


def _csv(
    records: RecordsStore, actor: str | None, action: str | None, since: datetime | None, until: datetime | None
) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["id", "at", "actor", "action", "resource", "details"])
    before: int | None = None
    while True:
        entries, _ = records.audit_page(
            actor=actor, action=action, since=since, until=until, limit=EXPORT_PAGE, before_id=before
        )
        for e in entries:
            # A cell starting with = + - @ would run as a formula in a spreadsheet: prefix it (OWASP CSV injection).
            writer.writerow(
                [
                    e.id,
                    e.at.isoformat(),
                    _cell(e.actor),
                    e.action,
                    _cell(e.resource),
                    _cell(json.dumps(dict(e.details), ensure_ascii=False, sort_keys=True)),
                ]
            )
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        if len(entries) < EXPORT_PAGE:
            return
        before = entries[-1].id


def _cell(value: str) -> str:
    # Also behind leading blanks and line breaks, which some spreadsheets skip before reading a formula.
    return "'" + value if value.lstrip(" \t\r\n")[:1] in ("=", "+", "-", "@") or value[:1] in ("\t", "\r") else value
