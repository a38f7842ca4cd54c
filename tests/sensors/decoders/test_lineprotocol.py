import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sensors.decoders.base import Sample
from sensors.decoders.lineprotocol import LineProtocolDecoder, parse_lines
from sensors.errors import DecodeError

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "devices" / "line-protocol"
TOPIC = "lineprotocol/kc-main/gateway-3"
decoder = LineProtocolDecoder()


def decode(text: str) -> list[Sample]:
    return decoder.decode(TOPIC, text.encode())


def test_officewell_example_decodes_to_quantities_zone_and_nanosecond_time():
    first, second = decoder.decode(TOPIC, (FIXTURES / "environment.txt").read_bytes())
    assert (first.device, first.zone, first.site) == ("lp-01", "z1", None)
    assert first.ts == datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
    assert first.values == {
        "co2_ppm": 812.0,
        "temperature_c": 22.4,
        "humidity_pct": 38.5,
        "sound_dba": 52.3,
        "illuminance_lux": 430.0,
    }
    assert (first.rejected, first.ignored) == ({}, ())
    assert (second.device, second.ts, second.zone) == ("lp 02", None, None)  # escaped space; no time: receipt
    assert second.values == {"co2_ppm": 640.0}
    assert second.battery_pct == 87.0


def test_documented_examples_parse_as_documented():
    points = parse_lines((FIXTURES / "docs_examples.txt").read_text(encoding="utf-8"))
    assert len(points) == 22  # 23 lines, one a comment
    first = points[0]
    assert (first.measurement, first.tags) == ("myMeasurement", (("tag1", "value1"), ("tag2", "value2")))
    assert (first.fields, first.timestamp_ns) == ((("fieldKey", "fieldValue"),), 1556813561098000000)
    values = [p.fields[0][1] for p in points[1:16]]
    numbers = [1.0, 1.0, -1.234456e78, 1, 12485903, -12485903, 1, 12485903]
    assert values == [*numbers, "this is a string", True, False, True, False, True, False]
    assert points[17].measurement == "my Measurement"
    assert points[18].fields == (("fieldKey", '"string" within a string'),)
    assert points[19].tags == (("tag Key1", "tag Value1"), ("tag Key2", "tag Value2"))
    assert points[20].tags == (("tagKey", "🍭"),)
    assert points[20].fields == (("fieldKey", "Launch 🚀"),)


@pytest.mark.parametrize(
    ("written", "meant"),
    # The documented table: two backslashes are one escaped backslash, a lone one is literal.
    [("\\", "\\"), ("\\\\", "\\"), ("\\\\\\", "\\\\"), ("\\\\\\\\", "\\\\"), ("\\\\\\\\\\", "\\\\\\")],
)
def test_backslashes_as_documented(written, meant):
    [point] = parse_lines(f"environment,device=a{written}b f{written}g=1i")
    assert point.tags == (("device", f"a{meant}b"),)
    assert point.fields[0][0] == f"f{meant}g"


def test_commas_equals_signs_and_spaces_are_escaped_in_tags_and_field_keys():
    [sample] = decode(r"environment,device=rum\ 3\,\ bord\=2 co2_ppm=500,my\ note\=x=1")
    assert sample.device == "rum 3, bord=2"
    assert sample.ignored == ("my note=x",)


def test_string_fields_keep_escaped_quotes_and_backslashes():
    [point] = parse_lines(r'environment,device=a note="sa \"hej\" C:\\temp \d",co2_ppm=1')
    assert point.fields[0] == ("note", 'sa "hej" C:\\temp \\d')


def test_string_and_boolean_values_of_quantities_are_rejected_per_key():
    [sample] = decode('environment,device=a temperature_c="71.6 °F",co2_ppm=t,humidity_pct=40,note="ok"')
    assert sample.values == {"humidity_pct": 40.0}
    assert sample.rejected == {
        "temperature_c": "expected a number, got a string field",
        "co2_ppm": "expected a number, got the boolean true",
    }
    assert sample.ignored == ("note",)


def test_a_quantity_given_twice_in_one_line_is_rejected():
    [sample] = decode("environment,device=a co2_ppm=500,co2_ppm=900,humidity_pct=40")
    assert sample.values == {"humidity_pct": 40.0}
    assert sample.rejected == {"co2_ppm": "given more than once in one line"}


