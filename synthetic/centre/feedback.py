"""Citizen feedback (synpunkter) to the municipality: cases per day, department, category, channel, failure demand.

Its own random stream ("feedback"), so adding it changed none of the centre's other numbers. A few
realistic patterns, for the reports to show: more cases on Mondays and fewer at weekends (web and e-mail
come in then too) and in July; complaints the most common category; Tekniska förvaltningen's complaints
rise in the winter (snow clearing); questions and complaints are far more often failure demand than
praise is; some cases are never tagged either way.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from synthetic.centre.config import FeedbackParams
from synthetic.streams import stream

FEEDBACK_COLUMNS = ["received_date", "department", "category", "channel", "failure_demand"]
CATEGORIES = ("complaint", "suggestion", "praise", "question")
CHANNELS = ("phone", "email", "web", "visit")


def draw_feedback(start: date, end: date, params: FeedbackParams, seed: int) -> pd.DataFrame:
    """Feedback cases received start..end (inclusive), oldest first; empty channel or tag as None."""
    rng = stream(seed, "feedback")
    days = pd.date_range(start, end, freq="D")
    weekday = np.asarray(params.weekdays)[days.day_of_week]
    month = np.asarray(params.months)[days.month - 1]
    per_day = params.cases_per_week / float(np.sum(params.weekdays)) * weekday * month
    counts = rng.poisson(per_day)
    received = np.repeat(days.to_numpy(dtype="datetime64[ns]"), counts)
    n = len(received)

    names = [name for name, _ in params.departments]
    weights = np.asarray([w for _, w in params.departments], dtype=np.float64)
    department = rng.choice(len(names), size=n, p=weights / weights.sum())

    category_weights = np.tile(np.asarray(params.categories, dtype=np.float64), (n, 1))
    winter = np.isin(pd.DatetimeIndex(received).month, params.winter_months)
    if params.winter_department in names:
        snow = (department == names.index(params.winter_department)) & winter
        category_weights[snow, CATEGORIES.index("complaint")] *= params.winter_complaint_factor
    category = _draw_rows(rng, category_weights)

    channel = rng.choice(len(CHANNELS), size=n, p=_normalised(params.channels))
    channel_given = rng.random(n) >= params.channel_missing
    tagged = rng.random(n) >= params.untagged
    failure = rng.random(n) < np.asarray(params.failure_demand)[category]

    tag = pd.array(failure, dtype="boolean")
    tag[~tagged] = pd.NA
    channel_names = np.asarray(CHANNELS, dtype=object)[channel]
    channel_names[~channel_given] = None
    return pd.DataFrame(
        {
            "received_date": received,
            "department": np.asarray(names, dtype=object)[department],
            "category": np.asarray(CATEGORIES, dtype=object)[category],
            "channel": channel_names,
            "failure_demand": tag,
        },
        columns=FEEDBACK_COLUMNS,
    )


def feedback_csv(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame as feedback.csv writes it: ISO dates, yes/no, empty cells where nothing was given."""
    tag = frame["failure_demand"].map({True: "yes", False: "no"}).astype("object")
    return frame.assign(
        received_date=frame["received_date"].dt.strftime("%Y-%m-%d"),
        channel=frame["channel"].fillna(""),
        failure_demand=tag.where(frame["failure_demand"].notna(), ""),
    )


def empty_feedback() -> pd.DataFrame:
    """No feedback: the columns only."""
    types = {"received_date": "datetime64[ns]", "failure_demand": "boolean"}
    return pd.DataFrame({c: pd.Series(dtype=types.get(c, "object")) for c in FEEDBACK_COLUMNS})


def _draw_rows(rng: np.random.Generator, weights: np.ndarray) -> np.ndarray:
    """One index per row of `weights`, drawn with the row's weights."""
    if not len(weights):
        return np.zeros(0, dtype=np.int64)
    cumulative = np.cumsum(weights / weights.sum(axis=1, keepdims=True), axis=1)
    picks = (rng.random(len(weights))[:, None] > cumulative).sum(axis=1)
    return np.minimum(picks, weights.shape[1] - 1)


def _normalised(weights: tuple[float, ...]) -> np.ndarray:
    values = np.asarray(weights, dtype=np.float64)
    return values / values.sum()
