"""Ranked actions: the catalogue, the band rule, sick days and answer rate by hand, the ranking, and odd inputs."""

from __future__ import annotations

import json
import math
import tomllib
from importlib import resources
from typing import Any

import pandas as pd
import pytest
from scipy.stats import binom

from models.actions import (
    ActionSpec,
    SickLeaveEffect,
    counted_change,
    effects_from_associations,
    expected_answer_rate,
    parse_catalogue,
    rank_actions,
    ranked_records,
    seats,
)
from models.associations import Association, Fit
from models.erlang import erlang_a
from models.errors import ModelInputError
from models.evidence import Estimate, combine, parse_evidence
from sensors.site import Site

# The standards' staffing illustration: 5 min handle time, 120 s patience, 20 calls an hour.
HANDLE, PATIENCE, CALLS = 300.0, 120.0, 20.0
SICK_DAY_SEK = 2500.0
ISSUE_ACTIONS = {  # issue 10, item 4: every action it lists
    "ventilation_rebalancing",
    "demand_controlled_ventilation",
    "filter_change",
    "acoustic_absorbers",
    "screens",
    "sound_masking",
    "quiet_rooms",
    "lighting_upgrade",
    "task_lights",
    "glare_daylight_control",
    "humidification",
    "solar_shading",
    "cooling",
}


