"""Call intervals from the telephony/ACD export (calls.csv, contracts §5)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pandas as pd
from sqlalchemy import Connection, and_, delete

from records.importers import common
from records.importers.absences import TEAM_ALIASES
from records.importers.columns import ColumnSpec
from records.importers.context import Context
from records.importers.kind import Kind, Period, Replaced, Scope
from records.importers.problems import ROW, Problems
from records.importers.values import blank, timestamps
from records.models import CallInterval, table_of

COLUMNS = (
    ColumnSpec(
        "interval_start",
        ("intervall", "interval", "intervallstart", "intervall_start", "starttid", "tidpunkt", "datum_tid", "tid"),
    ),
    ColumnSpec("team", TEAM_ALIASES),
    ColumnSpec("offered", ("erbjudna", "erbjudet", "inkommande", "inkomna", "antal_samtal", "calls_offered")),
    ColumnSpec("answered", ("besvarade", "besvarat", "calls_answered")),
    ColumnSpec(
        "abandoned", ("avbrutna", "avbrutet", "tappade", "förlorade", "calls_abandoned", "lost"), required=False
    ),
)


def validate(frame: pd.DataFrame, ctx: Context, problems: Problems) -> pd.DataFrame:
    """Check every row; return interval_start (UTC), team, counts and `_row`."""
    out = pd.DataFrame({ROW: frame[ROW]})
    out["team"] = common.teams(frame, ctx, problems)
    out["interval_start"] = _instants(frame, out["team"], ctx, problems)
    out["offered"] = common.counts(frame, "offered", ctx, problems)
    out["answered"] = common.counts(frame, "answered", ctx, problems)
    out["abandoned"] = common.counts(frame, "abandoned", ctx, problems, required=False)
    problems.flag(
        frame,
        (out["answered"] > out["offered"]).fillna(False),
        ctx.label("answered"),
        lambda row: f"answered ({row['answered']}) is more than offered ({row['offered']})",
    )
    unanswered = out["offered"] - out["answered"]
    problems.flag(
        frame,
        ((out["abandoned"] > unanswered) & (unanswered >= 0)).fillna(False),
        ctx.label("abandoned") if ctx.has("abandoned") else "abandoned",
        lambda row: f"abandoned ({row['abandoned']}) is more than offered − answered",
    )
    common.duplicates(
        frame, out, ["team", "interval_start"], ["offered", "answered", "abandoned"], problems, "team and interval"
    )
    return out


def _instants(frame: pd.DataFrame, teams: pd.Series, ctx: Context, problems: Problems) -> pd.Series:
    cells = frame["interval_start"]
    label = ctx.label("interval_start")
    values, bad, unresolved = timestamps(cells, ctx.tz, teams.fillna(""))
    problems.flag(frame, blank(cells), label, "the interval start is empty")
    problems.flag(
        frame,
        bad,
        label,
        lambda row: (
            f"{ctx.show(row['interval_start'])} is not a date and time: use YYYY-MM-DD HH:MM "
            "(site time) or add an offset such as +01:00"
        ),
    )
    problems.flag(
        frame,
        unresolved,
        label,
        lambda row: (
            f"{ctx.show(row['interval_start'])} does not exist or is ambiguous in {ctx.tz.key} "
            "(daylight-saving change): add the UTC offset"
        ),
    )
    return values


def scope(clean: pd.DataFrame, period: Period | None, ctx: Context, problems: Problems) -> Scope:
    """The file's teams from the first to the last interval start, or the whole local days of the period given."""
    teams = tuple(sorted(clean["team"].unique()))
    if period is None:
        return Scope(
            teams, clean["interval_start"].min().to_pydatetime(), clean["interval_start"].max().to_pydatetime()
        )
    start = datetime.combine(period[0], time(0), ctx.tz)
    end = datetime.combine(period[1] + timedelta(days=1), time(0), ctx.tz) - timedelta(microseconds=1)
    problems.flag(
        clean,
        (clean["interval_start"] < start) | (clean["interval_start"] > end),
        ctx.label("interval_start"),
        f"outside the period given for this export ({period[0]} – {period[1]})",
    )
    return Scope(teams, start, end)


def replace(conn: Connection, scope: Scope) -> Replaced:
    """Stored intervals of the file's teams from its first to its last interval start are deleted."""
    t = table_of(CallInterval).c
    window = and_(t.team.in_(list(scope.teams)), t.interval_start >= scope.start, t.interval_start <= scope.end)
    return Replaced(conn.execute(delete(table_of(CallInterval)).where(window)).rowcount, 0)


KIND = Kind("calls", table_of(CallInterval), COLUMNS, validate, scope, replace)
