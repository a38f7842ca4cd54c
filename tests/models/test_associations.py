"""models.associations on hand-made team-week panels with a known effect, and the statsmodels fit beside it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from models.associations import MOVES_WITH, PANEL_COLUMNS, associations, within_correlations
from models.errors import ModelInputError
from models.evidence import Estimate, Prior, QuantityEvidence

WEEKS = pd.date_range("2025-01-06", periods=78, freq="7D")
TEAMS = [f"team-{i}" for i in range(1, 13)]
TEAM_ZONE = {t: f"z{i}" for i, t in enumerate(TEAMS, start=1)}
MILTON = Prior("short_term_sick_spells", Estimate.of_interval(1.217, 1.096, 1.351), "Milton")
EVIDENCE = {
    "co2_ppm": QuantityEvidence("co2_ppm", 100.0, "+100 ppm", MILTON),
    "sound_dba": QuantityEvidence("sound_dba", 3.0, "+3 dB(A)"),
}


def exposure_grid(rng: np.random.Generator, level: float, spread: float) -> pd.DataFrame:
    """Per zone a level plus a slow random walk: what a zone's weekly mean does over a year and a half."""
    walk = np.cumsum(rng.normal(0, spread, (len(WEEKS), len(TEAMS))), axis=0)
    levels = level + rng.normal(0, 3 * spread, len(TEAMS))
    return pd.DataFrame(levels + walk, index=WEEKS, columns=[TEAM_ZONE[t] for t in TEAMS])


def long_exposure(grids: dict[str, pd.DataFrame]) -> pd.DataFrame:
    parts = []
    for quantity, grid in grids.items():
        frame = grid.stack().rename("mean").reset_index()
        frame.columns = ["week_start", "zone", "mean"]
        parts.append(frame.assign(quantity=quantity, status="ok"))
    return pd.concat(parts, ignore_index=True)


def panel_with(
    rng: np.random.Generator, co2: pd.DataFrame, log_rr_per_100: float, *, nb_alpha: float = 0.0, rate: float = 0.012
) -> pd.DataFrame:
    """Team-weeks whose spells follow CO₂ with the given log rate ratio per +100 ppm, and a shared season."""
    season = 0.4 * np.cos(2 * np.pi * np.arange(len(WEEKS)) / 52)
    rows = []
    for team in TEAMS:
        zone = TEAM_ZONE[team]
        x = (co2[zone].to_numpy() - 800) / 100
        mu = 15 * rate * np.exp(season + log_rr_per_100 * x)
        if nb_alpha > 0:
            mu = mu * rng.gamma(1 / nb_alpha, nb_alpha, len(mu))
        spells = rng.poisson(mu)
        for week, count in zip(WEEKS, spells, strict=True):
            rows.append(
                {"team": team, "week_start": week, "people": 3, "person_days": 15.0,
                 "short_term_sick_spells": float(count), "short_term_sick_days": float(count * 3),
                 "offered": np.nan, "answered": np.nan, "agent_hours": np.nan}
            )  # fmt: skip
    return pd.DataFrame(rows)[PANEL_COLUMNS]


def spells_at_lag0(found):
    return next(a for a in found if (a.quantity, a.outcome, a.lag_weeks) == ("co2_ppm", "short_term_sick_spells", 0))


def test_a_strong_effect_is_recovered_and_matches_statsmodels():
    rng = np.random.default_rng(7)
    co2 = exposure_grid(rng, 850, 40)
    panel = panel_with(rng, co2, np.log(1.6))
    found = associations(
        panel, long_exposure({"co2_ppm": co2}), TEAM_ZONE, EVIDENCE,
        outcomes=("short_term_sick_spells",), lags=(0,), permutations=199,
    )  # fmt: skip
    a = spells_at_lag0(found)
    assert a.fit.estimate is not None
    assert a.fit.estimate.ci_low < 1.6 < a.fit.estimate.ci_high
    assert a.p_adjusted is not None
    assert a.p_adjusted < 0.05
    # The point estimate is statsmodels' Poisson GLM with team and week effects on the informative team-weeks.
    pairs = zip(panel["team"], panel["week_start"], strict=True)
    data = panel.assign(x=[co2.loc[w, TEAM_ZONE[t]] / 100 for t, w in pairs])
    data = data[data.groupby("week_start")["short_term_sick_spells"].transform("sum") > 0]
    exog = pd.get_dummies(data[["team", "week_start"]].astype(str), drop_first=True, dtype=float)
    exog.insert(0, "x", data["x"])
    exog = sm.add_constant(exog)
    reference = sm.GLM(
        data["short_term_sick_spells"], exog, family=sm.families.Poisson(), offset=np.log(data["person_days"])
    ).fit()
    assert a.fit.estimate.log == pytest.approx(reference.params["x"], rel=1e-5)
    # The calibrated standard error is never smaller than the model's.
    assert a.fit.estimate.se >= reference.bse["x"] * 0.999


