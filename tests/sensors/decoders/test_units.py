import math
import re

import pytest

from sensors.decoders.fields import Fields, read_number
from sensors.decoders.units import convert
from sensors.errors import FieldError, UnitError


@pytest.mark.parametrize(
    ("key", "number", "unit", "expected"),
    [
        ("temperature_c", 71.6, "°F", 22.0),  # (71.6 − 32) × 5/9 exactly, not 21.999999999999996
        ("temperature_c", 32, "F", 0.0),
        ("temperature_c", 212, "℉", 100.0),
        ("temperature_c", -40, "fahrenheit", -40.0),
        ("temperature_c", 295.15, "K", 22.0),
        ("temperature_c", 22.4, "°C", 22.4),
        ("co2_ppm", 812_000, "ppb", 812.0),
        ("tvoc_ppb", 0.25, "ppm", 250.0),
        ("humidity_pct", 38.5, "%", 38.5),
        ("illuminance_lux", 430, "Lux", 430.0),
        ("pm25_ugm3", 12, "ug/m3", 12.0),
        ("pm25_ugm3", 12, "μg/m³", 12.0),  # Greek mu rather than the micro sign
        ("sound_dba", 52.3, "dBA", 52.3),
    ],
)
def test_conversions_are_exact(key, number, unit, expected):
    assert convert(key, number, unit) == expected


def test_fahrenheit_is_rounded_once_from_the_exact_result():
    assert convert("temperature_c", 71.8, "F") == 199 / 9  # (71.8 − 32) × 5/9 = 199/9 exactly


@pytest.mark.parametrize(
    ("key", "unit", "reason"),
    [
        ("temperature_c", "°Ré", "unit '°Ré' cannot be converted to °C"),
        ("tvoc_ppb", "µg/m³", "unit 'µg/m³' cannot be converted to ppb"),  # depends on the VOC mix
        ("sound_dba", "dB", "unit 'dB' cannot be converted to dB(A)"),  # no A-weighting stated
        ("co2_ppm", "%", "cannot be converted to ppm"),
        ("humidity_pct", "g/m³", "cannot be converted to %RH"),
    ],
)
def test_units_that_cannot_be_converted_are_rejected_with_a_reason(key, unit, reason):
    with pytest.raises(UnitError, match=re.escape(reason)):
        convert(key, 1.0, unit)


def test_overflow_after_conversion_is_a_unit_error():
    with pytest.raises(UnitError, match="out of range"):
        convert("tvoc_ppb", 1e308, "ppm")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (22, (22.0, None)),
        (22.5, (22.5, None)),
        ("21.5 °C", (21.5, "°C")),
        ("3.4 V", (3.4, "V")),
        ("-4", (-4.0, None)),
        ({"value": 71.6, "unit": "°F"}, (71.6, "°F")),
        ({"value": 5}, (5.0, None)),
    ],
)
def test_read_number_accepts_numbers_text_with_units_and_value_objects(raw, expected):
    assert read_number(raw) == expected


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (True, "expected a number, got true"),
        (None, "expected a number, got null"),
        ("high", 'expected a number, got "high"'),
        ([1], "expected a number, got [1]"),
        (10**400, "not a finite number"),
        (1e999, "not a finite number"),
        ({"value": "22 °C", "unit": "°C"}, "value: expected a number"),
        ({"value": 22, "unit": 7}, "unit: expected text"),
    ],
)
def test_read_number_rejects_what_is_not_a_number(raw, reason):
    with pytest.raises(FieldError, match=re.escape(reason)):
        read_number(raw)


def test_first_source_of_a_quantity_wins_and_later_ones_are_ignored():
    fields = Fields()
    fields.add("temperature_c", 21.0, "SHT3X.Temperature")
    fields.add("temperature_c", 25.0, "SCD30.Temperature")
    fields.add("humidity_pct", "wet", "SHT3X.Humidity")
    fields.add("humidity_pct", 40, "SCD30.Humidity")
    assert fields.values == {"temperature_c": 21.0}
    assert fields.rejected == {"humidity_pct": 'SHT3X.Humidity: expected a number, got "wet"'}
    assert fields.ignored == ["SCD30.Temperature", "SCD30.Humidity"]


def test_battery_takes_percentages_only():
    fields = Fields()
    fields.battery("3.4 V", "battery_voltage")
    fields.battery(140, "battery")
    fields.battery(88.5, "batteryLevel")
    assert fields.battery_pct == 88.5
    assert fields.ignored == ["battery_voltage", "battery"]
    assert not math.isnan(fields.battery_pct)