def shipped_toml(name: str) -> dict[str, Any]:
    return tomllib.loads(resources.files("models").joinpath(f"data/{name}").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def catalogue() -> list[ActionSpec]:
    return parse_catalogue(shipped_toml("actions.toml"))


@pytest.fixture(scope="module")
def co2_effect() -> SickLeaveEffect:
    """The shipped CO₂ prior (Milton et al. 2000 per +100 ppm) as the combined effect, as with no local data."""
    evidence = parse_evidence(shipped_toml("evidence.toml"))["co2_ppm"]
    assert evidence.prior is not None
    return SickLeaveEffect("co2_ppm", 100, "+100 ppm", evidence.prior.estimate, "moderate", "Mostly from research.")


def zones_of(site: Site, ids: list[str]) -> pd.DataFrame:
    """zone, area_m2, capacity from the example site file."""
    rows = [(z.id, z.area_m2, z.capacity) for z in site.zones if z.id in ids]
    return pd.DataFrame(rows, columns=["zone", "area_m2", "capacity"])


def team(name: str, zone: str | None, sick_days: float = 8.0, **kw: float) -> dict[str, Any]:
    return {
        "team": name,
        "zone": zone,
        "fte": kw.get("fte", 3.0),
        "sick_days_per_fte_year": sick_days,
        "open_days_per_year": kw.get("open_days", 250.0),
        "calls_per_open_hour": kw.get("calls", CALLS),
        "available_agents": kw.get("available", 2.7),
    }


def exposure(*rows: tuple[str, str, float], weeks: int = 8, completeness: float = 0.95) -> pd.DataFrame:
    return pd.DataFrame(
        [(z, q, m, weeks, completeness) for z, q, m in rows],
        columns=["zone", "quantity", "mean", "weeks", "completeness"],
    )


def rank(
    catalogue: list[ActionSpec],
    exp: pd.DataFrame,
    effects: dict[str, SickLeaveEffect],
    teams: list[dict[str, Any]],
    zones: pd.DataFrame,
    month: int = 3,
    **kw: Any,
) -> pd.DataFrame:
    return rank_actions(
        catalogue,
        exp,
        effects,
        pd.DataFrame(teams),
        zones,
        month=month,
        sick_day_value_sek=SICK_DAY_SEK,
        handle_time_s=HANDLE,
        patience_s=PATIENCE,
        **kw,
    )


def only(catalogue: list[ActionSpec], *keys: str) -> list[ActionSpec]:
    return [a for a in catalogue if a.key in keys]


def line(frame: pd.DataFrame, zone: str, action: str) -> pd.Series:
    rows = frame[(frame["zone"] == zone) & (frame["action"] == action)]
    assert len(rows) == 1
    return rows.iloc[0]


def hand_answer_rate(available: float, agents: int = 3, calls: float = CALLS) -> float:
    """Σ_k Binomial(k; agents, available/agents) · Erlang A(calls, 300 s, 120 s, k), straight from erlang_a."""
    q = available / agents
    return sum(binom.pmf(k, agents, q) * erlang_a(calls, HANDLE, PATIENCE, k).answer_rate for k in range(agents + 1))


# ----- the catalogue -----------------------------------------------------------------------------------


def test_the_shipped_catalogue_has_every_action_of_the_issue_each_with_a_source(catalogue: list[ActionSpec]) -> None:
    assert {a.key for a in catalogue} == ISSUE_ACTIONS
    for action in catalogue:
        assert all(len(s) > 10 for s in action.sources), action.key
        assert len(action.sources) >= 1, action.key
        assert all((action.name, action.name_sv, action.effect_note, action.cost_note)), action.key
        assert 0 < action.cost.low <= action.cost.high, action.key
        assert action.lifetime_years > 0, action.key
    quantities = {a.quantity for a in catalogue}
    assert quantities == {"co2_ppm", "sound_dba", "illuminance_lux", "humidity_pct", "temperature_c"}
    # Indicative prices say so.
    assert all("ndicative" in a.cost_note for a in catalogue)


def test_the_catalogue_names_the_sources_the_issue_asks_for(catalogue: list[ActionSpec]) -> None:
    by_key = {a.key: " ".join(a.sources) for a in catalogue}
    assert "Wargocki" in by_key["filter_change"]
    assert "ISO 3382-3" in by_key["acoustic_absorbers"]
    assert "ISO 3382-3" in by_key["screens"]
    assert "EN 12464-1" in by_key["lighting_upgrade"]
    assert "EN 12464-1" in by_key["task_lights"]


GOOD = {
    "name": "Test",
    "name_sv": "Test",
    "quantity": "co2_ppm",
    "effect": {"kind": "shift", "delta": -100},
    "effect_note": "A test.",
    "cost": {"low": 1000, "high": 2000, "per": "zone"},
    "cost_note": "Indicative.",
    "lead_time_weeks": 1,
    "lifetime_years": 5,
    "sources": ["A source (2020)"],
}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"sources": []}, "sources"),
        ({"sources": [""]}, "sources"),
        ({"sources": "Milton 2000"}, "sources"),
        ({"quantity": "co2"}, "quantity"),
        ({"effect": {"kind": "halve"}}, "effect.kind"),
        ({"effect": {"kind": "scale_excess", "factor": 0, "reference": 420}}, "effect.factor"),
        ({"effect": {"kind": "scale_excess", "factor": 0.5}}, "effect.reference"),
        ({"effect": {"kind": "shift", "delta": 0}}, "effect.delta"),
        ({"effect": {"kind": "shift", "delta": "-3"}}, "effect.delta"),
        ({"effect": {"kind": "at_most", "level": 20_000}}, "effect.level"),
        ({"effect": {"kind": "shift", "delta": -3, "level": 5}}, "level"),
        ({"effect": "shift"}, "effect"),
        ({"cost": {"low": 3000, "high": 2000, "per": "zone"}}, "cost"),
        ({"cost": {"low": 1000, "high": 2000, "per": "room"}}, "cost.per"),
        ({"cost": {"low": 1000, "high": 2000, "per": "zone", "vat": True}}, "vat"),
        ({"lifetime_years": 0}, "lifetime_years"),
        ({"lead_time_weeks": -1}, "lead_time_weeks"),
        ({"name_sv": " "}, "name_sv"),
        ({"colour": "red"}, "colour"),
        ({"enabled": "no"}, "enabled"),
    ],
)
def test_a_bad_entry_is_refused_naming_the_action_and_the_field(change: dict[str, Any], field: str) -> None:
    with pytest.raises(ModelInputError) as info:
        parse_catalogue({"my_action": {**GOOD, **change}})
    assert "[my_action]" in str(info.value)
    assert field in str(info.value)


