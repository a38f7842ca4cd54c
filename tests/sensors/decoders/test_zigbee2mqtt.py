import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from sensors.decoders.base import Sample
from sensors.decoders.zigbee2mqtt import Zigbee2MqttDecoder
from sensors.errors import DecodeError
from sensors.site import parse_site

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "devices" / "zigbee2mqtt"
decoder = Zigbee2MqttDecoder()


def decode(payload: dict[str, object], name: str = "office/air 1") -> Sample:
    [sample] = decoder.decode(f"zigbee2mqtt/{name}", json.dumps(payload).encode())
    return sample


def test_documented_example_decodes_to_temperature_and_humidity():
    [sample] = decoder.decode("zigbee2mqtt/0x00158d0001d82999", (FIXTURES / "wsdcgq01lm.json").read_bytes())
    assert sample.device == "0x00158d0001d82999"
    assert sample.ts is None  # no last_seen: time of receipt
    assert sample.values == {"temperature_c": 27.34, "humidity_pct": 44.72}
    assert (sample.rejected, sample.ignored, sample.battery_pct) == ({}, (), None)
    assert (sample.zone, sample.site) == (None, None)


def test_weather_sensor_reports_battery_and_ignores_what_is_not_a_quantity():
    [sample] = decoder.decode("zigbee2mqtt/weather_sensor", (FIXTURES / "weather_sensor.json").read_bytes())
    assert sample.values == {"temperature_c": 23.5, "humidity_pct": 46.08}
    assert sample.battery_pct == 91.0
    assert sample.ignored == ("voltage", "pressure", "linkquality")


def test_friendly_names_keep_spaces_and_slashes():
    assert decode({"co2": 612}, name="Kundcenter/Plan 2/CO2 sensor").device == "Kundcenter/Plan 2/CO2 sensor"


def test_air_quality_properties_map_to_quantities():
    sample = decode({"co2": 612, "pm25": 4, "illuminance": 310, "temperature": 21.9, "humidity": 35})
    assert sample.values == {
        "co2_ppm": 612.0,
        "temperature_c": 21.9,
        "humidity_pct": 35.0,
        "pm25_ugm3": 4.0,
        "illuminance_lux": 310.0,
    }


def test_zigbee2mqtt_1x_message_with_raw_illuminance_and_illuminance_lux():
    [sample] = decoder.decode("zigbee2mqtt/occupancy_sensor", (FIXTURES / "occupancy_sensor.json").read_bytes())
    assert sample.values == {"illuminance_lux": 381.0}
    assert sample.battery_pct == 100.0
    assert sample.ignored == ("illuminance", "voltage", "device_temperature", "power_outage_count")


def test_illuminance_lux_wins_over_the_raw_illuminance_of_older_zigbee2mqtt():
    sample = decode({"illuminance": 24770, "illuminance_lux": 300})
    assert sample.values == {"illuminance_lux": 300.0}
    assert sample.ignored == ("illuminance",)


def test_voc_is_read_only_where_its_unit_is_known_to_be_ppb():
    # The generic zigbee2mqtt `voc` expose is µg/m³; Aqara's VOCKQJK11LM documents ppb.
    assert decode({"voc": 250}).values == {}
    assert decode({"voc": 250}).ignored == ("voc",)
    aqara = decode({"voc": 250, "device": {"friendlyName": "office/air 1", "model": "VOCKQJK11LM"}})
    assert aqara.values == {"tvoc_ppb": 250.0}
    assert aqara.ignored == ()  # the device block is metadata, not an ignored reading


def test_voc_index_is_not_a_quantity():
    assert decode({"voc_index": 120}).ignored == ("voc_index",)


@pytest.mark.parametrize(
    ("last_seen", "expected"),
    [
        ("2019-03-01T15:32:45.941Z", datetime(2019, 3, 1, 15, 32, 45, 941000, tzinfo=UTC)),  # ISO_8601
        (  # ISO_8601_local
            "2019-03-01T16:32:45.941+01:00",
            datetime(2019, 3, 1, 16, 32, 45, 941000, tzinfo=timezone(timedelta(hours=1))),
        ),
        (1551454365941, datetime(2019, 3, 1, 15, 32, 45, 941000, tzinfo=UTC)),  # epoch: milliseconds
    ],
)
def test_last_seen_in_each_of_zigbee2mqtts_formats(last_seen, expected):
    sample = decode({"temperature": 21, "last_seen": last_seen})
    assert sample.ts == expected
    assert sample.ignored == ()


