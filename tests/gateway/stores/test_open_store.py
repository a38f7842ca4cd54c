"""Store URLs (contracts §7): what open_store accepts and how it explains what it does not."""

import pytest

from gateway.errors import StoreURLError
from gateway.stores import open_store
from gateway.stores.urls import masked, parse_influx_v1, parse_influx_v2


def test_influxdb_urls_are_parsed():
    t = parse_influx_v1("influxdb://user:p%40ss@db.example:8087/office?rp=year&tls=true")
    assert (t.base_url, t.database, t.retention_policy, t.username, t.password) == (
        "https://db.example:8087",
        "office",
        "year",
        "user",
        "p@ss",
    )
    assert "p@ss" not in t.where
    assert parse_influx_v1("influxdb://localhost/office").base_url == "http://localhost:8086"
    v2 = parse_influx_v2("influxdb2://[::1]:9999/readings?org=kc")
    assert (v2.base_url, v2.bucket, v2.org) == ("http://[::1]:9999", "readings", "kc")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("influxdb://localhost:8086", "name the database"),
        ("influxdb://localhost:8086/", "name the database"),
        ("influxdb:///office", "give a host"),
        ("influxdb://localhost:port/office", "bad port"),
        ("influxdb://localhost/a/b", "must not contain '/'"),
        ("influxdb://localhost/office?rp=", "rp= is empty"),
        ("influxdb://localhost/office?tls=maybe", "tls must be true or false"),
        ("influxdb://localhost/office?retention=x", "unknown option"),
        ("influxdb://:secret@localhost/office", "a password needs a user name"),
        ("influxdb2://localhost:8086/bucket", "name the organisation"),
        ("influxdb2://localhost:8086/bucket?org=", "name the organisation"),
        ("influxdb2://localhost:8086/?org=o", "name the bucket"),
        ("influxdb2://u:p@localhost:8086/bucket?org=o", "token comes from OFFICEWELL_INFLUX_TOKEN"),
        ("postgres://localhost/db", "unknown store kind 'postgres'"),
    ],
)
def test_bad_urls_are_explained(url, message):
    with pytest.raises(StoreURLError, match=message):
        open_store(url, influx_token="t")


def test_influxdb2_needs_a_token():
    with pytest.raises(StoreURLError, match="no token; set OFFICEWELL_INFLUX_TOKEN"):
        open_store("influxdb2://localhost:8086/bucket?org=o")


def test_passwords_are_masked_in_errors():
    with pytest.raises(StoreURLError) as caught:
        open_store("influxdb://me:hunter2@localhost:8086/")
    assert "hunter2" not in str(caught.value)
    assert "***" in str(caught.value)


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("influxdb://me:hunter2@db.example:8086/office", "influxdb://me:***@db.example:8086/office"),
        ("influxdb://db.example:8086/office", "influxdb://db.example:8086/office"),
        ("sqlite:///var/lib/officewell/readings.db", "sqlite:///var/lib/officewell/readings.db"),
        ("influxdb://me:hunter2@[::1", "[::1"),  # not a URL urlsplit takes apart: nothing before the @
    ],
)
def test_store_urls_are_shown_without_their_password(url, shown):
    """What the CLI prints of the store (gateway start, import and simulate summaries) never holds its password."""
    assert masked(url) == shown