def test_a_missing_field_is_named() -> None:
    row = {k: v for k, v in GOOD.items() if k != "lifetime_years"}
    with pytest.raises(ModelInputError, match=r"\[my_action\] lacks lifetime_years"):
        parse_catalogue({"my_action": row})


def test_a_site_overrides_fields_drops_and_adds_actions() -> None:
    override = {
        "filter_change": {"cost": {"low": 1000, "high": 1500, "per": "zone"}},
        "sound_masking": {"enabled": False},
        "my_action": GOOD,
    }
    actions = {a.key: a for a in parse_catalogue(shipped_toml("actions.toml"), override)}
    assert (actions["filter_change"].cost.low, actions["filter_change"].cost.high) == (1000, 1500)
    assert actions["filter_change"].sources[0].startswith("Wargocki")  # the fields it did not name stay
    assert "sound_masking" not in actions
    assert actions["my_action"].effect.delta == -100


# ----- the band rule -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("quantity", "before", "after", "month", "counted"),
    [
        ("co2_ppm", 1100, 700, 3, -300),  # down to the good band's 800 only
        ("co2_ppm", 750, 600, 3, 0),  # already good
        ("co2_ppm", 700, 900, 3, 0),  # worse: no benefit counted
        ("illuminance_lux", 450, 750, 3, 50),  # up to 500 only
        ("illuminance_lux", 2500, 2000, 6, 0),  # the light band has no upper limit
        ("temperature_c", 24.5, 24.0, 1, -0.5),  # heating season: good up to 23 °C
        ("temperature_c", 24.5, 24.0, 7, 0),  # summer: good up to 25 °C
        ("temperature_c", 20.5, 19.5, 1, 0),  # cooler still, away from the band
        ("humidity_pct", 18, 35, 1, 12),  # up to 30 %RH only
        ("tvoc_ppb", 600, 400, 3, -200),  # no band: the whole change
    ],
)
def test_only_the_part_outside_the_good_band_counts(
    quantity: str, before: float, after: float, month: int, counted: float
) -> None:
    assert counted_change(quantity, before, after, month) == pytest.approx(counted)


# ----- a hand-made case --------------------------------------------------------------------------------