def test_an_explicit_unit_that_cannot_be_converted_is_rejected_with_a_reason():
    sample = decode({"temperature": {"value": 21, "unit": "°Ré"}, "humidity": 40})
    assert sample.values == {"humidity_pct": 40.0}
    assert sample.rejected == {"temperature_c": "temperature: unit '°Ré' cannot be converted to °C"}


def test_fahrenheit_given_with_the_value_is_converted_exactly():
    assert decode({"temperature": "71.6 °F"}).values == {"temperature_c": 22.0}


def test_wrong_types_are_rejected_per_key():
    sample = decode({"temperature": True, "co2": "high", "humidity": 41})
    assert sample.values == {"humidity_pct": 41.0}
    assert sample.rejected == {
        "co2_ppm": 'co2: expected a number, got "high"',
        "temperature_c": "temperature: expected a number, got true",
    }


@pytest.mark.parametrize(
    ("topic", "payload"),
    [
        ("zigbee2mqtt/bridge/state", b"online"),
        ("zigbee2mqtt/bridge/state", b'{"state":"online"}'),
        ("zigbee2mqtt/bridge/devices", b"[]"),
        ("zigbee2mqtt/bridge/logging", b'{"level":"info","message":"Zigbee: allowing new devices to join."}'),
        ("zigbee2mqtt/office/air 1/availability", b'{"state":"offline"}'),
        ("zigbee2mqtt/office/air 1/availability", b"offline"),  # legacy availability payload
        ("zigbee2mqtt/office/air 1/set", b'{"state": "ON"}'),
        ("zigbee2mqtt/office/air 1/set/state", b"ON"),
        ("zigbee2mqtt/office/air 1/get", b'{"state": ""}'),
    ],
)
def test_bridge_availability_and_command_topics_carry_no_readings(topic, payload):
    assert decoder.decode(topic, payload) == []


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (b"", "not valid JSON"),
        (b"21.5", "payload must be a JSON object, got float"),
        (b"\xff", "not UTF-8"),
        (b'{"temperature": 21, "last_seen": "yesterday"}', "last_seen: 'yesterday' is not an RFC 3339 timestamp"),
        (b'{"temperature": 21, "last_seen": "2019-03-01T15:32:45"}', "last_seen: '2019-03-01T15:32:45' has no UTC"),
        (b'{"temperature": 21, "last_seen": 1551454365941000}', "last_seen: epoch milliseconds"),
        (b'{"temperature": 21, "last_seen": true}', "last_seen: expected ISO 8601 text or epoch milliseconds"),
    ],
)
def test_malformed_payloads_raise_with_a_reason(payload, reason):
    with pytest.raises(DecodeError, match=reason):
        decoder.decode("zigbee2mqtt/office/air 1", payload)


def test_a_topic_without_a_friendly_name_is_malformed():
    with pytest.raises(DecodeError, match="names no device"):
        decoder.decode("zigbee2mqtt/", b"{}")


def test_bound_decoder_subscribes_to_the_sites_devices_only():
    site = parse_site(
        """
        [site]
        id = "kc-main"
        [[zones]]
        id = "z1"
        [[devices]]
        id = "office/air 1"
        zone = "z1"
        format = "zigbee2mqtt"
        [[devices]]
        id = "aq-01"
        zone = "z1"
        """
    )
    assert decoder.topic_filters("kc-main") == ("zigbee2mqtt/#",)
    assert decoder.bind(site).topic_filters("kc-main") == ("zigbee2mqtt/office/air 1",)
    assert Zigbee2MqttDecoder(roots=("z2m",)).matches("z2m/office/air 1")
    assert not decoder.matches("z2m/office/air 1")
