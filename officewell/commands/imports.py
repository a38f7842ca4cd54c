"""`officewell import KIND FILE`: HR absences and roster, telephony call intervals, NKI results, feedback."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from gateway.stores.urls import masked
from officewell.commands.options import TYPER_APP, DataDir, JsonOpt, RecordsOpt, SiteOpt, StoreOpt, actor, settings_of
from officewell.console import ProgressBar, fail, known_errors, print_json

app = typer.Typer(
    help="Import files: HR absences and roster, call intervals, NKI results, citizen feedback (CSV or XLSX), "
    "sensor history.",
    **TYPER_APP,
)

ImportFile = Annotated[
    Path,
    typer.Argument(
        metavar="FILE",
        exists=True,
        dir_okay=False,
        readable=True,
        help="CSV (comma or semicolon; UTF-8 or Windows-1252) or XLSX (first sheet).",
    ),
]
DryRunOpt = Annotated[
    bool, typer.Option("--dry-run", help="Check the file and report what would change; store nothing.")
]
FromOpt = Annotated[
    str | None,
    typer.Option(
        "--from", metavar="DATE", help="First day the export is complete for (YYYY-MM-DD); default: its first row."
    ),
]
ToOpt = Annotated[
    str | None,
    typer.Option(
        "--to", metavar="DATE", help="Last day the export is complete for (YYYY-MM-DD); default: its last row."
    ),
]

# What each kind of file holds and how an updated export replaces stored rows: the commands' help.
HELP = {
    "absences": "Import absence spells (employee_id, team, start_date, end_date, reason, extent_pct).\n\n"
    "Employee ids are pseudonymised with OFFICEWELL_PSEUDONYM_KEY; the file replaces its teams' covered period.",
    "staff": "Import the roster (employee_id, team, start_date, end_date, fte).\n\n"
    "Employee ids are pseudonymised with OFFICEWELL_PSEUDONYM_KEY; the file replaces its teams' covered period.",
    "calls": "Import call intervals (interval_start, team, offered, answered, abandoned).\n\n"
    "Times without an offset are local site time; the file replaces its teams' intervals from first to last.",
    "nki": "Import NKI results (period_start, period_end, team, dimension, score, responses).\n\n"
    "An empty team is the whole centre; the file replaces results of its teams that overlap its period.",
    "feedback": "Import citizen feedback (received_date, department, category, channel, failure_demand).\n\n"
    "Nothing about the citizen is read: other columns (name, contact, text) are ignored and not stored; the file "
    "replaces the whole centre's feedback received from its first to its last day.",
}


def _period(period_from: str | None, period_to: str | None, as_json: bool) -> tuple[date, date] | None:
    if (period_from is None) != (period_to is None):
        fail("give both --from and --to, or neither", as_json=as_json)
    if period_from is None or period_to is None:
        return None
    try:
        first, last = date.fromisoformat(period_from), date.fromisoformat(period_to)
    except ValueError:
        fail("--from and --to are dates: YYYY-MM-DD", as_json=as_json)
    if last < first:
        fail("--to is before --from", as_json=as_json)
    return first, last


def import_records(
    kind: str,
    file: Path,
    *,
    site: Path | None,
    data_dir: Path | None,
    records: str | None,
    dry_run: bool,
    as_json: bool,
    period_from: str | None,
    period_to: str | None,
) -> None:
    """Import one file of `kind` into the records store and report what changed (or every bad row)."""
    from officewell.wiring import site_of
    from records.errors import ImportRejected
    from records.importers import import_file
    from records.store import RecordsStore

    settings = settings_of(as_json=as_json, site=site, data_dir=data_dir, records=records)
    period = _period(period_from, period_to, as_json)
    try:
        the_site = site_of(settings)
        store = RecordsStore.from_settings(settings, dry_run=dry_run)
    except known_errors() as exc:
        fail(str(exc), as_json=as_json)
    try:
        with ProgressBar(f"Importing {file.name}", enabled=not as_json) as bar:
            summary = import_file(
                store, kind, file, site=the_site, dry_run=dry_run, progress=bar.update, actor=actor(), period=period
            )
    except ImportRejected as exc:
        if as_json:
            print_json(exc.to_dict())
        else:
            typer.secho(str(exc), err=True, fg=typer.colors.RED)
        raise typer.Exit(1) from None
    except known_errors(OSError) as exc:
        fail(str(exc), as_json=as_json)
    finally:
        store.close()
    if as_json:
        print(summary.to_json())
        return
    teams = ", ".join(t or "whole centre" for t in summary.teams)
    period_text = f"{summary.period_start} – {summary.period_end or 'ongoing'}"
    if summary.skipped_as_duplicate_file:
        typer.echo(f"{file.name} was imported before (batch {summary.batch_id}, same content): nothing changed.")
    elif dry_run:
        typer.echo(
            f"dry run: {file.name} would store {summary.inserted} {kind} rows for {teams}, {period_text}, "
            f"replacing {summary.replaced} stored rows and cutting {summary.trimmed}; nothing was stored."
        )
    else:
        typer.echo(
            f"imported {file.name}: {summary.inserted} {kind} rows for {teams}, {period_text} "
            f"(replaced {summary.replaced} stored rows, cut {summary.trimmed}; batch {summary.batch_id})."
        )
    for note in summary.notes:
        typer.echo(f"note: {note}")


def _command(kind: str) -> Callable[..., None]:
    """The `officewell import KIND` command: the same options for every kind of file."""

    def command(
        file: ImportFile,
        site: SiteOpt = None,
        data_dir: DataDir = None,
        records: RecordsOpt = None,
        dry_run: DryRunOpt = False,
        period_from: FromOpt = None,
        period_to: ToOpt = None,
        as_json: JsonOpt = False,
    ) -> None:
        import_records(kind, file, site=site, data_dir=data_dir, records=records, dry_run=dry_run,
                       as_json=as_json, period_from=period_from, period_to=period_to)  # fmt: skip

    command.__doc__ = HELP[kind]
    command.__name__ = f"import_{kind}"
    return command


for _kind in HELP:
    app.command(_kind)(_command(_kind))


@app.command("readings")
def import_readings(
    file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE",
            exists=True,
            dir_okay=False,
            readable=True,
            help="CSV: ts, zone, device, then quantity keys as columns (empty cell = no value).",
        ),
    ],
    site: SiteOpt = None,
    store: StoreOpt = None,
    data_dir: DataDir = None,
    dry_run: DryRunOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Import sensor history (CSV) into the reading store, checked like gateway messages.

    ts is RFC 3339 with an offset, epoch seconds, or local site time; the device must be in the site file in
    the row's zone. A file with any bad row is refused whole, naming row and column; importing it again changes
    nothing.
    """
    from gateway.history import HistoryRejectedError, import_history
    from officewell.wiring import site_of, store_of

    settings = settings_of(as_json=as_json, site=site, store=store, data_dir=data_dir)
    try:
        the_site = site_of(settings)
        reading_store = store_of(settings)
    except known_errors() as exc:
        fail(str(exc), as_json=as_json)
    try:
        with ProgressBar(f"Importing {file.name}", enabled=not as_json) as bar:
            summary = import_history(file, the_site, reading_store, dry_run=dry_run, progress=bar.update)
    except HistoryRejectedError as exc:
        if as_json:
            print_json(exc.to_dict())
        else:
            typer.secho(str(exc), err=True, fg=typer.colors.RED)
        raise typer.Exit(1) from None
    except known_errors(OSError) as exc:
        fail(str(exc), code=1, as_json=as_json)
    finally:
        reading_store.close()
    if as_json:
        print_json(summary.to_dict() | {"store": masked(settings.store_url)})
        return
    values = ", ".join(f"{n} {key}" for key, n in summary.values.items())
    verb = "would store" if dry_run else "stored"
    typer.echo(
        f"{file.name}: {verb} {summary.points} points ({values}) of {len(summary.devices)} devices in "
        f"{len(summary.zones)} zones, {summary.first} – {summary.last}, in {summary.seconds:.1f} s"
        + ("; nothing was stored." if dry_run else f" into {masked(settings.store_url)}.")
    )
