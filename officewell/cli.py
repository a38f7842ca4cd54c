"""The `officewell` command line: the Typer app, assembled from one module per command (officewell/commands)."""

from __future__ import annotations

import os

import typer

from officewell.commands import analyze, demo, forecast, gateway, imports, records, report, serve, simulate, users
from officewell.commands.options import TYPER_APP

app = typer.Typer(
    help="officewell: sound, light and air in a customer service centre, set against absence and answer rates.",
    pretty_exceptions_enable=False,
    **TYPER_APP,
)
PRIVATE_UMASK = 0o077  # files 0600, folders 0700: the data dir holds health data and secrets


@app.callback()
def _private_files() -> None:
    # Every command: whatever this process creates (databases and their -wal/-shm, CSVs, state) is the owner's only.
    os.umask(PRIVATE_UMASK)


app.command()(demo.demo)
app.command()(analyze.analyze)
app.command()(forecast.forecast)
app.command()(report.report)
app.command()(gateway.gateway)
app.command()(serve.serve)
app.command()(simulate.simulate)
app.add_typer(users.app, name="user")
app.add_typer(users.tokens_app, name="token")
app.command()(users.roles)
app.add_typer(imports.app, name="import")
app.add_typer(records.app, name="records")


def main() -> None:
    """Entry point of the `officewell` console script."""
    app()