def test_dcv_in_an_under_ventilated_zone_follows_by_hand(
    catalogue: list[ActionSpec], co2_effect: SickLeaveEffect, example_site: Site
) -> None:
    # z3 of the example site (28 m², 3 places, 20 l/s: under-ventilated) at 1100 ppm; its team: 3 FTE,
    # 8 short-term sick days per FTE-year, 2.7 agents available on average, 20 calls an open hour.
    frame = rank(
        only(catalogue, "demand_controlled_ventilation"),
        exposure(("z3", "co2_ppm", 1100.0)),
        {"co2_ppm": co2_effect},
        [team("team-3", "z3")],
        zones_of(example_site, ["z3"]),
    )
    row = line(frame, "z3", "demand_controlled_ventilation")
    assert (row["current"], row["after"], row["counted_change"]) == (1100, 800, -300)

    # days = 8 × 3 × (1 − RR^−3) with RR = 1.217 (1.096–1.351) per +100 ppm, at the estimate's interval.
    e = co2_effect.estimate
    assert e is not None
    assert (round(e.ci_low, 3), round(e.ci_high, 3)) == (1.096, 1.351)
    days = {k: 24 * (1 - r**-3) for k, r in (("mid", e.ratio), ("low", e.ci_low), ("high", e.ci_high))}
    assert days["mid"] == pytest.approx(10.68, abs=0.01)
    assert row["expected_sick_days_avoided_per_year"] == pytest.approx(days["mid"], abs=0.05)
    assert row["sick_days_ci_low"] == pytest.approx(days["low"], abs=0.05)
    assert row["sick_days_ci_high"] == pytest.approx(days["high"], abs=0.05)
    assert row["agent_days_regained_per_year"] == pytest.approx(days["mid"] * 250 / 365.25, abs=0.05)

    # Erlang A: 3 seats, each present with 2.7/3; afterwards 10.68 more agent-days a year are present.
    before = hand_answer_rate(2.7)
    assert erlang_a(CALLS, HANDLE, PATIENCE, 3).answer_rate == pytest.approx(0.895, abs=0.001)  # standards.md
    for column, d in (
        ("expected_answer_rate_gain_pp", "mid"),
        ("answer_rate_gain_ci_low_pp", "low"),
        ("answer_rate_gain_ci_high_pp", "high"),
    ):
        gain = 100 * (hand_answer_rate(2.7 + days[d] / 365.25) - before)
        assert row[column] == pytest.approx(gain, abs=0.006)
    assert 0.3 < row["expected_answer_rate_gain_pp"] < 1.0
    assert row["centre_answer_rate_gain_pp"] == row["expected_answer_rate_gain_pp"]  # the only team

    # 30 000–80 000 SEK per zone over 15 years at 3.5 %: an annuity.
    annuity = 0.035 / (1 - 1.035**-15)
    annual = 55_000 * annuity
    assert (row["cost_low_sek"], row["cost_high_sek"], row["cost_sek"]) == (30_000, 80_000, 55_000)
    assert row["annual_cost_sek"] == pytest.approx(annual, abs=50)
    assert row["benefit_sek_per_year"] == pytest.approx(days["mid"] * SICK_DAY_SEK, abs=50)
    assert row["benefit_cost_ratio"] == pytest.approx(days["mid"] * SICK_DAY_SEK / annual, abs=0.005)
    assert row["benefit_cost_ratio_low"] == pytest.approx(days["low"] * SICK_DAY_SEK / (80_000 * annuity), abs=0.005)
    assert row["benefit_cost_ratio_high"] == pytest.approx(days["high"] * SICK_DAY_SEK / (30_000 * annuity), abs=0.005)
    assert row["confidence"] == "moderate"
    assert row["rank"] == 1
    assert row["reason"] == ""
    assert row["reason_code"] is None
    assert "1.22 (95 % CI 1.10–1.35)" in row["evidence"]
    assert "1 100 ppm" in row["evidence"]


def test_costs_scale_with_the_zones_area_and_places(catalogue: list[ActionSpec], example_site: Site) -> None:
    frame = rank(
        only(catalogue, "acoustic_absorbers", "screens"),
        exposure(("z3", "sound_dba", 56.0)),
        {},
        [team("team-3", "z3")],
        zones_of(example_site, ["z3"]),
        discount_rate=0.0,
    )
    absorbers, screens = line(frame, "z3", "acoustic_absorbers"), line(frame, "z3", "screens")
    assert (absorbers["cost_low_sek"], absorbers["cost_high_sek"]) == (600 * 28, 1500 * 28)  # per m², 28 m²
    assert (screens["cost_low_sek"], screens["cost_high_sek"]) == (3000 * 3, 8000 * 3)  # per workstation, 3
    assert screens["annual_cost_sek"] == pytest.approx(16_500 / 10, abs=50)  # r = 0: cost ÷ lifetime


