import math

import pytest

from sensors.quantities import QUANTITIES, Band, band_of


def test_table_matches_the_contract_ranges():
    expected = {
        "co2_ppm": ("ppm", 250, 10_000),
        "temperature_c": ("°C", -20, 60),
        "humidity_pct": ("%RH", 0, 100),
        "sound_dba": ("dB(A)", 20, 140),
        "sound_max_dba": ("dB(A)", 20, 150),
        "illuminance_lux": ("lx", 0, 200_000),
        "tvoc_ppb": ("ppb", 0, 60_000),
        "pm25_ugm3": ("µg/m³", 0, 1_000),
    }
    assert {k: (q.unit, q.minimum, q.maximum) for k, q in QUANTITIES.items()} == expected


@pytest.mark.parametrize(
    ("key", "value", "month", "band"),
    [
        ("co2_ppm", 650, 1, Band.GOOD),
        ("co2_ppm", 800, 1, Band.GOOD),
        ("co2_ppm", 950, 1, Band.ACCEPTABLE),
        ("co2_ppm", 1200, 1, Band.ACT),
        ("temperature_c", 22.0, 1, Band.GOOD),
        ("temperature_c", 24.0, 1, Band.ACCEPTABLE),
        ("temperature_c", 25.5, 1, Band.ACT),  # winter: 20–24 acceptable
        ("temperature_c", 25.5, 7, Band.ACCEPTABLE),  # summer: 20–26 acceptable
        ("temperature_c", 19.0, 7, Band.ACT),
        ("humidity_pct", 40, 3, Band.GOOD),
        ("humidity_pct", 27, 3, Band.ACCEPTABLE),
        ("humidity_pct", 18, 3, Band.ACT),
        ("illuminance_lux", 520, 3, Band.GOOD),
        ("illuminance_lux", 350, 3, Band.ACCEPTABLE),
        ("illuminance_lux", 120, 3, Band.ACT),
        ("sound_dba", 45, 3, Band.GOOD),
        ("sound_dba", 52, 3, Band.ACCEPTABLE),
        ("sound_dba", 58, 3, Band.ACT),
        ("pm25_ugm3", 14, 3, Band.ACCEPTABLE),
    ],
)
def test_bands_follow_the_standards(key, value, month, band):
    assert band_of(key, value, month) is band


def test_quantities_without_a_reference_have_no_band():
    assert band_of("tvoc_ppb", 300, 5) is None
    assert band_of("sound_max_dba", 80, 5) is None


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, 249.9, 10_000.1])
def test_implausible_values_are_refused(value):
    assert not QUANTITIES["co2_ppm"].is_plausible(value)


def test_every_banded_quantity_explains_its_reference():
    for q in QUANTITIES.values():
        if q.bands:
            assert q.reference, q.key
