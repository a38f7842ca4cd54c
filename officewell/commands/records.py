"""`officewell records`: retention and erasure of HR records, both written to the audit log."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from officewell.commands.options import TYPER_APP, DataDir, JsonOpt, RecordsOpt, actor, settings_of
from officewell.console import fail, known_errors, print_json

if TYPE_CHECKING:
    from records.store import RecordsStore

app = typer.Typer(help="Retention and erasure of HR records (both are written to the audit log).", **TYPER_APP)


def _open(data_dir: Path | None, records: str | None, as_json: bool) -> RecordsStore:
    from records.store import RecordsStore

    settings = settings_of(as_json=as_json, data_dir=data_dir, records=records)
    try:
        return RecordsStore.from_settings(settings)
    except known_errors() as exc:
        fail(str(exc), as_json=as_json)


@app.command("purge")
def records_purge(
    months: Annotated[int, typer.Option(min=1, help="Keep absence spells that ended within this many months.")] = 24,
    data_dir: DataDir = None,
    records: RecordsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Delete absence spells that ended more than MONTHS months ago (retention)."""
    from records.retention import purge_absences

    store = _open(data_dir, records, as_json)
    try:
        result = purge_absences(store, months, actor=actor())
    except known_errors() as exc:
        fail(str(exc), as_json=as_json)
    finally:
        store.close()
    if as_json:
        print_json(result.to_dict())
    else:
        typer.echo(f"deleted {result.absences_deleted} absence rows that ended before {result.cutoff}")


@app.command("erase")
def records_erase(
    employee_id: Annotated[
        str | None,
        typer.Argument(help="The employee id as HR knows it; omit it to be asked (keeps it out of shell history)."),
    ] = None,
    data_dir: DataDir = None,
    records: RecordsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Erase every absence and roster row of one person, on request (GDPR art. 17)."""
    from records.retention import erase_person

    if employee_id is None:
        employee_id = typer.prompt("Employee id to erase", hide_input=True)
    store = _open(data_dir, records, as_json)
    try:
        result = erase_person(store, raw_id=employee_id, actor=actor())
    except known_errors() as exc:
        fail(str(exc), as_json=as_json)
    finally:
        store.close()
    if as_json:
        print_json(result.to_dict())
    else:
        typer.echo(
            f"erased person {result.subject}…: {result.absences_deleted} absence and {result.staff_deleted} roster rows"
        )
