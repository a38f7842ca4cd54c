"""Response models of the forecast routes: weeks per answer group and centre, scenarios, the queue, backtests."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field


class DayCallsPublic(BaseModel):
    """Expected calls on one open day: the week's weekday profile."""

    date: date
    expected_offered: float


class IntervalSharePublic(BaseModel):
    """The share of a day's calls in one interval (local time of its start)."""

    time: str
    share: float


class ForecastWeekPublic(BaseModel):
    """One answer group's week (or the centre's, team "total")."""

    week: str = Field(description='ISO week, e.g. "2027-W03"')
    week_start: date
    team: str = Field(description='an answer group, or "total" for the whole centre (calls-weighted)')
    open_days: int
    expected_offered: float | None
    expected_answer_rate: float | None
    p10: float | None
    p50: float | None
    p90: float | None
    p_below_target: float | None = Field(description="the chance the week's answer rate ends below the target")
    agents_expected: float | None = Field(description="mean available agents per open day (FTE)")
    full_strength: float | None = Field(description="the group's FTE with every seat filled by a trained agent")
    drivers: list[str] = Field(description="what the risk comes from, biggest first, in words")
    driver_shares: dict[str, float] = Field(description="share of the risk per driver: absence, vacancies, …")
    reason: str | None = Field(description="why there is no figure (no call history, no open day …)")
    expected_offered_by_day: list[DayCallsPublic]


class ScenarioWeekPublic(BaseModel):
    """A scenario's effect on one week of a group or the centre."""

    week: str
    team: str
    p_below_baseline: float
    p_below_scenario: float
    p_below_change: float
    expected_baseline: float
    expected_scenario: float
    expected_change_pp: float
    change_p10_pp: float | None = Field(
        None, description="the 10th percentile of the paired answer-rate change (pp): 8 draws of 10 lie within p10–p90"
    )
    change_p90_pp: float | None = Field(None, description="the 90th percentile of the paired change (pp)")
    p_below_change_se: float | None = Field(
        None, description="the Monte Carlo standard error of p_below_change (paired draws): its simulation noise"
    )


class ScenarioPublic(BaseModel):
    """A scenario against the baseline, on the same random numbers."""

    scenario: dict[str, str | int | float | None]
    description: str
    weeks: list[ScenarioWeekPublic]
    reason: str | None = Field(description="why it could not be run")
    reason_code: str | None = Field(
        None,
        description="why it could not be run, as a code: not_forecast, outside, no_start, no_action, no_team, "
        "no_estimate, no_evidence, good_band or nothing",
    )
    note: str | None


class QueuePublic(BaseModel):
    """The queue's parameters and where each comes from (calibrated on history or the settings)."""

    handle_time_s: float
    handle_time_source: str
    patience_s: float
    patience_source: str
    phone_share: dict[str, float]
    centre_phone_share: float
    phone_share_source: str
    weeks: int
    rmse_pp: float | None
    residual_sd_pp: float
    phone_share_by_interval: list[float] = Field(description="the centre's share per interval (lunch is a dip)")
    note: str


class EnvironmentTermPublic(BaseModel):
    """A group's sick-leave ratio from its zone's recent environment against the good band."""

    rate_ratio: float
    quantities: list[dict[str, str | float]]


class ForecastBase(BaseModel):
    """What every forecast answer carries."""

    generated_at: datetime
    as_of: date = Field(description="the last day of data the forecast stands on")
    first_week: str
    weeks_ahead: int
    target_answer_rate: float
    draws: int
    queue: QueuePublic
    data: dict[str, str | int | float | bool]
    notes: list[str]


class ForecastPublic(ForecastBase):
    """`officewell forecast --json` (contracts §7)."""

    weeks: list[ForecastWeekPublic]
    scenarios: list[ScenarioPublic]
    environment: dict[str, EnvironmentTermPublic]
    intraday_profile: list[IntervalSharePublic] = Field(description="the centre's share of a day's calls")


class ScenariosPublic(ForecastBase):
    """Scenarios only, each against the baseline."""

    scenarios: list[ScenarioPublic]


class BacktestHorizonPublic(BaseModel):
    """Scores at one horizon."""

    horizon: int
    n: int
    share_below: float
    brier: float
    brier_climatology: float
    brier_persistence: float
    skill_vs_climatology: float | None
    skill_vs_persistence: float | None
    coverage_p10_p90: float
    mae_pp: float


class ReliabilityPublic(BaseModel):
    """One bin of the reliability table."""

    horizon: int
    bin: str
    n: int
    mean_forecast: float
    observed: float


class VolumeScorePublic(BaseModel):
    """The call-volume forecast against both naive forecasts at one horizon."""

    horizon: int
    n: int
    mae_model: float
    mae_seasonal_naive: float
    mae_recent_mean: float
    band_coverage: float


class BacktestPublic(BaseModel):
    """A rolling-origin backtest of the forecast."""

    computed_at: datetime
    target_answer_rate: float
    draws: int
    origins: list[str]
    origin_count: int
    horizons: list[BacktestHorizonPublic]
    reliability: list[ReliabilityPublic]
    volume: list[VolumeScorePublic]


class BacktestRunningPublic(BaseModel):
    """A backtest under way: ask again after Retry-After seconds."""

    status: str = "running"
    started_at: datetime
