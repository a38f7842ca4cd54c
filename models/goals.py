"""The centre's goals (contracts §6): weekly answer rate per answer group, NKI vs targets, tertial report.

Weeks are ISO weeks in the site's local time, labelled "2026-W03" (ISO year: 2026-12-31 is in
2026-W53, 2025-12-29 in 2026-W01). Tertials are T1 Jan–Apr, T2 May–Aug, T3 Sep–Dec. Rows for the
whole centre have team "total" (as in the forecast JSON); in the NKI file an empty team means the
centre, and None, NaN and "" are all read that way.

Answer rate = answered / offered, NaN when nothing was offered; the centre's rate is total answered
over total offered, i.e. the offered-weighted mean of the teams' rates. `met` is a nullable boolean:
missing when the rate or score is missing. `gap_pp` is 100·(rate − target): negative below target.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from models.absence import team_sort_key
from models.errors import ModelInputError
from models.targets import NKI_TARGETS, TARGET_ANSWER_RATE

TOTAL = "total"
SITE_TZ = "Europe/Stockholm"
TERTIAL_FIRST_MONTH = {1: 1, 2: 5, 3: 9}

WEEK_COLUMNS = ["week", "week_start", "team", "offered", "answered", "answer_rate", "met", "gap_pp"]
NKI_COLUMNS = [
    "period_start",
    "period_end",
    "team",
    "dimension",
    "score",
    "responses",
    "target",
    "met",
    "gap",
]


# ----- weeks and tertials ------------------------------------------------------------------------


def iso_week(day: date) -> str:
    """The ISO week label of a date, e.g. "2026-W03"."""
    year, week, _ = pd.Timestamp(day).isocalendar()
    return f"{year}-W{week:02d}"


def tertial(day: date) -> str:
    """The tertial label of a date: Jan–Apr "YYYY-T1", May–Aug "YYYY-T2", Sep–Dec "YYYY-T3"."""
    stamp = pd.Timestamp(day)
    return f"{stamp.year}-T{(stamp.month - 1) // 4 + 1}"


def tertial_bounds(label: str) -> tuple[date, date]:
    """First and last day of a tertial label such as "2026-T2"."""
    try:
        year_text, part = label.split("-T")
        year, number = int(year_text), int(part)
        first_month = TERTIAL_FIRST_MONTH[number]
    except (ValueError, KeyError) as exc:
        raise ModelInputError(f"not a tertial label: {label!r} (expected e.g. 2026-T1)") from exc
    first = date(year, first_month, 1)
    last = (pd.Timestamp(first) + pd.DateOffset(months=4) - pd.Timedelta(days=1)).date()
    return first, last


# ----- answer rate -------------------------------------------------------------------------------


def weekly_answer_rate(calls: pd.DataFrame, target: float = TARGET_ANSWER_RATE, tz: str = SITE_TZ) -> pd.DataFrame:
    """Per ISO week (local time) and team, plus "total" rows: offered, answered, answer_rate, met, gap_pp."""
    frame = _local_calls(calls, tz)
    frame["week_start"] = frame["local_day"] - pd.to_timedelta(frame["local_day"].dt.day_of_week, unit="D")
    return _rates(frame, ["week_start"], target).pipe(_with_week_label)[WEEK_COLUMNS]


def answer_rates(
    calls: pd.DataFrame,
    target: float = TARGET_ANSWER_RATE,
    tz: str = SITE_TZ,
    start: date | None = None,
    end: date | None = None,
) -> pd.DataFrame:
    """Per team and "total" over local days start..end (inclusive): offered, answered, answer_rate, met, gap_pp."""
    frame = _local_calls(calls, tz)
    if start is not None:
        frame = frame[frame["local_day"] >= pd.Timestamp(start)]
    if end is not None:
        frame = frame[frame["local_day"] <= pd.Timestamp(end)]
    return _rates(frame, [], target)


def daily_calls(calls: pd.DataFrame, tz: str = SITE_TZ) -> pd.DataFrame:
    """Calls summed per local day and team: interval_start (local midnight, tz-aware), team, offered, answered.

    Every goal figure counts calls by their local day, so these rows (a year of a dozen teams is some
    4 000, against 400 000 quarter-hour intervals) give the same weeks, tertials and years as the
    intervals themselves; a missing count counts as none, as in the figures.
    """
    frame = _local_calls(calls, tz)
    sums = frame.groupby(["local_day", "team"], as_index=False, sort=True)[["offered", "answered"]].sum(min_count=0)
    starts = sums["local_day"].dt.tz_localize(tz, ambiguous=False, nonexistent="shift_forward")
    return pd.DataFrame(
        {
            "interval_start": starts.dt.tz_convert("UTC"),
            "team": sums["team"].astype(object),
            "offered": sums["offered"].astype(np.int64),
            "answered": sums["answered"].astype(np.int64),
        }
    )


# ----- NKI ---------------------------------------------------------------------------------------


def nki_follow_up(nki: pd.DataFrame, targets: Mapping[str, float] = NKI_TARGETS) -> pd.DataFrame:
    """Per period, team ("total" = centre) and dimension: response-weighted score vs target, met, gap.

    Rows repeating a period, team and dimension are merged by response-weighted mean. Centre rows
    come from the file's own centre rows; a period without any is filled from its team rows,
    response-weighted. Dimensions without a target get target NaN and met missing.
    """
    frame = _nki_rows(nki)
    keys = ["period_start", "period_end", "team", "dimension"]
    merged = _weighted(frame, keys)
    merged = _with_centre(merged, ["period_start", "period_end", "dimension"])
    return (
        _against_targets(merged, targets)
        .sort_values(["period_start", "period_end", "_total", "team", "dimension"], kind="stable", key=_natural)[
            NKI_COLUMNS
        ]
        .reset_index(drop=True)
    )


# ----- the tertial report ------------------------------------------------------------------------


@dataclass(frozen=True)
class TertialReport:
    """The period report's numbers for one year, one row per tertial (and team); the API renders it as JSON.

    centre: tertial, start, end, offered, answered, answer_rate, met, gap_pp, weeks, weeks_met, weeks_met_share.
    teams: the same per team (weeks: the team's own weekly rates).
    weeks: weekly_answer_rate rows of the year's ISO weeks, with their tertial.
    nki: tertial, team ("total" = centre), dimension, score, responses, target, met, gap.
    """

    year: int
    target_answer_rate: float
    nki_targets: Mapping[str, float]
    centre: pd.DataFrame
    teams: pd.DataFrame
    weeks: pd.DataFrame
    nki: pd.DataFrame
    notes: tuple[str, ...] = field(default=())


def tertial_report(
    calls: pd.DataFrame,
    nki: pd.DataFrame,
    year: int,
    target_answer_rate: float = TARGET_ANSWER_RATE,
    nki_targets: Mapping[str, float] = NKI_TARGETS,
    tz: str = SITE_TZ,
) -> TertialReport:
    """The year's tertials: centre and team answer rates, weeks meeting the target, NKI vs targets.

    Calls count in the tertial of their local day. A week counts in the tertial that holds its
    Thursday (the ISO rule that also gives a week its year), so each ISO week of the year is counted
    once: 2026-W18 (27 Apr – 3 May) is a T1 week. NKI periods count in the tertial of period_start and
    are response-weighted over the tertial's months.
    """
    labels = [f"{year}-T{n}" for n in (1, 2, 3)]
    bounds = {label: tertial_bounds(label) for label in labels}

    weeks = weekly_answer_rate(calls, target_answer_rate, tz)
    thursday = weeks["week_start"] + pd.Timedelta(days=3)
    weeks = weeks.assign(tertial=thursday.map(tertial))
    weeks = weeks[weeks["tertial"].isin(labels)].reset_index(drop=True)
    # Count met weeks as integers: a year without calls has no weeks, and an empty nullable-boolean sum stays boolean.
    met_weeks = weeks["met"].fillna(False).astype(np.int64)
    week_counts = (
        weeks.assign(_met=met_weeks)
        .groupby(["tertial", "team"])
        .agg(weeks=("answer_rate", "count"), weeks_met=("_met", "sum"))
    )

    per_team = pd.concat(
        [answer_rates(calls, target_answer_rate, tz, *bounds[label]).assign(tertial=label) for label in labels],
        ignore_index=True,
    )
    # Outer: a team whose only calls of a boundary week fall in the next tertial still has that week.
    per_team = per_team.merge(week_counts.reset_index(), on=["tertial", "team"], how="outer")
    per_team = per_team.fillna({"offered": 0.0, "answered": 0.0, "weeks": 0, "weeks_met": 0})
    per_team["start"] = per_team["tertial"].map(lambda t: pd.Timestamp(bounds[t][0]))
    per_team["end"] = per_team["tertial"].map(lambda t: pd.Timestamp(bounds[t][1]))
    for column in ("offered", "answered", "weeks", "weeks_met"):
        per_team[column] = per_team[column].astype(np.int64)
    per_team["weeks_met_share"] = per_team["weeks_met"] / per_team["weeks"].where(per_team["weeks"] > 0)
    per_team = per_team.assign(_total=per_team["team"].eq(TOTAL)).sort_values(
        ["tertial", "_total", "team"], kind="stable", key=_natural
    )
    is_total = per_team["_total"].to_numpy()
    centre = per_team[is_total].drop(columns="team")[_REPORT_COLUMNS].reset_index(drop=True)
    teams = per_team[~is_total][["tertial", "team", *_REPORT_COLUMNS[1:]]].reset_index(drop=True)

    nki_tertial = _nki_by_tertial(nki, labels, nki_targets)
    notes = []
    if centre["offered"].eq(0).any():
        empty = ", ".join(centre.loc[centre["offered"].eq(0), "tertial"])
        notes.append(f"no calls offered in {empty}")
    return TertialReport(
        year=year,
        target_answer_rate=target_answer_rate,
        nki_targets=dict(nki_targets),
        centre=centre,
        teams=teams,
        weeks=weeks,
        nki=nki_tertial,
        notes=tuple(notes),
    )


# ----- internals ---------------------------------------------------------------------------------

_REPORT_COLUMNS = [
    "tertial",
    "start",
    "end",
    "offered",
    "answered",
    "answer_rate",
    "met",
    "gap_pp",
    "weeks",
    "weeks_met",
    "weeks_met_share",
]


def _local_calls(calls: pd.DataFrame, tz: str) -> pd.DataFrame:
    """team, offered, answered and the local calendar day of each interval (naive input = site time)."""
    missing = [c for c in ("interval_start", "team", "offered", "answered") if c not in calls.columns]
    if missing:
        raise ModelInputError(f"calls lack columns {missing}")
    starts = pd.to_datetime(calls["interval_start"])
    if starts.dt.tz is None:
        # contracts §5: an export without an offset is in local site time.
        starts = starts.dt.tz_localize(tz, ambiguous=False, nonexistent="shift_forward")
    local = starts.dt.tz_convert(tz).dt.tz_localize(None)
    team = calls["team"].astype(str)
    if team.eq(TOTAL).any():
        raise ModelInputError(f"a team may not be called {TOTAL!r}: that label means the whole centre")
    return pd.DataFrame(
        {
            "team": team.to_numpy(),
            "offered": pd.to_numeric(calls["offered"]).astype(np.float64).to_numpy(),
            "answered": pd.to_numeric(calls["answered"]).astype(np.float64).to_numpy(),
            "local_day": local.dt.normalize().astype("datetime64[ns]").to_numpy(),
        }
    )


def _rates(frame: pd.DataFrame, keys: list[str], target: float) -> pd.DataFrame:
    """Sums per keys and team plus "total" per keys, with answer_rate, met and gap_pp."""
    sums = ["offered", "answered"]
    by_team = frame.groupby([*keys, "team"], as_index=False)[sums].sum(min_count=0)
    if keys:
        total = frame.groupby(keys, as_index=False)[sums].sum(min_count=0)
    else:
        total = pd.DataFrame({c: [float(frame[c].sum())] for c in sums})
    out = pd.concat([by_team, total.assign(team=TOTAL)], ignore_index=True)
    out[sums] = out[sums].round().astype(np.int64)  # counts; a missing cell counted as nothing
    out["answer_rate"] = out["answered"] / out["offered"].where(out["offered"] > 0)
    out["met"] = _met(out["answer_rate"] >= target, out["answer_rate"])
    out["gap_pp"] = 100.0 * (out["answer_rate"] - target)
    out = out.assign(_total=out["team"].eq(TOTAL)).sort_values([*keys, "_total", "team"], kind="stable", key=_natural)
    return out.drop(columns="_total").reset_index(drop=True)


def _natural(values: pd.Series) -> pd.Series:
    """sort_values key: "team-2" before "team-10"; other columns as they are."""
    return values.map(team_sort_key) if values.name == "team" else values


def _with_week_label(frame: pd.DataFrame) -> pd.DataFrame:
    iso = frame["week_start"].dt.isocalendar()
    week = iso["year"].astype(str) + "-W" + iso["week"].astype(int).map("{:02d}".format)
    return frame.assign(week=week.to_numpy())


def _met(passed: pd.Series, value: pd.Series) -> pd.Series:
    """A nullable boolean: missing where the value is missing."""
    return passed.astype("boolean").mask(value.isna())


def _nki_rows(nki: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in ("period_start", "period_end", "team", "dimension", "score", "responses") if c not in nki]
    if missing:
        raise ModelInputError(f"nki lacks columns {missing}")
    team = nki["team"].astype(object).where(nki["team"].notna(), "")
    team = team.map(lambda t: TOTAL if str(t).strip() == "" else str(t))
    return pd.DataFrame(
        {
            "period_start": pd.to_datetime(nki["period_start"]).astype("datetime64[ns]").to_numpy(),
            "period_end": pd.to_datetime(nki["period_end"]).astype("datetime64[ns]").to_numpy(),
            "team": team.to_numpy(),
            "dimension": nki["dimension"].astype(str).to_numpy(),
            "score": pd.to_numeric(nki["score"]).astype(np.float64).to_numpy(),
            "responses": pd.to_numeric(nki["responses"]).astype(np.float64).to_numpy(),
        }
    )


def _weighted(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Response-weighted mean score and total responses per keys (rows without responses do not count)."""
    valid = frame[frame["score"].notna() & (frame["responses"] > 0)]
    weighted = valid.assign(weighted=valid["score"] * valid["responses"])
    sums = weighted.groupby(keys, as_index=False)[["weighted", "responses"]].sum()
    sums["score"] = sums["weighted"] / sums["responses"]
    sums["responses"] = sums["responses"].astype(np.int64)
    return sums.drop(columns="weighted")


def _with_centre(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Add centre rows computed from the teams for the keys that have no centre row of their own."""
    teams = frame[frame["team"] != TOTAL]
    own = frame[frame["team"] == TOTAL]
    derived = _weighted(teams, keys).assign(team=TOTAL)
    have = own[keys].drop_duplicates().assign(_own=True)
    derived = derived.merge(have, on=keys, how="left")
    derived = derived[derived["_own"].isna()].drop(columns="_own")
    return pd.concat([frame, derived[frame.columns]], ignore_index=True)


def _against_targets(frame: pd.DataFrame, targets: Mapping[str, float]) -> pd.DataFrame:
    out = frame.copy()
    out["target"] = out["dimension"].map(lambda d: float(targets.get(d, np.nan))).astype(np.float64)
    out["met"] = _met(out["score"] >= out["target"], out["score"] + out["target"])
    out["gap"] = out["score"] - out["target"]
    out["_total"] = out["team"].eq(TOTAL)
    return out


def _nki_by_tertial(nki: pd.DataFrame, labels: list[str], targets: Mapping[str, float]) -> pd.DataFrame:
    """NKI per tertial, team and dimension, response-weighted over the tertial's periods."""
    columns = ["tertial", "team", "dimension", "score", "responses", "target", "met", "gap"]
    frame = _nki_rows(nki)
    frame = frame.assign(tertial=frame["period_start"].map(tertial))
    frame = frame[frame["tertial"].isin(labels)]
    if frame.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    # First each period's centre (own rows, else from the teams), then the tertial's weighted mean.
    per_period = _with_centre(
        _weighted(frame, ["tertial", "period_start", "period_end", "team", "dimension"]),
        ["tertial", "period_start", "period_end", "dimension"],
    )
    merged = _against_targets(_weighted(per_period, ["tertial", "team", "dimension"]), targets)
    merged = merged.sort_values(["tertial", "_total", "team", "dimension"], kind="stable", key=_natural)
    return merged[columns].reset_index(drop=True)
