"""Retention and erasure over HTTP: admin's doors (api.access), what `officewell records purge|erase` does."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, status
from pydantic import BaseModel, ConfigDict, Field

from api.deps import Authorized, RecordsDep, TodayDep
from records.errors import InvalidRequestError
from records.retention import DEFAULT_ABSENCE_RETENTION_MONTHS, erase_person, purge_absences

router = APIRouter(prefix="/records", tags=["retention"])


class PurgeCreate(BaseModel):
    """How many months of ended absence spells to keep."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"months": 24}]})

    months: int = Field(DEFAULT_ABSENCE_RETENTION_MONTHS, ge=1, le=1200)


class PurgePublic(BaseModel):
    """What a retention run deleted."""

    cutoff: str = Field(description="spells that ended before this day were deleted")
    absences_deleted: int


class ErasureCreate(BaseModel):
    """One person to erase: the employee id as HR knows it, or the pseudonym."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"employee_id": "E1042", "reason": "request of 2026-11-30, case 2026/1183"}]},
    )

    employee_id: Annotated[str | None, Field(min_length=1, max_length=64)] = None
    pseudonym: Annotated[str | None, Field(min_length=64, max_length=64)] = None
    reason: str = Field("erasure request", max_length=200)


class ErasurePublic(BaseModel):
    """What erasing one person deleted; `subject` is the pseudonym's first 8 hex digits, to match a request."""

    subject: str
    absences_deleted: int
    staff_deleted: int


@router.post("/purge")
def purge(body: PurgeCreate, records: RecordsDep, today: TodayDep, principal: Authorized) -> PurgePublic:
    """Delete absence spells that ended more than `months` months ago (site time); audited."""
    try:
        result = purge_absences(records, body.months, today=today, actor=principal.username)
    except InvalidRequestError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from None
    return PurgePublic(cutoff=result.cutoff.isoformat(), absences_deleted=result.absences_deleted)


@router.post("/erase")
def erase(body: ErasureCreate, records: RecordsDep, principal: Authorized) -> ErasurePublic:
    """Erase every absence and roster row of one person, on request (GDPR art. 17); audited without the raw id."""
    try:
        result = erase_person(
            records, raw_id=body.employee_id, pseudonym=body.pseudonym, actor=principal.username, reason=body.reason
        )
    except InvalidRequestError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from None
    return ErasurePublic(**result.to_dict())  # type: ignore[arg-type]
