"""Response models of the evidence routes: associations, exposure, ranked actions and action follow-up."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field, computed_field


class PeriodPublic(BaseModel):
    """The analysed local dates, whole ISO weeks, first and last inclusive."""

    start: date
    end: date


class AnalysisDataPublic(BaseModel):
    """The data behind an analysis: how much of it there was."""

    teams: int
    team_weeks: int
    short_term_sick_spells: int = Field(description="over every answer group of the centre together")
    person_days_at_work: float
    offered_calls: int
    zones: list[str]
    open_days: int
    quantities_measured: list[str] = Field(description="the quantities some sensor of a team's zone measures")
    exposure_completeness: float | None = Field(
        description="share of expected occupied hours with sensor data, over the quantities measured"
    )


class AnalysisBase(BaseModel):
    """What every evidence answer carries: the period, when it was computed, the data and the notes."""

    period: PeriodPublic
    computed_at: datetime = Field(description="when the analysis was run; it is rerun after each import")
    data: AnalysisDataPublic
    notes: list[str]


class RatioPublic(BaseModel):
    """A ratio per unit change with its 95 % interval."""

    rate_ratio: float
    ci_low: float
    ci_high: float


class PriorPublic(RatioPublic):
    """What research says, with its source."""

    source: str
    outcome: str


class AssociationPublic(BaseModel):
    """One quantity, lag and outcome: the site's own estimate, the research prior and the two combined."""

    quantity: str
    outcome: str
    lag_weeks: int
    unit_change: float
    unit: str
    measure: str = Field(description="rate ratio (sick leave) or odds ratio (answer rate)")
    rate_ratio: float | None = Field(description="the site's own estimate; null when it could not be made")
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    p_adjusted: float | None = Field(description="Benjamini–Hochberg over everything tested")
    n: int = Field(description="team-weeks in the model")
    events: float | None = Field(
        description="sick spells or days behind it (answered calls for the answer rate); sick leave: HR and admin only"
    )
    teams: int
    weeks: int
    model: str
    dispersion: float | None
    answer_rate_change_pp: float | None
    exposure_completeness: float
    reason: str | None = Field(description="why there is no estimate of the site's own, in words")
    prior: PriorPublic | None
    combined: RatioPublic | None
    local_weight: float | None = Field(description="the site's share of the combined estimate's precision")
    confidence: str = Field(description="high, moderate, low or none")
    statement: str


class AssociationsPublic(AnalysisBase):
    """Every association tested, best supported first."""

    associations: list[AssociationPublic]


class ExposureSummaryPublic(BaseModel):
    """One zone and quantity over the whole period."""

    zone: str
    quantity: str
    unit: str
    mean: float | None = Field(description="mean of the weeks with enough data; null if none had")
    weeks: int
    weeks_with_data: int
    completeness: float
    share_of_hours_act: float | None = Field(description="share of judged occupied hours beyond the acceptable band")


class ExposureWeekPublic(BaseModel):
    """One zone, quantity and ISO week over occupied hours; a week with too little data is "missing"."""

    zone: str
    quantity: str
    week_start: date
    expected_hours: float
    hours_with_data: float
    completeness: float
    mean: float | None
    p95: float | None
    hours_good: float | None
    hours_acceptable: float | None
    hours_act: float | None
    status: str

    @computed_field(description="the ISO week, as Swedish calendars number it: 2026-W49 (vecka 49)")  # type: ignore[prop-decorator]
    @property
    def iso_week(self) -> str:
        """The ISO week of `week_start` (a Monday)."""
        year, week, _ = self.week_start.isocalendar()
        return f"{year}-W{week:02d}"


class ExposurePublic(AnalysisBase):
    """Occupied-hours exposure per zone: the period's summary and the weeks."""

    summary: list[ExposureSummaryPublic]
    weeks: list[ExposureWeekPublic]


