"""Every device format through the gateway's pipeline: placed by the site file, unknown devices dead-lettered."""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from gateway.pipeline import Limits, Pipeline
from sensors.site import parse_site

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "devices"
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
CHIRPSTACK_UP = "application/17c82e96-be03-4f38-aef3-f83d48582d97/device/{}/event/up"
SITE = parse_site(
    """
    [site]
    id = "kc-main"
    timezone = "Europe/Stockholm"

    [[zones]]
    id = "z1"
    name = "Answer group 1"

    [[zones]]
    id = "z2"
    name = "Answer group 2"

    [[devices]]
    id = "aq-01"
    zone = "z1"

    [[devices]]
    id = "Plan 2/CO2 sensor"
    zone = "z1"
    format = "zigbee2mqtt"

    [[devices]]
    id = "0101010101010101"
    zone = "z2"
    format = "chirpstack"

    [[devices]]
    id = "dev1"
    zone = "z2"
    format = "ttn"

    [[devices]]
    id = "tasmota_4BC990"
    zone = "z1"
    format = "tasmota"

    [[devices]]
    id = "lp-01"
    zone = "z1"
    format = "line-protocol"

    [[devices]]
    id = "lp 02"
    zone = "z2"
    format = "line-protocol"
    """
)


def pipeline() -> Pipeline:
    """The site's pipeline, its decoders bound to the site; the fixtures are years old, so any age is accepted."""
    built = Pipeline(SITE, Limits(max_age=timedelta(days=20_000)))
    # Until Pipeline.__init__ binds its decoders itself (see test_pipeline_binds_its_decoders below); harmless after.
    built.decoders = [decoder.bind(SITE) for decoder in built.decoders]
    return built


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


CASES = [
    (
        "zigbee2mqtt/Plan 2/CO2 sensor",
        fixture("zigbee2mqtt/wsdcgq01lm.json"),
        "Plan 2/CO2 sensor",
        "z1",
        NOW,
        {"temperature_c": 27.34, "humidity_pct": 44.72},
    ),
    (
        CHIRPSTACK_UP.format("0101010101010101"),
        fixture("chirpstack/up_milesight_am300.json"),
        "0101010101010101",
        "z2",
        datetime(2022, 7, 18, 9, 34, 15, 775023, tzinfo=UTC),
        {"co2_ppm": 936.0, "temperature_c": 23.8, "humidity_pct": 62.0, "pm25_ugm3": 32.0},
    ),
    (
        "v3/app1@ttn/devices/dev1/up",
        fixture("ttn/up_elsys_ers_co2.json"),
        "dev1",
        "z2",
        datetime(2020, 2, 12, 15, 15, 45, 789585, tzinfo=UTC),
        {"co2_ppm": 776.0, "temperature_c": 22.6, "humidity_pct": 41.0, "illuminance_lux": 39.0},
    ),
    (
        "tele/tasmota_4BC990/SENSOR",
        fixture("tasmota/scd40.json"),
        "tasmota_4BC990",
        "z1",
        datetime(2024, 1, 1, 9, 31, 9, tzinfo=UTC),  # 10:31:09 in Stockholm
        {"co2_ppm": 1204.0, "temperature_c": 28.8, "humidity_pct": 47.5},
    ),
]


@pytest.mark.parametrize(("topic", "payload", "device", "zone", "ts", "values"), CASES, ids=lambda c: str(c)[:24])
def test_each_format_is_placed_in_its_zone_by_the_site_file(topic, payload, device, zone, ts, values):
    out = pipeline().handle(topic, payload, NOW)
    [reading] = out.readings
    assert (reading.site, reading.zone, reading.device) == ("kc-main", zone, device)
    assert reading.ts == ts
    assert dict(reading.values) == values
    assert out.dead_letters == ()
    assert out.unregistered_devices == ()


def test_line_protocol_devices_are_placed_by_tag_and_site_file():
    out = pipeline().handle("lineprotocol/kc-main", fixture("line-protocol/environment.txt"), NOW)
    assert [(r.device, r.zone, r.ts) for r in out.readings] == [
        ("lp-01", "z1", datetime(2026, 11, 24, 8, 0, tzinfo=UTC)),
        ("lp 02", "z2", NOW),
    ]
    assert out.dead_letters == ()


