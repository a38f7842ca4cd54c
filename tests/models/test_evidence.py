"""models.evidence: an estimate beyond what a float holds is no estimate, in words, never an overflow or infinity."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd

from models.analysis import analyse
from models.associations import associations
from models.evidence import Estimate, QuantityEvidence, combine, confidence
from sensors.site import Site
from synthetic.centre import GeneratorConfig, PlantedEffects, generate_centre
from tests.models.test_analysis import PERIOD, evidence, windows_of
from tests.models.test_associations import MILTON, TEAM_ZONE, WEEKS, exposure_grid, long_exposure, panel_with
from tests.support.centre import CENTRE_END, CENTRE_START, readings_of

# What a fit gave on weekly temperatures flickering by 0.001 °C around 21 °C (the reviewer's case): a log
# rate ratio per °C of ±1 341 with a standard error of 1 145.
FLICKER = Estimate(1340.7742078693057, 1144.9665936562246)


def test_an_estimate_beyond_a_float_is_no_estimate_without_an_overflow() -> None:
    assert FLICKER.ratio == math.inf
    assert FLICKER.ci_high == math.inf
    assert FLICKER.ci_low == math.exp(1340.7742078693057 - 1.959963984540054 * 1144.9665936562246)
    assert not FLICKER.bounded()
    assert not FLICKER.excludes_one()
    assert FLICKER.to_dict() == {"rate_ratio": None, "ci_low": None, "ci_high": None}
    assert not Estimate(0.0, 400.0).bounded()  # 0 < ratio < ∞, but the interval's ends are not floats
    assert not Estimate(0.0, math.inf).bounded()
    assert not Estimate(math.nan, 1.0).bounded()
    ordinary = Estimate(math.log(1.2), 0.05)
    assert ordinary.bounded()
    assert ordinary.to_dict()["rate_ratio"] == 1.2


def test_an_unbounded_local_estimate_combines_as_none() -> None:
    assert combine(FLICKER, None) is None
    word, sentence = confidence(FLICKER, 0.001, combine(FLICKER, None))
    assert word == "none"
    assert sentence.startswith("No estimate: the site's data give no finite interval")
    # With research behind it, the research stands alone, and the site's data are not said to show anything.
    leaning = combine(FLICKER, MILTON)
    assert leaning is not None
    assert (leaning.estimate, leaning.local_weight) == (MILTON.estimate, 0.0)
    word, sentence = confidence(FLICKER, 0.001, leaning)
    assert word == "moderate"
    assert "research" in sentence


def test_a_temperature_flickering_by_a_thousandth_of_a_degree_does_not_vary() -> None:
    rng = np.random.default_rng(0)
    co2 = exposure_grid(rng, 850, 40)
    flicker = pd.DataFrame(21.0 + rng.normal(0, 1e-3, co2.shape), index=WEEKS, columns=co2.columns)
    evidence = {"temperature_c": QuantityEvidence("temperature_c", 1.0, "+1 °C")}
    found = associations(
        panel_with(rng, co2, np.log(1.6)), long_exposure({"temperature_c": flicker}), TEAM_ZONE, evidence,
        outcomes=("short_term_sick_spells",), lags=(0,), permutations=99,
    )  # fmt: skip
    (a,) = found
    assert a.fit.estimate is None
    assert a.fit.reason == "the exposure does not vary: nothing to compare"
    assert a.confidence()[0] == "none"
    data = json.loads(json.dumps(a.to_dict(), allow_nan=False))
    assert (data["rate_ratio"], data["ci_low"], data["ci_high"], data["confidence"]) == (None, None, None, "none")


def test_the_reviewers_flickering_temperature_gives_a_clear_analysis(example_site: Site) -> None:
    # A stuck sensor: every zone's weekly temperature 21 °C ± 0.001 on a generated year. The analysis used to
    # fail on exp() of such a fit's interval; now the temperature's associations say why there is none.
    planted = PlantedEffects(co2_rr_per_100ppm=1.217)
    centre = generate_centre(
        example_site, CENTRE_START, CENTRE_END, seed=3, effects=planted, config=GeneratorConfig().quick()
    )
    windows = windows_of(readings_of(example_site, centre, CENTRE_START, CENTRE_END))
    temperature = windows["temperature_c"].copy()
    temperature["mean"] = 21.0 + np.random.default_rng(0).normal(0, 1e-3, len(temperature))
    found = analyse(example_site, PERIOD, {**windows, "temperature_c": temperature},
                    centre.absences.rename(columns={"employee_id": "employee"}),
                    centre.staff.rename(columns={"employee_id": "employee"}), centre.calls, evidence())  # fmt: skip
    json.dumps(found.to_dict(), allow_nan=False)
    flat = [a for a in found.associations if a.quantity == "temperature_c"]
    assert flat
    for a in flat:
        assert a.fit.estimate is None
        assert a.fit.reason == "the exposure does not vary: nothing to compare"
        assert a.to_dict()["rate_ratio"] is None
