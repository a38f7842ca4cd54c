"""The tertial period report (periodrapport): one tertial's goals, environment, absence, risk, board and feedback.

Pure: `build_report` composes what the other models compute — the goal follow-up (models.goals), the
restricted absence view (models.absence_views), citizen feedback (models.feedback) — with the results
the caller already has (the Evidence analysis, the risk forecast, the improvement board), and returns a
`TertialReport`: sections with JSON-ready figures, notes and their data completeness. Nothing is read or
written here; the runner (officewell/runners/report.py) and the API (api/routes/reports.py) read the
stores, and api/report_render turns the report into HTML, PDF or JSON.

Words are not made here: a note or statement is a `Message` — a key of the message catalogs and its
parameters — so that one report renders in Swedish or English.

**Privacy.** The report goes to the municipal director, department heads and politicians. Its absence is
the centre's total per month from the *restricted* view only (a group of three is never shown, and the
total is withheld where a hidden figure could be worked out); the board's follow-ups are the version
without small groups' sick leave; the ranked actions are those on the centre's average sick-day rate; the
forecast gives each group's risk of missing the target and the expected rate, never how many agents it
expects (which is absence-derived) nor the drivers' words about them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import pandas as pd

from models.absence_views import data_window
from models.errors import ModelInputError
from models.goals import tertial_bounds
from models.targets import GoalTargets
from sensors.site import Site

if TYPE_CHECKING:
    from models.analysis import Analysis
    from models.forecast import Forecast

SECTIONS = ("goals", "environment", "absence", "risk", "board", "feedback", "improvements")
LABEL = re.compile(r"(\d{4})-T([123])")
FIRST_YEAR, LAST_YEAR = 2000, 2100
FORECAST_WEEKS = 12  # the risk ahead: as many weeks as `officewell forecast` shows by default
BOARD_COLUMNS = [
    "id",
    "title",
    "zone",
    "quantity",
    "status",
    "due_date",
    "done_on",
    "action",
    "created_at",
    "updated_at",
]

# Every message key the report uses; each has a text in every catalog (api/report_render/*.toml).
MESSAGES = frozenset(
    {
        "note.source",
        "note.no_calls",
        "note.no_nki",
        "note.weeks_missing",
        "note.analysis_not_configured",
        "note.analysis_failed",
        "note.no_sensor_data",
        "note.not_measured",
        "note.environment_weeks",
        "note.absence_privacy",
        "note.absence_withheld",
        "note.absence_partial_month",
        "note.absence_files",
        "note.absence_no_files",
        "note.forecast_not_configured",
        "note.forecast_failed",
        "note.forecast_basis",
        "note.forecast_no_figure",
        "note.board_empty",
        "note.board_status_now",
        "note.follow_up_small_groups",
        "note.no_feedback",
        "note.feedback_partial",
        "improve.centre_below",
        "improve.groups_below",
        "improve.nki_below",
        "improve.zones_out",
        "improve.action",
        "improve.risk",
        "improve.risk_groups",
        "improve.failure_demand",
        "improve.none",
        "improve.no_data",
    }
)


@dataclass(frozen=True)
class Message:
    """A sentence of the report as a catalog key and its parameters (see api/report_render for the conventions)."""

    key: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.key not in MESSAGES:
            raise ValueError(f"unknown report message {self.key!r}: add it to models.report.MESSAGES and the catalogs")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: key and parameters."""
        return {"key": self.key, "params": dict(self.params)}


@dataclass(frozen=True)
class Section:
    """One section: its figures (JSON-ready), statements in words, notes, and how complete its data is (0–1)."""

    key: str
    figures: Mapping[str, Any]
    notes: tuple[Message, ...] = ()
    statements: tuple[Message, ...] = ()
    completeness: float | None = None
    available: bool = True

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "key": self.key,
            "available": self.available,
            "completeness": None if self.completeness is None else round(self.completeness, 3),
            "figures": dict(self.figures),
            "statements": [m.to_dict() for m in self.statements],
            "notes": [m.to_dict() for m in self.notes],
        }


@dataclass(frozen=True)
class TertialReport:
    """The period report of one tertial: what it covers and its sections, in SECTIONS order."""

    period: str
    first: date
    last: date
    data_until: date
    in_progress: bool
    site_id: str
    site_name: str
    generated_at: datetime
    target_answer_rate: float
    nki_targets: Mapping[str, float]
    sections: tuple[Section, ...]

    def section(self, key: str) -> Section:
        """The section called `key`."""
        for section in self.sections:
            if section.key == key:
                return section
        raise KeyError(key)

    def to_dict(self) -> dict[str, Any]:
        """The report's figures as one JSON document (`officewell report --json`, the API's format=json)."""
        return {
            "period": self.period,
            "start": self.first.isoformat(),
            "end": self.last.isoformat(),
            "data_until": self.data_until.isoformat(),
            "in_progress": self.in_progress,
            "site": {"id": self.site_id, "name": self.site_name},
            "generated_at": self.generated_at.isoformat(timespec="seconds"),
            "targets": {"answer_rate": self.target_answer_rate, "nki": dict(self.nki_targets)},
            "sections": [s.to_dict() for s in self.sections],
        }


