"""The generator's parameters: staffing, absence, call, NKI and feedback models (all but the planted effects)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from models.absence import CONTINUATION_DAYS
from models.staffing import TRAINING_DAYS, TRAINING_START

# Month factors are indexed January … December, weekday factors Monday … Sunday.
Months = tuple[float, float, float, float, float, float, float, float, float, float, float, float]
Weekdays = tuple[float, float, float, float, float, float, float]


@dataclass(frozen=True)
class StaffParams:
    """Who works in the answer groups and how they come and go."""

    fte_levels: tuple[float, ...] = (1.0, 0.75, 0.5)
    fte_weights: tuple[float, ...] = (0.8, 0.14, 0.06)
    first_employee_number: int = 1001  # ids look like an HR export: "E1001"
    id_prefix: str = "E"
    tenure_years: tuple[float, float] = (0.4, 12.0)  # the initial staff were hired this long before the start
    turnover_per_year: float = 0.12  # share of agents who leave in a year: about four of 36
    vacancy_days: tuple[int, int] = (14, 92)  # recruiting takes a fortnight to three months
    training_days: int = TRAINING_DAYS  # three months of supervised training ...
    training_start_capacity: float = TRAINING_START  # ... rising linearly from half an agent to a whole one


@dataclass(frozen=True)
class AbsenceParams:
    """Sick leave, child care (vab) and other absence; rates are spells per FTE-year of exposure."""

    short_sick_per_fte_year: float = 2.0  # at the reference environment (PlantedEffects)
    # Flu season December–March; the summer is healthy. Mean about 1.
    short_sick_months: Months = (1.45, 1.55, 1.3, 1.0, 0.85, 0.7, 0.55, 0.7, 0.9, 1.05, 1.15, 1.35)
    # Onsets: illness over the weekend is reported on Monday. Mean over Monday–Friday is 1.
    onset_weekdays: Weekdays = (1.5, 1.0, 0.9, 0.85, 0.75, 0.0, 0.0)
    # Calendar days of a short spell, 1 … 14 (weights).
    short_sick_days: tuple[float, ...] = (30, 20, 14, 10, 8, 5, 5, 2, 1.5, 1.2, 1.0, 0.8, 0.7, 0.8)
    short_sick_extent: tuple[tuple[int, float], ...] = ((100, 0.93), (50, 0.05), (75, 0.01), (25, 0.01))
    frailty_shape: float = 4.0  # gamma-distributed proneness (mean 1, CV 0.5): some are off more often
    long_sick_per_fte_year: float = 0.12  # spells over 14 days (after surgery, burn-out, back pain …)
    long_over_90_share: float = 0.3  # of which this share lasts more than 90 days
    long_part_time_share: float = 0.5  # share of long spells that end with part-time sick leave
    # Falling ill within 5 days continues the spell (models.absence), so no new onset sooner.
    relapse_gap_days: int = CONTINUATION_DAYS
    child_care_share: float = 0.4  # share of agents with young children
    child_care_per_year: float = 4.0  # vab spells per parent-year
    child_care_months: Months = (1.35, 1.45, 1.35, 1.1, 0.9, 0.6, 0.3, 0.5, 1.0, 1.1, 1.2, 1.15)
    child_care_days: tuple[float, ...] = (55, 30, 15)  # working days, never across a weekend
    child_care_part_share: float = 0.1  # a half day of vab
    other_per_fte_year: float = 0.8  # leave for a funeral, moving, union duty: one or two days
    other_days: tuple[float, ...] = (70, 30)
    open_days_per_year: float = 250.0  # turns yearly rates into a hazard per working day


@dataclass(frozen=True)
class CallParams:
    """Call volumes, the queue and the agents' time away from the phone."""

    # Per answer group in an average open hour of an average day (about 135 000 calls a year for 12
    # groups). Three agents answer about 98 % of it in a full week, two about 88 %; over a year the
    # centre lands at 94–95.5 %, around its 95 % goal and below it in the flu season.
    calls_per_hour: float = 4.7
    team_volume_spread: float = 0.08  # answer groups serve areas of different size (sd of a factor)
    months: Months = (1.18, 1.05, 1.0, 0.95, 0.95, 0.88, 0.72, 1.15, 1.05, 1.0, 0.98, 0.85)
    weekdays: Weekdays = (1.22, 1.05, 0.97, 0.93, 0.83, 0.0, 0.0)
    after_closed_day: float = 1.12  # the first open day after a holiday gets the calls that waited
    day_cv: float = 0.08  # day-to-day swings shared by the centre (a letter goes out, the web is down)
    team_day_cv: float = 0.05  # and those of one answer group
    interval_minutes: int = 15
    handle_time_s: float = 300.0  # the standards' illustration: 5 minutes
    patience_s: float = 120.0
    # Share of an agent's time on the phone: e-mail, breaks and coaching take the rest ...
    on_phone_share: float = 0.9
    # ... and lunch (30 minutes each, staggered over 11:00–13:00) takes a quarter of that window.
    lunch: tuple[float, float, float] = (11.0, 13.0, 0.75)
    meeting_per_team_day: float = 0.2  # one agent off the phone for an hour (a meeting, coaching)
    meeting_minutes: int = 60


