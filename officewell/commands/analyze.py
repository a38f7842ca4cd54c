"""`officewell analyze`: which physical change, in which zone, goes with short-term sick leave and the answer rate."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import typer

from officewell.commands.options import DataDir, JsonOpt, RecordsOpt, SiteOpt, StoreOpt, settings_of
from officewell.console import ProgressBar, fail, known_errors, print_json

if TYPE_CHECKING:
    from models.analysis import Analysis

DateOpt = Annotated[str | None, typer.Option(metavar="DATE", help="YYYY-MM-DD (rounded to whole ISO weeks).")]


def analyze(
    site: SiteOpt = None,
    store: StoreOpt = None,
    records: RecordsOpt = None,
    data_dir: DataDir = None,
    since: DateOpt = None,
    until: DateOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Set each zone's environment against its answer group's short-term sick leave and answer rate.

    Weekly exposure over occupied hours, Poisson/negative-binomial and binomial models with week and team
    fixed effects, lags 0–2 weeks, Benjamini–Hochberg adjusted p-values, and the site's estimates combined
    with published research. Default period: the last two years of whole weeks.
    """
    from models.analysis import Economics, default_period
    from officewell.runners.analyze import load_catalogue, load_evidence, run_analysis
    from officewell.wiring import site_of, store_of
    from records.store import RecordsStore

    settings = settings_of(as_json=as_json, site=site, store=store, records=records, data_dir=data_dir)
    try:
        first = date.fromisoformat(since) if since else None
        last = date.fromisoformat(until) if until else None
    except ValueError:
        fail("--since and --until are dates: YYYY-MM-DD", as_json=as_json)
    try:
        the_site = site_of(settings)
        period = default_period(date.today(), first, last)  # noqa: DTZ011 - the user's calendar day is meant
        evidence = load_evidence(settings.evidence_file)
        catalogue = load_catalogue(settings.actions_file)
        economics = Economics(settings.sick_day_value_sek, settings.handle_time_s, settings.patience_s)
        reading_store = store_of(settings)
        records_store = RecordsStore.from_settings(settings)
    except known_errors() as exc:
        fail(str(exc), as_json=as_json)
    try:
        with ProgressBar("Analysing", enabled=not as_json) as bar:
            analysis = run_analysis(
                the_site, reading_store, records_store, evidence, period,
                catalogue=catalogue, economics=economics, progress=bar.update,
            )  # fmt: skip
    except known_errors() as exc:
        fail(str(exc), code=1, as_json=as_json)
    finally:
        reading_store.close()
        records_store.close()
    if as_json:
        print_json(analysis.to_dict())
    else:
        _print(analysis)


def _print(analysis: Analysis) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    body = analysis.to_dict()
    period = body["period"]
    console.print(f"[bold]officewell analyze[/bold] {period['start']} – {period['end']}")
    data = body["data"]
    console.print(
        f"{data['teams']} answer groups, {data['team_weeks']} team-weeks, {data['short_term_sick_spells']} short-term "
        f"sick spells, {data['offered_calls']} offered calls; sensor data for "
        f"{_pct(data['exposure_completeness'])} of occupied hours"
    )
    table = Table(title="Associations, best supported first", show_lines=False)
    headings = ("quantity", "outcome", "lag", "per", "site's own [95 % CI]", "p adj.", "research", "combined")
    for heading in (*headings, "confidence"):
        table.add_column(heading)
    for row in body["associations"]:
        prior, combined = row["prior"] or {}, row["combined"] or {}
        table.add_row(
            row["quantity"],
            row["outcome"].replace("_", " "),
            f"{row['lag_weeks']} wk",
            row["unit"],
            _ratio(row, row["reason"]),
            "–" if row["p_adjusted"] is None else f"{row['p_adjusted']:.3f}",
            _ratio(prior),
            _ratio(combined),
            row["confidence"],
        )
    console.print(table)
    for note in body["notes"]:
        console.print(f"note: {note}")
    console.print("Ratios above 1 mean more sick leave (or, for the answer rate, higher odds of an answer).")


def _ratio(estimate: dict[str, Any], reason: str | None = None) -> str:
    if estimate.get("rate_ratio") is None:
        return reason or "–"
    return f"{estimate['rate_ratio']:.2f} [{estimate['ci_low']:.2f}–{estimate['ci_high']:.2f}]"


def _pct(share: float | None) -> str:
    return "–" if share is None else f"{share:.0%}"
