"""Absence spells (absences.csv, contracts §5)."""

from __future__ import annotations

from collections import defaultdict

import pandas as pd
from sqlalchemy import Connection, select

from records.importers import common
from records.importers.columns import ColumnSpec
from records.importers.context import Context
from records.importers.kind import Kind, Period, Replaced, Scope, cut_out_period, outside_period
from records.importers.problems import ROW, Problems
from records.importers.values import numbers
from records.models import EXTENTS, Absence, ImportBatch, table_of

EMPLOYEE_ALIASES = (
    "anställningsnummer", "anst_nr", "anstnr", "anställningsnr", "employee", "employee_no", "employee_number",
    "medarbetare_id", "personal_id",
)  # fmt: skip
TEAM_ALIASES = ("svarsgrupp", "grupp", "group", "answer_group", "kö", "queue")
START_ALIASES = ("from", "fr_o_m", "fom", "från", "start", "startdatum", "from_date", "start_datum")
END_ALIASES = ("tom", "t_o_m", "to", "till", "slut", "slutdatum", "to_date", "end", "slut_datum")

COLUMNS = (
    ColumnSpec("employee_id", EMPLOYEE_ALIASES),
    ColumnSpec("team", TEAM_ALIASES),
    ColumnSpec("start_date", START_ALIASES),
    ColumnSpec("end_date", END_ALIASES),
    ColumnSpec("reason", ("orsak", "frånvaroorsak", "orsakskod", "cause", "typ", "type")),
    ColumnSpec(
        "extent_pct", ("omfattning", "omfattning_pct", "extent", "procent", "grad", "frånvarograd"), required=False
    ),
)

REASONS = {
    "sick": "sick", "sjuk": "sick", "sjukdom": "sick", "sjukfrånvaro": "sick", "sickness": "sick",
    "child_care": "child_care", "vab": "child_care", "vård_av_barn": "child_care", "childcare": "child_care",
    "other": "other", "övrigt": "other", "annat": "other", "övrig": "other",
}  # fmt: skip


def validate(frame: pd.DataFrame, ctx: Context, problems: Problems) -> pd.DataFrame:
    """Check every row; return the stored columns (employee pseudonyms, dates, reason, extent) and `_row`."""
    out = pd.DataFrame({ROW: frame[ROW]})
    out["employee"] = common.employees(frame, ctx, problems)
    out["team"] = common.teams(frame, ctx, problems)
    out["start_date"] = common.required_dates(frame, "start_date", ctx, problems, "start date")
    out["end_date"] = common.required_dates(frame, "end_date", ctx, problems, "end date")
    common.end_not_before_start(frame, out["start_date"], out["end_date"], "end_date", ctx, problems)
    out["reason"] = _reasons(frame, ctx, problems)
    out["extent_pct"] = _extents(frame, ctx, problems)
    # Same dates with another reason or extent is not a duplicate: 50 % sick and 50 % other may coincide.
    repeated = common.duplicates(
        frame,
        out,
        ["employee", "start_date", "end_date", "reason", "extent_pct"],
        ["team"],
        problems,
        "person, dates, reason and extent",
    )
    _overlaps(frame, out[~repeated], problems)
    return out


def _reasons(frame: pd.DataFrame, ctx: Context, problems: Problems) -> pd.Series:
    return common.choice(frame, "reason", REASONS, ctx, problems, "use sick (sjuk), child_care (vab) or other (övrigt)")


def _extents(frame: pd.DataFrame, ctx: Context, problems: Problems) -> pd.Series:
    if "extent_pct" not in frame:
        return pd.Series(100, index=frame.index, dtype="Int64")
    cells = frame["extent_pct"].str.replace(r"\s*%$", "", regex=True)
    values, bad = numbers(cells)
    values = values.fillna(100.0).where(~bad)  # empty = full-time absence (the contract's default)
    wrong = ~values.isin([float(e) for e in EXTENTS]) & ~bad
    label = ctx.label("extent_pct")
    problems.flag(
        frame, bad | wrong, label, lambda row: f"extent {ctx.show(row['extent_pct'])} is not 25, 50, 75 or 100"
    )
    return values.where(~wrong & ~bad).round().astype("Int64")