@dataclass(frozen=True)
class NkiParams:
    """Monthly customer satisfaction (NKI) per answer group."""

    responses: tuple[int, int] = (20, 60)
    treatment: tuple[float, float] = (4.4, 0.06)  # answer-group mean and its spread between groups
    knowledge: tuple[float, float] = (4.1, 0.06)
    respondent_sd: float = 0.75  # one answer on the 1–5 scale; the monthly mean's noise is sd/√n
    knowledge_per_trainee: float = -0.25  # a whole untrained agent in the group costs this much knowledge
    accessibility_at_target: float = 4.0  # score in a month at the target answer rate ...
    accessibility_per_pp: float = 0.05  # ... and per percentage point above or below it
    target_answer_rate: float = 0.95
    overall_weights: tuple[float, float, float] = (0.35, 0.35, 0.3)  # treatment, knowledge, accessibility


@dataclass(frozen=True)
class FeedbackParams:
    """Citizen feedback (synpunkter) to the municipality's departments, whichever way it came in."""

    cases_per_week: float = 24.0  # the whole municipality's cases in an average week: 10–40 in practice
    weekdays: Weekdays = (1.35, 1.15, 1.05, 1.0, 0.9, 0.3, 0.25)  # web and e-mail come in at weekends too
    months: Months = (1.1, 1.05, 1.0, 1.0, 1.0, 0.9, 0.6, 0.9, 1.15, 1.1, 1.05, 0.95)
    departments: tuple[tuple[str, float], ...] = (
        ("Socialförvaltningen", 0.22),
        ("Tekniska förvaltningen", 0.22),
        ("Stadsbyggnadsförvaltningen", 0.18),
        ("Utbildningsförvaltningen", 0.15),
        ("Kultur- och fritidsförvaltningen", 0.09),
        ("Miljöförvaltningen", 0.08),
        ("Kommunledningsförvaltningen", 0.06),
    )
    categories: tuple[float, float, float, float] = (0.45, 0.16, 0.12, 0.27)  # complaint, suggestion, praise, question
    # Snow clearing: the technical department's complaints rise this much December–February.
    winter_department: str = "Tekniska förvaltningen"
    winter_months: tuple[int, ...] = (12, 1, 2)
    winter_complaint_factor: float = 1.8
    # P(failure demand) by category: chasing an answer, or asking what the letter should have said (about 30 %).
    failure_demand: tuple[float, float, float, float] = (0.38, 0.08, 0.02, 0.45)
    untagged: float = 0.08  # cases the case handler never tagged either way
    channels: tuple[float, float, float, float] = (0.42, 0.24, 0.27, 0.07)  # phone, email, web, visit
    channel_missing: float = 0.03


@dataclass(frozen=True)
class GeneratorConfig:
    """Everything the generator can be tuned with, apart from the planted environment effects."""

    staff: StaffParams = field(default_factory=StaffParams)
    absence: AbsenceParams = field(default_factory=AbsenceParams)
    calls: CallParams = field(default_factory=CallParams)
    nki: NkiParams = field(default_factory=NkiParams)
    feedback: FeedbackParams = field(default_factory=FeedbackParams)
    # Absences are simulated from this long before the start, so spells under way at the start exist.
    burn_in_days: int = 92
    # The zone environment is the simulator's mean over this many sampled open days per month.
    environment_days_per_month: int = 2

    def quick(self) -> GeneratorConfig:
        """A cheaper variant for tests: one sampled day per month and a short burn-in."""
        return replace(self, burn_in_days=31, environment_days_per_month=1)
