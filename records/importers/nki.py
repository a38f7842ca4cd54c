"""Customer satisfaction (NKI) results (nki.csv, contracts §5)."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Connection, and_, delete, or_

from records.importers import common
from records.importers.absences import TEAM_ALIASES
from records.importers.columns import ColumnSpec
from records.importers.context import Context
from records.importers.kind import Kind, Period, Replaced, Scope, outside_period
from records.importers.problems import ROW, Problems
from records.importers.values import blank, numbers
from records.models import NkiResult, table_of

COLUMNS = (
    ColumnSpec("period_start", ("period_från", "period_from", "periodstart", "från", "from", "fom", "fr_o_m", "start")),
    ColumnSpec("period_end", ("period_till", "period_tom", "period_to", "periodslut", "till", "tom", "t_o_m", "end")),
    ColumnSpec("team", TEAM_ALIASES, required=False),
    ColumnSpec("dimension", ("fråga", "frågeområde", "område", "aspekt", "delindex", "faktor")),
    ColumnSpec("score", ("betyg", "värde", "resultat", "medel", "medelvärde", "snitt")),
    ColumnSpec("responses", ("svar", "antal_svar", "svarande", "antal", "n")),
)

DIMENSIONS = {
    "treatment": "treatment", "bemötande": "treatment",
    "knowledge": "knowledge", "kunskap": "knowledge", "kompetens": "knowledge",
    "accessibility": "accessibility", "tillgänglighet": "accessibility",
    "overall": "overall", "nki": "overall", "helhet": "overall", "helhetsbetyg": "overall", "totalt": "overall",
    "sammantaget": "overall",
}  # fmt: skip


def validate(frame: pd.DataFrame, ctx: Context, problems: Problems) -> pd.DataFrame:
    """Check every row; return the stored columns (team None = whole centre) and `_row`."""
    out = pd.DataFrame({ROW: frame[ROW]})
    out["period_start"] = common.required_dates(frame, "period_start", ctx, problems, "period start")
    out["period_end"] = common.required_dates(frame, "period_end", ctx, problems, "period end")
    common.end_not_before_start(frame, out["period_start"], out["period_end"], "period_end", ctx, problems)
    out["team"] = common.teams(frame, ctx, problems, centre_when_blank=True)
    out["dimension"] = _dimensions(frame, ctx, problems)
    out["score"] = _scores(frame, ctx, problems)
    out["responses"] = common.counts(frame, "responses", ctx, problems)
    common.duplicates(
        frame,
        out.assign(_team=out["team"].fillna("")),
        ["period_start", "period_end", "_team", "dimension"],
        ["score", "responses"],
        problems,
        "period, team and dimension",
    )
    return out


def _dimensions(frame: pd.DataFrame, ctx: Context, problems: Problems) -> pd.Series:
    return common.choice(
        frame,
        "dimension",
        DIMENSIONS,
        ctx,
        problems,
        "use treatment (bemötande), knowledge (kunskap), accessibility (tillgänglighet) or overall",
    )


def _scores(frame: pd.DataFrame, ctx: Context, problems: Problems) -> pd.Series:
    cells = frame["score"]
    values, bad = numbers(cells)
    label = ctx.label("score")
    problems.flag(frame, blank(cells), label, "the score is empty")
    problems.flag(frame, bad, label, lambda row: f"{ctx.show(row['score'])} is not a number")
    outside = (values < 1) | (values > 5)
    problems.flag(frame, outside, label, lambda row: f"score {ctx.show(row['score'])} is outside 1–5")
    return values.where(~outside)


def scope(clean: pd.DataFrame, period: Period | None, ctx: Context, problems: Problems) -> Scope:
    """The file's teams (None = whole centre) from the first period start to the last period end, or wider."""
    if period is not None:
        outside_period(clean, clean["period_start"], clean["period_end"], period, "period_start", ctx, problems)
    teams = tuple(sorted(clean["team"].unique(), key=lambda t: (t is not None, t or "")))
    return Scope.spanning(teams, clean["period_start"].min(), clean["period_end"].max(), period)


def replace(conn: Connection, scope: Scope) -> Replaced:
    """Stored results of the file's teams (the centre's too if it has such rows) overlapping its period go.

    A score cannot be cut to part of its period, so an overlapping result is deleted whole.
    """
    t = table_of(NkiResult).c
    named = [team for team in scope.teams if team is not None]
    team_match = or_(t.team.in_(named), t.team.is_(None)) if None in scope.teams else t.team.in_(named)
    overlapping = and_(team_match, t.period_start <= scope.end, t.period_end >= scope.start)
    return Replaced(conn.execute(delete(table_of(NkiResult)).where(overlapping)).rowcount, 0)


KIND = Kind("nki", table_of(NkiResult), COLUMNS, validate, scope, replace)