def test_the_ranking_puts_shown_benefits_first_by_benefit_cost_ratio(
    catalogue: list[ActionSpec], co2_effect: SickLeaveEffect, example_site: Site
) -> None:
    # A large but unsure effect of sound (its interval includes no effect) on cheap absorbers.
    sound = SickLeaveEffect(
        "sound_dba", 3, "+3 dB(A)", Estimate.of_interval(2.0, 0.8, 5.0), "low", "The data cannot tell."
    )
    actions = only(
        catalogue,
        "ventilation_rebalancing",
        "demand_controlled_ventilation",
        "filter_change",
        "acoustic_absorbers",
        "cooling",
    )
    exp = exposure(
        ("z3", "co2_ppm", 1100.0),
        ("z8", "co2_ppm", 950.0),
        ("z3", "sound_dba", 56.0),
        ("z3", "temperature_c", 22.0),
        ("z8", "temperature_c", 22.0),
    )
    frame = rank(
        actions,
        exp,
        {"co2_ppm": co2_effect, "sound_dba": sound},
        [team("team-3", "z3"), team("team-8", "z8")],
        zones_of(example_site, ["z3", "z8"]),
    )
    assert list(frame["rank"]) == list(range(1, len(frame) + 1))
    shown = frame[frame["confidence"] == "moderate"]
    shown = shown[shown["expected_sick_days_avoided_per_year"] > 0]
    assert len(shown) == 6  # three CO₂ actions in each of two zones outside the good band
    assert list(shown["rank"]) == [1, 2, 3, 4, 5, 6]
    assert list(shown["benefit_cost_ratio"]) == sorted(shown["benefit_cost_ratio"], reverse=True)
    absorbers = line(frame, "z3", "acoustic_absorbers")
    # Its point ratio beats every CO₂ action's, but its interval includes zero: it comes after them.
    assert absorbers["benefit_cost_ratio"] > shown["benefit_cost_ratio"].max()
    assert absorbers["sick_days_ci_low"] < 0 < absorbers["sick_days_ci_high"]
    assert absorbers["rank"] == 7
    # Cooling at 22 °C gains nothing, z8 has no sound data: those come last.
    rest = frame[frame["rank"] > 7]
    assert set(rest["action"]) == {"cooling", "acoustic_absorbers"}
    assert len(rest) == 3
    assert not (rest["expected_sick_days_avoided_per_year"].fillna(0) != 0).any()


def test_a_zone_in_the_good_band_gains_nothing(
    catalogue: list[ActionSpec], co2_effect: SickLeaveEffect, example_site: Site
) -> None:
    actions = only(catalogue, "ventilation_rebalancing", "demand_controlled_ventilation")
    frame = rank(
        actions,
        exposure(("z1", "co2_ppm", 720.0), ("z8", "co2_ppm", 850.0)),
        {"co2_ppm": co2_effect},
        [team("team-1", "z1"), team("team-8", "z8")],
        zones_of(example_site, ["z1", "z8"]),
    )
    good = line(frame, "z1", "ventilation_rebalancing")
    assert good["after"] < good["current"]  # the action would still lower CO₂ ...
    assert good["counted_change"] == 0  # ... but all of it inside the good band
    assert good["expected_sick_days_avoided_per_year"] == 0
    assert good["expected_answer_rate_gain_pp"] == 0
    assert "good band" in good["reason"]
    assert good["reason_code"] == "good_band"
    assert "gains nothing" in good["reason"]
    # Just above the band only the 50 ppm down to 800 count, whichever action goes further.
    rebalanced, dcv = line(frame, "z8", "ventilation_rebalancing"), line(frame, "z8", "demand_controlled_ventilation")
    assert rebalanced["after"] < 800
    assert dcv["after"] == 800
    assert rebalanced["counted_change"] == dcv["counted_change"] == -50
    assert rebalanced["expected_sick_days_avoided_per_year"] == pytest.approx(24 * (1 - 1.217**-0.5), abs=0.05)
    assert rebalanced["expected_sick_days_avoided_per_year"] == dcv["expected_sick_days_avoided_per_year"]
    assert good["rank"] > max(rebalanced["rank"], dcv["rank"])