def test_an_overflowing_float_is_rejected_per_key():
    [sample] = decode("environment,device=a co2_ppm=1e999,humidity_pct=40")
    assert sample.rejected == {"co2_ppm": "not a finite number: Infinity"}


def test_site_tag_and_other_measurements():
    text = "cpu,host=gw usage_idle=99.1\nenvironment,device=a,site=kc-main co2_ppm=500u -1000\n\n"
    [sample] = decode(text)
    assert sample.site == "kc-main"
    assert sample.ts == datetime(1969, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)


def test_crlf_and_leading_whitespace_are_tolerated():
    assert decode("  environment,device=a co2_ppm=500\r\n")[0].values == {"co2_ppm": 500.0}


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("cpu,host=gw usage_idle=99.1", "no line with measurement 'environment' (found: 'cpu')"),
        ("# only a comment\n", "no line with measurement 'environment'"),
        ("environment co2_ppm=500", "line 1: no `device` tag"),
        ("environment,device=a co2_ppm=500\nenvironment,zone=z1 co2_ppm=1", "line 2: no `device` tag"),
        ("environment,device=a", "line 1: expected a space before the fields at column 21, found the end of the line"),
        ("environment,device= co2_ppm=1", "line 1: empty value of tag 'device' at column 20"),
        ("environment,device=a,device=b co2_ppm=1", "line 1: tag 'device' given twice"),
        ("environment,device=a co2_ppm", "line 1: expected '=' after field key 'co2_ppm'"),
        ("environment,device=a co2_ppm=", "line 1: field 'co2_ppm': '' is not a number, string or boolean"),
        ("environment,device=a co2_ppm=1.2.3", "line 1: field 'co2_ppm': '1.2.3' is not a number"),
        ("environment,device=a co2_ppm=NaN", "line 1: field 'co2_ppm': 'NaN' is not a number"),
        ("environment,device=a co2_ppm=9223372036854775808i", "outside the 64-bit range"),
        ("environment,device=a co2_ppm=18446744073709551616u", "outside the 64-bit range"),
        ('environment,device=a note="open', "line 1: string field value has no closing quote"),
        ("environment,device=a co2_ppm=1 12:00", "line 1: timestamp '12:00' is not integer nanoseconds"),
        ("environment,device=a co2_ppm=1 9999999999999999999", "outside the 64-bit range"),
        ("environment,device=a co2_ppm=1 1 2", "line 1: timestamp '1 2' is not integer nanoseconds"),
        ("environment,=a co2_ppm=1", "line 1: empty tag key at column 13"),
    ],
)
def test_malformed_lines_raise_with_the_line_and_a_reason(text, reason):
    with pytest.raises(DecodeError, match=re.escape(reason)):
        decode(text)


def test_non_utf8_is_rejected():
    with pytest.raises(DecodeError, match=r"not UTF-8 \(byte 0xff at offset 30\)"):
        decoder.decode(TOPIC, b"environment,device=a co2_ppm=1\xff")


def test_topic_root_is_configurable_and_apart_from_the_native_topics():
    assert decoder.topic_filters("kc-main") == ("lineprotocol/#", "telegraf/#")
    assert decoder.matches("lineprotocol/x")
    assert decoder.matches("telegraf/host01/environment"), "Telegraf's MQTT output default, accepted out of the box"
    assert not decoder.matches("officewell/kc-main/z1/lp")
    only = LineProtocolDecoder(roots=("sensors/lp",))
    assert only.topic_filters("kc-main") == ("sensors/lp/#",)
    assert only.matches("sensors/lp/host01")
    assert not only.matches("telegraf/host01/environment")


def test_telegrafs_host_tag_names_the_device_when_there_is_no_device_tag():
    [sample] = decoder.decode("telegraf/pi-7/exec", b"environment,host=pi-7 co2_ppm=655 1764000000000000000\n")
    assert sample.device == "pi-7"
    [tagged] = decoder.decode("telegraf/pi-7/exec", b"environment,host=pi-7,device=aq-09 co2_ppm=655\n")
    assert tagged.device == "aq-09"
