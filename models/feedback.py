"""Citizen feedback (synpunkter) per tertial: what came in, about which department, and how much was failure demand.

Pure functions on the records store's feedback frame (received_date, department, category, channel,
failure_demand), no I/O. Tertials are T1 Jan–Apr, T2 May–Aug, T3 Sep–Dec (models.goals); a case counts in
the tertial and month of the day it came in. Rows for every department or every category have "total" in
that column, as the goal follow-up's centre rows do.

- **Share** is a row's part of its tertial's (or month's) cases in the whole centre.
- **Failure demand** (onödig efterfrågan: contact that better service would have made unnecessary) is a
  share of the *tagged* cases only: `failure_demand` of `tagged`, with a Wilson 95 % interval (Wilson 1927;
  statsmodels `proportion_confint(method="wilson")`), which stays inside 0–1 and is honest for a handful of
  cases. `untagged_share` says how many cases have no tag, i.e. how complete the share is.
- **A year earlier** is the same tertial of the year before, on the days both years have feedback imported
  for (`covered`: the imported files' periods; by default the span of the frame). `compared_count` and
  `previous_count` are counts over those days, `change` their difference: counts, not a test.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import combinations

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from models.errors import ModelInputError
from models.goals import TOTAL, tertial_bounds

CATEGORIES = ("complaint", "suggestion", "praise", "question")
CHANNELS = ("phone", "email", "web", "visit")
UNKNOWN = "unknown"  # a case whose channel the export did not give
FEEDBACK_COLUMNS = ["received_date", "department", "category", "channel", "failure_demand"]
CONFIDENCE = 0.95

_MEASURES = [
    "count",
    "share",
    "failure_demand",
    "tagged",
    "failure_demand_share",
    "ci_low",
    "ci_high",
    "untagged_share",
]
SUMMARY_COLUMNS = [
    "tertial", "department", "category", *_MEASURES, "compared_count", "previous_count", "change",
]  # fmt: skip
MONTH_COLUMNS = ["month", "tertial", "category", *_MEASURES]
CHANNEL_COLUMNS = ["tertial", "channel", "count", "share"]
PERIOD_COLUMNS = [
    "tertial", "start", "end", "days", "covered_days", "count", "previous_tertial", "compared_days",
    "compared_count", "previous_count", "change",
]  # fmt: skip
_COMPARISON = ("compared_count", "previous_count", "change")
UNTAGGED_NOTE_SHARE = 0.2  # above this, a note says the failure-demand share rests on part of the cases

Span = tuple[date, date]


@dataclass(frozen=True, eq=False)
class FeedbackReport:
    """The feedback figures of some tertials of a year, each against the same tertial a year earlier.

    periods: one row per tertial — its days, how many have feedback imported, its cases, and the comparison.
    summary: tertial × department × category (each also "total"): the measures and the year-earlier counts.
    months: month × category ("total" too) for the whole centre.
    channels: tertial × channel ("unknown" where the export did not say, and "total").
    """

    year: int
    tertials: tuple[str, ...]
    periods: pd.DataFrame
    summary: pd.DataFrame
    months: pd.DataFrame
    channels: pd.DataFrame
    notes: tuple[str, ...]


def feedback_report(
    feedback: pd.DataFrame, year: int, tertials: Iterable[int] = (1, 2, 3), covered: Sequence[Span] | None = None
) -> FeedbackReport:
    """Counts, shares and failure demand per tertial, department and category, and the change from a year earlier.

    `feedback` needs the records store's columns and may hold other days (they are left out); `covered`
    lists the periods feedback files were imported for (None: the span of `feedback`'s received dates).
    """
    frame = _checked(feedback)
    numbers = sorted(set(tertials))
    if not numbers or any(n not in (1, 2, 3) for n in numbers):
        raise ModelInputError(f"tertials are 1 (Jan–Apr), 2 (May–Aug) and 3 (Sep–Dec), got {numbers}")
    if covered is None:
        days = frame["received_date"]
        covered = [] if frame.empty else [(days.min().date(), days.max().date())]
    labels = tuple(f"{year}-T{n}" for n in numbers)
    periods: list[dict[str, object]] = []
    summaries, months, channels, notes, empty = [], [], [], [], []
    for label in labels:
        period = _Period.of(label, covered)
        now = _within(frame, period.days)
        before = _within(frame, period.previous_days)
        summary = _summary(now, _within(frame, period.compared_days), before, bool(period.compared_days))
        summaries.append(summary.assign(tertial=label))
        months.append(_months(now, period.days).assign(tertial=label))
        channels.append(_channels(now).assign(tertial=label))
        periods.append(period.row(len(now), summary))
        notes += period.notes(len(now))
        notes += _untagged_note(label, now)
        if now.empty and not period.days:
            empty.append(label)
    if empty:
        notes.insert(0, f"no feedback imported for {', '.join(empty)}")
    return FeedbackReport(
        year=year,
        tertials=labels,
        periods=pd.DataFrame(periods, columns=PERIOD_COLUMNS),
        summary=_ordered(pd.concat(summaries, ignore_index=True), SUMMARY_COLUMNS),
        months=_ordered(pd.concat(months, ignore_index=True), MONTH_COLUMNS),
        channels=_ordered(pd.concat(channels, ignore_index=True), CHANNEL_COLUMNS),
        notes=tuple(notes),
    )


def wilson_interval(
    successes: np.ndarray, trials: np.ndarray, level: float = CONFIDENCE
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of successes/trials, element-wise; NaN where there are no trials."""
    successes = np.asarray(successes, dtype=np.float64)
    trials = np.asarray(trials, dtype=np.float64)
    low = np.full(trials.shape, np.nan)
    high = np.full(trials.shape, np.nan)
    some = trials > 0
    if some.any():
        low[some], high[some] = proportion_confint(successes[some], trials[some], alpha=1 - level, method="wilson")
    return low, high


# ----- periods and coverage ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Period:
    """A tertial, the days of it with feedback imported, and the days it can be compared on a year earlier."""

    label: str
    start: date
    end: date
    days: frozenset[date]  # covered days of the tertial
    compared_days: frozenset[date]  # covered days whose date a year earlier is covered too
    previous_days: frozenset[date]  # those days a year earlier

    @classmethod
    def of(cls, label: str, covered: Sequence[Span]) -> _Period:
        """The tertial `label` given the covered spans."""
        start, end = tertial_bounds(label)
        days = _covered_days(start, end, covered)
        before = _covered_days(*tertial_bounds(_previous(label)), covered)
        pairs = {d: _year_earlier(d) for d in days}
        compared = frozenset(d for d, p in pairs.items() if p is not None and p in before)
        previous = frozenset(p for d, p in pairs.items() if d in compared and p is not None)
        return cls(label, start, end, days, compared, previous)

    @property
    def previous_label(self) -> str:
        """The same tertial a year earlier."""
        return _previous(self.label)

    def row(self, count: int, summary: pd.DataFrame) -> dict[str, object]:
        """The period's row: days, coverage, cases and the centre's comparison (None without one)."""
        comparison: dict[str, object] = dict.fromkeys(_COMPARISON)
        if self.compared_days:
            centre = summary[(summary["department"] == TOTAL) & (summary["category"] == TOTAL)]
            comparison = {c: int(centre[c].iloc[0]) if len(centre) else 0 for c in _COMPARISON}
        return {
            "tertial": self.label,
            "start": pd.Timestamp(self.start),
            "end": pd.Timestamp(self.end),
            "days": (self.end - self.start).days + 1,
            "covered_days": len(self.days),
            "count": count,
            "previous_tertial": self.previous_label,
            "compared_days": len(self.compared_days),
            **comparison,
        }

    def notes(self, count: int) -> list[str]:
        """What a reader must know about this tertial's coverage and comparison."""
        notes: list[str] = []
        total = (self.end - self.start).days + 1
        if not self.days:
            return notes if count == 0 else [f"{self.label}: {count} cases fall outside the imported periods"]
        if len(self.days) < total:
            notes.append(f"{self.label}: feedback is imported for {len(self.days)} of its {total} days")
        if not self.compared_days:
            notes.append(
                f"{self.label}: no feedback imported for the same days of {self.previous_label}: no comparison"
            )
        elif len(self.compared_days) < len(self.days):
            notes.append(
                f"{self.label} is compared with {self.previous_label} on the {len(self.compared_days)} days "
                "both have feedback imported for"
            )
        return notes


def _previous(label: str) -> str:
    """The same tertial a year earlier: 2026-T3 → 2025-T3."""
    year, part = label.split("-T")
    return f"{int(year) - 1}-T{part}"


def _covered_days(start: date, end: date, covered: Sequence[Span]) -> frozenset[date]:
    """The days of start..end inside any covered span."""
    found: set[date] = set()
    for first, last in covered:
        lo, hi = max(first, start), min(last, end)
        found.update(lo + timedelta(days=k) for k in range((hi - lo).days + 1))
    return frozenset(found)


def _year_earlier(day: date) -> date | None:
    """The same date a year earlier; None for 29 February."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return None


def _within(frame: pd.DataFrame, days: frozenset[date]) -> pd.DataFrame:
    """The cases received on the given days."""
    if not days or frame.empty:
        return frame.iloc[0:0]
    wanted = pd.DatetimeIndex(sorted(days)).as_unit("ns")
    return frame[frame["received_date"].isin(wanted)]


# ----- the measures ------------------------------------------------------------------------------


def _checked(feedback: pd.DataFrame) -> pd.DataFrame:
    """The frame's columns, typed: dates at midnight, failure demand a nullable boolean."""
    missing = [c for c in FEEDBACK_COLUMNS if c not in feedback.columns]
    if missing:
        raise ModelInputError(f"the feedback frame lacks columns {missing}")
    frame = feedback[FEEDBACK_COLUMNS].copy()
    frame["received_date"] = pd.to_datetime(frame["received_date"]).dt.normalize().astype("datetime64[ns]")
    frame["failure_demand"] = frame["failure_demand"].astype("boolean")
    frame["channel"] = frame["channel"].astype("object").where(frame["channel"].notna(), UNKNOWN)
    unknown = sorted(set(frame["category"]) - set(CATEGORIES))
    if unknown:
        raise ModelInputError(f"unknown feedback categories {unknown}: use {', '.join(CATEGORIES)}")
    return frame


def _counts(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Cases, failure demand and tagged cases per key (keys whose value is TOTAL pool every value)."""
    tagged = frame["failure_demand"].notna()
    data = pd.DataFrame(
        {
            **{k: frame[k] for k in keys},
            "count": 1,
            "failure_demand": frame["failure_demand"].fillna(False).astype("int64"),
            "tagged": tagged.astype("int64"),
        }
    )
    parts = []
    for level in range(len(keys) + 1):
        for pooled in combinations(keys, level):
            grouped = data.assign(**{k: TOTAL for k in pooled})
            parts.append(grouped.groupby(keys, sort=False)[["count", "failure_demand", "tagged"]].sum().reset_index())
    if not parts or frame.empty:
        return pd.DataFrame(columns=[*keys, "count", "failure_demand", "tagged"])
    return pd.concat(parts, ignore_index=True)


def _measures(counts: pd.DataFrame, whole: int | np.ndarray) -> pd.DataFrame:
    """Shares of `whole` (the period's cases), failure-demand share with its Wilson interval, untagged share."""
    out = counts.copy()
    count = out["count"].to_numpy(dtype=np.float64)
    tagged = out["tagged"].to_numpy(dtype=np.float64)
    yes = out["failure_demand"].to_numpy(dtype=np.float64)
    out["share"] = _ratio(count, np.broadcast_to(np.asarray(whole, dtype=np.float64), count.shape))
    out["failure_demand_share"] = _ratio(yes, tagged)
    out["untagged_share"] = _ratio(count - tagged, count)
    out["ci_low"], out["ci_high"] = wilson_interval(yes, tagged)
    for column in ("count", "failure_demand", "tagged"):
        out[column] = out[column].astype("int64")
    return out


def _ratio(part: np.ndarray, whole: np.ndarray) -> np.ndarray:
    """The ratio part / whole, NaN where whole is 0."""
    return np.divide(part, whole, out=np.full(part.shape, np.nan), where=whole > 0)


def _summary(now: pd.DataFrame, compared: pd.DataFrame, before: pd.DataFrame, comparable: bool) -> pd.DataFrame:
    """Tertial rows per department × category (and totals), with the counts of the compared days.

    A department or category that had cases a year earlier and none now keeps its row, with a count of 0.
    """
    keys = ["department", "category"]
    rows = _counts(now, keys)
    if comparable:
        same = _counts(compared, keys)[[*keys, "count"]].rename(columns={"count": "compared_count"})
        then = _counts(before, keys)[[*keys, "count"]].rename(columns={"count": "previous_count"})
        rows = rows.merge(same, on=keys, how="outer").merge(then, on=keys, how="outer")
        whole = ["count", "failure_demand", "tagged", "compared_count", "previous_count"]
        rows[whole] = rows[whole].fillna(0).astype("int64")
        rows["change"] = rows["compared_count"] - rows["previous_count"]
    else:
        rows = rows.assign(**{c: pd.Series(pd.NA, index=rows.index, dtype="Int64") for c in _COMPARISON})
    return _measures(rows, len(now))


def _months(now: pd.DataFrame, days: frozenset[date]) -> pd.DataFrame:
    """Per month with feedback imported: categories and their total, for the whole centre."""
    months = sorted({d.strftime("%Y-%m") for d in days})
    if not months:
        return pd.DataFrame(columns=[c for c in MONTH_COLUMNS if c != "tertial"])
    counts = _counts(now.assign(month=now["received_date"].dt.strftime("%Y-%m")), ["month", "category"])
    grid = pd.DataFrame([(m, c) for m in months for c in (*CATEGORIES, TOTAL)], columns=["month", "category"])
    rows = grid.merge(counts[counts["month"] != TOTAL], on=["month", "category"], how="left")
    rows[["count", "failure_demand", "tagged"]] = rows[["count", "failure_demand", "tagged"]].fillna(0)
    per_month = rows[rows["category"] == TOTAL].set_index("month")["count"]
    return _measures(rows, rows["month"].map(per_month).to_numpy(dtype=np.float64))


def _channels(now: pd.DataFrame) -> pd.DataFrame:
    """Cases per channel of the tertial ("unknown" where not given, and "total")."""
    if now.empty:
        return pd.DataFrame(columns=["channel", "count", "share"])
    counts = now["channel"].value_counts()
    channels = [*CHANNELS, UNKNOWN]
    out = pd.DataFrame({"channel": [*channels, TOTAL], "count": [int(counts.get(c, 0)) for c in channels] + [len(now)]})
    out = out[(out["count"] > 0) | out["channel"].isin(CHANNELS) | (out["channel"] == TOTAL)]
    return out.assign(share=out["count"] / len(now)).reset_index(drop=True)


def _untagged_note(label: str, now: pd.DataFrame) -> list[str]:
    """A note when many of a tertial's cases have no failure-demand tag."""
    if now.empty:
        return []
    untagged = float(now["failure_demand"].isna().mean())
    if untagged <= UNTAGGED_NOTE_SHARE:
        return []
    return [
        f"{label}: {untagged:.0%} of the cases are not tagged as failure demand or not; "
        "the failure-demand share rests on the tagged ones"
    ]


def _ordered(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """The columns in order, rows by tertial (or month), then names alphabetically with "total" last."""
    frame = frame.reindex(columns=columns)
    if frame.empty:
        return frame.reset_index(drop=True)
    keys = [c for c in ("tertial", "month", "department", "category", "channel") if c in frame.columns]
    order = {c: i for i, c in enumerate((*CATEGORIES, *CHANNELS, UNKNOWN))}

    def key(column: pd.Series) -> pd.Series:
        if column.name in ("tertial", "month"):
            return column.astype(str)
        if column.name in ("category", "channel"):
            return column.map(lambda v: len(order) + 1 if v == TOTAL else order.get(v, len(order)))
        return column.map(lambda v: "1" if v == TOTAL else "0" + str(v).casefold())

    return frame.sort_values(keys, key=key, kind="stable").reset_index(drop=True)