def test_an_action_on_a_quantity_without_an_estimate_gets_no_benefit_and_a_reason(
    catalogue: list[ActionSpec], co2_effect: SickLeaveEffect, example_site: Site
) -> None:
    none = SickLeaveEffect("temperature_c", 1, "+1 °C", None, "none", "No estimate: too little data and no research.")
    for effects in ({"co2_ppm": co2_effect, "temperature_c": none}, {"co2_ppm": co2_effect}):
        frame = rank(
            only(catalogue, "cooling"),
            exposure(("z3", "temperature_c", 26.5)),
            effects,
            [team("team-3", "z3")],
            zones_of(example_site, ["z3"]),
            month=7,
        )
        row = line(frame, "z3", "cooling")
        assert (row["current"], row["after"], row["counted_change"]) == (26.5, 24.0, -1.5)  # down to 25 °C counts
        assert math.isnan(row["expected_sick_days_avoided_per_year"])
        assert math.isnan(row["benefit_cost_ratio"])
        assert row["confidence"] == "none"
        assert "No estimate of how Temperature affects short-term sick leave" in row["reason"]
        assert row["reason_code"] == "no_estimate"
        assert "no sick-days benefit is claimed" in row["reason"]


def test_unmeasured_actions_get_no_benefit_and_say_why(catalogue: list[ActionSpec], example_site: Site) -> None:
    sound = SickLeaveEffect("sound_dba", 3, "+3 dB(A)", Estimate.of_interval(1.3, 1.1, 1.5), "high", "Shown.")
    frame = rank(
        only(catalogue, "sound_masking", "quiet_rooms", "acoustic_absorbers"),
        exposure(("z3", "sound_dba", 56.0)),
        {"sound_dba": sound},
        [team("team-3", "z3")],
        zones_of(example_site, ["z3"]),
    )
    for key in ("sound_masking", "quiet_rooms"):
        row = line(frame, "z3", key)
        assert row["after"] == row["current"]
        assert math.isnan(row["expected_sick_days_avoided_per_year"])
        assert "do not measure" in row["reason"]
        assert row["reason_code"] == "unmeasured"
        assert row["rank"] > 1
    assert line(frame, "z3", "acoustic_absorbers")["rank"] == 1


# ----- odd inputs --------------------------------------------------------------------------------------


def test_robust_to_no_sick_days_no_team_and_missing_exposure(
    catalogue: list[ActionSpec], co2_effect: SickLeaveEffect, example_site: Site
) -> None:
    exp = pd.concat(
        [
            exposure(("z1", "co2_ppm", 1100.0), ("meeting", "co2_ppm", 1200.0)),
            exposure(("z3", "co2_ppm", math.nan), weeks=0, completeness=0.0),
        ],
        ignore_index=True,
    )
    teams = [team("team-1", "z1", sick_days=0.0), team("team-3", "z3"), team("team-2", None), team("team-8", "z8")]
    frame = rank(
        only(catalogue, "demand_controlled_ventilation"),
        exp,
        {"co2_ppm": co2_effect},
        teams,
        zones_of(example_site, ["z1", "z3", "z8", "meeting"]),
    )
    assert len(frame) == 4
    healthy = line(frame, "z1", "demand_controlled_ventilation")
    assert healthy["expected_sick_days_avoided_per_year"] == 0
    assert healthy["expected_answer_rate_gain_pp"] == 0
    assert "no short-term sick days" in healthy["reason"]
    assert healthy["reason_code"] == "no_sick_days"
    meeting = line(frame, "meeting", "demand_controlled_ventilation")
    assert meeting["after"] == 800
    assert math.isnan(meeting["expected_sick_days_avoided_per_year"])
    assert meeting["teams"] == ""
    assert "No answer group" in meeting["reason"]
    assert meeting["reason_code"] == "no_team"
    assert meeting["cost_sek"] == 55_000  # still priced: facilities may want it for other reasons
    for zone in ("z3", "z8"):  # a NaN mean, and no exposure row at all
        row = line(frame, zone, "demand_controlled_ventilation")
        assert math.isnan(row["current"])
        assert "No recent CO₂ data" in row["reason"]
        assert row["reason_code"] == "no_data"
        assert row["confidence"] == "none"
    json.dumps(ranked_records(frame), allow_nan=False)  # JSON-ready: NaN became null


