"""Builds the running parts from settings: site, stores, pipeline, API services."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from api.deps import Services
from api.errors import WeakSecretError
from api.oidc import OidcConfig, OidcVerifier, role_map_of
from api.tokens import TokenSigner
from api.users import FileUserDirectory, UserDirectory
from gateway.deadletter_log import DeadLetterLog, SQLiteDeadLetterLog
from gateway.device_status import SQLiteDeviceStatus
from gateway.mqtt import BrokerAddress
from gateway.outbox import Outbox
from gateway.pipeline import Limits, Pipeline
from gateway.service import Gateway, GatewayOptions
from gateway.stores import ReadingStore, open_store
from officewell.alerting.setup import alert_store_of, watch_of
from officewell.settings import Settings, SettingsError
from records.store import RecordsStore
from sensors.site import Site, load_site

if TYPE_CHECKING:
    from api.deps import BacktestFn, ForecastFn
    from models.actions import ActionSpec
    from models.analysis import Analysis, Period
    from models.forecast import Forecast
    from models.forecast_backtest import ForecastBacktest
    from models.scenarios import Scenario

EXAMPLE_SITE = Path(__file__).parent / "example_site.toml"
BACKTEST_DRAWS = 1000  # per origin: the scores' own noise is small beside the weeks', and 26 origins take minutes


def site_of(settings: Settings) -> Site:
    """The site file from the settings; its absence is an error naming the flag."""
    if settings.site is None:
        raise SettingsError("no site file: pass --site FILE or set OFFICEWELL_SITE (see examples/site.toml)")
    return load_site(settings.site)


def pipeline_of(settings: Settings, site: Site) -> Pipeline:
    """The gateway pipeline for a site, with the configured timestamp limits."""
    return Pipeline(site, Limits(max_age=timedelta(days=settings.max_age_days)))


def store_of(settings: Settings) -> ReadingStore:
    """The reading store the settings name (InfluxDB v2 takes its token from OFFICEWELL_INFLUX_TOKEN)."""
    token = settings.influx_token.get_secret_value() if settings.influx_token else None
    return open_store(settings.store_url, influx_token=token)


def gateway_of(settings: Settings, site: Site, store: ReadingStore, *, persistent: bool = True) -> Gateway:
    """The gateway the settings describe, with its outbox in the state dir."""
    options = GatewayOptions(
        client_id=settings.mqtt_client_id or f"officewell-gateway-{site.id}",
        protocol=settings.mqtt_protocol,
        persistent_session=persistent,
        share_group=settings.mqtt_share_group,
    )
    outbox = Outbox(settings.outbox_path, max_bytes=settings.outbox_max_mb * 1024 * 1024)
    broker = BrokerAddress.parse(settings.mqtt, ca_file=settings.mqtt_ca_file)
    return Gateway(pipeline_of(settings, site), store, outbox, broker, options)


def services_of(
    settings: Settings,
    site: Site,
    store: ReadingStore,
    users: UserDirectory | None = None,
    dead_letters: DeadLetterLog | None = None,
    status: Callable[[], dict[str, Any]] | None = None,
    metrics: Callable[[], bytes] | None = None,
    records: RecordsStore | None = None,
) -> Services:
    """The API's services, with the alert loop unless OFFICEWELL_ALERTS=false; needs a token secret."""
    if settings.secret_key is None:
        raise SettingsError("no token secret: set OFFICEWELL_SECRET_KEY to at least 32 random characters")
    try:
        tokens = TokenSigner(settings.secret_key.get_secret_value(), lifetime_s=settings.token_lifetime_min * 60)
    except WeakSecretError as exc:
        raise SettingsError(f"OFFICEWELL_SECRET_KEY: {exc}") from exc
    alerts = alert_store_of(settings, records)
    from officewell.runners.analyze import load_catalogue

    catalogue = load_catalogue(settings.actions_file)  # read once: a broken file stops the server as it starts
    services = Services(
        site=site,
        store=store,
        dead_letters=dead_letters or SQLiteDeadLetterLog(settings.outbox_path),
        users=users or FileUserDirectory(settings.users_path),
        tokens=tokens,
        status=status or (lambda: {}),
        metrics=metrics,
        device_status=SQLiteDeviceStatus(settings.outbox_path),
        records=records,
        targets=settings.goal_targets,
        analyse=None if records is None else analysis_of(settings, site, store, records, catalogue),
        forecast=None if records is None else forecast_of(settings, site, records),
        backtest=None if records is None else backtest_of(settings, site, records),
        oidc=oidc_of(settings),
        alerts=alerts,
        actions=tuple(catalogue),
    )
    if settings.alerts:
        services.background = (watch_of(settings, site, store, alerts, services.now),)
    return services