@dataclass(frozen=True)
class ReportWindow:
    """The days a report covers and the days its inputs must cover.

    data_until: the last day with figures — the tertial's last, or yesterday while it runs. analysis_until:
    the Sunday up to which the Evidence analysis and the forecast stand on data (the forecast's as-of day).
    """

    period: str
    year: int
    number: int
    first: date
    last: date
    data_until: date
    analysis_until: date

    @property
    def in_progress(self) -> bool:
        """Whether the tertial had not ended when the report was made."""
        return self.data_until < self.last

    @property
    def previous(self) -> str:
        """The same tertial a year earlier."""
        return f"{self.year - 1}-T{self.number}"

    @property
    def calls_from(self) -> date:
        """The first day of calls to read: the same tertial a year earlier, for the comparison."""
        return tertial_bounds(self.previous)[0]

    @property
    def absence_reads(self) -> tuple[tuple[date, date], tuple[date, date]]:
        """The staff days and the absence days to read: models.absence_views.data_window of the restricted view."""
        return data_window("month", self.first, self.data_until, "restricted")


def report_window(period: str, today: date, calls_as_of: date | None = None) -> ReportWindow:
    """The window of `period` ("2026-T3") as of `today`; calls_as_of: the end of the last complete week of calls.

    Raises ModelInputError for a malformed label, a year outside 2000–2100 or a tertial that has not begun.
    """
    match = LABEL.fullmatch(period.strip()) if isinstance(period, str) else None
    if match is None:
        raise ModelInputError(
            f"{str(period)[:20]!r} is not a tertial: write YYYY-T1 (January–April), YYYY-T2 (May–August) or "
            "YYYY-T3 (September–December), e.g. 2026-T3"
        )
    year, number = int(match.group(1)), int(match.group(2))
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ModelInputError(f"the year of {period} lies outside {FIRST_YEAR}–{LAST_YEAR}")
    label = f"{year}-T{number}"
    first, last = tertial_bounds(label)
    if first >= today:
        raise ModelInputError(f"{label} has not begun: it starts on {first.isoformat()} (today is {today.isoformat()})")
    data_until = min(last, today - timedelta(days=1))
    sunday = data_until + timedelta(days=6 - data_until.weekday())
    if sunday >= today:
        sunday -= timedelta(weeks=1)  # that week is not over yet
    if calls_as_of is not None and calls_as_of < sunday:
        sunday = calls_as_of  # the forecast starts after the last complete week of calls
    return ReportWindow(label, year, number, first, last, data_until, sunday)


@dataclass(frozen=True)
class ReportSite:
    """What the report says about the site: its id and name, time zone, zone names and answer groups' zones."""

    site_id: str
    name: str
    tz: str
    zone_names: Mapping[str, str]
    team_zone: Mapping[str, str]

    @classmethod
    def of(cls, site: Site) -> ReportSite:
        """What the report says about `site`."""
        return cls(
            site_id=site.id,
            name=site.site.name,
            tz=site.site.timezone,
            zone_names={zone.id: zone.name for zone in site.zones},
            team_zone={team: zone.id for zone in site.zones for team in zone.teams},
        )


@dataclass(frozen=True)
class ReportData:
    """What a report is built from: the records' frames (over ReportWindow's days) and the results already made.

    calls: interval_start, team, offered, answered from window.calls_from to window.last (intervals or
    models.goals.daily_calls' daily sums). staff and absences: the rows overlapping window.absence_reads.
    absence_files: the first and last day the imported absence files cover.
    feedback: from window.calls_from (a year earlier too); feedback_covered: the feedback files' periods.
    board: the improvement board's items (BOARD_COLUMNS). analysis / forecast: the Evidence analysis up to
    window.analysis_until and the forecast as of it, or None with a note that says why.
    """

    calls: pd.DataFrame
    nki: pd.DataFrame
    staff: pd.DataFrame
    absences: pd.DataFrame
    feedback: pd.DataFrame
    board: pd.DataFrame
    absence_files: tuple[date | None, date | None] = (None, None)
    feedback_covered: Sequence[tuple[date, date]] | None = None
    analysis: Analysis | None = None
    analysis_note: Message | None = None
    forecast: Forecast | None = None
    forecast_note: Message | None = None


def build_report(
    window: ReportWindow, data: ReportData, site: ReportSite, targets: GoalTargets, generated_at: datetime
) -> TertialReport:
    """The period report of `window` from `data` (see the module doc)."""
    from models.report_improvements import improvements_section
    from models.report_sections import (
        absence_section,
        board_section,
        environment_section,
        feedback_section,
        goals_section,
        risk_section,
    )

    sections = [
        goals_section(window, data, site, targets),
        environment_section(window, data, site),
        absence_section(window, data),
        risk_section(data, site),
        board_section(window, data, site),
        feedback_section(window, data),
    ]
    sections.append(improvements_section(sections, data, targets))
    return TertialReport(
        period=window.period,
        first=window.first,
        last=window.last,
        data_until=window.data_until,
        in_progress=window.in_progress,
        site_id=site.site_id,
        site_name=site.name,
        generated_at=generated_at,
        target_answer_rate=targets.answer_rate,
        nki_targets=dict(targets.nki),
        sections=tuple(sorted(sections, key=lambda s: SECTIONS.index(s.key))),
    )


def board_frame(items: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """The board's items (records.board.Improvement.to_dict() rows, or objects' fields) as BOARD_COLUMNS."""
    return pd.DataFrame([{c: item.get(c) for c in BOARD_COLUMNS} for item in items], columns=BOARD_COLUMNS)