def test_thin_exposure_lowers_the_confidence(
    catalogue: list[ActionSpec], co2_effect: SickLeaveEffect, example_site: Site
) -> None:
    exp = exposure(("z3", "co2_ppm", 1100.0), weeks=2, completeness=0.9)
    frame = rank(
        only(catalogue, "demand_controlled_ventilation"),
        exp,
        {"co2_ppm": co2_effect},
        [team("team-3", "z3")],
        zones_of(example_site, ["z3"]),
    )
    row = line(frame, "z3", "demand_controlled_ventilation")
    assert row["confidence"] == "low"
    assert "thin data" in row["evidence"]
    assert row["expected_sick_days_avoided_per_year"] > 0  # the number stays, the word says how sure


def test_a_zone_of_two_teams_adds_their_days_and_weights_the_gain_by_calls(
    catalogue: list[ActionSpec], co2_effect: SickLeaveEffect
) -> None:
    zones = pd.DataFrame({"zone": ["hall"], "area_m2": [80.0], "capacity": [8]})
    teams = [team("team-a", "hall", fte=3.0, calls=30.0), team("team-b", "hall", fte=5.0, available=4.5, calls=10.0)]
    frame = rank(
        only(catalogue, "demand_controlled_ventilation"),
        exposure(("hall", "co2_ppm", 1100.0)),
        {"co2_ppm": co2_effect},
        teams,
        zones,
    )
    row = line(frame, "hall", "demand_controlled_ventilation")
    assert row["teams"] == "team-a, team-b"
    assert row["expected_sick_days_avoided_per_year"] == pytest.approx(8 * 8 * (1 - 1.217**-3), abs=0.05)
    share = 1 - 1.217**-3
    gain_a = 100 * (hand_answer_rate(2.7 + 24 * share / 365.25, calls=30) - hand_answer_rate(2.7, calls=30))
    gain_b = 100 * (hand_answer_rate(4.5 + 40 * share / 365.25, 5, calls=10) - hand_answer_rate(4.5, 5, calls=10))
    assert row["expected_answer_rate_gain_pp"] == pytest.approx((30 * gain_a + 10 * gain_b) / 40, abs=0.006)
    assert row["expected_answer_rate_gain_pp"] == row["centre_answer_rate_gain_pp"]  # every team of the centre


def test_rank_actions_takes_the_centre_average_as_readily_as_each_teams_own_rate(
    catalogue: list[ActionSpec], co2_effect: SickLeaveEffect, example_site: Site
) -> None:
    exp = exposure(("z3", "co2_ppm", 1100.0), ("z8", "co2_ppm", 1100.0))
    zones = zones_of(example_site, ["z3", "z8"])
    dcv = only(catalogue, "demand_controlled_ventilation")
    own = rank(dcv, exp, {"co2_ppm": co2_effect}, [team("team-3", "z3", 12.0), team("team-8", "z8", 2.0)], zones)
    centre = rank(dcv, exp, {"co2_ppm": co2_effect}, [team("team-3", "z3", 7.0), team("team-8", "z8", 7.0)], zones)
    column = "expected_sick_days_avoided_per_year"
    assert (
        line(own, "z3", "demand_controlled_ventilation")[column]
        > line(own, "z8", "demand_controlled_ventilation")[column]
    )
    # With the centre's rate, equal zones show equal days: nothing of a group's own absence is in them.
    assert (
        line(centre, "z3", "demand_controlled_ventilation")[column]
        == line(centre, "z8", "demand_controlled_ventilation")[column]
    )


def test_no_call_volume_leaves_the_answer_rate_unmodelled(
    catalogue: list[ActionSpec], co2_effect: SickLeaveEffect, example_site: Site
) -> None:
    frame = rank(
        only(catalogue, "demand_controlled_ventilation"),
        exposure(("z3", "co2_ppm", 1100.0)),
        {"co2_ppm": co2_effect},
        [team("team-3", "z3", calls=math.nan)],
        zones_of(example_site, ["z3"]),
    )
    row = line(frame, "z3", "demand_controlled_ventilation")
    assert row["expected_sick_days_avoided_per_year"] > 0
    assert math.isnan(row["expected_answer_rate_gain_pp"])
    assert "answer rate is not modelled" in row["evidence"]


