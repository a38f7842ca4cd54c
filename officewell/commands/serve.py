"""`officewell serve`: the API and the dashboards."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from officewell.commands.options import DataDir, SiteOpt, StoreOpt, settings_of
from officewell.console import fail, known_errors


def serve(
    site: SiteOpt = None,
    store: StoreOpt = None,
    data_dir: DataDir = None,
    host: Annotated[str | None, typer.Option(help="Address to listen on. [env: OFFICEWELL_HOST]")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on. [env: OFFICEWELL_PORT]")] = None,
) -> None:
    """Serve the API and the dashboards (needs OFFICEWELL_SECRET_KEY; goal follow-up needs OFFICEWELL_PSEUDONYM_KEY)."""
    import uvicorn

    from api.app import create_app
    from officewell.wiring import services_of, site_of, store_of
    from records.store import RecordsStore

    settings = settings_of(site=site, store=store, data_dir=data_dir, host=host, port=port)
    # uvicorn's own variable is not read once the setting is passed: say so rather than trust another proxy.
    if os.environ.get("FORWARDED_ALLOW_IPS") and "OFFICEWELL_FORWARDED_ALLOW_IPS" not in os.environ:
        fail("FORWARDED_ALLOW_IPS is uvicorn's variable, which serve does not read: set OFFICEWELL_FORWARDED_ALLOW_IPS")
    try:
        # Goal follow-up needs the records store, which opens only with the pseudonymisation key.
        records = RecordsStore.from_settings(settings) if settings.pseudonym_key else None
        services = services_of(settings, site_of(settings), store_of(settings), records=records)
    except known_errors() as exc:
        fail(str(exc))
    uvicorn.run(
        create_app(services, cors_origins=settings.cors_origins, language=settings.language),
        host=settings.host,
        port=settings.port,
        # uvicorn's own loggers (start-up, errors, the access log) go through officewell's handler: the format
        # and level of OFFICEWELL_LOG_FORMAT and OFFICEWELL_LOG_LEVEL, one safe line per record.
        log_config=None,
        log_level=settings.log_level.lower(),
        # X-Forwarded-For and -Proto only from these proxies: the login throttle sees the client, HSTS sees https.
        proxy_headers=True,
        forwarded_allow_ips=settings.forwarded_allow_ips,
    )
