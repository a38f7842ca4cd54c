"""Records fixtures: a throwaway PostgreSQL cluster, one fresh database per test, and stores on both backends."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import make_url

from records.store import RecordsStore
from tests.conftest import free_port

POSTGRES_URL_VARIABLE = "OFFICEWELL_TEST_POSTGRES_URL"
KEY = "records-test-key-" + "0123456789abcdef" * 2


@dataclass
class PostgresServer:
    """A PostgreSQL server the tests may create and drop databases on."""

    url: str  # SQLAlchemy URL of a database to connect to for CREATE/DROP DATABASE
    process_dir: Path | None = None
    created: list[str] = field(default_factory=list)
    template: str | None = None

    def _admin(self) -> psycopg.Connection:
        return psycopg.connect(make_url(self.url).set(drivername="postgresql").render_as_string(False), autocommit=True)

    def create_database(self, *, migrated: bool = True) -> str:
        """A fresh database (already migrated, copied from a template, unless told otherwise); its URL."""
        name = f"ow_test_{uuid.uuid4().hex[:12]}"
        template = f' TEMPLATE "{self._template()}"' if migrated else ""
        try:
            with self._admin() as conn:
                conn.execute(f'CREATE DATABASE "{name}"{template}')
        except psycopg.Error as exc:
            pytest.fail(f"cannot create a test database on {make_url(self.url)!r} (needs CREATEDB): {exc}")
        self.created.append(name)
        return self._url(name)

    def _url(self, name: str) -> str:
        return make_url(self.url).set(drivername="postgresql+psycopg", database=name).render_as_string(False)

    def _template(self) -> str:
        # Migrating once and copying the result makes a fresh database per test cheap.
        if self.template is None:
            url = self.create_database(migrated=False)
            RecordsStore.open(url, KEY).close()
            self.template = make_url(url).database
        return self.template

    def close(self) -> None:
        """Drop the template (the databases of the tests drop themselves)."""
        if self.template is not None:
            self.drop_database(self._url(self.template))

    def drop_database(self, url: str) -> None:
        """Drop a database made by create_database."""
        name = make_url(url).database
        with self._admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _postgres_bin() -> Path:
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if not candidates:
        pytest.fail(
            "PostgreSQL is not installed (no initdb): run scripts/install-system-deps.sh (Debian package "
            f"postgresql), or point {POSTGRES_URL_VARIABLE} at a server where the tests may create databases"
        )
    return Path(candidates[-1]).parent


def _as_postgres_user() -> tuple[list[str], pwd.struct_passwd | None]:
    # PostgreSQL refuses to run as root: as root, run its binaries as the unprivileged 'postgres' user.
    if os.geteuid() != 0:
        return [], None
    try:
        user = pwd.getpwnam("postgres")
    except KeyError:
        pytest.fail(
            "the tests run as root and PostgreSQL will not: there is no OS user 'postgres' to run it as. "
            f"Create one (adduser --system --group postgres) or set {POSTGRES_URL_VARIABLE}"
        )
    if shutil.which("runuser"):
        return ["runuser", "-u", "postgres", "--"], user
    return ["setpriv", f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--init-groups"], user


def _start_cluster() -> tuple[PostgresServer, list[str], Path]:
    bindir = _postgres_bin()
    prefix, user = _as_postgres_user()
    workdir = Path(tempfile.mkdtemp(prefix="officewell-pg-"))
    if user is not None:
        os.chown(workdir, user.pw_uid, user.pw_gid)
    data = workdir / "data"

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*prefix, *args], cwd=workdir, capture_output=True, text=True, timeout=120, check=False)

    init = run(str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
               "--locale=C", "--no-sync", "--no-instructions")  # fmt: skip
    if init.returncode != 0:
        shutil.rmtree(workdir, ignore_errors=True)
        pytest.fail(f"initdb failed: {init.stderr or init.stdout}")
    for _attempt in range(3):
        port = free_port()
        options = (
            f"-p {port} -k {workdir} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off"
        )
        started = run(str(bindir / "pg_ctl"), "-D", str(data), "-l", str(workdir / "server.log"), "-o", options,
                      "-w", "-t", "60", "start")  # fmt: skip
        if started.returncode == 0:
            url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
            return PostgresServer(url, workdir), [*prefix, str(bindir / "pg_ctl"), "-D", str(data)], workdir
        time.sleep(0.2)  # most likely the port was taken in the meantime: try another
    log = (workdir / "server.log").read_text(errors="replace") if (workdir / "server.log").exists() else ""
    shutil.rmtree(workdir, ignore_errors=True)
    pytest.fail(f"PostgreSQL did not start: {started.stderr or started.stdout}\n{log[-2000:]}")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """The server given by OFFICEWELL_TEST_POSTGRES_URL, else a throwaway cluster (initdb + pg_ctl) on a free port."""
    given = os.environ.get(POSTGRES_URL_VARIABLE)
    if given:
        server = PostgresServer(
            given if "+psycopg" in given else given.replace("postgresql://", "postgresql+psycopg://", 1)
        )
        try:
            server._admin().close()
        except psycopg.Error as exc:
            pytest.fail(f"{POSTGRES_URL_VARIABLE} is set but the server cannot be reached: {exc}")
        yield server
        server.close()
        return
    server, pg_ctl, workdir = _start_cluster()
    try:
        yield server
    finally:
        subprocess.run(
            [*pg_ctl, "-m", "immediate", "-w", "stop"], cwd=workdir, capture_output=True, timeout=60, check=False
        )
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def records_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty records database on each backend (PostgreSQL: migrated already, from a template)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'records.db'}"
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    url = server.create_database()
    yield url
    server.drop_database(url)


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database on each backend that no migration has touched."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'records.db'}"
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    url = server.create_database(migrated=False)
    yield url
    server.drop_database(url)


@pytest.fixture
def store(records_url: str) -> Iterator[RecordsStore]:
    """A migrated, empty store with the test key."""
    opened = RecordsStore.open(records_url, KEY)
    yield opened
    opened.close()
