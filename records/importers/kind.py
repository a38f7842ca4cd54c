"""What each kind of file (absences, staff, calls, nki, feedback) supplies to the common import pipeline."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pandas as pd
from sqlalchemy import Connection, Date, Table, and_, delete, insert, literal, or_, select, update

from records.importers.columns import ColumnSpec
from records.importers.context import Context
from records.importers.problems import Problems


@dataclass(frozen=True)
class Replaced:
    """What a file did to stored rows: deleted outright, or cut back to their part outside its period."""

    deleted: int
    trimmed: int


@dataclass(frozen=True)
class Scope:
    """What a file covers, and so what it replaces: its teams (None = whole centre) and period (inclusive).

    `end` None means open-ended (a roster with ongoing rows).
    """

    teams: tuple[str | None, ...]
    start: date | datetime
    end: date | datetime | None

    @classmethod
    def spanning(
        cls,
        teams: tuple[str | None, ...],
        first: pd.Timestamp,
        last: pd.Timestamp | None,
        period: Period | None,
    ) -> Scope:
        """The span of the rows, widened to the period given for the export (if any); `last` None = open."""
        start = first.date() if period is None else min(first.date(), period[0])
        end = None if last is None else (last.date() if period is None else max(last.date(), period[1]))
        return cls(teams, start, end)

    def describe(self) -> tuple[str, str | None]:
        """The period as ISO text."""
        return self.start.isoformat(), None if self.end is None else self.end.isoformat()


# (start, end) dates the user says the export covers, overriding the span of its rows.
Period = tuple[date, date]


@dataclass(frozen=True)
class Kind:
    """One kind of file: its columns, how its rows are checked, what it covers and what it replaces."""

    name: str
    table: Table
    columns: tuple[ColumnSpec, ...]
    validate: Callable[[pd.DataFrame, Context, Problems], pd.DataFrame]
    scope: Callable[[pd.DataFrame, Period | None, Context, Problems], Scope]
    replace: Callable[[Connection, Scope], Replaced]
    check_stored: Callable[[Connection, pd.DataFrame, Scope, Context, Problems], None] | None = None
    note_on_ignored: str = ""  # said in the summary's notes when a file has columns the kind does not read


def outside_period(
    frame: pd.DataFrame,
    first: pd.Series,
    last: pd.Series,
    period: Period,
    column: str,
    ctx: Context,
    problems: Problems,
) -> None:
    """Rows must overlap a period the user gave for the export."""
    start, end = pd.Timestamp(period[0]), pd.Timestamp(period[1])
    problems.flag(
        frame,
        (last < start) | (first > end),
        ctx.label(column),
        f"outside the period given for this export ({period[0]} – {period[1]})",
    )


def cut_out_period(conn: Connection, table: Table, scope: Scope) -> Replaced:
    """Take the scope's period out of the stored spans (start_date..end_date) of the scope's teams.

    Spans inside the period are deleted. A span reaching outside keeps its part(s) outside: it is cut to end the
    day before the period, start the day after it, or (covering the whole period) split in two. An empty
    end_date is an open end. The file's rows then fill the period without overlapping what stays.
    """
    t = table.c
    team = t.team.in_([x for x in scope.teams if x is not None])
    first = scope.start
    assert isinstance(first, date)
    day = timedelta(days=1)
    trimmed = 0
    if scope.end is not None:
        last = scope.end
        assert isinstance(last, date)
        reaches_past = or_(t.end_date.is_(None), t.end_date > last)
        # Spans covering the whole period keep a copy of their tail after it (before their head is cut below).
        columns = [c for c in table.columns if c.name != "id"]
        tail = select(
            *[literal(last + day, Date()).label(c.name) if c.name == "start_date" else c for c in columns]
        ).where(team, t.start_date < first, reaches_past)
        conn.execute(insert(table).from_select([c.name for c in columns], tail))
        trimmed += conn.execute(
            update(table)
            .where(team, t.start_date >= first, t.start_date <= last, reaches_past)
            .values(start_date=last + day)
        ).rowcount
        inside = and_(team, t.start_date >= first, t.end_date <= last)
    else:
        inside = and_(team, t.start_date >= first)
    trimmed += conn.execute(
        update(table)
        .where(team, t.start_date < first, or_(t.end_date.is_(None), t.end_date >= first))
        .values(end_date=first - day)
    ).rowcount
    return Replaced(conn.execute(delete(table).where(inside)).rowcount, trimmed)