def test_no_effect_gives_no_finding_and_an_interval_around_one():
    rng = np.random.default_rng(11)
    co2 = exposure_grid(rng, 850, 40)
    found = associations(
        panel_with(rng, co2, 0.0), long_exposure({"co2_ppm": co2}), TEAM_ZONE, EVIDENCE,
        outcomes=("short_term_sick_spells",), permutations=199,
    )  # fmt: skip
    assert all(a.p_adjusted is None or a.p_adjusted >= 0.05 for a in found)
    a = spells_at_lag0(found)
    assert a.fit.estimate.ci_low < 1 < a.fit.estimate.ci_high
    assert a.confidence()[0] in ("moderate", "low")  # moderate: Milton's prior carries it


def test_overdispersed_counts_get_a_negative_binomial():
    rng = np.random.default_rng(3)
    co2 = exposure_grid(rng, 850, 40)
    found = associations(
        panel_with(rng, co2, 0.0, nb_alpha=3.0, rate=0.08), long_exposure({"co2_ppm": co2}), TEAM_ZONE, EVIDENCE,
        outcomes=("short_term_sick_spells",), lags=(0,), permutations=99,
    )  # fmt: skip
    assert spells_at_lag0(found).fit.model.startswith("negative binomial")


def test_within_correlation_sees_through_zone_and_week_levels():
    rng = np.random.default_rng(5)
    co2 = exposure_grid(rng, 850, 40)
    # Sound: another level per zone and a shared weekly course, plus CO₂'s own movements scaled.
    sound = 0.05 * co2 + rng.normal(0, 5, len(TEAMS)) + rng.normal(0, 3, (len(WEEKS), 1)) + 40
    unrelated = exposure_grid(rng, 22, 0.3)
    r = within_correlations({"co2_ppm": co2, "sound_dba": sound, "temperature_c": unrelated})
    assert r[("co2_ppm", "sound_dba")] == pytest.approx(1.0, abs=1e-6)
    assert r[("sound_dba", "co2_ppm")] == r[("co2_ppm", "sound_dba")]
    assert abs(r[("co2_ppm", "temperature_c")]) < 0.3


def test_a_quantity_moving_with_the_real_cause_is_marked_and_not_high():
    rng = np.random.default_rng(7)
    co2 = exposure_grid(rng, 850, 40)
    sound = 0.05 * co2 + rng.normal(0, 0.4, co2.shape) + 10  # follows CO₂ closely, with its own noise
    panel = panel_with(rng, co2, np.log(1.8))
    found = associations(
        panel, long_exposure({"co2_ppm": co2, "sound_dba": sound}), TEAM_ZONE, EVIDENCE,
        outcomes=("short_term_sick_spells",), lags=(0,), permutations=199,
    )  # fmt: skip
    by_quantity = {a.quantity: a for a in found}
    assert by_quantity["co2_ppm"].moves_with == ()
    (other, r), *_ = by_quantity["sound_dba"].moves_with
    assert other == "co2_ppm"
    assert r >= MOVES_WITH
    assert by_quantity["sound_dba"].confidence()[0] != "high"
    assert "co2_ppm" in by_quantity["sound_dba"].confidence()[1]


def test_weeks_without_exposure_are_left_out_and_counted():
    rng = np.random.default_rng(13)
    co2 = exposure_grid(rng, 850, 40)
    exposure = long_exposure({"co2_ppm": co2})
    gap = exposure["week_start"].between(WEEKS[10], WEEKS[19])
    exposure.loc[gap, "status"] = "missing"
    exposure.loc[gap, "mean"] = np.nan
    found = associations(
        panel_with(rng, co2, 0.0), exposure, TEAM_ZONE, EVIDENCE,
        outcomes=("short_term_sick_spells",), lags=(0,), permutations=99,
    )  # fmt: skip
    a = spells_at_lag0(found)
    assert a.exposure_weeks == (len(WEEKS) - 10) * len(TEAMS)
    assert a.to_dict()["exposure_completeness"] == pytest.approx((len(WEEKS) - 10) / len(WEEKS), abs=1e-3)


def test_too_little_data_is_said_in_words():
    rng = np.random.default_rng(17)
    co2 = exposure_grid(rng, 850, 40)
    panel = panel_with(rng, co2, 0.0)
    panel["short_term_sick_spells"] = 0.0
    panel.loc[:3, "short_term_sick_spells"] = 1.0
    found = associations(
        panel, long_exposure({"co2_ppm": co2}), TEAM_ZONE, EVIDENCE,
        outcomes=("short_term_sick_spells",), lags=(0,), permutations=99,
    )  # fmt: skip
    a = spells_at_lag0(found)
    assert a.fit.estimate is None
    assert "too little data" in a.fit.reason
    assert a.combined is not None
    assert a.combined.local_weight == 0
    assert a.to_dict()["rate_ratio"] is None


def test_a_panel_without_its_columns_is_refused():
    exposure = long_exposure({"co2_ppm": exposure_grid(np.random.default_rng(1), 850, 40)})
    with pytest.raises(ModelInputError, match="panel lacks"):
        associations(pd.DataFrame({"team": []}), exposure, TEAM_ZONE, EVIDENCE)
    with pytest.raises(ModelInputError, match="exposure lacks"):
        associations(panel_with(np.random.default_rng(1), exposure_grid(np.random.default_rng(1), 850, 40), 0.0),
                     exposure.drop(columns="status"), TEAM_ZONE, EVIDENCE)  # fmt: skip
