"""The tertial period report (periodrapport) as a PDF or HTML download, or its figures as JSON.

The report (models.report) stands on what the API keeps already: the goal figures' daily calls and NKI
(api/cache.py GoalFigures), the analysis of the two years up to the tertial's last complete week of calls
and the forecast as of that week (the same ones the evidence and forecast routes keep: a forecast page
seen with its defaults costs the report nothing), and a few reads of the records store. Rendered reports
are kept per period, language, format, day and the records' data version (and the analysis and forecast
they stand on), so asking again is instant; a first request for a period takes seconds. Every read is
audited: the report carries the centre's sick leave (never a group's).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import replace
from datetime import date, timedelta
from typing import TYPE_CHECKING, Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Path, Query, Request, status
from fastapi.responses import JSONResponse, Response

from api import bounds
from api.audit import people_covered
from api.deps import Authorized, RecordsDep, Services, ServicesDep, TodayDep
from api.headers import LOCKDOWN
from api.routes.evidence import analysis_of
from api.schemas_report import TertialPeriodReportPublic
from models.errors import ModelInputError

if TYPE_CHECKING:
    from models.analysis import Analysis
    from models.forecast import Forecast
    from models.report import Message, ReportWindow, TertialReport
    from records.store import RecordsStore

router = APIRouter(prefix="/reports", tags=["reports"])

# The HTML report styles itself inline and draws its charts as inline SVG; it runs no script and loads nothing.
HTML_POLICY = f"default-src 'none'; style-src 'unsafe-inline'; img-src data:; {LOCKDOWN}"
HISTORY_DAYS = 731  # the analysis and the forecast stand on the two years before the tertial's last week
KEPT = 24  # rendered reports kept (a PDF is some 300 KB)
PeriodPath = Annotated[
    str, Path(max_length=16, description="the tertial: 2026-T1 (Jan–Apr), 2026-T2 (May–Aug) or 2026-T3 (Sep–Dec)")
]
FILES: dict[int | str, dict[str, Any]] = {
    status.HTTP_200_OK: {
        "model": TertialPeriodReportPublic,
        "description": "the report: a PDF download (format=pdf, the default), HTML (format=html) or its figures (json)",
        "content": {
            "application/pdf": {"schema": {"type": "string", "format": "binary"}},
            "text/html": {"schema": {"type": "string"}},
        },
    }
}


class RenderedReports:
    """Rendered reports under their key, the last KEPT; one built at a time (each takes seconds)."""

    def __init__(self, kept: int = KEPT) -> None:
        """Keep at most `kept` reports."""
        self._kept = kept
        self._lock = threading.Lock()
        self._building = threading.Lock()
        self._done: OrderedDict[Hashable, tuple[TertialReport, bytes]] = OrderedDict()

    def get(self, key: Hashable, build: Callable[[], tuple[TertialReport, bytes]]) -> tuple[TertialReport, bytes]:
        """The report kept under `key`, else `build()`'s (kept)."""
        with self._building:
            with self._lock:
                if key in self._done:
                    self._done.move_to_end(key)
                    return self._done[key]
            value = build()
            with self._lock:
                self._done[key] = value
                while len(self._done) > self._kept:
                    self._done.popitem(last=False)
            return value


_MADE = threading.Lock()


def rendered_reports(request: Request) -> RenderedReports:
    """The app's kept reports (made on first use)."""
    state = request.app.state
    with _MADE:
        if not hasattr(state, "rendered_reports"):
            state.rendered_reports = RenderedReports()
        kept: RenderedReports = state.rendered_reports
        return kept


