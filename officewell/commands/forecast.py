"""`officewell forecast`: each answer group's and the centre's risk of missing the answer-rate goal in coming weeks."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import typer

from officewell.commands.options import DataDir, JsonOpt, RecordsOpt, SiteOpt, StoreOpt, settings_of
from officewell.console import ProgressBar, fail, known_errors, print_json

if TYPE_CHECKING:
    from models.forecast_backtest import ForecastBacktest

SCENARIO_HELP = (
    "A decision to try against the baseline (repeatable): stand-in:TEAM:2027-W05[:2027-W06][:FTE], "
    "earlier-hire:TEAM:WEEKS or action:ZONE:ACTION:2027-W08 (ACTION from `officewell analyze`'s ranked actions)."
)


def forecast(
    site: SiteOpt = None,
    store: StoreOpt = None,
    records: RecordsOpt = None,
    data_dir: DataDir = None,
    weeks: Annotated[int, typer.Option(min=1, max=26, help="Weeks ahead, from the week after --as-of.")] = 12,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of", metavar="DATE", help="YYYY-MM-DD; default: the end of the last complete week of calls."
        ),
    ] = None,
    scenario: Annotated[list[str] | None, typer.Option("--scenario", metavar="SCENARIO", help=SCENARIO_HELP)] = None,
    environment: Annotated[
        bool,
        typer.Option(help="Run the Evidence analysis for the zones' environment (off: faster, environment left out)."),
    ] = True,
    backtest: Annotated[
        bool, typer.Option("--backtest", help="Score the forecast on the past instead (rolling origins).")
    ] = False,
    origins: Annotated[int, typer.Option(min=2, max=104, help="Weekly origins of --backtest.")] = 26,
    as_json: JsonOpt = False,
) -> None:
    """Forecast the answer rate per answer group and week: expected, p10–p90, P(below target) and its drivers.

    A Monte Carlo (OFFICEWELL_FORECAST_DRAWS, default 2000) over call volume (Poisson regression on the
    calendar), the agents available (roster with training ramps and vacancies, planned leave, and sick
    leave and child care drawn from each group's season, level and zone environment) and Erlang A with
    patience and phone share calibrated on history. Scenarios run on the same random numbers. Only how
    many agents are available is used, never why anyone is away.
    """
    from models.scenarios import parse_scenario
    from officewell.runners.forecast import forecast_settings, run_backtest, run_forecast
    from officewell.wiring import analysis_of, site_of, store_of
    from records.store import RecordsStore

    settings = settings_of(as_json=as_json, site=site, store=store, records=records, data_dir=data_dir)
    try:
        day = date.fromisoformat(as_of) if as_of else None
    except ValueError:
        fail("--as-of is a date: YYYY-MM-DD", as_json=as_json)
    try:
        decisions = [parse_scenario(text) for text in scenario or []]
        the_site = site_of(settings)
        knobs = forecast_settings(settings)
        reading_store = store_of(settings) if environment else None
        records_store = RecordsStore.from_settings(settings)
    except known_errors() as exc:
        fail(str(exc), as_json=as_json)
    try:
        analyse = analysis_of(settings, the_site, reading_store, records_store) if reading_store else None
        if backtest:
            with ProgressBar("Backtesting", enabled=not as_json) as bar:
                scored = run_backtest(the_site, records_store, analyse, knobs, origins=origins, as_of=day,
                                      progress=bar.update)  # fmt: skip
        else:
            with ProgressBar("Forecasting", enabled=not as_json) as bar:
                result = run_forecast(the_site, records_store, analyse, knobs, weeks=weeks, as_of=day,
                                      scenarios=decisions, progress=bar.update)  # fmt: skip
    except known_errors() as exc:
        fail(str(exc), code=1, as_json=as_json)
    finally:
        if reading_store is not None:
            reading_store.close()
        records_store.close()
    if backtest:
        if as_json:
            print_json(scored.to_dict())
        else:
            _print_backtest(scored)
        return
    body = result.to_dict()
    if not environment:
        body["notes"].insert(0, "--no-environment: the zones' environment was not analysed and is left out")
    if as_json:
        print_json(body)
    else:
        _print(body)


def _print(body: dict[str, Any]) -> None:
    from rich import box
    from rich.console import Console
    from rich.table import Table

    console = Console()
    target = body["target_answer_rate"]
    weeks = sorted({w["week"] for w in body["weeks"]})
    console.print(
        f"[bold]officewell forecast[/bold] {weeks[0]} – {weeks[-1]} (data to {body['as_of']}; {body['draws']} draws): "
        f"chance of a week below {100 * target:.0f} % answered"
    )
    for note in body["notes"]:
        console.print(f"note: {note}")
    table = Table(title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)
    table.add_column("group", no_wrap=True)
    for week in weeks:
        table.add_column(week[-3:], justify="right", no_wrap=True)
    teams = list(dict.fromkeys(w["team"] for w in body["weeks"]))
    cells = {(w["team"], w["week"]): w for w in body["weeks"]}
    for team in sorted(teams, key=lambda t: t == "total"):
        table.add_row("centre" if team == "total" else team, *(_cell(cells.get((team, week))) for week in weeks))
    console.print(table)
    console.print("Each cell: P(below target) and, beneath, the expected answer rate. Bands and drivers: --json.")
    risky = sorted((w for w in body["weeks"] if (w["p_below_target"] or 0) >= 0.5 and w["team"] != "total"),
                   key=lambda w: (-w["p_below_target"], w["week"]))  # fmt: skip
    if risky:
        console.print(f"[bold]Highest risks[/bold] ({min(len(risky), 8)} of {len(risky)} group-weeks at 50 % or more)")
        for w in risky[:8]:
            console.print(
                f"  {w['team']} {w['week']}: {100 * w['p_below_target']:.0f} %, expected "
                f"{100 * w['expected_answer_rate']:.1f} % [{100 * w['p10']:.1f}–{100 * w['p90']:.1f}]"
            )
            for driver in w["drivers"][:2]:
                console.print(f"      {driver}")
    for s in body["scenarios"]:
        console.print(f"[bold]Scenario[/bold]: {s['description']}")
        if s["reason"]:
            console.print(f"  not run: {s['reason']}")
            continue
        if s["note"]:
            console.print(f"  {s['note']}")
        for w in s["weeks"]:
            name = "centre" if w["team"] == "total" else w["team"]
            console.print(
                f"  {w['week']} {name}: P(below) {100 * w['p_below_baseline']:.0f} % → "
                f"{100 * w['p_below_scenario']:.0f} %, expected {w['expected_change_pp']:+.1f} points"
            )


def _cell(week: dict[str, Any] | None) -> str:
    if week is None or week["p_below_target"] is None:
        return "–"
    return f"{100 * week['p_below_target']:.0f} %\n{100 * week['expected_answer_rate']:.1f}"


def _print_backtest(scored: ForecastBacktest) -> None:
    from rich.console import Console

    console = Console()
    body = scored.to_dict()
    console.print(
        f"[bold]officewell forecast --backtest[/bold]: {body['origin_count']} weekly origins "
        f"{body['origins'][0]} – {body['origins'][-1]}, {body['draws']} draws"
    )
    console.print("horizon  n    share below  Brier  climatology  persistence  skill vs clim.  coverage p10–p90  MAE")
    for h in body["horizons"]:
        console.print(
            f"{h['horizon']:>7}  {h['n']:<4} {100 * h['share_below']:>10.0f} %  {h['brier']:.3f}  "
            f"{h['brier_climatology']:>11.3f}  {h['brier_persistence']:>11.3f}  {_pct(h['skill_vs_climatology']):>14}  "
            f"{100 * h['coverage_p10_p90']:>15.0f} %  {h['mae_pp']:.1f} pp"
        )
    console.print("Call volume, MAE in calls per group-week (model / same week last year / last four weeks):")
    for v in body["volume"]:
        console.print(
            f"  {v['horizon']} weeks ahead: {v['mae_model']:.1f} / {v['mae_seasonal_naive']:.1f} / "
            f"{v['mae_recent_mean']:.1f}"
        )
    console.print("Reliability and every figure: --json.")


def _pct(share: float | None) -> str:
    return "–" if share is None else f"{100 * share:.0f} %"
