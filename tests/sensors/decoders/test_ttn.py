import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sensors.decoders.ttn import TheThingsStackDecoder
from sensors.errors import DecodeError
from sensors.site import parse_site

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "devices" / "ttn"
UP = "v3/app1@ttn/devices/dev1/up"
decoder = TheThingsStackDecoder()


def uplink(decoded: object = None, **changes: object) -> bytes:
    message = json.loads((FIXTURES / "up.json").read_text())
    if decoded is not None:
        message["uplink_message"]["decoded_payload"] = decoded
    message.update(changes)
    return json.dumps(message).encode()


def test_documented_uplink_message():
    [sample] = decoder.decode(UP, (FIXTURES / "up.json").read_bytes())
    assert sample.device == "dev1"
    # uplink_message.received_at (Network Server), not the later top-level Application Server time.
    assert sample.ts == datetime(2020, 2, 12, 15, 15, 45, 789585, tzinfo=UTC)
    assert sample.values == {"temperature_c": 1.0}
    assert sample.ignored == ("luminosity",)  # no documented unit: not guessed to be lux
    assert sample.seq == 1


def test_top_level_received_at_when_the_uplink_has_none():
    message = json.loads((FIXTURES / "up.json").read_text())
    del message["uplink_message"]["received_at"]
    [sample] = decoder.decode(UP, json.dumps(message).encode())
    assert sample.ts == datetime(2020, 2, 12, 15, 15, 46, 14773, tzinfo=UTC)


def test_elsys_ers_co2_formatter_output():
    [sample] = decoder.decode(UP, (FIXTURES / "up_elsys_ers_co2.json").read_bytes())
    assert sample.values == {"co2_ppm": 776.0, "temperature_c": 22.6, "humidity_pct": 41.0, "illuminance_lux": 39.0}
    assert sample.ignored == ("motion",)


def test_starter_kit_uplink_reports_the_last_battery_percentage():
    topic = "v3/starter-kit@docs-test-account/devices/eui-70b3d52dd600035a/up"
    [sample] = decoder.decode(topic, (FIXTURES / "up_starter_kit.json").read_bytes())
    assert sample.device == "eui-70b3d52dd600035a"
    assert sample.ts == datetime(2025, 4, 16, 11, 54, 13, 787593, tzinfo=UTC)
    assert sample.battery_pct == 90.118576
    assert sample.values == {}  # a button: sensorTemperature is its board temperature, not the room's
    assert "sensorTemperature" in sample.ignored


def test_topic_without_tenant_as_on_open_source_deployments():
    [sample] = decoder.decode("v3/app1/devices/dev1/up", (FIXTURES / "up.json").read_bytes())
    assert sample.device == "dev1"


def test_fahrenheit_with_its_unit_is_converted_and_an_unknown_unit_rejected():
    [sample] = decoder.decode(UP, uplink({"temperature": {"value": 71.6, "unit": "°F"}, "co2": "800 ppx"}))
    assert sample.values == {"temperature_c": 22.0}
    assert sample.rejected == {"co2_ppm": "co2: unit 'ppx' cannot be converted to ppm"}


@pytest.mark.parametrize(
    ("topic", "payload"),
    [
        ("v3/app1@ttn/devices/dev1/join", (FIXTURES / "join.json").read_bytes()),
        ("v3/app1@ttn/devices/dev1/down/queued", b"{}"),
        ("v3/app1@ttn/devices/dev1/down/sent", b"{}"),
        ("v3/app1@ttn/devices/dev1/down/ack", b"{}"),
        ("v3/app1@ttn/devices/dev1/down/push", b'{"downlinks": []}'),
        ("v3/app1@ttn/devices/dev1/service/data", b"{}"),
        ("v3/app1@ttn/devices/dev1/location/solved", b"{}"),
    ],
)
def test_other_messages_carry_no_readings(topic, payload):
    assert decoder.decode(topic, payload) == []


@pytest.mark.parametrize(
    ("topic", "payload", "reason"),
    [
        (UP, b"[]", "payload must be a JSON object, got list"),
        (UP, b'{"uplink_message": {}}', "end_device_ids.device_id: expected a non-empty string, got nothing"),
        (UP, uplink(end_device_ids={"device_id": "dev2"}), "end_device_ids.device_id 'dev2' does not match"),
        (UP, uplink(uplink_message="x"), 'uplink_message: expected a JSON object, got "x"'),
        (UP, uplink(uplink_message={"f_port": 1}), "no decoded_payload: set an uplink payload formatter"),
        (UP, uplink([1]), "decoded_payload: expected a JSON object, got [1]"),
        (UP, uplink(simulated=True), "simulated uplink"),
        (UP, uplink(received_at="now", uplink_message={"decoded_payload": {}}), "'now' is not an RFC 3339"),
        ("v3/app1@ttn/dev1/up", b"{}", "is not v3/<application id>@<tenant id>/devices/<device id>/<event>"),
    ],
)
def test_malformed_messages_raise_with_a_reason(topic, payload, reason):
    with pytest.raises(DecodeError, match=re.escape(reason)):
        decoder.decode(topic, payload)


def test_bound_decoder_subscribes_to_the_uplinks_of_the_sites_devices():
    site = parse_site(
        """
        [site]
        id = "kc-main"
        [[zones]]
        id = "z1"
        [[devices]]
        id = "ers-co2-3"
        zone = "z1"
        format = "ttn"
        """
    )
    assert decoder.topic_filters("kc-main") == ("v3/+/devices/+/up",)
    assert decoder.bind(site).topic_filters("kc-main") == ("v3/+/devices/ers-co2-3/up",)
