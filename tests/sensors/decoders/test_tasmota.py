import json
import re
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from sensors.decoders.base import Sample
from sensors.decoders.tasmota import TasmotaDecoder
from sensors.errors import DecodeError
from sensors.site import parse_site

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "devices" / "tasmota"
SITE = parse_site(
    """
    [site]
    id = "kc-main"
    timezone = "Europe/Stockholm"
    [[zones]]
    id = "z1"
    [[devices]]
    id = "tasmota_4BC990"
    zone = "z1"
    format = "tasmota"
    """
)
TOPIC = "tele/tasmota_4BC990/SENSOR"
decoder = TasmotaDecoder().bind(SITE)


def decode(payload: dict[str, object]) -> Sample:
    [sample] = decoder.decode(TOPIC, json.dumps(payload).encode())
    return sample


def test_bh1750_documented_example_in_the_site_time_zone():
    [sample] = decoder.decode(TOPIC, (FIXTURES / "bh1750.json").read_bytes())
    assert sample.device == "tasmota_4BC990"
    assert sample.ts == datetime(2019, 11, 3, 19, 45, 37, tzinfo=UTC)  # 20:45:37 CET
    assert sample.values == {"illuminance_lux": 79.0}
    assert (sample.rejected, sample.ignored) == ({}, ())


def test_bme280_documented_example():
    [sample] = decoder.decode(TOPIC, (FIXTURES / "bme280.json").read_bytes())
    assert sample.ts == datetime(2019, 11, 3, 18, 34, 28, tzinfo=UTC)
    assert sample.values == {"temperature_c": 21.7, "humidity_pct": 66.6}
    assert sample.ignored == ("BME280.Pressure",)


def test_scd40_documented_example():
    [sample] = decoder.decode(TOPIC, (FIXTURES / "scd40.json").read_bytes())
    assert sample.ts == datetime(2024, 1, 1, 9, 31, 9, tzinfo=UTC)
    assert sample.values == {"co2_ppm": 1204.0, "temperature_c": 28.8, "humidity_pct": 47.5}
    assert sample.ignored == ("SCD40.eCO2", "SCD40.DewPoint")  # eCO2 is an estimate, not the NDIR reading


def test_scd30_in_fahrenheit_is_converted_exactly():
    [sample] = decoder.decode(TOPIC, (FIXTURES / "scd30_fahrenheit.json").read_bytes())
    assert sample.values == {"co2_ppm": 814.0, "temperature_c": 199 / 9, "humidity_pct": 61.6}  # (71.8 − 32) × 5/9
    assert sample.ts == datetime(2022, 9, 6, 6, 52, 59, tzinfo=UTC)  # 08:52:59 CEST
    assert set(sample.ignored) == {"ANALOG.A0", "SCD30.eCO2", "SCD30.DewPoint"}


def test_whole_degrees_fahrenheit_convert_without_rounding_error():
    assert decode({"AM2301": {"Temperature": 71.6}, "TempUnit": "F"}).values == {"temperature_c": 22.0}


def test_a_dedicated_temperature_sensor_wins_over_the_scd30s_own():
    payload = {
        "Time": "2019-11-03T19:34:28",
        "SCD30": {"CarbonDioxide": 814, "eCO2": 787, "Temperature": 24.7, "Humidity": 46.4, "DewPoint": 12.4},
        "BME280": {"Temperature": 21.7, "Humidity": 66.6, "Pressure": 988.6},
        "TempUnit": "C",
    }
    sample = decode(payload)
    assert sample.values == {"temperature_c": 21.7, "humidity_pct": 66.6, "co2_ppm": 814.0}
    assert {"SCD30.Temperature", "SCD30.Humidity"} <= set(sample.ignored)


def test_unlisted_sensors_count_after_listed_ones_and_by_name():
    sample = decode({"ZZ9": {"Temperature": 30.0}, "AA1": {"Temperature": 25.0}, "TempUnit": "C"})
    assert sample.values == {"temperature_c": 25.0}
    numbered = decode({"DS18B20-2": {"Temperature": 20.5}, "DS18B20-1": {"Temperature": 20.0}, "TempUnit": "C"})
    assert numbered.values == {"temperature_c": 20.0}