def _overlaps(frame: pd.DataFrame, clean: pd.DataFrame, problems: Problems) -> None:
    # Part-time spells may overlap while together at most 100 %; checking each spell's first day suffices,
    # because the load of a person only rises on a day a spell starts.
    rows = clean.dropna(subset=["employee", "start_date", "end_date", "extent_pct"])
    rows = rows[rows["end_date"] >= rows["start_date"]].sort_values(["employee", "start_date", ROW])
    active: dict[str, list[tuple[pd.Timestamp, int, int]]] = defaultdict(list)
    for employee, start, end, extent, row in zip(
        rows["employee"], rows["start_date"], rows["end_date"], rows["extent_pct"], rows[ROW], strict=True
    ):
        spells = [s for s in active[employee] if s[0] >= start]
        if spells and sum(s[1] for s in spells) + int(extent) > 100:
            problems.add(int(row), None, _overlap_message(spells, int(extent)))
        spells.append((end, int(extent), int(row)))
        active[employee] = spells


def _overlap_message(spells: list[tuple[pd.Timestamp, int, int]], extent: int) -> str:
    others = ", ".join(str(s[2]) for s in spells)
    if extent == 100 and all(s[1] == 100 for s in spells):
        return f"overlaps the spell in row {others} of the same person: merge or correct the spells"
    return f"overlaps the spell(s) in row {others} of the same person and together they exceed 100 %"


def scope(clean: pd.DataFrame, period: Period | None, ctx: Context, problems: Problems) -> Scope:
    """The file's teams from its first start to its last end, widened to the period given."""
    if period is not None:
        outside_period(clean, clean["start_date"], clean["end_date"], period, "start_date", ctx, problems)
    teams = tuple(sorted(clean["team"].unique()))
    return Scope.spanning(teams, clean["start_date"].min(), clean["end_date"].max(), period)


def replace(conn: Connection, scope: Scope) -> Replaced:
    """Stored spells of the file's teams lose the file's period (deleted inside it, cut where they reach out)."""
    return cut_out_period(conn, table_of(Absence), scope)


def check_stored(conn: Connection, clean: pd.DataFrame, scope: Scope, ctx: Context, problems: Problems) -> None:
    """A new spell may not clash with a stored one of the same person that stays (e.g. in another team)."""
    t = table_of(Absence).c
    people = list(clean["employee"].unique())
    stored: list[tuple[str, object, object, int, str, str | None]] = []
    for i in range(0, len(people), 500):
        stored += [
            tuple(r)
            for r in conn.execute(
                select(t.employee, t.start_date, t.end_date, t.extent_pct, t.team, ImportBatch.file_name)
                .outerjoin(ImportBatch, ImportBatch.id == t.batch_id)
                .where(t.employee.in_(people[i : i + 500]))
            )
        ]
    if not stored:
        return
    kept = pd.DataFrame(stored, columns=["employee", "s_start", "s_end", "s_extent", "s_team", "s_file"])
    kept["s_start"] = pd.to_datetime(kept["s_start"]).astype("datetime64[ns]")
    kept["s_end"] = pd.to_datetime(kept["s_end"]).astype("datetime64[ns]")
    pairs = clean.merge(kept, on="employee")
    clash = (pairs["s_start"] <= pairs["end_date"]) & (pairs["s_end"] >= pairs["start_date"])
    clash &= (pairs["s_extent"] + pairs["extent_pct"].astype("int64")) > 100
    for _, row in pairs[clash].drop_duplicates(ROW).iterrows():
        source = f" imported from {row['s_file']}" if row["s_file"] else ""
        problems.add(
            int(row[ROW]),
            None,
            f"overlaps a stored spell of the same person ({row['s_start'].date()} – {row['s_end'].date()}, "
            f"team {row['s_team']}{source}) that this file does not replace",
        )


KIND = Kind("absences", table_of(Absence), COLUMNS, validate, scope, replace, check_stored)
