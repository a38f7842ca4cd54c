"""`officewell report`: the tertial period report (periodrapport) as PDF or HTML, in Swedish or English."""

from __future__ import annotations

import os
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from officewell.commands.options import DataDir, JsonOpt, RecordsOpt, SiteOpt, StoreOpt, settings_of
from officewell.console import ProgressBar, fail, known_errors, print_json

FILE_FORMATS = ("pdf", "html")


def report(
    period: Annotated[
        str,
        typer.Option(
            "--period",
            metavar="YYYY-TN",
            help="The tertial: 2026-T1 (Jan–Apr), 2026-T2 (May–Aug) or 2026-T3 (Sep–Dec).",
        ),
    ],
    fmt: Annotated[
        str | None,
        typer.Option("--format", metavar="pdf|html", help="The file's format; default: --output's suffix, else pdf."),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", metavar="FILE", help="Where to write the report (required without --json)."),
    ] = None,
    lang: Annotated[
        str, typer.Option("--lang", metavar="sv|en", help="The report's language: sv (default) or en.")
    ] = "sv",
    site: SiteOpt = None,
    store: StoreOpt = None,
    records: RecordsOpt = None,
    data_dir: DataDir = None,
    as_json: JsonOpt = False,
) -> None:
    """Build the tertial period report for the municipal director, department heads and politicians.

    Goal fulfilment (answer rate per tertial and answer group, weeks at target, NKI), the environment per
    zone over occupied hours, the centre's short-term sick leave (never a group's), the risk of missing 95 %
    in the coming weeks, the improvement board and its measured effects, citizen feedback and the areas for
    improvement. With --json, the report's figures are printed as one JSON document (and the file is still
    written if --output is given). A part without data says so in the report instead of failing it.
    """
    from api.report_render import LANGS, PdfUnavailableError, document, render
    from models.errors import ModelInputError
    from officewell.runners.report import report_settings, run_report
    from officewell.wiring import analysis_of, forecast_of, site_of, store_of
    from records.store import RecordsStore

    settings = settings_of(as_json=as_json, site=site, store=store, records=records, data_dir=data_dir)
    if lang not in LANGS:
        fail(f"--lang is sv or en, not {lang!r}", as_json=as_json)
    chosen = _format_of(fmt, output, as_json=as_json)
    if output is None and not as_json:
        fail("say where to write the report: --output FILE (or print its figures with --json)")
    started = time.monotonic()
    try:
        the_site = site_of(settings)
        reading_store = store_of(settings)
        records_store = RecordsStore.from_settings(settings)
    except known_errors() as exc:
        fail(str(exc), as_json=as_json)
    try:
        analyse = analysis_of(settings, the_site, reading_store, records_store)
        forecast = forecast_of(report_settings(settings), the_site, records_store)
        with ProgressBar("Building the report", enabled=not as_json) as bar:
            built = run_report(
                the_site,
                records_store,
                settings.goal_targets,
                period,
                datetime.now(the_site.site.tz).date(),
                analyse=analyse,
                forecast=forecast,
                now=datetime.now(UTC),
                progress=bar.update,
            )
            content = None
            if output is not None:
                bar.stage(f"Rendering {chosen.upper()}")(0, 1)
                content = render(built, chosen, lang)
    except ModelInputError as exc:
        fail(str(exc), code=2, as_json=as_json)  # a bad or future --period: how the command was called
    except known_errors(PdfUnavailableError) as exc:
        fail(str(exc), code=1, as_json=as_json)
    finally:
        reading_store.close()
        records_store.close()
    if output is not None and content is not None:
        _write(output, content, as_json=as_json)
    seconds = time.monotonic() - started
    if as_json:
        body = document(built, lang)
        if output is not None and content is not None:
            body["file"] = {"path": str(output), "format": chosen, "bytes": len(content)}
        print_json(body)
        return
    size = len(content or b"")
    typer.echo(
        f"wrote {output} ({chosen.upper()}, {size / 1024:.0f} KiB, {lang}) for {built.period} in {seconds:.1f} s"
    )
    for section in built.sections:
        if not section.available:
            typer.echo(f"note: the {section.key} section has no figures (the report says why)")


def _format_of(fmt: str | None, output: Path | None, *, as_json: bool) -> str:
    """The file format asked for, else the output's suffix, else pdf; a mismatch is refused."""
    suffix = output.suffix.lower().lstrip(".") if output is not None else ""
    if fmt is None:
        return suffix if suffix in FILE_FORMATS else "pdf"
    fmt = fmt.lower()
    if fmt not in FILE_FORMATS:
        fail(f"--format is pdf or html, not {fmt!r}", as_json=as_json)
    return fmt


def _write(path: Path, content: bytes, *, as_json: bool) -> None:
    """Write the file whole or not at all: into a temporary file beside it, then renamed over it."""
    path = path.expanduser()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        os.replace(temporary, path)
    except OSError as exc:
        fail(f"cannot write {path}: {exc}", code=1, as_json=as_json)
