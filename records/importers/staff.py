"""Roster rows (staff.csv, contracts §5)."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Connection

from records.importers import common
from records.importers.absences import EMPLOYEE_ALIASES, END_ALIASES, START_ALIASES, TEAM_ALIASES
from records.importers.columns import ColumnSpec
from records.importers.context import Context
from records.importers.kind import Kind, Period, Replaced, Scope, cut_out_period, outside_period
from records.importers.problems import ROW, Problems
from records.importers.values import blank, numbers
from records.models import StaffRow, table_of

COLUMNS = (
    ColumnSpec("employee_id", EMPLOYEE_ALIASES),
    ColumnSpec("team", TEAM_ALIASES),
    ColumnSpec("start_date", (*START_ALIASES, "anställd_från", "anställningsdatum")),
    ColumnSpec("end_date", (*END_ALIASES, "anställd_till"), required=False),
    ColumnSpec("fte", ("sysselsättningsgrad", "tjänstgöringsgrad", "tjänstgrad", "omfattning", "heltid", "fte_share")),
)

FAR_FUTURE = pd.Timestamp("2100-12-31")


def validate(frame: pd.DataFrame, ctx: Context, problems: Problems) -> pd.DataFrame:
    """Check every row; return the stored columns and `_row` (end_date NaT = ongoing)."""
    out = pd.DataFrame({ROW: frame[ROW]})
    out["employee"] = common.employees(frame, ctx, problems)
    out["team"] = common.teams(frame, ctx, problems)
    out["start_date"] = common.required_dates(frame, "start_date", ctx, problems, "start date")
    out["end_date"] = common.optional_dates(frame, "end_date", ctx, problems)
    if "end_date" in frame:
        common.end_not_before_start(frame, out["start_date"], out["end_date"], "end_date", ctx, problems)
    out["fte"] = _fte(frame, ctx, problems)
    repeated = common.duplicates(
        frame, out, ["employee", "team", "start_date"], ["end_date", "fte"], problems, "person, team and start date"
    )
    _overlaps(out[~repeated], problems)
    return out


def _fte(frame: pd.DataFrame, ctx: Context, problems: Problems) -> pd.Series:
    cells = frame["fte"]
    percent = cells.str.contains(r"%\s*$", regex=True).fillna(False).astype(bool)
    values, bad = numbers(cells.str.replace(r"\s*%\s*$", "", regex=True))
    values = values.where(~percent, values / 100)  # '75 %' is how Swedish rosters write 0.75
    label = ctx.label("fte")
    problems.flag(frame, blank(cells), label, "fte is empty: write the full-time share, e.g. 0,75 or 75 %")
    problems.flag(frame, bad, label, lambda row: f"{ctx.show(row['fte'])} is not a number")
    problems.flag(
        frame,
        (values < 0) | (values > 1),
        label,
        lambda row: f"fte {ctx.show(row['fte'])} is outside 0–1: write e.g. 0,75 or 75 %",
    )
    return values.where((values >= 0) & (values <= 1))


def _overlaps(clean: pd.DataFrame, problems: Problems) -> None:
    # The same person twice in the same team at once is a copy-paste mistake; two teams at once is allowed.
    rows = clean.dropna(subset=["employee", "team", "start_date"]).sort_values(["employee", "team", "start_date", ROW])
    last: dict[tuple[str, str], tuple[pd.Timestamp, int]] = {}
    for employee, team, start, end, row in zip(
        rows["employee"], rows["team"], rows["start_date"], rows["end_date"], rows[ROW], strict=True
    ):
        key = (employee, team)
        until = FAR_FUTURE if pd.isna(end) else end
        seen = last.get(key)
        if seen is not None and start <= seen[0]:
            problems.add(int(row), None, f"overlaps row {seen[1]}: the same person twice in team {team} at once")
        if seen is None or until > seen[0]:
            last[key] = (until, int(row))


def scope(clean: pd.DataFrame, period: Period | None, ctx: Context, problems: Problems) -> Scope:
    """The file's teams from the first start to the last end (open if any row is ongoing), widened to the period."""
    if period is not None:
        outside_period(
            clean, clean["start_date"], clean["end_date"].fillna(FAR_FUTURE), period, "start_date", ctx, problems
        )
    teams = tuple(sorted(clean["team"].unique()))
    last = None if clean["end_date"].isna().any() else clean["end_date"].max()
    return Scope.spanning(teams, clean["start_date"].min(), last, period)


def replace(conn: Connection, scope: Scope) -> Replaced:
    """Stored roster rows of the file's teams lose the file's period (so history before it stays)."""
    return cut_out_period(conn, table_of(StaffRow), scope)


KIND = Kind("staff", table_of(StaffRow), COLUMNS, validate, scope, replace)
