"""Absence: sick spells by the 5-day rule, short-term spells, rates per FTE, Bradford factor and suppression.

Input frames carry the records store's columns (records/frames.py):
absences: employee, team, start_date, end_date (inclusive), reason ∈ sick/child_care/other, extent_pct ∈ 25–100.
staff: employee, team, start_date, end_date (NaT/None = ongoing), fte (0–1).

Rules (sjuklönelagen 1991:1047, 7 §; standards.md "Absence"):

- A *spell* merges a person's sick rows that overlap, touch (one ends the day before the next starts),
  change extent, or where the person falls ill again within 5 days: a new first day S continues the
  spell whose last sick day so far is E when S − E ≤ 5 calendar days (the days E+1 … E+5 are the five
  days "from the day the earlier spell ended"; at most four healthy days lie between). S − E = 6 starts
  a new spell. The generator's `relapse_gap_days = 5` draws no onset before E + 6, so it agrees.
- `sick_days` counts the calendar days with any sick leave in the spell, weekends inside a row
  included, healthy days between re-illnesses excluded; `calendar_days` is the span first to last day
  including those healthy days. *Short-term* means sick_days ≤ 14: sjuklönelagen 7 § 3 st. adds the
  days of a continued spell to the earlier ones until they make 14 calendar days, and the healthy days
  between do not count (e.g. 8 sick, 4 healthy, 5 sick = 13 days: still the employer's sick-pay period).
- `fte_days` weights each sick day by its extent (50 % for 10 days = 5); rows of the same person that
  overlap on a day add up to at most 100 %.

Privacy: sickness is health data (GDPR art. 9) and answer groups have three people. Per-team and
per-person outputs here are for HR and for further aggregation; anything shown to managers or
facilities goes through `suppress_small_groups` first.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from datetime import date
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from models.errors import ModelInputError

SHORT_TERM_MAX_DAYS = 14  # the employer's sick-pay period (sjuklönelagen 7 §)
CONTINUATION_DAYS = 5  # falling ill again within 5 days continues the spell (sjuklönelagen 7 § 3 st.)
DAYS_PER_YEAR = 365.25
MIN_GROUP_SIZE = 5  # standards.md "Privacy": absence only for groups of at least 5 people
TOTAL = "total"  # the label of whole-centre rows, as in the JSON results (contracts §7)

SPELL_COLUMNS = [
    "employee",
    "team",
    "start_date",
    "end_date",
    "calendar_days",
    "sick_days",
    "fte_days",
    "short_term",
    "rows",
]
DAY_COLUMNS = ["employee", "team", "date", "extent"]
RATE_COLUMNS = [
    "period_start",
    "period_end",
    "team",
    "days",
    "people",
    "fte",
    "fte_days",
    "sick_fte_days",
    "sick_rate",
    "sick_days_per_fte",
    "short_term_spells",
    "short_term_spells_per_fte",
    "short_term_spells_per_fte_year",
    "long_spells",
    "child_care_fte_days",
    "child_care_rate",
]
BRADFORD_COLUMNS = ["employee", "team", "spells", "days", "bradford"]

Freq = Literal["W-MON", "MS", "QS", "tertial", "YS"]
IntArray = NDArray[np.int64]


# ----- spells ------------------------------------------------------------------------------------


def absence_days(absences: pd.DataFrame, reasons: Collection[str] | None = None) -> pd.DataFrame:
    """One row per person and absent calendar day: employee, team, date, extent (0–1, overlaps capped at 1)."""
    rows = _absence_rows(absences)
    if reasons is not None:
        rows = rows[rows["reason"].isin(list(reasons))]
    if rows.empty:
        return _empty(DAY_COLUMNS, date_cols=("date",), float_cols=("extent",))
    day, index = _expand(rows["start"].to_numpy(), rows["end"].to_numpy())
    days = pd.DataFrame(
        {
            "employee": rows["employee"].to_numpy()[index],
            "team": rows["team"].to_numpy()[index],
            "day": day,
            "extent": rows["extent_pct"].to_numpy(dtype=np.float64)[index] / 100.0,
        }
    )
    per_day = days.groupby(["employee", "day"], sort=True).agg(team=("team", "first"), extent=("extent", "sum"))
    per_day = per_day.reset_index()
    per_day["extent"] = per_day["extent"].clip(upper=1.0)
    per_day["date"] = _to_timestamps(per_day["day"].to_numpy())
    return per_day[DAY_COLUMNS].reset_index(drop=True)


def sick_spells(absences: pd.DataFrame, continuation_days: int = CONTINUATION_DAYS) -> pd.DataFrame:
    """Sick rows merged into spells by the 5-day rule; short_term when sick_days ≤ 14 (see the module doc)."""
    rows = _absence_rows(absences)
    rows = rows[rows["reason"] == "sick"].sort_values(["employee", "start", "end"], kind="stable")
    if rows.empty:
        return _empty(
            SPELL_COLUMNS,
            date_cols=("start_date", "end_date"),
            int_cols=("calendar_days", "sick_days", "rows"),
            float_cols=("fte_days",),
            bool_cols=("short_term",),
        )
    rows = rows.reset_index(drop=True)
    employee = rows["employee"].to_numpy()
    start = rows["start"].to_numpy()
    # The last sick day so far of the person's current spell: a long row can cover later short ones.
    reach = rows.groupby("employee", sort=False)["end"].cummax().to_numpy()
    first_of_person = np.r_[True, employee[1:] != employee[:-1]]
    previous_reach = np.r_[np.int64(0), reach[:-1]]
    new_spell = first_of_person | (start - previous_reach > continuation_days)
    rows["spell"] = np.cumsum(new_spell) - 1

    spells = rows.groupby("spell", sort=True).agg(
        employee=("employee", "first"),
        team=("team", "first"),  # rows are in start order: the team where the spell began
        start=("start", "min"),
        end=("end", "max"),
        rows=("start", "size"),
    )
    day, index = _expand(rows["start"].to_numpy(), rows["end"].to_numpy())
    days = pd.DataFrame(
        {
            "spell": rows["spell"].to_numpy()[index],
            "day": day,
            "extent": rows["extent_pct"].to_numpy(dtype=np.float64)[index] / 100.0,
        }
    )
    per_day = days.groupby(["spell", "day"], sort=False)["extent"].sum().clip(upper=1.0)
    by_spell = per_day.groupby(level="spell")
    spells["sick_days"] = by_spell.size().reindex(spells.index).to_numpy(dtype=np.int64)
    spells["fte_days"] = by_spell.sum().reindex(spells.index).to_numpy(dtype=np.float64)
    spells["calendar_days"] = (spells["end"] - spells["start"] + 1).astype(np.int64)
    spells["short_term"] = spells["sick_days"] <= SHORT_TERM_MAX_DAYS
    spells["start_date"] = _to_timestamps(spells["start"].to_numpy())
    spells["end_date"] = _to_timestamps(spells["end"].to_numpy())
    spells["rows"] = spells["rows"].astype(np.int64)
    return spells[SPELL_COLUMNS].reset_index(drop=True)


def short_term_spells(absences: pd.DataFrame, continuation_days: int = CONTINUATION_DAYS) -> pd.DataFrame:
    """The sick spells with at most 14 sick days (korttidssjukfrånvaro)."""
    spells = sick_spells(absences, continuation_days)
    return spells[spells["short_term"]].reset_index(drop=True)


# ----- rates per period --------------------------------------------------------------------------


def period_starts(dates: pd.Series, freq: Freq) -> pd.Series:
    """The first day of each date's period: ISO week (Monday), month, quarter, tertial or year."""
    stamps = pd.to_datetime(dates).dt.normalize()
    if freq == "W-MON":
        # Weeks that start on Monday (ISO weeks). Note: pandas' Period "W-MON" would *end* on Monday.
        return stamps - pd.to_timedelta(stamps.dt.day_of_week, unit="D")
    if freq == "MS":
        month = stamps.dt.month
    elif freq == "QS":
        month = (stamps.dt.month - 1) // 3 * 3 + 1
    elif freq == "tertial":
        month = (stamps.dt.month - 1) // 4 * 4 + 1  # T1 Jan–Apr, T2 May–Aug, T3 Sep–Dec (contracts §6)
    elif freq == "YS":
        month = stamps.dt.month * 0 + 1
    else:
        raise ModelInputError(f"freq must be one of W-MON, MS, QS, tertial, YS; got {freq!r}")
    return pd.to_datetime(pd.DataFrame({"year": stamps.dt.year, "month": month, "day": 1}))


