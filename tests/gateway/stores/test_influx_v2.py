"""The influxdb2:// store: writes through influxdb-client, reads chosen by the server that answers."""

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from gateway.errors import StoreRejectedError, StoreUnavailableError, StoreURLError
from gateway.stores import InfluxV2ReadingStore, open_store
from gateway.stores.flux import FluxReader
from gateway.stores.victoriametrics import VictoriaMetricsReader
from sensors.reading import Reading
from tests.gateway.stores.fake_http import INFLUX_2, INFLUX_3, FakeServer, json_answer
from tests.services import (
    FlushAfterWrite,
    fresh_name,
)

T0 = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)


def reading(**values: float) -> Reading:
    return Reading("kc-main", "z1", "aq-01", T0, values or {"co2_ppm": 600.0})


def test_victoriametrics_is_recognised_and_read_through_its_export_api(victoria_metrics):
    store = open_store(victoria_metrics.url(fresh_name()), influx_token=victoria_metrics.token)
    assert isinstance(store, InfluxV2ReadingStore)
    assert store.server.product == "victoriametrics"
    assert isinstance(store._reader, VictoriaMetricsReader)
    store.close()


def test_writes_use_the_v2_api_with_the_token(victoria_metrics):
    victoria_metrics.delete_all()
    store = FlushAfterWrite(open_store(victoria_metrics.url("bucket-a"), influx_token="s3cret"), victoria_metrics)
    store.write([reading(co2_ppm=812.0, temperature_c=22.4)])
    exported = httpx.post(
        f"{victoria_metrics.base_url}/api/v1/export", data={"match[]": '{site="kc-main"}', "start": "0"}
    ).text
    assert '"__name__":"environment_co2_ppm"' in exported
    assert '"__name__":"environment_temperature_c"' in exported
    assert '"zone":"z1"' in exported
    assert '"device":"aq-01"' in exported
    store.close()


def test_series_of_another_database_label_are_not_read(victoria_metrics):
    victoria_metrics.delete_all()
    store = FlushAfterWrite(open_store(victoria_metrics.url("mine"), influx_token="t"), victoria_metrics)
    store.write([reading(co2_ppm=600.0)])
    # Written with db=other (as a VictoriaMetrics that honours buckets would label another bucket).
    httpx.post(
        f"{victoria_metrics.base_url}/write",
        params={"db": "other", "precision": "ns"},
        content="environment,device=aq-02,site=kc-main,zone=z1 co2_ppm=999 1795507260000000000",
    ).raise_for_status()
    victoria_metrics.force_flush()
    assert store.count("kc-main") == 1
    assert [lv.value for lv in store.latest("kc-main")] == [600.0]
    assert store.series("kc-main", "co2_ppm", T0, T0 + timedelta(hours=1))["value"].tolist() == [600.0]
    store.close()


def test_influxdb_1_behind_an_influxdb2_url_is_refused(influxdb_server):
    with pytest.raises(StoreURLError, match=r"InfluxDB 1\.6.*use influxdb://"):
        open_store(f"influxdb2://127.0.0.1:{influxdb_server.port}/b?org=o", influx_token="t")


def test_influxdb_3_is_refused_with_a_pointer_to_influxql():
    fake = FakeServer({("GET", "/ping"): (200, INFLUX_3, b"{}")})
    try:
        with pytest.raises(StoreURLError, match=r"InfluxDB 3\.1\.0 \(Core\), which serves no Flux.*influxdb://"):
            open_store(f"influxdb2://{fake.hostport}/b?org=o", influx_token="t")
    finally:
        fake.stop()


def test_influxdb_2_gets_flux_reads_and_its_write_errors_are_mapped():
    fake = FakeServer({("GET", "/ping"): (204, INFLUX_2, b"")})
    try:
        store = open_store(f"influxdb2://{fake.hostport}/bucket?org=my-org", influx_token="s3cret")
        assert isinstance(store._reader, FluxReader)
        assert fake.seen[0].headers["Authorization"] == "Token s3cret"

        fake.routes[("POST", "/api/v2/write")] = (204, {}, b"")
        store.write([reading()])
        sent = fake.seen[-1]
        assert sent.query == {"org": ["my-org"], "bucket": ["bucket"], "precision": ["ns"]}
        assert sent.headers["Authorization"] == "Token s3cret"
        assert sent.body == b"environment,device=aq-01,site=kc-main,zone=z1 co2_ppm=600.0 1795507200000000000"

        fake.routes[("POST", "/api/v2/write")] = json_answer(
            400, {"code": "invalid", "message": "partial write: field type conflict"}
        )
        with pytest.raises(StoreRejectedError, match="400: partial write: field type conflict"):
            store.write([reading()])
        fake.routes[("POST", "/api/v2/write")] = json_answer(422, {"code": "unprocessable entity", "message": "old"})
        with pytest.raises(StoreRejectedError, match="422: old"):
            store.write([reading()])
        for status in (401, 404, 500, 503):
            fake.routes[("POST", "/api/v2/write")] = json_answer(status, {"code": "x", "message": f"m{status}"})
            with pytest.raises(StoreUnavailableError, match=f"write answered {status}: m{status}"):
                store.write([reading()])
    finally:
        fake.stop()
    with pytest.raises(StoreUnavailableError, match="cannot reach the server"):
        store.write([reading()])
    store.close()


def test_nothing_to_write_sends_nothing():
    fake = FakeServer({("GET", "/ping"): (204, INFLUX_2, b"")})
    try:
        store = open_store(f"influxdb2://{fake.hostport}/bucket?org=o", influx_token="t")
        store.write([])
        assert [s.path for s in fake.seen] == ["/ping"]
        store.close()
    finally:
        fake.stop()


def test_unrepresentable_readings_are_rejected_before_sending(victoria_metrics):
    store = open_store(victoria_metrics.url("b"), influx_token="t")
    with pytest.raises(StoreRejectedError, match="control character"):
        store.write([Reading("kc-main", "z1", "two\nlines", T0, {"co2_ppm": 1.0})])
    store.close()
