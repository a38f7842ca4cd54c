"""Citizen feedback per tertial: counts, shares, failure demand with Wilson intervals, coverage, a year earlier."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

from models.errors import ModelInputError
from models.feedback import SUMMARY_COLUMNS, feedback_report, wilson_interval

SOC, TEK = "Socialförvaltningen", "Tekniska förvaltningen"
COVERED = [(date(2025, 1, 1), date(2026, 12, 31))]


def cases(*rows: tuple[str, str, str, str | None, bool | None]) -> pd.DataFrame:
    """A feedback frame as the records store gives it."""
    frame = pd.DataFrame(rows, columns=["received_date", "department", "category", "channel", "failure_demand"])
    frame["received_date"] = pd.to_datetime(frame["received_date"])
    frame["failure_demand"] = frame["failure_demand"].astype("boolean")
    return frame


# 2026-T3: Soc 3 complaints (2 failure demand, 1 untagged) and a praise; Tek a complaint and 2 questions (1 fd).
# 2025-T3: Soc 1 complaint, Tek 1 suggestion. Outside: a case in 2026-T2 and one in 2027.
FRAME = cases(
    ("2026-09-01", SOC, "complaint", "phone", True),
    ("2026-09-15", SOC, "complaint", "email", True),
    ("2026-10-01", SOC, "complaint", None, None),
    ("2026-10-02", SOC, "praise", "web", False),
    ("2026-11-03", TEK, "complaint", "phone", False),
    ("2026-12-30", TEK, "question", "visit", True),
    ("2026-12-31", TEK, "question", "phone", False),
    ("2025-09-10", SOC, "complaint", "phone", True),
    ("2025-10-10", TEK, "suggestion", "web", None),
    ("2026-08-31", SOC, "complaint", "phone", True),
    ("2027-01-04", SOC, "complaint", "phone", True),
)


def row(report, department: str, category: str) -> pd.Series:
    summary = report.summary
    found = summary[(summary["department"] == department) & (summary["category"] == category)]
    assert len(found) == 1, (department, category)
    return found.iloc[0]


def test_counts_shares_and_failure_demand_of_a_tertial():
    report = feedback_report(FRAME, 2026, [3], covered=COVERED)
    assert list(report.summary.columns) == SUMMARY_COLUMNS
    assert report.tertials == ("2026-T3",)
    centre = row(report, "total", "total")
    assert (centre["count"], centre["share"]) == (7, 1.0)
    assert (centre["failure_demand"], centre["tagged"]) == (3, 6)
    assert centre["failure_demand_share"] == pytest.approx(0.5)
    assert centre["untagged_share"] == pytest.approx(1 / 7)
    complaints = row(report, SOC, "complaint")
    assert (complaints["count"], complaints["failure_demand"], complaints["tagged"]) == (3, 2, 2)
    assert complaints["share"] == pytest.approx(3 / 7)
    assert complaints["failure_demand_share"] == pytest.approx(1.0)
    assert complaints["untagged_share"] == pytest.approx(1 / 3)
    soc = row(report, SOC, "total")
    assert (soc["count"], soc["failure_demand"], soc["tagged"]) == (4, 2, 3)
    questions = row(report, "total", "question")
    assert (questions["count"], questions["failure_demand"], questions["failure_demand_share"]) == (2, 1, 0.5)
    # Every department's row and every category's row add up to the centre's.
    summary = report.summary
    assert summary[(summary["department"] != "total") & (summary["category"] == "total")]["count"].sum() == 7
    assert summary[(summary["department"] == "total") & (summary["category"] != "total")]["count"].sum() == 7
    # Names alphabetically, "total" last; categories in their fixed order.
    assert summary["department"].drop_duplicates().tolist() == [SOC, TEK, "total"]
    assert row(report, "total", "suggestion")["count"] == 0  # a category only a year earlier keeps its row


def test_a_year_earlier_is_counts_on_the_same_days():
    report = feedback_report(FRAME, 2026, [3], covered=COVERED)
    centre = row(report, "total", "total")
    assert (centre["compared_count"], centre["previous_count"], centre["change"]) == (7, 2, 5)
    suggestion = row(report, TEK, "suggestion")
    assert (suggestion["count"], suggestion["previous_count"], suggestion["change"]) == (0, 1, -1)
    assert np.isnan(suggestion["failure_demand_share"])
    period = report.periods.iloc[0]
    assert (period["days"], period["covered_days"], period["compared_days"]) == (122, 122, 122)
    assert (period["previous_tertial"], period["previous_count"], period["change"]) == ("2025-T3", 2, 5)
    assert report.notes == ()


def test_only_the_days_both_years_cover_are_compared():
    # Feedback imported from 1 October 2025 on: September 2026 has nothing to be compared with.
    covered = [(date(2025, 10, 1), date(2025, 12, 31)), (date(2026, 9, 1), date(2026, 12, 31))]
    report = feedback_report(FRAME, 2026, [3], covered=covered)
    centre = row(report, "total", "total")
    assert (centre["count"], centre["compared_count"], centre["previous_count"]) == (7, 5, 1)
    assert report.periods.iloc[0]["compared_days"] == 92
    assert report.notes == ("2026-T3 is compared with 2025-T3 on the 92 days both have feedback imported for",)


def test_no_comparison_without_the_year_before():
    report = feedback_report(FRAME, 2026, [3], covered=[(date(2026, 9, 1), date(2026, 11, 30))])
    centre = row(report, "total", "total")
    assert centre["count"] == 5  # December is not covered: its two cases are left out
    assert centre[["previous_count", "change"]].isna().all()
    assert report.periods.iloc[0][["compared_count", "previous_count", "change"]].isna().all()
    assert report.notes == (
        "2026-T3: feedback is imported for 91 of its 122 days",
        "2026-T3: no feedback imported for the same days of 2025-T3: no comparison",
    )


def test_wilson_intervals_are_statsmodels():
    report = feedback_report(FRAME, 2026, [3], covered=COVERED)
    rows = report.summary[report.summary["tagged"] > 0]
    low, high = proportion_confint(rows["failure_demand"], rows["tagged"], alpha=0.05, method="wilson")
    np.testing.assert_allclose(rows["ci_low"], low)
    np.testing.assert_allclose(rows["ci_high"], high)
    assert report.summary.loc[report.summary["tagged"] == 0, ["failure_demand_share", "ci_low"]].isna().all().all()
    centre = row(report, "total", "total")  # 3 of 6: 0.188–0.812 (Wilson 1927)
    assert (round(centre["ci_low"], 3), round(centre["ci_high"], 3)) == (0.188, 0.812)
    low, high = wilson_interval(np.array([0, 5, 0]), np.array([10, 5, 0]))
    assert low[0] == pytest.approx(0.0)
    assert high[1] == pytest.approx(1.0)
    assert np.isnan([low[2], high[2]]).all()


def test_months_and_channels():
    report = feedback_report(FRAME, 2026, [3], covered=COVERED)
    months = report.months
    assert months["month"].drop_duplicates().tolist() == ["2026-09", "2026-10", "2026-11", "2026-12"]
    totals = months[months["category"] == "total"].set_index("month")["count"]
    assert totals.to_dict() == {"2026-09": 2, "2026-10": 2, "2026-11": 1, "2026-12": 2}
    december = months[(months["month"] == "2026-12") & (months["category"] == "question")].iloc[0]
    assert (december["count"], december["share"], december["failure_demand_share"]) == (2, 1.0, 0.5)
    channels = report.channels.set_index("channel")["count"].to_dict()
    assert channels == {"phone": 3, "email": 1, "web": 1, "visit": 1, "unknown": 1, "total": 7}


def test_a_whole_year_and_a_year_without_feedback():
    report = feedback_report(FRAME, 2026, covered=COVERED)
    assert report.tertials == ("2026-T1", "2026-T2", "2026-T3")
    assert report.periods["count"].tolist() == [0, 1, 7]
    empty = feedback_report(FRAME.iloc[0:0], 2027)
    assert [len(empty.summary), len(empty.months), len(empty.channels)] == [0, 0, 0]
    assert empty.periods["covered_days"].tolist() == [0, 0, 0]
    assert empty.notes == ("no feedback imported for 2027-T1, 2027-T2, 2027-T3",)


def test_without_covered_periods_the_frames_span_counts():
    report = feedback_report(FRAME, 2026, [3])  # 2025-09-10 .. 2027-01-04: from 10 September on
    assert report.periods.iloc[0]["compared_days"] == 113
    centre = row(report, "total", "total")
    assert (centre["count"], centre["compared_count"], centre["previous_count"]) == (7, 6, 2)
    assert report.notes == ("2026-T3 is compared with 2025-T3 on the 113 days both have feedback imported for",)


def test_many_untagged_cases_get_a_note():
    frame = cases(*[("2026-05-04", SOC, "question", "phone", None)] * 3, ("2026-05-05", SOC, "question", "web", True))
    report = feedback_report(frame, 2026, [2])
    assert "2026-T2: 75% of the cases are not tagged as failure demand or not" in report.notes[-1]


def test_bad_input():
    with pytest.raises(ModelInputError, match="lacks columns"):
        feedback_report(FRAME.drop(columns="channel"), 2026)
    with pytest.raises(ModelInputError, match="tertials are 1"):
        feedback_report(FRAME, 2026, [4])
    with pytest.raises(ModelInputError, match="unknown feedback categories"):
        feedback_report(FRAME.assign(category="other"), 2026)