def absence_rates(
    absences: pd.DataFrame,
    staff: pd.DataFrame,
    freq: Freq = "W-MON",
    by_team: bool = True,
    start: date | None = None,
    end: date | None = None,
) -> pd.DataFrame:
    """Per period (and team, plus "total" rows): employed FTE and sick, short-term, long and vab absence.

    The window is [start, end] (default: the absences' first to last day); periods at its edges are
    cut to it and `days` says how many of their days are inside. Exposure is FTE × calendar days
    employed; sick and child-care days are extent-weighted calendar days split across periods by day;
    spells count in the period (and team) where they start, and only when they start in the window.

    Columns: fte (mean employed FTE), fte_days, sick_fte_days, sick_rate (sick_fte_days / fte_days,
    the sick-leave percentage as a share), sick_days_per_fte (sick_fte_days / fte, per period),
    short_term_spells (count), short_term_spells_per_fte (count / fte, per period),
    short_term_spells_per_fte_year (count per 365.25 FTE-days), long_spells, child_care_fte_days,
    child_care_rate. `people` counts everyone employed on some day of the period (the size for
    `suppress_small_groups`). by_team=False gives only the "total" rows.
    """
    first, last = _window(absences, start, end)
    periods = _periods(first, last, freq)
    staff_rows = _staff_rows(staff)

    # Exposure: overlap of each employment with each period, in days (a small cross join).
    cross = staff_rows.merge(periods, how="cross")
    overlap = np.minimum(cross["end"], cross["p_last"]) - np.maximum(cross["start"], cross["p_first"]) + 1
    cross = cross.assign(overlap=np.maximum(overlap, 0))
    cross = cross[cross["overlap"] > 0]
    exposure = cross.assign(fte_days=cross["overlap"] * cross["fte"])

    sick = _in_window(absence_days(absences, reasons=("sick",)), first, last, freq)
    child = _in_window(absence_days(absences, reasons=("child_care",)), first, last, freq)

    spells = sick_spells(absences)
    spell_day = _day_numbers(spells["start_date"])
    spells = spells[(spell_day >= first) & (spell_day <= last)]
    spells = spells.assign(period_start=period_starts(spells["start_date"], freq))

    keys = ["period_start", "team"]
    teams = sorted(
        set(staff_rows["team"]) | set(sick["team"]) | set(child["team"]) | set(spells["team"]), key=team_sort_key
    )
    grid = pd.MultiIndex.from_product([periods["period_start"], teams], names=keys)
    frame = pd.DataFrame(index=grid)
    frame["fte_days"] = exposure.groupby(keys)["fte_days"].sum()
    frame["sick_fte_days"] = sick.groupby(keys)["extent"].sum()
    frame["child_care_fte_days"] = child.groupby(keys)["extent"].sum()
    frame["short_term_spells"] = spells[spells["short_term"]].groupby(keys).size()
    frame["long_spells"] = spells[~spells["short_term"]].groupby(keys).size()
    frame = frame.fillna(0.0)
    frame["people"] = exposure.groupby(keys)["employee"].nunique()
    frame = frame.reset_index()

    people_total = exposure.groupby("period_start")["employee"].nunique()
    total = frame.groupby("period_start", as_index=False).sum(numeric_only=True)
    total["people"] = total["period_start"].map(people_total)
    total["team"] = TOTAL
    frame = pd.concat([frame, total], ignore_index=True) if by_team else total
    frame = frame.merge(periods[["period_start", "period_end", "days"]], on="period_start", how="left")
    frame["people"] = frame["people"].fillna(0).astype(np.int64)
    for column in ("short_term_spells", "long_spells"):
        frame[column] = frame[column].astype(np.int64)
    frame["fte"] = frame["fte_days"] / frame["days"]
    exposed = frame["fte_days"].where(frame["fte_days"] > 0)
    fte = frame["fte"].where(frame["fte"] > 0)
    frame["sick_rate"] = frame["sick_fte_days"] / exposed
    frame["sick_days_per_fte"] = frame["sick_fte_days"] / fte
    frame["short_term_spells_per_fte"] = frame["short_term_spells"] / fte
    frame["short_term_spells_per_fte_year"] = frame["short_term_spells"] / (exposed / DAYS_PER_YEAR)
    frame["child_care_rate"] = frame["child_care_fte_days"] / exposed
    order = frame["team"].eq(TOTAL)  # each period's teams first, then its total
    frame = frame.assign(_total=order).sort_values(
        ["period_start", "_total", "team"], kind="stable", key=_natural_teams
    )
    return frame[RATE_COLUMNS].reset_index(drop=True)


