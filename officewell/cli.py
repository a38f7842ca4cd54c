"""The `officewell` command line (Typer)."""

from __future__ import annotations

import json
import logging
import signal
import sys
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

import typer
import uvicorn

from gateway.errors import GatewayError
from sensors.errors import SensorsError

app = typer.Typer(
    help="officewell: sound, light and air in a customer service centre, set against absence and answer rates.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
user_app = typer.Typer(help="Manage who may log in to the API and dashboards.", no_args_is_help=True)
app.add_typer(user_app, name="user")

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


def _fail(message: str, code: int = 2) -> None:
    typer.secho(f"error: {message}", err=True, fg=typer.colors.RED)
    raise typer.Exit(code)


def _settings(**flags: Any) -> Any:
    from officewell.logs import configure_logging
    from officewell.settings import SettingsError, build_settings

    try:
        settings = build_settings(**flags)
    except SettingsError as exc:
        _fail(str(exc))
    configure_logging(settings.log_level, settings.log_format)
    return settings


@app.command()
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
    days: Annotated[int, typer.Option(min=0, max=400, help="Days of simulated history to backfill.")] = 30,
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
    from officewell.demo import DemoOptions, run_demo
    from officewell.logs import configure_logging

    configure_logging("WARNING" if as_json else "INFO")
    logging.getLogger("officewell.demo").setLevel(logging.INFO)

    def ready(info: dict[str, Any]) -> None:
        if as_json:
            print(json.dumps(info), flush=True)
            return
        typer.secho(f"\nofficewell demo is running: {info['url']}", fg=typer.colors.GREEN, bold=True)
        typer.echo(f"MQTT broker: {info['mqtt_url']}  (publish to officewell/{info['site']}/<zone>/<device>)")
        typer.echo("Logins:")
        for user in info["users"]:
            typer.echo(f"  {user['role']:<11} username {user['username']:<11} password {user['password']}")
        typer.echo(f"Details in {Path(str(info['data_dir'])) / 'demo.json'}. Stop with Ctrl-C.")

    progress_bar = _Progress("Backfilling simulated history", enabled=not as_json)
    try:
        run_demo(
            DemoOptions(
                data_dir=data_dir,
                port=port,
                mqtt_port=mqtt_port,
                host=host,
                days=days,
                interval_s=interval,
                seed=seed,
                store=store,
            ),
            on_ready=ready,
            progress=progress_bar.update,
        )
    except KeyboardInterrupt:
        if not as_json:
            typer.echo("officewell demo stopped.", err=True)
    except (OSError, SensorsError, GatewayError) as exc:
        _fail(str(exc))
    finally:
        progress_bar.close()


@app.command()
def gateway(
    site: SiteOpt = None,
    mqtt: MqttOpt = None,
    store: StoreOpt = None,
    state_dir: Annotated[
        Path | None, typer.Option(help="The gateway's durable state. [env: OFFICEWELL_STATE_DIR]")
    ] = None,
    data_dir: DataDir = None,
    metrics_port: Annotated[
        int | None, typer.Option(help="Serve Prometheus /metrics on this port. [env: OFFICEWELL_METRICS_PORT]")
    ] = None,
) -> None:
    """Subscribe to the site's MQTT topics and store valid readings; dead-letter the rest with a reason.

    Messages are acknowledged to the broker only once committed to the durable outbox in the state dir;
    the outbox drains into the store in batches. With --metrics-port, /metrics serves Prometheus metrics.
    """
    from prometheus_client import start_http_server

    from officewell.wiring import gateway_of, site_of, store_of

    settings = _settings(
        site=site, mqtt=mqtt, store=store, state_dir=state_dir, data_dir=data_dir, metrics_port=metrics_port
    )
    try:
        the_site = site_of(settings)
        reading_store = store_of(settings)
        gw = gateway_of(settings, the_site, reading_store)
    except (SensorsError, GatewayError, ValueError) as exc:
        _fail(str(exc))
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    if settings.metrics_port is not None:
        start_http_server(settings.metrics_port, addr=settings.host, registry=gw.metrics.registry)
    try:
        gw.start(wait_s=30)
    except ConnectionError as exc:
        _fail(str(exc))
    typer.echo(
        f"gateway for site {the_site.id}: {gw.broker.url()} -> {settings.store_url} (outbox {settings.outbox_path})",
        err=True,
    )
    log = logging.getLogger("officewell.gateway")
    while not stop.wait(60):
        s = gw.stats
        log.info(
            "received %d, committed %d readings, %d dead letters, outbox depth %d",
            s.received,
            s.readings_committed,
            s.dead_letters,
            gw.outbox.depth(),
        )
    log.info("stopping: committing what is queued and flushing the outbox")
    gw.stop()
    gw.outbox.close()
    reading_store.close()


@app.command()
def serve(
    site: SiteOpt = None,
    store: StoreOpt = None,
    data_dir: DataDir = None,
    host: Annotated[str | None, typer.Option(help="Address to listen on. [env: OFFICEWELL_HOST]")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on. [env: OFFICEWELL_PORT]")] = None,
) -> None:
    """Serve the API and the dashboards (needs OFFICEWELL_SECRET_KEY)."""
    from api.app import create_app
    from officewell.settings import SettingsError
    from officewell.wiring import services_of, site_of, store_of
    from records.errors import RecordsError
    from records.store import RecordsStore

    settings = _settings(site=site, store=store, data_dir=data_dir, host=host, port=port)
    try:
        # Goal follow-up needs the records store, which opens only with the pseudonymisation key.
        records = RecordsStore.from_settings(settings) if settings.pseudonym_key else None
        services = services_of(settings, site_of(settings), store_of(settings), records=records)
    except (SettingsError, SensorsError, GatewayError, RecordsError) as exc:
        _fail(str(exc))
    uvicorn.run(create_app(services), host=settings.host, port=settings.port, log_level="info")


@app.command()
def simulate(
    site: SiteOpt = None,
    mqtt: MqttOpt = None,
    store: StoreOpt = None,
    data_dir: DataDir = None,
    backfill_days: Annotated[
        float, typer.Option(help="Instead of publishing live, write this many days of history straight into the store.")
    ] = 0,
    interval: Annotated[float, typer.Option(min=0.1, help="Seconds between live readings of each device.")] = 60.0,
    seed: Annotated[int, typer.Option(help="The same seed gives the same office.")] = 42,
    as_json: Annotated[bool, typer.Option("--json", help="With --backfill-days: print a JSON summary.")] = False,
) -> None:
    """Simulate the site's office: publish native readings over MQTT live, or backfill history into a store."""
    from gateway.mqtt import BrokerAddress, make_client
    from officewell.wiring import site_of, store_of
    from synthetic.office import OfficeSimulator
    from synthetic.office.publisher import publish_live

    settings = _settings(site=site, mqtt=mqtt, store=store, data_dir=data_dir)
    try:
        the_site = site_of(settings)
    except SensorsError as exc:
        _fail(str(exc))
    # The drifting CO2 sensor starts drifting two weeks before the simulated history (as in the demo).
    drift_start = datetime.now(UTC) - timedelta(days=max(backfill_days, 30) + 14)
    simulator = OfficeSimulator(the_site, seed=seed, epoch=drift_start.date())
    if backfill_days > 0:
        reading_store = store_of(settings)
        stop_at = datetime.now(UTC).replace(second=0, microsecond=0)
        start = stop_at - timedelta(days=backfill_days)
        bar = _Progress("Backfilling", enabled=not as_json)
        expected = int(backfill_days * 1440) * len(the_site.devices)
        done = 0

        def step(n: int) -> None:
            nonlocal done
            done += n
            bar.update(done, expected)

        written = simulator.backfill(reading_store, start, stop_at, progress=step)
        bar.close()
        reading_store.close()
        summary = {
            "readings": written,
            "start": start.isoformat(),
            "stop": stop_at.isoformat(),
            "store": settings.store_url,
        }
        print(json.dumps(summary) if as_json else f"wrote {written} readings from {start} to {stop_at}")
        return
    address = BrokerAddress.parse(settings.mqtt)
    client = make_client(address)
    try:
        client.connect(address.host, address.port)
    except OSError as exc:
        _fail(f"cannot reach the MQTT broker at {address.url()}: {exc}")
    client.loop_start()
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    typer.echo(f"publishing {len(the_site.devices)} devices every {interval:g} s to {address.url()}", err=True)
    publish_live(simulator, client, the_site, interval_s=interval, stop_event=stop)
    client.disconnect()
    client.loop_stop()


@user_app.command("add")
def user_add(
    username: Annotated[str, typer.Argument(help="Login name.")],
    role: Annotated[str, typer.Option(help="facilities, hr, manager or admin.")],
    data_dir: DataDir = None,
    password_stdin: Annotated[bool, typer.Option(help="Read the password from standard input.")] = False,
) -> None:
    """Add a user (or set a new password) in DATA_DIR/users.json."""
    from api.security import Role
    from api.users import FileUserDirectory

    settings = _settings(data_dir=data_dir)
    try:
        the_role = Role(role)
    except ValueError:
        _fail(f"unknown role {role!r}; use one of: {', '.join(r.value for r in Role)}")
    password = (
        sys.stdin.readline().rstrip("\n")
        if password_stdin
        else typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    )
    if len(password) < 12:
        _fail("the password must be at least 12 characters")
    FileUserDirectory(settings.users_path).add(username, the_role, password)
    typer.echo(f"user {username!r} ({the_role.value}) saved in {settings.users_path}")


import_app = typer.Typer(
    help="Import files: HR absences and roster, telephony call intervals, NKI results (CSV or XLSX).",
    no_args_is_help=True,
)
app.add_typer(import_app, name="import")

ImportFile = Annotated[
    Path,
    typer.Argument(
        exists=True,
        dir_okay=False,
        readable=True,
        help="CSV (comma or semicolon; UTF-8 or Windows-1252) or XLSX (first sheet).",
    ),
]
RecordsOpt = Annotated[
    str | None,
    typer.Option(
        "--records", help="Records database URL; default sqlite:///DATA_DIR/records.db. [env: OFFICEWELL_RECORDS]"
    ),
]
DryRunOpt = Annotated[
    bool, typer.Option("--dry-run", help="Check the file and report what would change; store nothing.")
]
ImportJsonOpt = Annotated[
    bool, typer.Option("--json", help="Print one JSON document on stdout: the summary, or the errors.")
]
FromOpt = Annotated[
    str | None,
    typer.Option("--from", help="First day the export is complete for (YYYY-MM-DD); default: its first row."),
]
ToOpt = Annotated[
    str | None, typer.Option("--to", help="Last day the export is complete for (YYYY-MM-DD); default: its last row.")
]


def _import_records(
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
    import getpass
    from datetime import date

    from officewell.settings import SettingsError
    from officewell.wiring import site_of
    from records.errors import ImportRejected, RecordsError
    from records.importers import import_file
    from records.store import RecordsStore

    settings = _settings(site=site, data_dir=data_dir, records=records)
    period = None
    if (period_from is None) != (period_to is None):
        _fail("give both --from and --to, or neither")
    if period_from is not None and period_to is not None:
        try:
            first, last = date.fromisoformat(period_from), date.fromisoformat(period_to)
        except ValueError:
            _fail("--from and --to are dates: YYYY-MM-DD")
        if last < first:
            _fail("--to is before --from")
        period = (first, last)
    try:
        the_site = site_of(settings)
        store = RecordsStore.from_settings(settings)
    except (SettingsError, SensorsError, RecordsError) as exc:
        _fail(str(exc))
    bar = _Progress(f"Importing {file.name}", enabled=not as_json)
    try:
        summary = import_file(
            store,
            kind,
            file,
            site=the_site,
            dry_run=dry_run,
            progress=bar.update,
            actor=f"cli:{getpass.getuser()}",
            period=period,
        )
    except ImportRejected as exc:
        bar.close()
        if as_json:
            print(json.dumps(exc.to_dict(), ensure_ascii=False))
        else:
            typer.secho(str(exc), err=True, fg=typer.colors.RED)
        raise typer.Exit(1) from None
    except (RecordsError, OSError) as exc:
        _fail(str(exc))
    finally:
        bar.close()
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


# What each kind of file holds and how an updated export replaces stored rows: the commands' help.
_IMPORT_HELP = {
    "absences": "Import absence spells (employee_id, team, start_date, end_date, reason, extent_pct).\n\n"
    "Employee ids are pseudonymised with OFFICEWELL_PSEUDONYM_KEY; the file replaces its teams' covered period.",
    "staff": "Import the roster (employee_id, team, start_date, end_date, fte).\n\n"
    "Employee ids are pseudonymised with OFFICEWELL_PSEUDONYM_KEY; the file replaces its teams' covered period.",
    "calls": "Import call intervals (interval_start, team, offered, answered, abandoned).\n\n"
    "Times without an offset are local site time; the file replaces its teams' intervals from first to last.",
    "nki": "Import NKI results (period_start, period_end, team, dimension, score, responses).\n\n"
    "An empty team is the whole centre; the file replaces results of its teams that overlap its period.",
}


def _import_command(kind: str) -> Callable[..., None]:
    """The `officewell import KIND` command: the same options for every kind of file."""

    def command(
        file: ImportFile,
        site: SiteOpt = None,
        data_dir: DataDir = None,
        records: RecordsOpt = None,
        dry_run: DryRunOpt = False,
        period_from: FromOpt = None,
        period_to: ToOpt = None,
        as_json: ImportJsonOpt = False,
    ) -> None:
        _import_records(kind, file, site=site, data_dir=data_dir, records=records, dry_run=dry_run,
                        as_json=as_json, period_from=period_from, period_to=period_to)  # fmt: skip

    command.__doc__ = _IMPORT_HELP[kind]
    command.__name__ = f"import_{kind}"
    return command


for _kind in _IMPORT_HELP:
    import_app.command(_kind)(_import_command(_kind))


records_app = typer.Typer(
    help="Retention and erasure of HR records (both are written to the audit log).", no_args_is_help=True
)
app.add_typer(records_app, name="records")


def _records_store(data_dir: Path | None, records: str | None) -> Any:
    from records.errors import RecordsError
    from records.store import RecordsStore

    settings = _settings(data_dir=data_dir, records=records)
    try:
        return RecordsStore.from_settings(settings)
    except RecordsError as exc:
        _fail(str(exc))


@records_app.command("purge")
def records_purge(
    months: Annotated[int, typer.Option(min=1, help="Keep absence spells that ended within this many months.")] = 24,
    data_dir: DataDir = None,
    records: RecordsOpt = None,
    as_json: ImportJsonOpt = False,
) -> None:
    """Delete absence spells that ended more than MONTHS months ago (retention)."""
    import getpass

    from records.errors import RecordsError
    from records.retention import purge_absences

    store = _records_store(data_dir, records)
    try:
        result = purge_absences(store, months, actor=f"cli:{getpass.getuser()}")
    except RecordsError as exc:
        _fail(str(exc))
    finally:
        store.close()
    if as_json:
        print(json.dumps(result.to_dict(), default=str))
    else:
        typer.echo(f"deleted {result.absences_deleted} absence rows that ended before {result.cutoff}")


@records_app.command("erase")
def records_erase(
    employee_id: Annotated[
        str | None,
        typer.Argument(help="The employee id as HR knows it; omit it to be asked (keeps it out of shell history)."),
    ] = None,
    data_dir: DataDir = None,
    records: RecordsOpt = None,
    as_json: ImportJsonOpt = False,
) -> None:
    """Erase every absence and roster row of one person, on request (GDPR art. 17)."""
    import getpass

    from records.errors import RecordsError
    from records.retention import erase_person

    if employee_id is None:
        employee_id = typer.prompt("Employee id to erase", hide_input=True)
    store = _records_store(data_dir, records)
    try:
        result = erase_person(store, raw_id=employee_id, actor=f"cli:{getpass.getuser()}")
    except RecordsError as exc:
        _fail(str(exc))
    finally:
        store.close()
    if as_json:
        print(json.dumps(result.to_dict(), default=str))
    else:
        typer.echo(
            f"erased person {result.subject}…: {result.absences_deleted} absence and {result.staff_deleted} roster rows"
        )


class _Progress:
    """A progress bar on stderr that tolerates an unknown or growing total."""

    def __init__(self, label: str, *, enabled: bool) -> None:
        self._label = label
        self._enabled = enabled and sys.stderr.isatty()
        self._bar: Any = None
        self._task: Any = None

    def update(self, done: int, total: int) -> None:
        if not self._enabled:
            return
        if self._bar is None:
            from rich.progress import Progress

            self._bar = Progress(transient=True)
            self._bar.start()
            self._task = self._bar.add_task(self._label, total=total)
        self._bar.update(self._task, completed=done, total=max(total, done))

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None


def main() -> None:
    """Entry point of the `officewell` console script."""
    app()
