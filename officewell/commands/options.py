"""Options every command shares (contracts §7), and the typed Settings built from them."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from officewell.console import fail

if TYPE_CHECKING:
    from officewell.settings import Settings

# Plain help: rich markup would swallow the "[env: …]" hints and print "<bool>" beside every flag.
TYPER_APP: dict[str, Any] = {"rich_markup_mode": None, "no_args_is_help": True}

DataDir = Annotated[
    Path | None, typer.Option(metavar="DIR", help="Where the embedded stores live. [env: OFFICEWELL_DATA_DIR]")
]
SiteOpt = Annotated[
    Path | None, typer.Option("--site", metavar="FILE", help="The site file (site.toml). [env: OFFICEWELL_SITE]")
]
StoreOpt = Annotated[
    str | None,
    typer.Option(
        "--store", metavar="URL", help="Reading store URL, e.g. sqlite:///path/readings.db. [env: OFFICEWELL_STORE]"
    ),
]
MqttOpt = Annotated[
    str | None,
    typer.Option(
        "--mqtt",
        metavar="URL",
        help="MQTT broker URL: mqtt://[user:pass@]host[:1883] or mqtts://. [env: OFFICEWELL_MQTT]",
    ),
]
RecordsOpt = Annotated[
    str | None,
    typer.Option(
        "--records",
        metavar="URL",
        help="Records database URL; default sqlite:///DATA_DIR/records.db. [env: OFFICEWELL_RECORDS]",
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout and nothing else there.")]


def settings_of(*, as_json: bool = False, **flags: Any) -> Settings:
    """The typed Settings from these flags over OFFICEWELL_* variables, with logging set up; exit 2 if invalid."""
    from officewell.logs import configure_logging
    from officewell.settings import SettingsError, build_settings

    try:
        settings = build_settings(**flags)
    except SettingsError as exc:
        fail(str(exc), as_json=as_json)
    configure_logging(settings.log_level, settings.log_format)
    return settings


def actor() -> str:
    """Who runs this command, for the audit log: `cli:<login name>`."""
    return f"cli:{getpass.getuser()}"