def oidc_of(settings: Settings) -> OidcVerifier | None:
    """The OpenID Connect verifier the settings configure, or None."""
    if not (settings.oidc_issuer and settings.oidc_audience and settings.oidc_jwks_url):
        return None
    try:
        role_map = role_map_of(settings.oidc_role_map) if settings.oidc_role_map else None
    except ValueError as exc:
        raise SettingsError(f"OFFICEWELL_OIDC_ROLE_MAP: {exc}") from exc
    config = OidcConfig(
        issuer=settings.oidc_issuer,
        audience=settings.oidc_audience,
        jwks_url=settings.oidc_jwks_url,
        role_claim=settings.oidc_role_claim,
        username_claim=settings.oidc_username_claim,
    )
    return OidcVerifier(config if role_map is None else replace(config, role_map=role_map))


def forecast_of(settings: Settings, site: Site, records: RecordsStore) -> ForecastFn:
    """The risk forecast on the records store with the settings' knobs (the API hands in its kept analysis)."""
    from models.forecast import forecast
    from officewell.runners.forecast import forecast_settings, read_inputs

    knobs = forecast_settings(settings)

    def run(as_of: date, weeks: int, scenarios: tuple[Scenario, ...], analysis: Analysis | None) -> Forecast:
        return forecast(read_inputs(site, records, as_of, analysis), as_of, weeks, knobs, scenarios)

    return run


def backtest_of(settings: Settings, site: Site, records: RecordsStore) -> BacktestFn:
    """The forecast's rolling-origin backtest on the records store (1, 4 and 8 weeks ahead)."""
    from dataclasses import replace

    from officewell.runners.forecast import backtest_on, forecast_settings

    knobs = replace(forecast_settings(settings), draws=min(settings.forecast_draws, BACKTEST_DRAWS))

    def run(as_of: date, origins: int, analysis: Analysis | None) -> ForecastBacktest:
        return backtest_on(site, records, analysis, knobs, as_of, origins=origins)

    return run


def analysis_of(
    settings: Settings,
    site: Site,
    store: ReadingStore,
    records: RecordsStore,
    catalogue: Sequence[ActionSpec] | None = None,
) -> Callable[[Period], Analysis]:
    """The analysis of a period on these stores, with the evidence and action catalogue the settings name.

    The files are read here, once: a broken one stops the server as it starts, not at the first request.
    """
    from models.analysis import Economics
    from officewell.runners.analyze import load_catalogue, load_evidence, run_analysis

    evidence = load_evidence(settings.evidence_file)
    catalogue = list(catalogue) if catalogue is not None else load_catalogue(settings.actions_file)
    economics = Economics(settings.sick_day_value_sek, settings.handle_time_s, settings.patience_s)

    def analyse(period: Period) -> Analysis:
        return run_analysis(site, store, records, evidence, period, catalogue=catalogue, economics=economics)

    return analyse


def gateway_status(gateway: Gateway) -> dict[str, Any]:
    """The gateway's counters for /healthz."""
    s = gateway.stats
    return {
        "gateway": {
            "connected": s.connected,
            "received": s.received,
            "readings_committed": s.readings_committed,
            "dead_letters": s.dead_letters,
            "outbox_depth": gateway.outbox.depth(),
            "outbox_full": s.outbox_full,
            "store_error": gateway.flusher.last_error,
            "threads_alive": gateway.threads_alive(),
        }
    }
