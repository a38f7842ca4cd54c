"""Goal follow-up: weekly answer rate against 95 %, NKI against its targets, the tertial report."""

from __future__ import annotations

import math
from datetime import date, datetime, time, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import pandas as pd
from fastapi import APIRouter, HTTPException, Query, status

from api.deps import GoalReader, RecordsDep, ServicesDep
from models.goals import nki_follow_up, tertial_report, weekly_answer_rate

router = APIRouter(prefix="/goals", tags=["goals"])


def _json_rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows with dates as ISO text and NaN/NA as null."""
    rows = []
    for row in frame.to_dict("records"):
        out: dict[str, Any] = {}
        for key, value in row.items():
            if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
                out[str(key)] = None
            elif isinstance(value, pd.Timestamp | date):
                out[str(key)] = value.isoformat()
            elif hasattr(value, "item"):
                out[str(key)] = value.item()  # numpy scalars
            else:
                out[str(key)] = value
        rows.append(out)
    return rows


def _local_days(tz: ZoneInfo, first: date, last: date) -> tuple[datetime, datetime]:
    """The instants from local midnight of `first` to local midnight after `last`."""
    return datetime.combine(first, time(), tz), datetime.combine(last + timedelta(days=1), time(), tz)


@router.get("/answer-rate/weekly")
def weekly(
    services: ServicesDep,
    records: RecordsDep,
    _: GoalReader,
    start: Annotated[date | None, Query(description="first day; default 12 weeks before end")] = None,
    end: Annotated[date | None, Query(description="last day; default today")] = None,
    team: Annotated[str | None, Query(description="one answer group, or 'total' for the centre")] = None,
) -> dict[str, Any]:
    """Answer rate per ISO week and answer group, and for the whole centre ("total"), against 95 %."""
    end = end or datetime.now(services.site.site.tz).date()
    start = start or end - timedelta(weeks=12)
    if end < start:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "end is before start")
    calls = records.calls_frame(*_local_days(services.site.site.tz, start, end))
    rows = weekly_answer_rate(calls, tz=services.site.site.timezone)
    if team is not None:
        rows = rows[rows["team"] == team]
    return {"target": 0.95, "start": start.isoformat(), "end": end.isoformat(), "weeks": _json_rows(rows)}


@router.get("/nki")
def nki(records: RecordsDep, _: GoalReader) -> dict[str, Any]:
    """NKI per period, answer group and dimension against the targets (treatment 4.3, knowledge 4.0)."""
    return {"results": _json_rows(nki_follow_up(records.nki_frame()))}


@router.get("/tertial/{year}")
def tertial(year: int, services: ServicesDep, records: RecordsDep, _: GoalReader) -> dict[str, Any]:
    """The tertial report's figures for a year: T1 Jan–Apr, T2 May–Aug, T3 Sep–Dec."""
    if not 2000 <= year <= 2100:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "year must be between 2000 and 2100")
    calls = records.calls_frame(*_local_days(services.site.site.tz, date(year, 1, 1), date(year, 12, 31)))
    report = tertial_report(calls, records.nki_frame(), year, tz=services.site.site.timezone)
    return report.as_dict()
