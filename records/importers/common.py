"""Checks shared by the kinds of file: employee ids, teams, dates, counts and duplicate rows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from records.importers.columns import normalise_name
from records.importers.context import Context
from records.importers.problems import ROW, Problems
from records.importers.values import blank, choices, dates, numbers, whole
from records.pseudonym import normalise_id

CENTRE_WORDS = ("total", "totalt", "hela", "alla", "all", "centre", "center", "kundcenter")


def raw_ids(cells: pd.Series) -> frozenset[str]:
    """The normalised employee ids in a column (to keep them out of messages)."""
    return frozenset(normalise_id(str(v)) for v in cells.dropna().unique() if str(v).strip())


def employees(frame: pd.DataFrame, ctx: Context, problems: Problems) -> pd.Series:
    """Pseudonyms of the employee_id column; an empty id is an error (ids are never echoed)."""
    cells = frame["employee_id"]
    empty = blank(cells) | cells.map(lambda v: not normalise_id(str(v)), na_action="ignore").fillna(True).astype(bool)
    problems.flag(frame, empty, ctx.label("employee_id"), "the employee id is empty")
    mapping = ctx.pseudonymiser.pseudonyms(str(v) for v in cells[~empty].unique())
    return cells.where(~empty).map(mapping)


def teams(frame: pd.DataFrame, ctx: Context, problems: Problems, *, centre_when_blank: bool = False) -> pd.Series:
    """The site's team ids for the team column; unknown teams are errors (blank = whole centre if allowed)."""
    if "team" not in frame:
        return pd.Series(None, index=frame.index, dtype="object")
    cells = frame["team"]
    empty = blank(cells)
    lookup = {u: ctx.teams.get(normalise_name(str(u))) for u in cells[~empty].unique()}
    mapped = cells.where(~empty).map(lookup)
    if centre_when_blank:
        centre = empty | cells.map(lambda v: normalise_name(str(v)) in CENTRE_WORDS, na_action="ignore").fillna(False)
        mapped = mapped.where(~centre.astype(bool))
        unknown = mapped.isna() & ~centre.astype(bool)
    else:
        problems.flag(frame, empty, ctx.label("team"), "the team is empty")
        unknown = mapped.isna() & ~empty
    problems.flag(
        frame,
        unknown,
        ctx.label("team"),
        lambda row: f"unknown team {ctx.show(row['team'])}: teams come from the site's zones ({ctx.known_teams()})",
    )
    return mapped.astype("object").where(mapped.notna(), None)


def required_dates(frame: pd.DataFrame, column: str, ctx: Context, problems: Problems, what: str) -> pd.Series:
    """A date column that must be filled."""
    values, bad = dates(frame[column])
    problems.flag(frame, blank(frame[column]), ctx.label(column), f"the {what} is empty")
    problems.flag(
        frame,
        bad,
        ctx.label(column),
        lambda row: f"{ctx.show(row[column])} is not a date: use YYYY-MM-DD (between 1990 and 2100)",
    )
    return values


def optional_dates(frame: pd.DataFrame, column: str, ctx: Context, problems: Problems) -> pd.Series:
    """A date column where blank means none (NaT)."""
    if column not in frame:
        return pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
    values, bad = dates(frame[column])
    problems.flag(
        frame,
        bad,
        ctx.label(column),
        lambda row: f"{ctx.show(row[column])} is not a date: use YYYY-MM-DD, or leave it empty",
    )
    return values


def end_not_before_start(
    frame: pd.DataFrame, start: pd.Series, end: pd.Series, column: str, ctx: Context, problems: Problems
) -> None:
    """End dates are inclusive and may equal the start, never precede it."""
    problems.flag(
        frame,
        end < start,
        ctx.label(column),
        lambda row: f"the end date {row[column]} is before the start date",
    )


def choice(
    frame: pd.DataFrame, column: str, options: Mapping[str, str], ctx: Context, problems: Problems, allowed: str
) -> pd.Series:
    """A column of fixed values (Swedish aliases accepted): empty and unknown cells are problems naming `allowed`."""
    cells = frame[column]
    mapped = choices(cells, options)
    problems.flag(frame, blank(cells), ctx.label(column), f"the {column} is empty: {allowed}")
    problems.flag(
        frame,
        mapped.isna() & ~blank(cells),
        ctx.label(column),
        lambda row: f"unknown {column} {ctx.show(row[column])}: {allowed}",
    )
    return mapped


def counts(frame: pd.DataFrame, column: str, ctx: Context, problems: Problems, *, required: bool = True) -> pd.Series:
    """A column of non-negative whole numbers (Int64; <NA> where blank and optional)."""
    if column not in frame:
        return pd.Series(pd.NA, index=frame.index, dtype="Int64")
    cells = frame[column]
    values, bad = numbers(cells)
    label = ctx.label(column)
    if required:
        problems.flag(frame, blank(cells), label, f"{column} is empty: write 0 if there were none")
    problems.flag(frame, bad, label, lambda row: f"{ctx.show(row[column])} is not a number")
    problems.flag(frame, ~whole(values), label, lambda row: f"{ctx.show(row[column])} is not a whole number")
    problems.flag(frame, values < 0, label, lambda row: f"{ctx.show(row[column])} is negative: counts are 0 or more")
    ok = values.notna() & whole(values) & (values >= 0)
    return values.where(ok).round().astype("Int64")


def duplicates(
    frame: pd.DataFrame, clean: pd.DataFrame, key: Sequence[str], values: Sequence[str], problems: Problems, what: str
) -> pd.Series:
    """Flag rows repeating an earlier row's key: a 'duplicate' if all values match, a 'conflict' otherwise.

    Returns the mask of flagged rows (so that later checks can leave them out).
    """
    valid = clean[list(key)].notna().all(axis=1) if key else pd.Series(True, index=clean.index)
    keyed = clean[valid]
    if keyed.empty:
        return pd.Series(False, index=clean.index)
    first_row = keyed.groupby(list(key), dropna=False, sort=False)[ROW].transform("min")
    repeat = keyed[ROW] != first_row
    if not repeat.any():
        return pd.Series(False, index=clean.index)
    full = keyed.groupby(list(key) + list(values), dropna=False, sort=False)[ROW].transform("min")
    exact = repeat & (full != keyed[ROW])
    conflict = repeat & ~exact
    shown = frame.loc[keyed.index].assign(_first=first_row, _same=full)
    problems.flag(shown, exact, None, lambda row: f"duplicate of row {int(row['_same'])}")
    problems.flag(
        shown, conflict, None, lambda row: f"same {what} as row {int(row['_first'])} but with different values"
    )
    mask = pd.Series(False, index=clean.index)
    mask[keyed.index[repeat.to_numpy()]] = True
    return mask
