import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sensors.decoders.chirpstack import ChirpStackDecoder
from sensors.errors import DecodeError
from sensors.site import parse_site

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "devices" / "chirpstack"
APP = "17c82e96-be03-4f38-aef3-f83d48582d97"
UP = f"application/{APP}/device/0101010101010101/event/up"
DOCUMENTED_TIME = datetime(2022, 7, 18, 9, 34, 15, 775023, tzinfo=UTC)  # "…15.775023242+00:00", to the µs
decoder = ChirpStackDecoder()


def envelope(**changes: object) -> bytes:
    event = json.loads((FIXTURES / "up.json").read_text())
    event.update(changes)
    return json.dumps(event).encode()


def test_documented_uplink_without_a_codec_is_rejected_with_the_remedy():
    # The docs' example has no `object`: ChirpStack sets it only when the device profile has a codec.
    with pytest.raises(DecodeError, match=r"no decoded `object`: set a codec in the device profile"):
        decoder.decode(UP, (FIXTURES / "up.json").read_bytes())


def test_milesight_am300_codec_output():
    [sample] = decoder.decode(UP, (FIXTURES / "up_milesight_am300.json").read_bytes())
    assert sample.device == "0101010101010101"
    assert sample.ts == DOCUMENTED_TIME
    assert sample.values == {"co2_ppm": 936.0, "temperature_c": 23.8, "humidity_pct": 62.0, "pm25_ugm3": 32.0}
    assert sample.rejected == {}
    # light_level is a 0–5 level, tvoc an IAQ index or µg/m³ depending on firmware: neither is guessed at.
    assert sorted(sample.ignored) == ["hcho", "light_level", "pir", "pm10", "pressure", "tvoc"]
    assert sample.battery_pct is None


def test_milesight_ws302_sound_levels_and_battery():
    [sample] = decoder.decode(UP, (FIXTURES / "up_milesight_ws302.json").read_bytes())
    assert sample.values == {"sound_dba": 47.4, "sound_max_dba": 61.8}
    assert sample.battery_pct == 100.0
    assert sample.ignored == ("LAF",)  # the instantaneous level, not the LAeq of the contract


def test_device_id_is_the_lower_case_dev_eui():
    payload = envelope(deviceInfo={"devEui": "A81758FFFE03ABCD"}, object={"co2": 500})
    [sample] = decoder.decode(f"application/{APP}/device/a81758fffe03abcd/event/up", payload)
    assert sample.device == "a81758fffe03abcd"


def test_frame_counter_becomes_seq():
    [sample] = decoder.decode(UP, envelope(fCnt=41, object={"co2": 500}))
    assert sample.seq == 41


def test_officewell_keys_pass_through_and_explicit_units_convert():
    obj = {"co2_ppm": 700, "temperature": {"value": 71.6, "unit": "°F"}, "tvoc": {"value": 0.3, "unit": "ppm"}}
    [sample] = decoder.decode(UP, envelope(object=obj))
    assert sample.values == {"co2_ppm": 700.0, "temperature_c": 22.0, "tvoc_ppb": 300.0}


def test_an_unknown_unit_is_rejected_with_a_reason():
    [sample] = decoder.decode(UP, envelope(object={"temperature": "22 °Ré", "humidity": 40}))
    assert sample.values == {"humidity_pct": 40.0}
    assert sample.rejected == {"temperature_c": "temperature: unit '°Ré' cannot be converted to °C"}


def test_tvoc_in_ugm3_is_rejected_since_ppb_depends_on_the_voc_mix():
    [sample] = decoder.decode(UP, envelope(object={"tvoc": {"value": 120, "unit": "µg/m³"}}))
    assert sample.rejected == {"tvoc_ppb": "tvoc: unit 'µg/m³' cannot be converted to ppb"}


@pytest.mark.parametrize("event", ["status", "join", "ack", "txack", "log", "location", "integration"])
def test_other_events_carry_no_readings(event):
    source = FIXTURES / f"{event}.json"
    payload = source.read_bytes() if source.exists() else b"{}"
    assert decoder.decode(f"application/{APP}/device/0101010101010101/event/{event}", payload) == []


def test_downlink_commands_carry_no_readings():
    assert decoder.decode(f"application/{APP}/device/0101010101010101/command/down", b"{}") == []


@pytest.mark.parametrize(
    ("topic", "payload", "reason"),
    [
        (UP, b"\x0a\x243ac7e3c4", "ChirpStack sends Protobuf unless [integration.mqtt] json=true"),
        (UP, b"{", "not valid JSON"),
        (UP, envelope(deviceInfo={}), "deviceInfo.devEui: expected a non-empty string, got nothing"),
        (UP, envelope(deviceInfo={"devEui": "0101"}), 'deviceInfo.devEui: expected 16 hex digits, got "0101"'),
        (UP, envelope(deviceInfo={"devEui": "0202020202020202"}), "does not match the topic's DevEUI"),
        (UP, envelope(time="18 July 2022", object={}), "'18 July 2022' is not an RFC 3339 timestamp"),
        (UP, envelope(object=[1, 2]), "object: expected a JSON object, got [1, 2]"),
        (f"application/{APP}/event/up", b"{}", "is not application/<application id>/device/<DevEUI>/event/<type>"),
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
        id = "A81758FFFE03ABCD"
        zone = "z1"
        format = "chirpstack"
        """
    )
    assert decoder.topic_filters("kc-main") == ("application/+/device/+/event/up",)
    assert decoder.bind(site).topic_filters("kc-main") == ("application/+/device/a81758fffe03abcd/event/up",)
