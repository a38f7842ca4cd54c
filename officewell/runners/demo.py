"""`officewell demo`: broker, simulator, gateway, store, API and dashboards in one process."""

from __future__ import annotations

import json
import logging
import os
import secrets
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import uvicorn

from api.app import create_app
from api.security import Role
from api.users import FileUserDirectory
from gateway.mqtt import BrokerAddress
from officewell.broker import EmbeddedBroker, free_port, port_is_free
from officewell.runners.centre import import_demo_centre
from officewell.runners.simulate import backfill, backfill_history, publish, simulator_for
from officewell.settings import build_settings
from officewell.wiring import EXAMPLE_SITE, gateway_of, gateway_status, services_of, store_of
from records.store import RecordsStore
from sensors.site import Site, load_site, save_site

log = logging.getLogger(__name__)

DEFAULT_PORT = 8000
DEFAULT_MQTT_PORT = 1883


@dataclass(frozen=True)
class DemoOptions:
    """What `officewell demo` was asked for; ports None mean the default, or a free one if that is taken."""

    data_dir: Path
    port: int | None = None
    mqtt_port: int | None = None
    host: str = "127.0.0.1"
    site_file: Path = EXAMPLE_SITE
    days: int = 30
    history_days: int = 400  # older history, as 15-minute means: a year for `analyze` beside the centre's records
    interval_s: float = 5.0
    seed: int = 42
    store: str | None = None


def choose_port(asked: int | None, default: int, host: str, what: str) -> int:
    """The port asked for (which must be free), else the default, else any free port."""
    if asked is not None:
        if asked and not port_is_free(host, asked):
            raise OSError(f"{what} port {asked} on {host} is already in use; pick another with the flag")
        return asked or free_port(host)
    if port_is_free(host, default):
        return default
    port = free_port(host)
    log.warning("%s port %d is taken (another broker or server?); using %d instead", what, default, port)
    return port


def _secret(path: Path) -> str:
    """The demo's token secret, made once and kept in the data dir (mode 0600)."""
    if path.exists():
        return path.read_text().strip()
    value = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(value)
    return value


def _demo_users(directory: FileUserDirectory) -> list[dict[str, str]]:
    """One user per role with a fresh random password each run."""
    users = []
    for role in (Role.FACILITIES, Role.HR, Role.MANAGER, Role.ADMIN):
        password = secrets.token_urlsafe(12)
        directory.add(role.value, role, password)
        users.append({"role": role.value, "username": role.value, "password": password})
    return users


def _reporting_every(site: Site, interval_s: float) -> Site:
    """The site with every device reporting every interval_s seconds."""
    devices = tuple(d.model_copy(update={"interval_s": interval_s}) for d in site.devices)
    return site.model_copy(update={"devices": devices})


def _raise_interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def run_demo(
    options: DemoOptions,
    on_ready: Callable[[dict[str, object]], None] | None = None,
    progress: Callable[[str], Callable[[int, int], None]] | None = None,
) -> None:
    """Run everything until Ctrl-C or SIGTERM; call on_ready with demo.json's content once serving.

    `progress(label)` gives the progress callback of each stage of the set-up (e.g. ProgressBar.stage).
    """
    data_dir = options.data_dir.resolve()
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    mqtt_port = choose_port(options.mqtt_port, DEFAULT_MQTT_PORT, options.host, "MQTT")
    port = choose_port(options.port, DEFAULT_PORT, options.host, "HTTP")
    # The demo's devices report every interval_s seconds: its own copy of the site file says so, so that
    # sensor health compares their rate with the truth (and a user can read what the demo runs on).
    site = _reporting_every(load_site(options.site_file), options.interval_s)
    site_file = save_site(site, data_dir / "site.toml")
    settings = build_settings(
        data_dir=data_dir,
        site=site_file,
        secret_key=_secret(data_dir / "secret_key"),
        mqtt=f"mqtt://{options.host}:{mqtt_port}",
        host=options.host,
        port=port,
        store=options.store,
    )
    demo_file = data_dir / "demo.json"
    demo_file.unlink(missing_ok=True)  # a stale file must not look like a ready demo

    broker = EmbeddedBroker(options.host, mqtt_port)
    broker.start()
    store = store_of(settings)
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    history_start = now - timedelta(days=options.days)
    simulator = simulator_for(site, options.seed, history_start)
    started = time.monotonic()
    older = now - timedelta(days=max(options.history_days, options.days))

    def stage(label: str) -> Callable[[int, int], None] | None:
        return progress(label) if progress is not None else None

    written = backfill_history(simulator, store, older, history_start, progress=stage("Simulating older history"))
    log.info("older history: %d points (15-minute means) in %.1f s", written, time.monotonic() - started)
    started = time.monotonic()
    written = backfill(simulator, store, history_start, now, resume=True, progress=stage("Backfilling recent history"))
    log.info("backfilled %d readings in %.1f s", written, time.monotonic() - started)

    records = RecordsStore.open(f"sqlite:///{data_dir / 'records.db'}", _secret(data_dir / "pseudonym_key"))
    started = time.monotonic()
    rows = import_demo_centre(records, site, data_dir / "centre", datetime.now(site.site.tz).date(), seed=options.seed)
    log.info("centre history: %s in %.1f s", rows, time.monotonic() - started)

    users = FileUserDirectory(settings.users_path)
    logins = _demo_users(users)
    # The embedded broker keeps sessions in memory only, so a persistent session would buy nothing.
    gateway = gateway_of(settings, site, store, persistent=False)
    services = services_of(
        settings,
        site,
        store,
        users,
        gateway.dead_letters,
        status=lambda: gateway_status(gateway),
        metrics=gateway.metrics.render,
        records=records,
    )
    gateway.start()

    stop = threading.Event()
    publisher = threading.Thread(
        target=publish,
        args=(simulator, BrokerAddress(options.host, mqtt_port)),
        kwargs={"interval_s": options.interval_s, "stop": stop},
        name="officewell-simulator",
        daemon=True,
    )
    publisher.start()

    app = create_app(services, language=settings.language)
    server = uvicorn.Server(uvicorn.Config(app, host=options.host, port=port, log_level="warning"))
    url = f"http://{options.host}:{port}"
    info: dict[str, object] = {
        "url": url,
        "mqtt_url": broker.url,
        "site": site.id,
        "data_dir": str(data_dir),
        "site_file": str(site_file),
        "users": logins,
    }

    def announce() -> None:
        while not server.started and not stop.is_set():
            time.sleep(0.05)
        if server.started:
            tmp = demo_file.with_suffix(".tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as fh:
                json.dump(info, fh, indent=2)
            tmp.replace(demo_file)
            if on_ready:
                on_ready(info)

    threading.Thread(target=announce, name="officewell-announce", daemon=True).start()
    if threading.current_thread() is threading.main_thread():
        # uvicorn re-raises the signal it stopped on; make SIGTERM unwind like Ctrl-C so cleanup runs.
        signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        server.run()
    finally:
        stop.set()
        publisher.join(5)
        gateway.stop()
        gateway.outbox.close()
        broker.stop()
        store.close()
        records.close()
        demo_file.unlink(missing_ok=True)