def spell_frequency(
    absences: pd.DataFrame,
    staff: pd.DataFrame,
    freq: Freq = "W-MON",
    start: date | None = None,
    end: date | None = None,
) -> pd.DataFrame:
    """Short-term sick spells started per team and period (default ISO week): count, per FTE and per FTE-year."""
    rates = absence_rates(absences, staff, freq=freq, by_team=True, start=start, end=end)
    columns = [
        "period_start",
        "period_end",
        "team",
        "people",
        "fte",
        "short_term_spells",
        "short_term_spells_per_fte",
        "short_term_spells_per_fte_year",
    ]
    return rates[columns]


# ----- Bradford factor ---------------------------------------------------------------------------


def bradford_factor(
    absences: pd.DataFrame, as_of: date, weeks: int = 52, staff: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Per person: sick spells S and sick days D in the `weeks` up to as_of, B = S²·D. HR ONLY.

    The Bradford factor is punitive for an individual: never show this frame per person outside HR;
    managers and facilities see `bradford_summary` only. The window is the weeks·7 days ending on
    as_of (inclusive). S counts sick spells (5-day rule, short and long) with a sick day in the window;
    D counts calendar days of sick leave in the window, of any extent (the days, not the hours).
    With `staff`, everyone employed on a day of the window is listed, those without sick leave at 0.
    """
    last = _day_number(as_of)
    first = last - 7 * weeks + 1
    spells = sick_spells(absences)
    start_day, end_day = _day_numbers(spells["start_date"]), _day_numbers(spells["end_date"])
    spells = spells[(end_day >= first) & (start_day <= last)]
    count = spells.groupby("employee").size()
    days = absence_days(absences, reasons=("sick",))
    day_no = _day_numbers(days["date"])
    in_window = days[(day_no >= first) & (day_no <= last)]
    sick_days = in_window.groupby("employee").size()
    # The team of the person's latest spell in the window; staff rows take precedence below.
    team = spells.sort_values("start_date").groupby("employee")["team"].last()
    frame = pd.DataFrame({"spells": count}).join(pd.DataFrame({"days": sick_days}), how="outer")
    frame = frame.join(pd.DataFrame({"team": team}), how="left")
    if staff is not None:
        rows = _staff_rows(staff)
        rows = rows[(rows["start"] <= last) & (rows["end"] >= first)].sort_values(["start", "end"], kind="stable")
        employed = rows.groupby("employee")["team"].last()  # the most recent employment in the window
        frame = frame.reindex(frame.index.union(employed.index))
        frame["team"] = employed.reindex(frame.index).fillna(frame["team"])
    frame = frame.fillna({"spells": 0, "days": 0})
    frame["spells"] = frame["spells"].astype(np.int64)
    frame["days"] = frame["days"].astype(np.int64)
    frame["bradford"] = frame["spells"] ** 2 * frame["days"]
    frame.index.name = "employee"
    return frame.reset_index()[BRADFORD_COLUMNS]


def bradford_summary(
    absences: pd.DataFrame,
    staff: pd.DataFrame,
    as_of: date,
    weeks: int = 52,
    by: Literal["team"] | None = "team",
    groups: Mapping[str, str] | None = None,
    thresholds: Sequence[int] = (50, 125),
    min_size: int = MIN_GROUP_SIZE,
) -> pd.DataFrame:
    """Bradford factor as distribution statistics per group and "total"; groups under min_size suppressed.

    Everyone employed in the window counts, with B = 0 when they had no sick leave (so staff is
    required). `groups` maps teams to larger units (e.g. two answer groups to a section) before
    grouping; by=None gives the centre only. Columns: group, people, mean, median, p90, share_ge_<t>
    per threshold, mean_spells, mean_days, then `suppressed`/`suppression` (see suppress_small_groups).
    No maximum or minimum is given: with few people those are one person's value.
    """
    people = bradford_factor(absences, as_of, weeks, staff=staff)
    people = people[people["employee"].isin(set(_staff_rows(staff)["employee"]))]
    unit = people["team"].map(lambda t: groups.get(t, t) if groups is not None else t)
    units = sorted(set(unit), key=team_sort_key) if by else []
    parts = [_bradford_stats(people[unit == name], str(name), thresholds) for name in units]
    rows = [*parts, _bradford_stats(people, TOTAL, thresholds)]
    frame = pd.DataFrame(rows)
    return suppress_small_groups(frame, "group", "people", min_size=min_size)


def _bradford_stats(people: pd.DataFrame, name: str, thresholds: Sequence[int]) -> dict[str, object]:
    b = people["bradford"].astype(np.float64)
    row: dict[str, object] = {
        "group": name,
        "people": len(people),
        "mean": float(b.mean()) if len(b) else np.nan,
        "median": float(b.median()) if len(b) else np.nan,
        "p90": float(b.quantile(0.9)) if len(b) else np.nan,
    }
    for t in thresholds:
        row[f"share_ge_{t}"] = float((b >= t).mean()) if len(b) else np.nan
    row["mean_spells"] = float(people["spells"].mean()) if len(b) else np.nan
    row["mean_days"] = float(people["days"].mean()) if len(b) else np.nan
    return row


# ----- privacy -----------------------------------------------------------------------------------


def suppress_small_groups(
    frame: pd.DataFrame,
    group_col: str,
    size_col: str,
    min_size: int = MIN_GROUP_SIZE,
    value_cols: Sequence[str] | None = None,
    by: Sequence[str] = (),
    total_label: str = TOTAL,
    total_known: bool = False,
) -> pd.DataFrame:
    """Hide the values of groups under min_size people, and one more group where subtraction would reveal one.

    The rule, applied separately within each slice of `by` (e.g. per period):
    1. "small": every row (groups and the total row) whose size is missing or < min_size has its
       value columns set to missing.
    2. "complement": when the slice has a visible total row (group == total_label) — or
       total_known=True, i.e. the total is published elsewhere — and exactly ONE group row was hidden
       in step 1, that value equals the total minus the visible groups. Then the smallest visible
       group (by size, ties by group label) is hidden too; if no group is left visible, the total row
       is hidden instead. Two or more hidden groups only reveal their sum, which is allowed.
    Sizes stay visible (a headcount is not health data). Values are all columns other than group_col,
    size_col and `by`, unless value_cols names them. Adds `suppressed` (bool) and `suppression`
    ("", "small" or "complement").
    """
    keys = [group_col, size_col, *by]
    missing = [c for c in keys if c not in frame.columns]
    if missing:
        raise ModelInputError(f"frame lacks columns {missing}")
    values = list(value_cols) if value_cols is not None else [c for c in frame.columns if c not in keys]
    out = frame.reset_index(drop=True)  # positions as labels: the caller's index may repeat
    size = pd.to_numeric(out[size_col], errors="coerce")
    reason = pd.Series("", index=out.index, dtype=object)
    reason[~(size >= min_size)] = "small"  # NaN sizes are hidden as well

    codes = out.groupby(list(by), sort=False, dropna=False).ngroup() if by else pd.Series(0, index=out.index)
    slices = [out.index[(codes == k).to_numpy()] for k in codes.unique()]
    for index in slices:
        is_total = out.loc[index, group_col].eq(total_label)
        groups = index[~is_total.to_numpy()]
        totals = index[is_total.to_numpy()]
        total_visible = any(reason[i] == "" for i in totals)
        if not (total_visible or total_known):
            continue
        hidden = [i for i in groups if reason[i] != ""]
        if len(hidden) != 1:
            continue
        visible = [i for i in groups if reason[i] == ""]
        if visible:
            smallest = min(visible, key=lambda i: (size[i], str(out.at[i, group_col])))
            reason[smallest] = "complement"
        else:
            for i in totals:
                reason[i] = "complement"

    hide = reason != ""
    for column in values:
        if pd.api.types.is_bool_dtype(out[column]):
            out[column] = out[column].astype("boolean")
        elif pd.api.types.is_integer_dtype(out[column]):
            out[column] = out[column].astype(np.float64)
        out.loc[hide, column] = None
    out["suppressed"] = hide.to_numpy()
    out["suppression"] = reason.astype(str).to_numpy()
    out.index = frame.index
    return out


def team_sort_key(team: str) -> str:
    """A key that sorts "team-2" before "team-10" (digit runs compared as numbers)."""
    return re.sub(r"\d+", lambda m: m.group().zfill(12), str(team))


# ----- internals ---------------------------------------------------------------------------------


def _natural_teams(values: pd.Series) -> pd.Series:
    """sort_values key: teams in natural order, other columns as they are."""
    return values.map(team_sort_key) if values.name in ("team", "group") else values


def _absence_rows(absences: pd.DataFrame) -> pd.DataFrame:
    """employee, team, reason, extent_pct and start/end as day numbers, checked."""
    missing = [c for c in ("employee", "team", "start_date", "end_date", "reason") if c not in absences.columns]
    if missing:
        raise ModelInputError(f"absences lack columns {missing}")
    extent = (
        pd.to_numeric(absences["extent_pct"], errors="coerce") if "extent_pct" in absences else None
    )  # the column is optional in the file, default 100 % (contracts §5)
    rows = pd.DataFrame(
        {
            "employee": absences["employee"].astype(str).to_numpy(),
            "team": absences["team"].astype(str).to_numpy(),
            "reason": absences["reason"].astype(str).to_numpy(),
            "extent_pct": (
                extent.fillna(100.0) if extent is not None else pd.Series(100.0, index=absences.index)
            ).to_numpy(dtype=np.float64),
            "start": _day_numbers(absences["start_date"]),
            "end": _day_numbers(absences["end_date"]),
        }
    )
    if (rows["start"] == _NAT).any() or (rows["end"] == _NAT).any():
        raise ModelInputError("absences need both start_date and end_date on every row")
    if (rows["end"] < rows["start"]).any():
        raise ModelInputError("an absence ends before it starts")
    if not rows["extent_pct"].between(0, 100, inclusive="right").all():
        raise ModelInputError("extent_pct must be in (0, 100]")
    return rows


def _staff_rows(staff: pd.DataFrame) -> pd.DataFrame:
    """employee, team, fte and start/end day numbers; an ongoing employment runs to the end of time."""
    missing = [c for c in ("employee", "team", "start_date", "end_date", "fte") if c not in staff.columns]
    if missing:
        raise ModelInputError(f"staff lacks columns {missing}")
    end = _day_numbers(staff["end_date"])
    return pd.DataFrame(
        {
            "employee": staff["employee"].astype(str).to_numpy(),
            "team": staff["team"].astype(str).to_numpy(),
            "fte": pd.to_numeric(staff["fte"]).to_numpy(dtype=np.float64),
            "start": _day_numbers(staff["start_date"]),
            "end": np.where(end == _NAT, np.iinfo(np.int64).max // 2, end),
        }
    )


def _in_window(days: pd.DataFrame, first: int, last: int, freq: Freq) -> pd.DataFrame:
    """absence_days rows within [first, last], with the start of their period."""
    day_no = _day_numbers(days["date"])
    days = days[(day_no >= first) & (day_no <= last)]
    return days.assign(period_start=period_starts(days["date"], freq))


def _window(absences: pd.DataFrame, start: date | None, end: date | None) -> tuple[int, int]:
    rows = _absence_rows(absences)
    if (start is None or end is None) and rows.empty:
        raise ModelInputError("no absences to take the window from: pass start and end")
    first = _day_number(start) if start is not None else int(rows["start"].min())
    last = _day_number(end) if end is not None else int(rows["end"].max())
    if last < first:
        raise ModelInputError(f"end {end} is before start {start}")
    return first, last


def _periods(first: int, last: int, freq: Freq) -> pd.DataFrame:
    """period_start, period_end and the days of each period inside [first, last] (day numbers p_first, p_last)."""
    all_days = pd.Series(_to_timestamps(np.arange(first, last + 1, dtype=np.int64)))
    starts = period_starts(all_days, freq)
    table = pd.DataFrame({"period_start": starts, "day": np.arange(first, last + 1, dtype=np.int64)})
    periods = table.groupby("period_start", as_index=False).agg(
        p_first=("day", "min"), p_last=("day", "max"), days=("day", "size")
    )
    # The period's own last day, also when the window cuts it: the day before the next one starts.
    following = period_starts(periods["period_start"] + _PERIOD_STEP[freq], freq)
    periods["period_end"] = following - pd.Timedelta(days=1)
    return periods


_PERIOD_STEP: dict[str, pd.Timedelta] = {
    # A step that lands inside the next period whatever the period's own length.
    "W-MON": pd.Timedelta(days=7),
    "MS": pd.Timedelta(days=32),
    "QS": pd.Timedelta(days=93),
    "tertial": pd.Timedelta(days=124),
    "YS": pd.Timedelta(days=366),
}

_NAT = np.iinfo(np.int64).min
_EPOCH = np.datetime64("1970-01-01", "D")


def _day_numbers(values: pd.Series) -> IntArray:
    """Days since 1970-01-01 (NaT → int64 min): whole-day arithmetic that ignores datetime units."""
    stamps = pd.to_datetime(values)
    return np.asarray(stamps.to_numpy().astype("datetime64[D]").astype(np.int64), dtype=np.int64)


def _day_number(day: date) -> int:
    return int((np.datetime64(pd.Timestamp(day).date(), "D") - _EPOCH).astype(np.int64))


def _to_timestamps(days: IntArray) -> pd.DatetimeIndex:
    return pd.DatetimeIndex((_EPOCH + np.asarray(days, dtype=np.int64)).astype("datetime64[ns]"))


def _expand(start: IntArray, end: IntArray) -> tuple[IntArray, IntArray]:
    """Every day of each inclusive [start, end] and the index of its row."""
    lengths = (end - start + 1).astype(np.int64)
    index = np.repeat(np.arange(len(start), dtype=np.int64), lengths)
    offsets = np.arange(int(lengths.sum()), dtype=np.int64) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    return start[index] + offsets, index


def _empty(
    columns: list[str],
    date_cols: Sequence[str] = (),
    int_cols: Sequence[str] = (),
    float_cols: Sequence[str] = (),
    bool_cols: Sequence[str] = (),
) -> pd.DataFrame:
    dtypes = {c: "datetime64[ns]" for c in date_cols} | {c: "int64" for c in int_cols}
    dtypes |= {c: "float64" for c in float_cols} | {c: "bool" for c in bool_cols}
    return pd.DataFrame({c: pd.Series(dtype=dtypes.get(c, object)) for c in columns})
