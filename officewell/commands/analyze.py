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


OUTCOMES = {"short_term_sick_spells": "spells", "short_term_sick_days": "sick days", "answer_rate": "answer"}
SHORT = {"temperature_c": "Temp.", "sound_dba": "Sound", "illuminance_lux": "Light", "humidity_pct": "RH"}
TOP_ACTIONS = 10


def _print(analysis: Analysis) -> None:
    from rich import box
    from rich.console import Console
    from rich.table import Table

    from sensors.quantities import QUANTITIES

    console = Console()
    body = analysis.to_dict()
    period, data = body["period"], body["data"]
    console.print(f"[bold]officewell analyze[/bold] {period['start']} – {period['end']}")
    console.print(
        f"{data['teams']} answer groups, {data['team_weeks']} team-weeks, {data['short_term_sick_spells']} short-term "
        f"sick spells, {data['offered_calls']} offered calls; sensor data for "
        f"{_pct(data['exposure_completeness'])} of occupied hours"
    )
    for note in body["notes"]:
        console.print(f"note: {note}")
    table = Table(
        title="Associations, best supported first: ratio per change [95 % interval]",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        collapse_padding=True,
    )
    for heading in ("quantity", "per", "outcome", "lag", "site's own", "p adj.", "research", "combined", "confidence"):
        table.add_column(heading, no_wrap=True)
    footnotes: list[str] = []
    for row in body["associations"]:
        confidence = row["confidence"]
        if row["moves_with"]:
            footnotes.append(f"{len(footnotes) + 1}) {row['statement']}")
            confidence += f" {len(footnotes)})"
        table.add_row(
            SHORT.get(row["quantity"], QUANTITIES[row["quantity"]].label),
            row["unit"].replace(" ", ""),
            OUTCOMES.get(row["outcome"], row["outcome"]),
            str(row["lag_weeks"]),
            _ratio(row, "no estimate" if row["reason"] else None),
            "–" if row["p_adjusted"] is None else f"{row['p_adjusted']:.3f}",
            _ratio(row["prior"] or {}),
            _ratio(row["combined"] or {}),
            confidence,
        )
    console.print(table)
    for footnote in footnotes:
        console.print(footnote)
    console.print(
        "Above 1: more sick leave (answer: higher odds of an answer). lag: weeks between the exposure and the "
        "outcome. Every figure behind a line, and why an estimate is missing: --json."
    )
    helpful = [row for row in body["actions"] if (row["expected_sick_days_avoided_per_year"] or 0) > 0]
    if helpful:
        actions = Table(
            title=f"Actions with an expected benefit, best first ({min(len(helpful), TOP_ACTIONS)} of {len(helpful)}; "
            "on each team's own sick days)",
            title_justify="left",
            box=box.SIMPLE_HEAD,
            pad_edge=False,
            collapse_padding=True,
        )
        for heading in ("#", "zone", "action", "sick days avoided/yr", "answer rate", "cost SEK", "confidence"):
            actions.add_column(heading, overflow="fold")
        for row in helpful[:TOP_ACTIONS]:
            actions.add_row(
                str(row["rank"]),
                row["zone"],
                row["action_name"],
                _days(row),
                _pp(row["expected_answer_rate_gain_pp"]),
                "–" if row["cost_sek"] is None else f"{row['cost_sek']:,.0f}".replace(",", " "),
                row["confidence"],
            )
        console.print(actions)
    elif body["actions"]:
        console.print("No action has an expected benefit on these data (every line and why: --json).")
    for item in body["follow_ups"]:
        console.print(f"follow-up #{item['item_id']} {item['title']}: {item['statement']}")


def _ratio(estimate: dict[str, Any], reason: str | None = None) -> str:
    if estimate.get("rate_ratio") is None:
        return reason or "–"
    return f"{_num(estimate['rate_ratio'])} [{_num(estimate['ci_low'])}–{_num(estimate['ci_high'])}]"


def _num(ratio: float) -> str:
    """A ratio in at most five characters: intervals from too little data run to absurd ends."""
    if ratio >= 100:
        return ">100"
    if ratio < 0.01:
        return "<0.01"
    return f"{ratio:.2f}" if ratio < 10 else f"{ratio:.1f}"


def _days(row: dict[str, Any]) -> str:
    days, low, high = row["expected_sick_days_avoided_per_year"], row["sick_days_ci_low"], row["sick_days_ci_high"]
    if days is None:
        return "–"
    return f"{days:.1f} [{low:.1f}–{high:.1f}]" if low is not None and high is not None else f"{days:.1f}"


def _pp(gain: float | None) -> str:
    return "–" if gain is None else f"{gain:+.2f} pp"


def _pct(share: float | None) -> str:
    return "–" if share is None else f"{share:.0%}"
