"""Options every command shares (contracts §7), and the typed Settings built from them."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from officewell.console import fail

if TYPE_CHECKING:
    from officewell.settings import Settings

DataDir = Annotated[Path | None, typer.Option(help="Where the embedded stores live. [env: OFFICEWELL_DATA_DIR]")]
SiteOpt = Annotated[Path | None, typer.Option("--site", help="The site file (site.toml). [env: OFFICEWELL_SITE]")]
StoreOpt = Annotated[
    str | None,
    typer.Option("--store", help="Reading store URL, e.g. sqlite:///path/readings.db. [env: OFFICEWELL_STORE]"),
]
MqttOpt = Annotated[
    str | None,
    typer.Option("--mqtt", help="MQTT broker URL: mqtt://[user:pass@]host[:1883] or mqtts://. [env: OFFICEWELL_MQTT]"),
]
RecordsOpt = Annotated[
    str | None,
    typer.Option(
        "--records", help="Records database URL; default sqlite:///DATA_DIR/records.db. [env: OFFICEWELL_RECORDS]"
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout and nothing else there.")]


def settings_of(**flags: Any) -> Settings:
    """The typed Settings from these flags over OFFICEWELL_* variables, with logging set up; exit 2 if invalid."""
    from officewell.logs import configure_logging
    from officewell.settings import SettingsError, build_settings

    try:
        settings = build_settings(**flags)
    except SettingsError as exc:
        fail(str(exc))
    configure_logging(settings.log_level, settings.log_format)
    return settings


def actor() -> str:
    """Who runs this command, for the audit log: `cli:<login name>`."""
    return f"cli:{getpass.getuser()}"
