"""Query functions that hand records to the analytics as pandas DataFrames with fixed columns."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

import pandas as pd
from sqlalchemy import Connection, Select, String, or_, select, type_coerce
from sqlalchemy.sql.elements import ColumnElement

from records.errors import InvalidRequestError
from records.models import Absence, CallInterval, Feedback, NkiResult, StaffRow, table_of

ABSENCE_COLUMNS = ["employee", "team", "start_date", "end_date", "reason", "extent_pct"]
STAFF_COLUMNS = ["employee", "team", "start_date", "end_date", "fte"]
CALL_COLUMNS = ["interval_start", "team", "offered", "answered", "abandoned"]
NKI_COLUMNS = ["period_start", "period_end", "team", "dimension", "score", "responses"]
FEEDBACK_COLUMNS = ["received_date", "department", "category", "channel", "failure_demand"]


def _raw(column: object) -> ColumnElement[str]:
    # Skip SQLAlchemy's per-row type conversion: pandas converts whole columns much faster.
    return type_coerce(column, String()).label(str(getattr(column, "key", "")))


def _dates(series: pd.Series) -> pd.Series:
    return pd.to_datetime(series, format="ISO8601").astype("datetime64[ns]")


def _frame(conn: Connection, query: Select[tuple[str, ...]], columns: list[str]) -> pd.DataFrame:
    result = conn.execute(query)
    # Plain tuples straight from the DB-API cursor: the columns were selected raw (see _raw) on purpose.
    rows = result.cursor.fetchall() if result.cursor is not None else []
    result.close()
    # Column-wise construction: pandas probing 400k SQLAlchemy Row objects one by one is slow.
    values = list(zip(*rows, strict=True)) if rows else [() for _ in columns]
    return pd.DataFrame({name: pd.Series(list(v), dtype="object") for name, v in zip(columns, values, strict=True)})


def _team_filter(column: ColumnElement[str], teams: Sequence[str] | None) -> list[ColumnElement[bool]]:
    return [column.in_(list(teams))] if teams is not None else []


def absences_frame(
    conn: Connection, start: date | None = None, end: date | None = None, teams: Sequence[str] | None = None
) -> pd.DataFrame:
    """Absence spells overlapping [start, end]: employee, team, start/end dates (inclusive), reason, extent_pct."""
    t = table_of(Absence).c
    where = _team_filter(t.team, teams)
    if start is not None:
        where.append(t.end_date >= start)
    if end is not None:
        where.append(t.start_date <= end)
    query = (
        select(t.employee, t.team, _raw(t.start_date), _raw(t.end_date), t.reason, t.extent_pct)
        .where(*where)
        .order_by(t.start_date, t.team, t.employee)
    )
    frame = _frame(conn, query, ABSENCE_COLUMNS)
    frame["start_date"] = _dates(frame["start_date"])
    frame["end_date"] = _dates(frame["end_date"])
    frame["extent_pct"] = frame["extent_pct"].astype("int64")
    return frame.astype({"employee": "str", "team": "str", "reason": "str"})


def staff_frame(
    conn: Connection, start: date | None = None, end: date | None = None, teams: Sequence[str] | None = None
) -> pd.DataFrame:
    """Roster rows overlapping [start, end]: employee, team, start_date, end_date (NaT = ongoing), fte."""
    t = table_of(StaffRow).c
    where = _team_filter(t.team, teams)
    if start is not None:
        where.append(or_(t.end_date.is_(None), t.end_date >= start))
    if end is not None:
        where.append(t.start_date <= end)
    query = (
        select(t.employee, t.team, _raw(t.start_date), _raw(t.end_date), t.fte)
        .where(*where)
        .order_by(t.start_date, t.team, t.employee)
    )
    frame = _frame(conn, query, STAFF_COLUMNS)
    frame["start_date"] = _dates(frame["start_date"])
    frame["end_date"] = _dates(frame["end_date"])
    frame["fte"] = frame["fte"].astype("float64")
    return frame.astype({"employee": "str", "team": "str"})


def calls_frame(
    conn: Connection, start: datetime | None = None, end: datetime | None = None, teams: Sequence[str] | None = None
) -> pd.DataFrame:
    """Call intervals with start <= interval_start < end: interval_start (UTC), team, offered, answered, abandoned."""
    for bound in (start, end):
        if bound is not None and bound.tzinfo is None:
            raise InvalidRequestError("calls_frame needs timezone-aware bounds")
    t = table_of(CallInterval).c
    where = _team_filter(t.team, teams)
    if start is not None:
        where.append(t.interval_start >= start)
    if end is not None:
        where.append(t.interval_start < end)
    query = (
        select(_raw(t.interval_start), t.team, t.offered, t.answered, t.abandoned)
        .where(*where)
        .order_by(t.interval_start, t.team)
    )
    frame = _frame(conn, query, CALL_COLUMNS)
    frame["interval_start"] = pd.to_datetime(frame["interval_start"], format="ISO8601", utc=True).astype(
        "datetime64[ns, UTC]"
    )
    frame["offered"] = frame["offered"].astype("int64")
    frame["answered"] = frame["answered"].astype("int64")
    frame["abandoned"] = frame["abandoned"].astype("Int64")  # the column is optional in exports
    return frame.astype({"team": "str"})


def nki_frame(
    conn: Connection, start: date | None = None, end: date | None = None, teams: Sequence[str | None] | None = None
) -> pd.DataFrame:
    """NKI results overlapping [start, end]: period dates, team (None = whole centre), dimension, score, responses."""
    t = table_of(NkiResult).c
    where: list[ColumnElement[bool]] = []
    if teams is not None:
        named = [x for x in teams if x is not None]
        where.append(or_(t.team.in_(named), t.team.is_(None)) if None in teams else t.team.in_(named))
    if start is not None:
        where.append(t.period_end >= start)
    if end is not None:
        where.append(t.period_start <= end)
    query = (
        select(_raw(t.period_start), _raw(t.period_end), t.team, t.dimension, t.score, t.responses)
        .where(*where)
        .order_by(t.period_start, t.team.nulls_first(), t.dimension)
    )
    frame = _frame(conn, query, NKI_COLUMNS)
    frame["period_start"] = _dates(frame["period_start"])
    frame["period_end"] = _dates(frame["period_end"])
    frame["team"] = frame["team"].astype("object").where(frame["team"].notna(), None)
    frame["score"] = frame["score"].astype("float64")
    frame["responses"] = frame["responses"].astype("int64")
    return frame.astype({"dimension": "str"})


def feedback_frame(conn: Connection, start: date | None = None, end: date | None = None) -> pd.DataFrame:
    """Citizen feedback received start..end (inclusive): received_date, department, category, channel, failure_demand.

    channel is None where the export did not say; failure_demand a nullable boolean (<NA>: not tagged).
    """
    t = table_of(Feedback).c
    where: list[ColumnElement[bool]] = []
    if start is not None:
        where.append(t.received_date >= start)
    if end is not None:
        where.append(t.received_date <= end)
    query = (
        select(_raw(t.received_date), t.department, t.category, t.channel, t.failure_demand)
        .where(*where)
        .order_by(t.received_date, t.id)
    )
    frame = _frame(conn, query, FEEDBACK_COLUMNS)
    frame["received_date"] = _dates(frame["received_date"])
    frame["channel"] = frame["channel"].astype("object").where(frame["channel"].notna(), None)
    # The driver's own values: SQLite gives 1/0, PostgreSQL True/False (1 == True, so one mapping serves both).
    frame["failure_demand"] = frame["failure_demand"].map({True: True, False: False}).astype("boolean")
    return frame.astype({"department": "str", "category": "str"})
