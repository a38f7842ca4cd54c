"""Alert rules and the alert state machine: thresholds from the quantity table, hysteresis, durations, staleness."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.alerts import (
    RULES,
    STALE_AFTER,
    AlertEvent,
    AlertMachine,
    AlertRule,
    Cleared,
    OpenAlert,
    Peaked,
    Raised,
    Sample,
    rule_of,
)
from sensors.quantities import QUANTITIES, Band

PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
T0 = datetime(2026, 2, 10, 8, 0, tzinfo=UTC)  # February: the heating season
CO2 = AlertRule("co2_ppm", "high", 50.0, timedelta(minutes=10), timedelta(minutes=10))
LIGHT = AlertRule("illuminance_lux", "low", 50.0, timedelta(minutes=15), timedelta(minutes=15))


def feed(machine: AlertMachine, values: list[float], step: timedelta = timedelta(minutes=1)) -> list[AlertEvent]:
    events: list[AlertEvent] = []
    for n, value in enumerate(values):
        events += machine.feed(Sample(T0 + n * step, value))
    return events


def kinds(events: list[AlertEvent]) -> list[str]:
    return [type(e).__name__ for e in events if not isinstance(e, Peaked)]


# --- the rules table ---------------------------------------------------------------------------


def test_thresholds_are_the_acceptable_bands_edges_of_the_quantity_table():
    assert rule_of("co2_ppm", "high").threshold(2) == 1000
    assert rule_of("sound_dba", "high").threshold(7) == 55
    assert rule_of("illuminance_lux", "low").threshold(7) == 300
    assert rule_of("pm25_ugm3", "high").threshold(1) == 15
    assert rule_of("humidity_pct", "low").threshold(1) == 25
    assert rule_of("humidity_pct", "high").threshold(1) == 60
    # Temperature follows the season: 20–24 °C in the heating season, 20–26 °C in summer.
    assert rule_of("temperature_c", "high").threshold(1) == 24
    assert rule_of("temperature_c", "high").threshold(7) == 26
    assert rule_of("temperature_c", "low").threshold(7) == 20


@pytest.mark.parametrize("rule", RULES, ids=[r.key for r in RULES])
def test_every_rule_raises_exactly_where_the_table_says_act(rule: AlertRule):
    for month in range(1, 13):
        threshold = rule.threshold(month)
        assert threshold is not None
        quantity = QUANTITIES[rule.quantity]
        step = 10.0**-quantity.reported_decimals
        past = threshold + step if rule.side == "high" else threshold - step
        assert rule.beyond(past, threshold)
        assert quantity.band(past, month) is Band.ACT
        assert not rule.beyond(threshold, threshold)
        assert quantity.band(threshold, month) is not Band.ACT
        assert rule.deadband > 0
        assert rule.raise_after > timedelta(0)
        assert rule.clear_after > timedelta(0)


def test_every_quantity_with_bands_has_a_rule_and_no_rule_lacks_a_band():
    banded = {q.key for q in QUANTITIES.values() if q.bands}
    assert {r.quantity for r in RULES} == banded
    assert len({r.key for r in RULES}) == len(RULES)


# --- the state machine, by example -------------------------------------------------------------


def test_raises_after_the_minimum_duration_and_clears_after_its_own():
    machine = AlertMachine("z1", CO2)
    events = feed(machine, [900] * 3 + [1100, 1200, 1150] + [1100] * 5 + [1050] * 5 + [900] * 12)
    raised = [e for e in events if isinstance(e, Raised)]
    cleared = [e for e in events if isinstance(e, Cleared)]
    assert len(raised) == 1
    assert len(cleared) == 1
    assert raised[0].since == T0 + timedelta(minutes=3)  # the first sample beyond 1000 ppm
    assert raised[0].at == T0 + timedelta(minutes=13)  # ten minutes later
    assert (raised[0].threshold, raised[0].peak) == (1000, 1200)
    assert cleared[0].at == T0 + timedelta(minutes=26)  # ten minutes of < 950 ppm from minute 16
    assert cleared[0].since == raised[0].since
    assert cleared[0].peak == 1200
    assert machine.open_alert is None


def test_a_dip_below_the_threshold_restarts_the_run():
    machine = AlertMachine("z1", CO2)
    assert feed(machine, [1100] * 9 + [990] + [1100] * 9) == []
    assert machine.pending_since == T0 + timedelta(minutes=10)


def test_the_peak_rises_while_open():
    machine = AlertMachine("z1", CO2)
    events = feed(machine, [1100] * 11 + [1300, 1250, 1400])
    assert [e.peak for e in events if isinstance(e, Peaked)] == [1300, 1400]
    assert machine.open_alert is not None
    assert machine.open_alert.peak == 1400


def test_light_is_bad_when_low_and_clears_above_threshold_plus_deadband():
    machine = AlertMachine("z1", LIGHT)
    events = feed(machine, [250] * 16 + [320] * 20 + [400] * 16)
    assert kinds(events) == ["Raised", "Cleared"]
    raised, cleared = (e for e in events if not isinstance(e, Peaked))
    assert raised.at == T0 + timedelta(minutes=15)
    assert cleared.at == T0 + timedelta(minutes=36 + 15)  # 320 lx is within the deadband: it does not count


def test_out_of_hours_samples_do_not_raise_but_do_clear():
    machine = AlertMachine("z1", LIGHT)
    dark = [machine.feed(Sample(T0 + timedelta(minutes=n), 0.0, occupied=False)) for n in range(60)]
    assert all(e == [] for e in dark)
    machine = AlertMachine("z1", CO2, open_alert=OpenAlert(T0, T0, 1000, 1100, 1100))
    evening = [e for n in range(15) for e in machine.feed(Sample(T0 + timedelta(minutes=n), 600, occupied=False))]
    assert kinds(evening) == ["Cleared"]


def test_a_gap_longer_than_stale_after_ends_the_run():
    machine = AlertMachine("z1", CO2)
    assert machine.feed(Sample(T0, 1100)) == []
    assert machine.feed(Sample(T0 + STALE_AFTER + timedelta(minutes=1), 1100)) == []  # 11 minutes, but a gap
    assert machine.pending_since == T0 + STALE_AFTER + timedelta(minutes=1)


def test_expire_ends_a_run_when_the_sensor_went_silent_and_keeps_the_alert_open():
    machine = AlertMachine("z1", CO2)
    feed(machine, [1100] * 5)
    machine.expire(T0 + timedelta(minutes=5))
    assert machine.pending_since == T0
    machine.expire(T0 + timedelta(minutes=4) + STALE_AFTER + timedelta(seconds=1))
    assert machine.pending_since is None
    opened = AlertMachine("z1", CO2, open_alert=OpenAlert(T0, T0, 1000, 1100, 1100))
    opened.expire(T0 + timedelta(days=1))
    assert opened.open_alert is not None


def test_samples_out_of_order_or_not_finite_are_ignored():
    machine = AlertMachine("z1", CO2)
    feed(machine, [1100] * 5)
    assert machine.feed(Sample(T0, 2000)) == []
    assert machine.feed(Sample(T0 + timedelta(minutes=6), float("nan"))) == []
    assert machine.last_ts == T0 + timedelta(minutes=4)


def test_a_resumed_alert_clears_like_one_raised_here():
    machine = AlertMachine("z3", CO2, open_alert=OpenAlert(T0, T0, 1000, 1200, 1200))
    events = feed(machine, [800] * 11)
    assert kinds(events) == ["Cleared"]
    assert events[-1].since == T0
    assert events[-1].peak == 1200


def test_the_months_threshold_is_read_in_the_sites_time_zone():
    from zoneinfo import ZoneInfo

    rule = rule_of("temperature_c", "high")
    # 30 April 22:30 UTC is already 1 May in Stockholm: summer, 26 °C, so 25 °C raises nothing there.
    at = datetime(2026, 4, 30, 22, 30, tzinfo=UTC)
    utc = AlertMachine("z1", rule, tz=UTC)
    local = AlertMachine("z1", rule, tz=ZoneInfo("Europe/Stockholm"))
    samples = [Sample(at + timedelta(minutes=n), 25.0) for n in range(20)]
    assert any(isinstance(e, Raised) for s in samples for e in utc.feed(s))
    assert not any(e for s in samples for e in local.feed(s))


# --- properties --------------------------------------------------------------------------------

# CO₂ (bad above 1000 ppm) or light (bad below 300 lx), with any deadband and durations.
RULE = st.sampled_from([("co2_ppm", "high"), ("illuminance_lux", "low")]).flatmap(
    lambda qs: st.builds(
        AlertRule,
        quantity=st.just(qs[0]),
        side=st.just(qs[1]),
        deadband=st.floats(1, 200),
        raise_after=st.integers(0, 30).map(lambda m: timedelta(minutes=m)),
        clear_after=st.integers(0, 30).map(lambda m: timedelta(minutes=m)),
    )
)
STEPS = st.integers(1, 15).map(lambda s: timedelta(minutes=s))  # some longer than STALE_AFTER


@st.composite
def series(draw: st.DrawFn, low: float, high: float, size: int = 90) -> list[Sample]:
    """Samples in [low, high] at increasing instants, mostly a minute apart, in stretches near one level."""
    blocks = draw(st.lists(st.tuples(st.floats(low, high), st.integers(1, 40), st.floats(0, 30)), max_size=8))
    ts, out = T0, []
    for level, length, wobble in blocks:
        for _ in range(length):
            if len(out) >= size:
                return out
            ts += timedelta(minutes=draw(st.sampled_from([1] * 12 + [2, 5, 11, 15])))
            value = draw(st.floats(max(low, level - wobble), min(high, level + wobble)))
            out.append(Sample(ts, value, draw(st.booleans() | st.just(True) | st.just(True))))
    return out


def run(rule: AlertRule, samples: list[Sample]) -> list[AlertEvent]:
    machine = AlertMachine("z1", rule)
    return [e for s in samples for e in machine.feed(s)]


def threshold_of(rule: AlertRule) -> float:
    threshold = rule.threshold(T0.month)
    assert threshold is not None
    return threshold


def around(rule: AlertRule, spread: float = 400.0) -> tuple[float, float]:
    threshold = threshold_of(rule)
    return threshold - spread, threshold + spread


@given(RULE, st.data())
@PROPERTY
def test_raises_and_clears_alternate_and_never_come_closer_than_the_minimum_durations(rule, data):
    samples = data.draw(series(*around(rule)))
    changes = [e for e in run(rule, samples) if not isinstance(e, Peaked)]
    for n, event in enumerate(changes):
        assert isinstance(event, Raised if n % 2 == 0 else Cleared)
        if isinstance(event, Raised):
            assert event.at - event.since >= rule.raise_after
            assert rule.beyond(event.value, event.threshold)
        if n > 0:
            gap = event.at - changes[n - 1].at
            assert gap >= (rule.raise_after if isinstance(event, Raised) else rule.clear_after)
            assert gap > timedelta(0)


@given(RULE, st.data())
@PROPERTY
def test_a_series_that_never_crosses_never_raises(rule, data):
    threshold = threshold_of(rule)
    fine = (threshold - 600, threshold) if rule.side == "high" else (threshold, threshold + 600)
    assert run(rule, data.draw(series(*fine))) == []


@given(RULE, st.data())
@PROPERTY
def test_hovering_within_the_deadband_never_flaps(rule, data):
    threshold, band = threshold_of(rule), rule.deadband
    hover = (threshold - band, threshold) if rule.side == "high" else (threshold, threshold + band)
    # Raised first (if the rule raises at all), then hovering between the threshold and the deadband.
    bad = threshold + 100 if rule.side == "high" else threshold - 100
    machine = AlertMachine("z1", rule)
    start = [Sample(T0 + timedelta(minutes=m), bad) for m in range(31)]
    opening = [e for s in start for e in machine.feed(s)]
    assert kinds(opening) == ["Raised"]
    rest = [Sample(s.ts + timedelta(minutes=31), s.value, s.occupied) for s in data.draw(series(*hover))]
    assert [e for s in rest for e in machine.feed(s) if not isinstance(e, Peaked)] == []
    assert machine.open_alert is not None
    # And from closed, hovering raises nothing either.
    assert run(rule, data.draw(series(*hover))) == []


@given(RULE, st.data())
@PROPERTY
def test_stale_data_neither_raises_nor_clears(rule, data):
    threshold = threshold_of(rule)
    samples = data.draw(series(*around(rule), size=60))
    spaced = [Sample(T0 + n * (STALE_AFTER + timedelta(minutes=1)), s.value, s.occupied) for n, s in enumerate(samples)]
    if rule.raise_after > timedelta(0):
        assert run(rule, spaced) == []
    if rule.clear_after > timedelta(0):
        machine = AlertMachine("z1", rule, open_alert=OpenAlert(T0, T0, threshold, threshold, threshold))
        assert not any(isinstance(e, Cleared) for s in spaced for e in machine.feed(s))


def rules_table() -> str:
    """The README's table of the rules, written from RULES and the quantity table."""
    lines = ["| quantity | bad when | action level | raised when | cleared when |", "|---|---|---|---|---|"]
    for rule in RULES:
        quantity = QUANTITIES[rule.quantity]
        levels = sorted({rule.threshold(month) for month in range(1, 13)})
        level = " / ".join(f"{t:g}" for t in levels)
        if len(levels) == 2:
            level = f"{levels[0]:g} (heating season) / {levels[1]:g} (summer)"
        high = rule.side == "high"
        raise_min = int(rule.raise_after.total_seconds() // 60)
        clear_min = int(rule.clear_after.total_seconds() // 60)
        lines.append(
            f"| {quantity.label} | too {rule.side} | {level} {quantity.unit} | {'above' if high else 'below'} it for "
            f"{raise_min} min | {'below' if high else 'above'} it {'−' if high else '+'} {rule.deadband:g} "
            f"{quantity.unit} for {clear_min} min |"
        )
    return "\n".join(lines)


def test_the_readme_describes_the_rules_as_they_are():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert rules_table() in readme, "README.md's Alerts table is stale: regenerate it from rules_table()"
