import pytest

from gateway.errors import StoreQueryError
from gateway.stores import influxql as q


def test_identifiers_are_double_quoted_and_escaped():
    assert q.ident("co2_ppm") == '"co2_ppm"'
    assert q.ident('we"ird\\') == '"we\\"ird\\\\"'


def test_literals_are_single_quoted_and_escaped():
    assert q.literal("kc-main") == "'kc-main'"
    assert q.literal("' OR '1'='1") == "'\\' OR \\'1\\'=\\'1'"
    assert q.literal("a\\b") == "'a\\\\b'"
    assert q.literal("two\nlines") == "'two\\nlines'"


def test_tag_in_ors_equalities_and_needs_values():
    assert q.tag_in("zone", ["a", "b'"]) == "(\"zone\" = 'a' OR \"zone\" = 'b\\'')"
    with pytest.raises(StoreQueryError, match="at least one"):
        q.tag_in("zone", [])


def test_times_and_durations_are_integer_nanoseconds():
    assert q.time_range(1, 2) == "time >= 1 AND time < 2"
    assert q.duration(300_000_000_000) == "300000000000ns"
    with pytest.raises(StoreQueryError, match="positive"):
        q.duration(0)
