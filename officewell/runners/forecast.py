"""`officewell forecast`: read the records (and the analysis's environment results) and hand them to models.forecast.

The records store gives two years of call intervals up to the as-of day, the whole roster (its future
starts and end dates count) and the absences from two years back on (future planned leave included);
the Evidence analysis of the same two years gives each zone's recent exposure, the combined effect
estimates and the ranked actions the scenarios draw on. Without sensor data the analysis still runs
and the forecast says that its environment term is left out.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, datetime, time, timedelta

import pandas as pd

from models.actions import effects_from_associations
from models.analysis import Analysis, Period, default_period
from models.forecast import Forecast, ForecastInputs, ForecastSettings, SiteHours, default_as_of, forecast
from models.forecast_backtest import ForecastBacktest, backtest_forecast
from models.queue_calibration import QueueParameters
from models.roster_outlook import Training
from models.scenarios import Scenario
from officewell.settings import Settings
from records.store import RecordsStore
from sensors.site import Site

Progress = Callable[[int, int], None]
Analyse = Callable[[Period], Analysis]
HISTORY_DAYS = 2 * 366 + 31  # two years of history and the month before (spells reaching in)


def forecast_settings(settings: Settings) -> ForecastSettings:
    """The forecast's knobs from officewell's settings."""
    queue = None
    if settings.forecast_queue == "settings":
        queue = QueueParameters(
            settings.handle_time_s, settings.patience_s, {}, settings.phone_share, "settings", 0, None,
            f"handle time {settings.handle_time_s:g} s, patience {settings.patience_s:g} s and phone share "
            f"{settings.phone_share:g} from the settings (OFFICEWELL_FORECAST_QUEUE=settings)",
        )  # fmt: skip
    return ForecastSettings(
        draws=settings.forecast_draws,
        target=settings.answer_rate_target,
        training=Training(settings.training_days, settings.training_start_capacity),
        recruitment_days=settings.recruitment_days,
        stand_in_fte=settings.stand_in_fte,
        handle_time_s=settings.handle_time_s,
        patience_s=None,
        default_phone_share=settings.phone_share,
        queue=queue,
    )


def site_hours(site: Site) -> SiteHours:
    """The site file's calendar."""
    hours = site.site.working_hours
    return SiteHours(site.site.timezone, tuple(hours.days), hours.start, hours.end)


def latest_as_of(site: Site, records: RecordsStore) -> date:
    """The end of the last complete week of imported call data (contracts §7)."""
    return default_as_of(records.last_call_interval(), site.site.timezone, tuple(site.site.working_hours.days))


def read_inputs(site: Site, records: RecordsStore, as_of: date, analysis: Analysis | None) -> ForecastInputs:
    """The frames the forecast needs as of `as_of` (see the module doc)."""
    tz = site.site.tz
    first = as_of - timedelta(days=HISTORY_DAYS)
    calls = records.calls_frame(
        datetime.combine(first, time(), tz), datetime.combine(as_of + timedelta(days=1), time(), tz)
    )
    inputs = ForecastInputs(
        calls=calls,
        staff=records.staff_frame(),
        absences=records.absences_frame(first, None),
        hours=site_hours(site),
        team_zone={team: zone.id for zone in site.zones for team in zone.teams},
    )
    if analysis is None:
        return inputs
    return replace(
        inputs,
        exposure=analysis.exposure,
        effects=effects_from_associations(analysis.associations),
        actions=analysis.actions_centre_rate if not analysis.actions_centre_rate.empty else pd.DataFrame(),
    )


def environment_of(analyse: Analyse | None, as_of: date) -> Analysis | None:
    """The Evidence analysis of the two years up to as_of (None when no analysis is configured)."""
    if analyse is None:
        return None
    return analyse(default_period(as_of, None, as_of))


def run_forecast(
    site: Site,
    records: RecordsStore,
    analyse: Analyse | None,
    settings: ForecastSettings,
    *,
    weeks: int,
    as_of: date | None = None,
    scenarios: Sequence[Scenario] = (),
    progress: Progress | None = None,
) -> Forecast:
    """Read, analyse the environment, forecast."""
    day = as_of or latest_as_of(site, records)
    _step(progress, 1, 3)
    analysis = environment_of(analyse, day)
    _step(progress, 2, 3)
    result = forecast(read_inputs(site, records, day, analysis), day, weeks, settings, scenarios)
    _step(progress, 3, 3)
    return result


def run_backtest(
    site: Site,
    records: RecordsStore,
    analyse: Analyse | None,
    settings: ForecastSettings,
    *,
    origins: int = 26,
    horizons: Sequence[int] = (1, 4, 8),
    as_of: date | None = None,
    progress: Progress | None = None,
) -> ForecastBacktest:
    """The rolling-origin backtest over the stored history (models.forecast_backtest)."""
    day = as_of or latest_as_of(site, records)
    return backtest_on(site, records, environment_of(analyse, day), settings, day, origins=origins,
                       horizons=horizons, progress=progress)  # fmt: skip


def backtest_on(
    site: Site,
    records: RecordsStore,
    analysis: Analysis | None,
    settings: ForecastSettings,
    as_of: date,
    *,
    origins: int = 26,
    horizons: Sequence[int] = (1, 4, 8),
    progress: Progress | None = None,
) -> ForecastBacktest:
    """The backtest over the history up to as_of, on an analysis already made (or None).

    The last origin lies 8 weeks (the longest horizon) before the last complete week of calls, so that
    every forecast it scores has its outcome.
    """
    tz = site.site.tz
    first = as_of - timedelta(days=HISTORY_DAYS + 7 * (origins + max(horizons)))
    stop = datetime.combine(as_of + timedelta(days=1), time(), tz)
    calls = records.calls_frame(datetime.combine(first, time(), tz), stop)
    inputs = replace(
        read_inputs(site, records, as_of, analysis), calls=calls, absences=records.absences_frame(first, None)
    )
    return backtest_forecast(inputs, origins=origins, horizons=tuple(horizons), settings=settings, progress=progress)


def _step(progress: Progress | None, done: int, total: int) -> None:
    if progress is not None:
        progress(done, total)
