"""`officewell report`: read the stores for a tertial and hand the frames and results to models.report.

The records store gives the calls of the tertial and of the same tertial a year earlier (summed per day),
NKI, the roster and absences of the privacy blocks the restricted view decides on, the citizen feedback
and the improvement board; the Evidence analysis (models.analysis) of the two years up to the tertial's
last complete week gives the environment, the board's follow-ups and the ranked actions; the risk
forecast (models.forecast) as of that week gives the risk ahead. A part that cannot be made (no roster,
no calls) leaves its section with a note that says why instead of failing the report.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, time, timedelta

from models.analysis import Analysis, Period, default_period
from models.errors import ModelInputError
from models.forecast import Forecast
from models.goals import daily_calls
from models.report import (
    FORECAST_WEEKS,
    Message,
    ReportData,
    ReportSite,
    ReportWindow,
    TertialReport,
    board_frame,
    build_report,
    report_window,
)
from models.scenarios import Scenario
from models.targets import GoalTargets
from officewell.runners.forecast import latest_as_of
from officewell.settings import Settings
from records.board import list_items
from records.store import RecordsStore
from sensors.site import Site

Progress = Callable[[int, int], None]
Analyse = Callable[[Period], Analysis]
ForecastFn = Callable[[date, int, tuple[Scenario, ...], Analysis | None], Forecast]
STEPS = 4  # records, analysis, forecast, report
REPORT_DRAWS = 500  # the report's forecast: whole percentages of P(below target) need no more (±2 points)


def report_settings(settings: Settings) -> Settings:
    """The settings the report's forecast runs with: OFFICEWELL_FORECAST_DRAWS, but at most REPORT_DRAWS draws."""
    return settings.model_copy(update={"forecast_draws": min(settings.forecast_draws, REPORT_DRAWS)})


def window_of(site: Site, records: RecordsStore, period: str, today: date) -> ReportWindow:
    """The report's window: `period` as of `today`, its analysis ending with the last complete week of calls."""
    try:
        as_of = latest_as_of(site, records)
    except ModelInputError:
        as_of = None  # no calls at all: the goals and the risk sections say so
    return report_window(period, today, as_of)


def read_records(site: Site, records: RecordsStore, window: ReportWindow) -> ReportData:
    """The records the report reads (ReportData's frames; no analysis or forecast yet)."""
    tz = site.site.tz
    start = datetime.combine(window.calls_from, time(), tz)
    stop = datetime.combine(window.last + timedelta(days=1), time(), tz)
    staff_days, absence_days = window.absence_reads
    begun = records.records_begin().get("absences")
    ends = [b.period_end for b in records.import_batches("absences") if b.period_end is not None]
    return ReportData(
        calls=daily_calls(records.calls_frame(start, stop), site.site.timezone),
        nki=records.nki_frame(),
        staff=records.staff_frame(*staff_days),
        absences=records.absences_frame(*absence_days),
        feedback=records.feedback_frame(window.calls_from, window.last),
        feedback_covered=records.covered_periods("feedback"),
        board=board_frame([item.to_dict() for item in list_items(records)]),
        absence_files=(begun if isinstance(begun, date) else None, max(ends) if ends else None),
    )


def run_report(
    site: Site,
    records: RecordsStore,
    targets: GoalTargets,
    period: str,
    today: date,
    *,
    analyse: Analyse | None,
    forecast: ForecastFn | None,
    now: datetime,
    progress: Progress | None = None,
) -> TertialReport:
    """Read, analyse the environment, forecast, and build the report of `period` as of `today`."""
    window = window_of(site, records, period, today)
    data = read_records(site, records, window)
    _step(progress, 1)
    analysis, analysis_note = None, None
    if analyse is not None:
        try:
            analysis = analyse(default_period(today, None, window.analysis_until))
        except ModelInputError as exc:
            analysis_note = Message("note.analysis_failed", {"text": str(exc)})
    _step(progress, 2)
    result, forecast_note = None, None
    if forecast is not None:
        try:
            result = forecast(window.analysis_until, FORECAST_WEEKS, (), analysis)
        except ModelInputError as exc:
            forecast_note = Message("note.forecast_failed", {"text": str(exc)})
    _step(progress, 3)
    data = replace(data, analysis=analysis, analysis_note=analysis_note, forecast=result, forecast_note=forecast_note)
    report = build_report(window, data, ReportSite.of(site), targets, now)
    _step(progress, 4)
    return report


def _step(progress: Progress | None, done: int) -> None:
    if progress is not None:
        progress(done, STEPS)