@pytest.mark.parametrize(
    ("teams", "zones", "kw", "message"),
    [
        ([team("team-3", "z9")], None, {}, "team 'team-3' sits in zone 'z9'"),
        ([team("team-3", "z3", sick_days=-1)], None, {}, "team 'team-3' sick_days_per_fte_year"),
        ([team("team-3", "z3", open_days=0)], None, {}, "open_days_per_year"),
        ([team("team-3", "z3"), team("team-3", "z3")], None, {}, "appears twice"),
        ([team("team-3", "z3")], pd.DataFrame({"zone": ["z3"], "area_m2": [0.0], "capacity": [3]}), {}, "area_m2"),
        ([team("team-3", "z3")], pd.DataFrame({"zone": ["z3"], "area_m2": [28.0]}), {}, "zones lacks columns"),
        ([team("team-3", "z3")], None, {"month": 13}, "month"),
        ([team("team-3", "z3")], None, {"discount_rate": 1.5}, "discount_rate"),
    ],
)
def test_bad_inputs_are_refused_with_what_and_where(
    catalogue: list[ActionSpec],
    example_site: Site,
    teams: list[dict[str, Any]],
    zones: pd.DataFrame | None,
    kw: dict[str, Any],
    message: str,
) -> None:
    with pytest.raises(ModelInputError, match=message):
        rank(
            catalogue,
            exposure(("z3", "co2_ppm", 1100.0)),
            {},
            teams,
            zones if zones is not None else zones_of(example_site, ["z3"]),
            **kw,
        )


def test_seats_and_the_expected_answer_rate_at_the_edges() -> None:
    assert seats(3.0, 2.7) == 3
    assert seats(2.5, 2.4) == 3
    assert seats(2.4, 2.4) == 3
    assert seats(0.0, 0.0) == 0
    assert expected_answer_rate(CALLS, HANDLE, PATIENCE, 3, 3.0) == pytest.approx(
        erlang_a(CALLS, HANDLE, PATIENCE, 3).answer_rate
    )
    assert expected_answer_rate(CALLS, HANDLE, PATIENCE, 3, 0.0) == 0.0
    assert expected_answer_rate(CALLS, HANDLE, PATIENCE, 0, 0.0) == 0.0


def test_effects_come_from_the_associations_combined_estimate() -> None:
    evidence = parse_evidence(shipped_toml("evidence.toml"))
    prior = evidence["co2_ppm"].prior
    assert prior is not None
    none_fit = Fit(None, None, 40, 3.0, 2, 20, "none", reason="too little data: 3 events")
    fit = Fit(Estimate.of_interval(1.4, 1.1, 1.8), 0.01, 520, 80.0, 12, 52, "poisson")

    def association(quantity: str, outcome: str, lag: int, f: Fit) -> Association:
        ev = evidence[quantity]
        return Association(
            quantity,
            outcome,
            lag,
            ev.unit_change,
            ev.unit_label,
            f,
            0.02 if f.estimate else None,
            500,
            520,
            ev,
            combine(f.estimate, ev.prior_for(outcome)),
        )

    found = effects_from_associations(
        [
            association("co2_ppm", "short_term_sick_spells", 0, none_fit),
            association("co2_ppm", "short_term_sick_spells", 1, fit),  # another lag: not taken
            association("co2_ppm", "answer_rate", 0, fit),  # another outcome: not taken
            association("temperature_c", "short_term_sick_spells", 0, none_fit),
        ]
    )
    assert set(found) == {"co2_ppm", "temperature_c"}
    assert found["co2_ppm"].estimate == prior.estimate
    assert found["co2_ppm"].confidence == "moderate"
    assert "Milton" in found["co2_ppm"].basis
    assert "too little data" in found["co2_ppm"].basis
    assert found["temperature_c"].estimate is None
    assert found["temperature_c"].confidence == "none"
