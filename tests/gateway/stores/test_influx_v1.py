"""The influxdb:// store against a real InfluxDB 1.6 (and scripted servers for answers it cannot give)."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from gateway.errors import StoreRejectedError, StoreUnavailableError, StoreURLError
from gateway.stores import InfluxV1ReadingStore, open_store
from sensors.reading import Reading
from tests.conftest import free_port
from tests.gateway.stores.fake_http import INFLUX_1, INFLUX_2, INFLUX_3, FakeServer, json_answer
from tests.services import (
    InfluxDB1,
    fresh_name,
    start_influxdb,
    stop_process,
)

T0 = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)


def reading(site: str = "kc-main", device: str = "aq-01", **values: float) -> Reading:
    return Reading(site, "z1", device, T0, values or {"co2_ppm": 600.0})


@pytest.fixture
def database(influxdb_server: InfluxDB1) -> Iterator[str]:
    name = fresh_name()
    yield name
    influxdb_server.drop(name)


def databases(server: InfluxDB1) -> list[str]:
    answer = server.query("SHOW DATABASES")
    return [row[0] for row in answer["results"][0]["series"][0]["values"]]


def test_opening_creates_the_database_and_reports_the_server(influxdb_server, database):
    store = open_store(influxdb_server.url(database))
    assert isinstance(store, InfluxV1ReadingStore)
    assert database in databases(influxdb_server)
    assert store.server.major == 1
    assert store.server.describe().startswith("InfluxDB 1.6")
    store.close()
    open_store(influxdb_server.url(database)).close()  # an existing database is fine


def test_points_are_stored_as_the_contract_says(influxdb_server, database):
    store = open_store(influxdb_server.url(database))
    store.write([Reading("kc-main", "z 1", "aq,01", T0, {"co2_ppm": 812.0, "temperature_c": 22.4})])
    store.close()
    answer = influxdb_server.query('SELECT * FROM "environment"', database=database)
    series = answer["results"][0]["series"][0]
    row = dict(zip(series["columns"], series["values"][0], strict=True))
    assert series["name"] == "environment"
    assert row == {
        "time": 1795507200000000000,
        "site": "kc-main",
        "zone": "z 1",
        "device": "aq,01",
        "co2_ppm": 812,
        "temperature_c": 22.4,
    }


def test_a_named_retention_policy_is_used_and_a_missing_one_refused(influxdb_server, database):
    open_store(influxdb_server.url(database)).close()
    influxdb_server.query(f'CREATE RETENTION POLICY "short" ON "{database}" DURATION 5200w REPLICATION 1')
    store = open_store(influxdb_server.url(database, rp="short"))
    store.write([reading()])
    assert store.count("kc-main") == 1
    store.close()
    in_short = influxdb_server.query(f'SELECT count(*) FROM "{database}"."short"."environment"')  # noqa: S608
    assert in_short["results"][0]["series"][0]["values"][0][1] == 1
    rolled = influxdb_server.query(f'SELECT * FROM "{database}"."short"."environment_15m"')  # noqa: S608
    assert len(rolled["results"][0]["series"][0]["values"]) == 1  # the rollup lives beside its points
    store = open_store(influxdb_server.url(database, rp="short"))
    hourly = store.windows("kc-main", "co2_ppm", T0, T0 + timedelta(hours=1), timedelta(hours=1))
    assert hourly["mean"].tolist() == [600.0]
    store.close()
    with pytest.raises(StoreURLError, match="retention policy 'nope' does not exist"):
        open_store(influxdb_server.url(database, rp="nope"))


def test_a_field_type_conflict_is_rejected_with_the_servers_reason(influxdb_server, database):
    store = open_store(influxdb_server.url(database))
    # Another writer stored co2_ppm as an integer in this shard: InfluxDB refuses floats for it there.
    assert (
        influxdb_server.write_lines(
            database, "environment,device=x,site=kc-main,zone=z1 co2_ppm=5i 1795507200000000000"
        ).status_code
        == 204
    )
    with pytest.raises(StoreRejectedError, match="field type conflict") as caught:
        store.write([reading(co2_ppm=600.0)])
    assert "field type conflict" in caught.value.reason
    store.close()


def test_a_reading_line_protocol_cannot_carry_is_rejected(influxdb_server, database):
    store = open_store(influxdb_server.url(database))
    with pytest.raises(StoreRejectedError, match="backslash"):
        store.write([reading(device="bad\\name")])
    store.close()


def test_string_literals_are_escaped_in_queries(influxdb_server, database):
    store = open_store(influxdb_server.url(database))
    # InfluxDB 1.x keeps a backslash in a tag value literally; only a correctly escaped literal finds it.
    influxdb_server.write_lines(database, "environment,device=d,site=a\\b,zone=z co2_ppm=1 1\n")
    assert store.count("a\\b") == 1
    assert store.count("a\\\\b") == 0
    assert store.count("two\nlines") == 0
    assert store.latest("x' OR site =~ /.*/ OR site = 'y") == []
    store.close()


def test_a_victoriametrics_behind_an_influxdb_url_is_named(victoria_metrics):
    with pytest.raises(StoreURLError, match=r"VictoriaMetrics.*influxdb2://"):
        open_store(f"influxdb://127.0.0.1:{victoria_metrics.port}/db")


def test_a_server_that_is_not_influxdb_is_named():
    fake = FakeServer({("GET", "/ping"): (404, {"Server": "nginx"}, b"not found")})
    try:
        with pytest.raises(StoreURLError, match=r"not an InfluxDB server \(GET /ping answered 404 .*nginx"):
            open_store(f"influxdb://{fake.hostport}/db")
    finally:
        fake.stop()


def test_no_server_at_all_is_unavailable_not_a_url_error():
    with pytest.raises(StoreUnavailableError, match="cannot reach the server"):
        open_store(f"influxdb://127.0.0.1:{free_port()}/db")


def test_server_errors_are_retryable_and_bad_data_is_not():
    fake = FakeServer(
        {
            ("GET", "/ping"): (204, INFLUX_1, b""),
            ("GET", "/query"): json_answer(
                200,
                {
                    "results": [
                        {"statement_id": 0, "series": [{"name": "databases", "columns": ["name"], "values": [["db"]]}]}
                    ]
                },
            ),
            ("POST", "/write"): json_answer(503, {"error": "engine: cache-max-memory-size exceeded"}),
        }
    )
    try:
        store = open_store(f"influxdb://{fake.hostport}/db")
        with pytest.raises(StoreUnavailableError, match=r"503.*cache-max-memory-size"):
            store.write([reading()])
        fake.routes[("POST", "/write")] = json_answer(
            400, {"error": "partial write: points beyond retention policy dropped=1"}
        )
        with pytest.raises(StoreRejectedError, match="partial write") as caught:
            store.write([reading()])
        assert caught.value.reason.startswith("400: partial write")
        fake.routes[("POST", "/write")] = json_answer(404, {"error": 'database not found: "db"'})
        with pytest.raises(StoreUnavailableError, match="database not found"):
            store.write([reading()])
        fake.routes[("GET", "/query")] = json_answer(200, {"results": [{"statement_id": 0, "error": "boom"}]})
        with pytest.raises(StoreUnavailableError, match="query failed: boom"):
            store.count("kc-main")
    finally:
        fake.stop()
    with pytest.raises(StoreUnavailableError, match="cannot reach"):
        store.write([reading()])
    store.close()


@pytest.mark.parametrize("headers", [INFLUX_2, INFLUX_3])
def test_influxdb_2_and_3_are_not_asked_to_create_databases(headers):
    fake = FakeServer({("GET", "/ping"): (204, headers, b"")})
    try:
        store = open_store(f"influxdb://user:token@{fake.hostport}/bucket")
        assert store.server.major in (2, 3)
        assert [s.path for s in fake.seen] == ["/ping"]
        assert fake.seen[0].headers["Authorization"].startswith("Basic ")
        store.close()
    finally:
        fake.stop()


@pytest.fixture(scope="module")
def secured_influxdb(tmp_path_factory) -> Iterator[InfluxDB1]:
    """An InfluxDB with authentication: admin `admin`/`secret`, non-admin `reader`/`pw` on database `existing`."""
    server = start_influxdb(Path(tmp_path_factory.mktemp("influxdb-auth")), auth=True)
    server.query("CREATE USER admin WITH PASSWORD 'secret' WITH ALL PRIVILEGES")
    admin = ("admin", "secret")
    server.query("CREATE DATABASE existing", auth=admin)
    server.query("CREATE USER reader WITH PASSWORD 'pw'", auth=admin)
    server.query('GRANT ALL ON "existing" TO "reader"', auth=admin)
    yield server
    stop_process(server.process)


def test_credentials_are_used_and_refusals_are_clear(secured_influxdb):
    store = open_store(secured_influxdb.url("existing", user="reader", password="pw"))
    store.write([reading()])
    assert store.count("kc-main") == 1
    store.close()
    with pytest.raises(StoreUnavailableError, match=r"does not exist and could not be created.*admin"):
        open_store(secured_influxdb.url("missing", user="reader", password="pw"))
    with pytest.raises(StoreUnavailableError, match="credentials refused") as caught:
        open_store(secured_influxdb.url("existing", user="reader", password="wrong"))
    assert "wrong" not in str(caught.value)
    store = open_store(secured_influxdb.url("created", user="admin", password="secret"))
    store.close()


def test_the_contracts_timestamps_survive_to_the_nanosecond(influxdb_server, database):
    store = open_store(influxdb_server.url(database))
    store.write([Reading("s", "z", "d", T0 + timedelta(microseconds=7), {"co2_ppm": 1.0})])
    frame = store.series("s", "co2_ppm", T0, T0 + timedelta(seconds=1))
    assert frame["ts"].iloc[0].value == 1795507200000007000
    store.close()


def test_a_database_from_before_the_rollup_gets_one_when_opened(influxdb_server, database):
    """Points written without the rollup (by an older officewell) are rolled up once, then windows come from it."""
    influxdb_server.query(f'CREATE DATABASE "{database}"')
    t0 = int(T0.timestamp()) * 10**9
    early = int(datetime(1969, 12, 31, 23, 50, tzinfo=UTC).timestamp()) * 10**9  # a week of its own, before 1970
    lines = [
        f"environment,site=kc-main,zone=z1,device=aq-01 co2_ppm={600 + m} {t0 + m * 60 * 10**9}" for m in range(120)
    ]
    lines += [f"environment,site=kc-main,zone=z2,device=aq-02 co2_ppm=700,temperature_c=21 {early}"]
    assert influxdb_server.write_lines(database, "\n".join(lines)).status_code == 204
    store = open_store(influxdb_server.url(database))
    assert isinstance(store, InfluxV1ReadingStore)
    assert store.rolls_up
    hourly = store.windows("kc-main", "co2_ppm", T0, T0 + timedelta(hours=2), timedelta(hours=1))
    assert hourly["count"].tolist() == [60, 60]
    assert hourly["mean"].tolist() == [629.5, 689.5]
    before = store.windows("kc-main", "temperature_c", datetime(1969, 12, 31, 23, 0, tzinfo=UTC),
                           datetime(1970, 1, 1, tzinfo=UTC), timedelta(hours=1))  # fmt: skip
    assert before["mean"].tolist() == [21.0]
    store.close()
    marker = influxdb_server.query('SELECT * FROM "officewell_rollup_2"', database=database)
    assert len(marker["results"][0]["series"][0]["values"]) == 1
    # Opened again, it is not rebuilt: a rollup point changed by hand stays as it is.
    by_hand = influxdb_server.write_lines(database, f"environment_15m,site=kc-main,zone=z1 count_co2_ppm=1i {t0}")
    assert by_hand.status_code == 204
    again = open_store(influxdb_server.url(database))
    assert again.windows("kc-main", "co2_ppm", T0, T0 + timedelta(minutes=15), timedelta(minutes=15))[
        "count"
    ].tolist() == [1]
    again.close()


def test_windows_keep_zone_names_that_line_protocol_escapes(influxdb_server, database):
    """Windows are read as CSV, whose tag cells are escaped as in line protocol: names come back whole."""
    store = open_store(influxdb_server.url(database))
    odd = ["z 1", "a,b=c", 'q"x']
    store.write([Reading("kc-main", zone, "aq-01", T0 + timedelta(minutes=m), {"co2_ppm": 600.0 + m})
                 for zone in odd for m in range(3)])  # fmt: skip
    for start in (T0, T0 + timedelta(minutes=1)):  # whole quarter hours (from the rollup) and not (from the points)
        hourly = store.windows("kc-main", "co2_ppm", start, T0 + timedelta(hours=1), timedelta(hours=1))
        assert sorted(hourly["zone"]) == sorted(odd)
    assert (
        store.windows("kc-main", "co2_ppm", T0, T0 + timedelta(hours=1), timedelta(hours=1))["mean"].tolist()
        == [601.0] * 3
    )
    assert store.windows("kc-main", "temperature_c", T0, T0 + timedelta(hours=1), timedelta(hours=1)).empty
    store.close()


def test_a_database_with_a_short_retention_policy_opens_and_rolls_up(influxdb_server, database):
    """The rollups' marker is stamped now: a one-year default policy would refuse a point from 1970."""
    influxdb_server.query(f'CREATE DATABASE "{database}"')
    influxdb_server.query(f'CREATE RETENTION POLICY "year" ON "{database}" DURATION 52w REPLICATION 1 DEFAULT')
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(hours=2)
    store = open_store(influxdb_server.url(database))
    store.write(
        [Reading("kc-main", "z1", "aq-01", now + timedelta(minutes=m), {"co2_ppm": 600.0 + m}) for m in range(60)]
    )
    assert store.windows("kc-main", "co2_ppm", now, now + timedelta(hours=1), timedelta(hours=1))["mean"].tolist() == [
        629.5
    ]
    store.close()
    open_store(influxdb_server.url(database)).close()  # and again


def test_what_a_partly_refused_write_stored_is_rolled_up(influxdb_server, database):
    store = open_store(influxdb_server.url(database))
    # Another writer stored co2_ppm as an integer in this shard: InfluxDB keeps the temperature, refuses the CO2.
    conflict = influxdb_server.write_lines(
        database, f"environment,device=x,site=kc-main,zone=z2 co2_ppm=5i {int(T0.timestamp()) * 10**9}"
    )
    assert conflict.status_code == 204
    with pytest.raises(StoreRejectedError, match="partial write"):
        store.write(
            [
                reading(temperature_c=21.0),
                Reading("kc-main", "z1", "aq-02", T0 + timedelta(minutes=1), {"co2_ppm": 600.0}),
            ]
        )
    hourly = store.windows("kc-main", "temperature_c", T0, T0 + timedelta(hours=1), timedelta(hours=1))
    assert hourly["mean"].tolist() == [21.0]
    store.close()