@router.get("/tertial/{period}", response_model=None, responses=FILES)
def tertial_report(
    request: Request,
    services: ServicesDep,
    records: RecordsDep,
    today: TodayDep,
    _: Authorized,
    period: PeriodPath,
    fmt: Annotated[Literal["pdf", "html", "json"], Query(alias="format", description="pdf, html or json")] = "pdf",
    lang: Annotated[Literal["sv", "en"], Query(description="sv (Swedish, the default) or en")] = "sv",
) -> Response:
    """The tertial period report: goals, environment, the centre's sick leave, risk ahead, board, feedback.

    For the municipal director, department heads and politicians: absence is the centre's only (never an
    answer group's). A section without data says so rather than failing the report.
    """
    from api.report_render import MEDIA_TYPES, PdfUnavailableError, document, file_name, render
    from models.report import report_window

    try:
        window = report_window(period, today, _calls_as_of(services, records))
    except ModelInputError as exc:
        raise bounds.refuse(str(exc)) from exc
    analysis, analysis_note, analysis_made = _analysis(services, records, today, window)
    forecast, forecast_note, forecast_made = _forecast(services, records, window, analysis)
    key = (records.data_version(), today, window.period, lang, fmt, analysis_made, forecast_made)

    def build() -> tuple[TertialReport, bytes]:
        report = _report(services, records, window, analysis, analysis_note, forecast, forecast_note)
        return report, b"" if fmt == "json" else render(report, fmt, lang)

    try:
        report, content = rendered_reports(request).get(key, build)
    except PdfUnavailableError as exc:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, str(exc)) from exc
    people_covered(request, records.people_between(window.analysis_until - timedelta(days=HISTORY_DAYS), window.last))
    if fmt == "json":
        return JSONResponse(TertialPeriodReportPublic(**document(report, lang)).model_dump(mode="json"))
    name = file_name(window.period, fmt)
    headers = {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}
    if fmt == "html":
        headers |= {"Content-Disposition": f'inline; filename="{name}"', "Content-Security-Policy": HTML_POLICY}
    return Response(content, media_type=MEDIA_TYPES[fmt], headers=headers)


def _calls_as_of(services: Services, records: RecordsStore) -> date | None:
    """The end of the last complete week of imported calls, or None without calls."""
    from models.forecast import default_as_of

    newest = records.last_call_interval()
    if newest is None:
        return None
    hours = services.site.site.working_hours
    return default_as_of(newest, services.site.site.timezone, tuple(hours.days))


def _analysis(
    services: Services, records: RecordsStore, today: date, window: ReportWindow
) -> tuple[Analysis | None, Message | None, object]:
    """The kept analysis up to the window's last complete week, or a note saying why there is none."""
    from models.report import Message

    if services.analyse is None:
        return None, Message("note.analysis_not_configured"), None
    try:
        made, analysis = analysis_of(services, records, today, None, window.analysis_until)
    except ModelInputError as exc:
        return None, Message("note.analysis_failed", {"text": str(exc)}), None
    return analysis, None, made


def _forecast(
    services: Services, records: RecordsStore, window: ReportWindow, analysis: Analysis | None
) -> tuple[Forecast | None, Message | None, object]:
    """The kept forecast as of the window's last complete week (the forecast route's own), or a note why not."""
    from models.report import FORECAST_WEEKS, Message

    run = services.forecast
    if run is None:
        return None, Message("note.forecast_not_configured"), None
    day = window.analysis_until
    try:
        made, result = services.caches.forecasts.get(
            records, (day, FORECAST_WEEKS, ()), lambda: run(day, FORECAST_WEEKS, (), analysis), services.now()
        )
    except ModelInputError as exc:
        return None, Message("note.forecast_failed", {"text": str(exc)}), None
    return result, None, made


def _report(
    services: Services,
    records: RecordsStore,
    window: ReportWindow,
    analysis: Analysis | None,
    analysis_note: Message | None,
    forecast: Forecast | None,
    forecast_note: Message | None,
) -> TertialReport:
    """Read what the report needs beyond the kept figures, and build it (models.report)."""
    from models.report import ReportData, ReportSite, board_frame, build_report
    from records.board import list_items

    tz = services.site.site.timezone
    staff_days, absence_days = window.absence_reads
    begun = records.records_begin().get("absences")
    ends = [b.period_end for b in records.import_batches("absences") if b.period_end is not None]
    data = ReportData(
        calls=services.caches.goals.calls(records, tz, window.calls_from, window.last),
        nki=services.caches.goals.nki(records),
        staff=records.staff_frame(*staff_days),
        absences=records.absences_frame(*absence_days),
        feedback=records.feedback_frame(window.calls_from, window.last),
        feedback_covered=records.covered_periods("feedback"),
        board=board_frame([item.to_dict() for item in list_items(records)]),
        absence_files=(begun if isinstance(begun, date) else None, max(ends) if ends else None),
    )
    data = replace(data, analysis=analysis, analysis_note=analysis_note, forecast=forecast, forecast_note=forecast_note)
    return build_report(window, data, ReportSite.of(services.site), services.targets, services.now())
