"""`officewell demo`: everything on embedded defaults, in one process."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated, Any

import typer

from officewell.console import ProgressBar, fail, known_errors, print_json
from officewell.logs import configure_logging


def demo(
    port: Annotated[
        int | None, typer.Option(help="HTTP port of the API and dashboards (default 8000, or a free one).")
    ] = None,
    mqtt_port: Annotated[
        int | None, typer.Option(help="Port of the embedded MQTT broker (default 1883, or a free one).")
    ] = None,
    data_dir: Annotated[Path, typer.Option(help="Where the demo keeps its stores and demo.json.")] = Path(
        "officewell-demo"
    ),
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    days: Annotated[
        int, typer.Option(min=0, max=400, help="Days of simulated history at every minute (the recent history).")
    ] = 30,
    history_days: Annotated[
        int,
        typer.Option(
            min=0, max=800, help="Days of simulated history in all, the older part as 15-minute means (for analyze)."
        ),
    ] = 400,
    interval: Annotated[float, typer.Option(min=0.5, help="Seconds between live readings of each device.")] = 5.0,
    seed: Annotated[int, typer.Option(help="Simulator seed: the same seed gives the same office.")] = 42,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print demo.json on stdout once ready, nothing else.")
    ] = False,
    store: Annotated[
        str | None,
        typer.Option(help="A reading store instead of the embedded one, e.g. influxdb://localhost:8086/officewell."),
    ] = None,
) -> None:
    """Run everything on embedded defaults: MQTT broker, simulated office, gateway, store, API and dashboards.

    Writes DATA_DIR/demo.json with the URL and one login per role once ready; stop with Ctrl-C.
    """
    from officewell.runners.demo import DemoOptions, run_demo

    configure_logging("WARNING" if as_json else "INFO")
    logging.getLogger("officewell.runners.demo").setLevel(logging.INFO)

    def ready(info: dict[str, Any]) -> None:
        if as_json:
            print_json(info)
            return
        typer.secho(f"\nofficewell demo is running: {info['url']}", fg=typer.colors.GREEN, bold=True)
        typer.echo(f"MQTT broker: {info['mqtt_url']}  (publish to officewell/{info['site']}/<zone>/<device>)")
        typer.echo("Logins:")
        for user in info["users"]:
            typer.echo(f"  {user['role']:<11} username {user['username']:<11} password {user['password']}")
        typer.echo(f"Details in {Path(str(info['data_dir'])) / 'demo.json'}. Stop with Ctrl-C.")

    options = DemoOptions(
        data_dir=data_dir,
        port=port,
        mqtt_port=mqtt_port,
        host=host,
        days=days,
        history_days=history_days,
        interval_s=interval,
        seed=seed,
        store=store,
    )
    with ProgressBar("Setting up", enabled=not as_json) as bar:
        try:
            run_demo(options, on_ready=ready, progress=bar.stage)
        except KeyboardInterrupt:
            if not as_json:
                typer.echo("officewell demo stopped.", err=True)
        except known_errors(OSError) as exc:
            fail(str(exc))
