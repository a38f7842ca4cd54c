import math
from datetime import UTC, datetime, timedelta

import pytest

from gateway.errors import LineProtocolError
from gateway.stores.lineprotocol import escape_tag, format_float, to_line, to_lines
from sensors.reading import Reading

T0 = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)


def test_a_reading_becomes_one_line_with_sorted_tags_and_fields():
    line = to_line(Reading("kc-main", "z1", "aq-01", T0, {"temperature_c": 22.4, "co2_ppm": 812}))
    assert line == "environment,device=aq-01,site=kc-main,zone=z1 co2_ppm=812.0,temperature_c=22.4 1795507200000000000"


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("plain", "plain"),
        ("with space", r"with\ space"),
        ("a,b", r"a\,b"),
        ("k=v", r"k\=v"),
        ("' OR '1'='1", r"'\ OR\ '1'\='1"),
        ('"quoted"', '"quoted"'),
        ("Zon ä/ö", r"Zon\ ä/ö"),
    ],
)
def test_tag_values_escape_commas_spaces_and_equals(raw, escaped):
    assert escape_tag(raw) == escaped


@pytest.mark.parametrize("bad", ["", "back\\slash", "trailing\\", "new\nline", "tab\there", "cr\r"])
def test_tag_values_no_server_reads_back_intact_are_refused(bad):
    with pytest.raises(LineProtocolError):
        escape_tag(bad)


def test_floats_round_trip_exactly_and_non_finite_values_are_refused():
    assert format_float(600) == "600.0"
    assert format_float(0.1) == "0.1"
    assert format_float(1e20) == "1e+20"
    assert float(format_float(1 / 3)) == 1 / 3
    for bad in (math.nan, math.inf, -math.inf):
        with pytest.raises(LineProtocolError, match="finite"):
            format_float(bad)


def test_nanoseconds_are_kept():
    line = to_line(Reading("s", "z", "d", T0 + timedelta(microseconds=1), {"co2_ppm": 1.0}))
    assert line.endswith(" 1795507200000001000")


def test_errors_name_the_reading():
    with pytest.raises(LineProtocolError, match=r"kc-main/z1/bad\\x"):
        to_lines(
            [
                Reading("kc-main", "z1", "ok", T0, {"co2_ppm": 1.0}),
                Reading("kc-main", "z1", "bad\\x", T0, {"co2_ppm": 1.0}),
            ]
        )
    with pytest.raises(LineProtocolError, match="at least one field"):
        to_line(Reading("kc-main", "z1", "d", T0, {}))


def test_lines_are_joined_by_newlines():
    body = to_lines([Reading("s", "z", "d", T0, {"co2_ppm": 1.0}), Reading("s", "z", "d", T0, {"co2_ppm": 2.0})])
    assert body.count("\n") == 1