@pytest.mark.parametrize(
    ("format_name", "topic", "payload", "device"),
    [
        ("zigbee2mqtt", "zigbee2mqtt/Plan 3/CO2 sensor", fixture("zigbee2mqtt/wsdcgq01lm.json"), "Plan 3/CO2 sensor"),
        (
            "chirpstack",
            CHIRPSTACK_UP.format("a81758fffe03abcd"),
            fixture("chirpstack/up_milesight_am300.json").replace(b"0101010101010101", b"A81758FFFE03ABCD"),
            "a81758fffe03abcd",
        ),
        (
            "ttn",
            "v3/starter-kit@docs-test-account/devices/eui-70b3d52dd600035a/up",
            fixture("ttn/up_elsys_ers_co2.json").replace(b'"dev1"', b'"eui-70b3d52dd600035a"'),
            "eui-70b3d52dd600035a",
        ),
        ("tasmota", "tele/tasmota_FFFFFF/SENSOR", fixture("tasmota/bh1750.json"), "tasmota_FFFFFF"),
        ("line-protocol", "lineprotocol/kc-main", b"environment,device=lp-99 co2_ppm=500", "lp-99"),
    ],
)
def test_an_unknown_device_becomes_a_dead_letter(format_name, topic, payload, device):
    out = pipeline().handle(topic, payload, NOW)
    assert out.readings == ()
    [letter] = out.dead_letters
    assert letter.reason.startswith(f"unregistered {format_name} device {device!r}")
    assert letter.reason.endswith(
        f'add it to the site file ([[devices]] with its id, its zone and format = "{format_name}")'
    )
    assert letter.payload == payload
    assert out.unregistered_devices == (device,)


def test_a_line_protocol_zone_tag_that_contradicts_the_site_file_is_a_dead_letter():
    out = pipeline().handle("lineprotocol/kc-main", b"environment,device=lp-01,zone=z2 co2_ppm=500", NOW)
    [letter] = out.dead_letters
    assert "device 'lp-01' sits in zone 'z1' per the site file" in letter.reason


def test_a_partly_bad_message_keeps_its_good_values_and_dead_letters_the_rest():
    event = json.loads(fixture("chirpstack/up.json"))
    event["object"] = {"co2": 20_000, "temperature": "22 °Ré", "humidity": 40}
    out = pipeline().handle(CHIRPSTACK_UP.format("0101010101010101"), json.dumps(event).encode(), NOW)
    assert dict(out.readings[0].values) == {"humidity_pct": 40.0}
    [letter] = out.dead_letters
    assert letter.partial
    assert "temperature_c: temperature: unit '°Ré' cannot be converted to °C" in letter.reason
    assert "co2_ppm: 20000 ppm outside the plausible range 250–10000" in letter.reason


@pytest.mark.parametrize(
    ("topic", "payload"),
    [
        ("zigbee2mqtt/bridge/state", b'{"state":"online"}'),
        ("zigbee2mqtt/Plan 2/CO2 sensor/availability", b'{"state":"offline"}'),
        (CHIRPSTACK_UP.format("0101010101010101").replace("/up", "/status"), fixture("chirpstack/status.json")),
        (CHIRPSTACK_UP.format("0101010101010101").replace("/up", "/join"), fixture("chirpstack/join.json")),
        ("v3/app1@ttn/devices/dev1/join", fixture("ttn/join.json")),
        ("tele/tasmota_4BC990/LWT", b"Offline"),
        ("tele/tasmota_4BC990/STATE", b'{"Time":"2024-01-01T10:31:09","POWER":"ON"}'),
    ],
)
def test_status_messages_leave_no_trace(topic, payload):
    out = pipeline().handle(topic, payload, NOW)
    assert (out.readings, out.dead_letters, out.unregistered_devices) == ((), (), ())


def test_bound_pipeline_subscribes_to_each_registered_device():
    assert sorted(pipeline().topic_filters()) == [
        "application/+/device/0101010101010101/event/up",
        "lineprotocol/#",
        "officewell/kc-main/+/+",
        "tele/tasmota_4BC990/SENSOR",
        "telegraf/#",
        "v3/+/devices/dev1/up",
        "zigbee2mqtt/Plan 2/CO2 sensor",
    ]


def test_pipeline_binds_its_decoders_to_the_site():
    out = Pipeline(SITE, Limits(max_age=timedelta(days=20_000))).handle(
        "tele/tasmota_4BC990/SENSOR", fixture("tasmota/scd40.json"), NOW
    )
    assert [r.ts for r in out.readings] == [datetime(2024, 1, 1, 9, 31, 9, tzinfo=UTC)]