def test_an_unknown_temperature_unit_is_rejected_with_a_reason():
    sample = decode({"BME280": {"Temperature": 21.7, "Humidity": 66.6}, "TempUnit": "R"})
    assert sample.values == {"humidity_pct": 66.6}
    assert sample.rejected == {"temperature_c": "BME280.Temperature: unit 'R' cannot be converted to °C"}


def test_a_temperature_without_temp_unit_is_rejected_not_assumed():
    sample = decode({"BME280": {"Temperature": 21.7}})
    assert sample.rejected == {
        "temperature_c": "BME280.Temperature: no TempUnit in the message to say whether it is °C or °F"
    }


def test_time_with_an_offset_is_kept():
    sample = decode({"Time": "2024-01-01T10:31:09+01:00", "BH1750": {"Illuminance": 80}})
    assert sample.ts == datetime(2024, 1, 1, 9, 31, 9, tzinfo=UTC)


def test_the_repeated_hour_when_clocks_go_back_is_read_as_its_first_occurrence():
    sample = decode({"Time": "2024-10-27T02:30:00", "BH1750": {"Illuminance": 80}})
    assert sample.ts == datetime(2024, 10, 27, 0, 30, tzinfo=UTC)  # 02:30 CEST, not CET


def test_without_time_the_time_of_receipt_is_used():
    assert decode({"BH1750": {"Illuminance": 80}}).ts is None


@pytest.mark.parametrize(
    ("topic", "payload"),
    [
        ("tele/tasmota_4BC990/LWT", b"Online"),
        ("tele/tasmota_4BC990/LWT", b"Offline"),
        ("tele/tasmota_4BC990/STATE", b'{"Time":"2020-08-28T20:37:17","Uptime":"0T00:20:22","POWER":"ON"}'),
        ("tele/tasmota_4BC990/INFO1", b'{"Module":"Generic","Version":"13.0.0"}'),
        ("tele/tasmota_4BC990/RESULT", b'{"POWER":"ON"}'),
    ],
)
def test_status_topics_carry_no_readings(topic, payload):
    assert decoder.decode(topic, payload) == []


@pytest.mark.parametrize(
    ("topic", "payload", "reason"),
    [
        (TOPIC, b"Online", "not valid JSON"),
        (TOPIC, b'["SCD30"]', "payload must be a JSON object, got list"),
        (TOPIC, b'{"Time": "03.11.2019 20:45", "BH1750": {"Illuminance": 79}}', "Time: '03.11.2019 20:45' is not"),
        (TOPIC, b'{"Time": true, "BH1750": {"Illuminance": 79}}', "Time: expected RFC 3339 text or epoch seconds"),
        ("tele/SENSOR", b"{}", "is not tele/<topic>/<message>"),
    ],
)
def test_malformed_messages_raise_with_a_reason(topic, payload, reason):
    with pytest.raises(DecodeError, match=re.escape(reason)):
        decoder.decode(topic, payload)


def test_an_unbound_decoder_refuses_to_guess_the_time_zone():
    unbound = TasmotaDecoder()
    with pytest.raises(DecodeError, match="has no offset and no site time zone is bound"):
        unbound.decode(TOPIC, (FIXTURES / "bh1750.json").read_bytes())
    explicit = TasmotaDecoder(tz=ZoneInfo("Europe/Stockholm"))
    [sample] = explicit.decode(TOPIC, (FIXTURES / "bh1750.json").read_bytes())
    assert sample.ts == datetime(2019, 11, 3, 19, 45, 37, tzinfo=UTC)


def test_bound_decoder_subscribes_to_the_sites_devices_only():
    assert TasmotaDecoder().topic_filters("kc-main") == ("tele/+/SENSOR",)
    assert decoder.topic_filters("kc-main") == ("tele/tasmota_4BC990/SENSOR",)