class ActionPublic(BaseModel):
    """One zone × action: exposure now and after, sick days avoided, answer-rate gain, cost and confidence."""

    rank: int
    zone: str
    teams: list[str] | str | None = None
    action: str
    action_name: str
    action_name_sv: str
    quantity: str
    unit: str
    current: float | None
    after: float | None
    counted_change: float | None
    exposure_weeks: int | None
    expected_sick_days_avoided_per_year: float | None
    sick_days_ci_low: float | None
    sick_days_ci_high: float | None
    agent_days_regained_per_year: float | None
    expected_answer_rate_gain_pp: float | None
    answer_rate_gain_ci_low_pp: float | None
    answer_rate_gain_ci_high_pp: float | None
    centre_answer_rate_gain_pp: float | None
    cost_low_sek: float | None
    cost_high_sek: float | None
    cost_sek: float | None
    annual_cost_sek: float | None
    benefit_sek_per_year: float | None
    benefit_cost_ratio: float | None
    benefit_cost_ratio_low: float | None
    benefit_cost_ratio_high: float | None
    lead_time_weeks: float | None
    lifetime_years: float | None
    confidence: str
    local_weight: float | None = Field(
        None,
        description="how much the sick-leave effect behind the row rests on the site's own data: its share of the "
        "combined estimate's precision (0: the research prior alone, 1: the site's data alone); null: no estimate",
    )
    evidence: str
    reason: str
    reason_code: str | None = Field(
        None,
        description="why no benefit is claimed, as a code: unmeasured, no_team, no_data, no_change, good_band, "
        "no_estimate, no_sick_days or other_way (`reason` says it in words); null: a benefit is computed",
    )
    action_effect: str
    cost_note: str
    sources: list[str]


class ActionsPublic(AnalysisBase):
    """The ranked actions, and which sick-day rate they were ranked on."""

    baseline: str = Field(description="each team's own short-term sick days (HR, admin), or the centre's average")
    actions: list[ActionPublic]


class FollowUpWindowPublic(BaseModel):
    """The weeks compared (week starts, Mondays): the done week and those left out, and the two periods."""

    done_on: date
    done_week: date
    excluded_weeks: list[date]
    before: list[date] = Field(description="first and last week start before")
    after: list[date] = Field(description="first and last week start after")


class ComparisonPublic(BaseModel):
    """One outcome before and after in the zone and in the other zones: the change, its interval, in words."""

    outcome: str = Field(description="exposure, short_term_sick_spells or answer_rate")
    quantity: str | None
    unit: str
    measure: str
    status: str = Field(
        description="estimated, too_early, no_data, too_little_data, no_team, no_controls, or withheld (HR only)"
    )
    statement: str
    verdict: str | None = Field(description="fell, rose or unclear; null unless estimated")
    treated_before: float | None = None
    treated_after: float | None = None
    control_before: float | None = None
    control_after: float | None = None
    estimate: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    change_pp: float | None = None
    change_pp_low: float | None = None
    change_pp_high: float | None = None
    p_placebo: float | None = None
    clearer_than: int | None = None
    placebos: int = 0
    weeks_before: int = 0
    weeks_after: int = 0
    n: int = 0
    events_before: float | None = None
    events_after: float | None = None
    events: float | None = None
    group_size: int | None = None
    model: str = ""


class FollowUpPublic(BaseModel):
    """A done improvement-board item: its zone before and after, against the other zones."""

    item_id: int
    title: str
    action: str | None
    zone: str
    teams: list[str]
    window: FollowUpWindowPublic
    comparisons: list[ComparisonPublic]
    statement: str
    notes: list[str]


class FollowUpsPublic(AnalysisBase):
    """The follow-up of every done item with a zone and a date."""

    small_groups_shown: bool = Field(description="whether sick leave of groups under five people is shown (HR, admin)")
    follow_ups: list[FollowUpPublic]


class CatalogueActionPublic(BaseModel):
    """One action of the catalogue: what it moves and how, what it costs, how soon it works and for how long."""

    key: str = Field(description="the action's key, e.g. sound_absorbers (what a board item's `action` names)")
    name: str = Field(description="its name in English")
    name_sv: str = Field(description="its name in Swedish")
    quantity: str = Field(description="the quantity key it moves, e.g. sound_dba")
    effect_kind: str = Field(
        description="scale_excess, shift, at_least, at_most or unmeasured (models/data/actions.toml)"
    )
    effect_note: str = Field(description="the typical effect in words and where the figure comes from (English)")
    cost_low_sek: float = Field(description="the low end of its cost, SEK excluding VAT, per `cost_per`")
    cost_high_sek: float = Field(description="the high end of its cost")
    cost_per: str = Field(description="zone, m2 (of the zone's floor) or workstation")
    cost_note: str = Field(description="what the price covers and how sure it is (English)")
    lead_time_weeks: float = Field(description="from decision to effect")
    lifetime_years: float = Field(description="how long the effect lasts before the cost recurs")
    sources: list[str] = Field(description="where the effect, the level or the mechanism comes from")
