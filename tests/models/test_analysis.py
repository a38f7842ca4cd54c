"""models.analysis on generated centres: planted effects found, null effects not reported, odd data survived.

A few seeds only, so the suite stays fast; scripts/validate_evidence.py runs twenty and more, and
docs/validation.md has its figures.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from gateway.stores.batch import PointBatch
from models.analysis import Analysis, Period, analyse, default_period, rank_key
from models.errors import ModelInputError
from models.evidence import parse_evidence
from synthetic.centre import Centre, GeneratorConfig, PlantedEffects, generate_centre
from tests.support.centre import CENTRE_END, CENTRE_START, readings_of

PERIOD = Period(CENTRE_START, CENTRE_END)


def evidence():
    import tomllib
    from pathlib import Path

    return parse_evidence(tomllib.loads((Path(__file__).parents[2] / "models/data/evidence.toml").read_text()))


def windows_of(batch: PointBatch) -> dict[str, pd.DataFrame]:
    """Hourly windows per quantity, as a store's `windows` returns them (ts, zone, mean, count)."""
    ts = pd.to_datetime(batch.ts_ns, utc=True).floor("h")
    out = {}
    for quantity in batch.quantities:
        frame = pd.DataFrame({"ts": ts, "zone": batch.zone, "v": batch.values[quantity]})
        out[quantity] = (
            frame.dropna().groupby(["ts", "zone"], as_index=False).agg(mean=("v", "mean"), count=("v", "size"))
        )
    return out


def run(site, centre: Centre, windows: dict[str, pd.DataFrame] | None = None, **frames: pd.DataFrame) -> Analysis:
    """The analysis of a generated centre's frames (as the records store returns them) and its readings."""
    absences = frames.get("absences", centre.absences.rename(columns={"employee_id": "employee"}))
    staff = frames.get("staff", centre.staff.rename(columns={"employee_id": "employee"}))
    calls = frames.get("calls", centre.calls)
    if windows is None:
        windows = windows_of(readings_of(site, centre, CENTRE_START, CENTRE_END))
    return analyse(site, PERIOD, windows, absences, staff, calls, evidence())


def co2_spells(analysis: Analysis, lag: int = 0):
    return next(
        a
        for a in analysis.associations
        if (a.quantity, a.outcome, a.lag_weeks) == ("co2_ppm", "short_term_sick_spells", lag)
    )


def significant(analysis: Analysis) -> list[tuple[str, str, int]]:
    return [
        (a.quantity, a.outcome, a.lag_weeks)
        for a in analysis.associations
        if a.p_adjusted is not None and a.p_adjusted < 0.05
    ]


@pytest.fixture(scope="module")
def seeds(example_site):
    """Three seeds, each with a strong planted CO₂ effect (2.0 per +100 ppm) and with none."""
    out = {}
    for seed in (1, 2, 3):
        for rr in (2.0, 1.0):
            centre = generate_centre(
                example_site,
                CENTRE_START,
                CENTRE_END,
                seed=seed,
                effects=PlantedEffects(co2_rr_per_100ppm=rr),
                config=GeneratorConfig().quick(),
            )
            out[(seed, rr)] = run(example_site, centre)
    return out


def test_a_planted_effect_is_found_and_covered(seeds):
    for seed in (1, 2, 3):
        estimate = co2_spells(seeds[(seed, 2.0)]).fit.estimate
        assert estimate is not None
        assert estimate.ci_low < 2.0 < estimate.ci_high, (seed, estimate.ratio)
    ratios = [co2_spells(seeds[(seed, 2.0)]).fit.estimate.ratio for seed in (1, 2, 3)]
    assert np.median(ratios) > 1.3


def test_without_a_planted_effect_nothing_is_reported(seeds):
    for seed in (1, 2, 3):
        assert significant(seeds[(seed, 1.0)]) == [], seed


def test_with_a_planted_effect_only_co2_is_reported(seeds):
    """Temperature follows the season and has no effect: not a finding.

    Sound rises with CO₂ as people come in: where the site's data tie it to sick leave, it is marked as
    moving with CO₂ and never "high".
    """
    for seed in (1, 2, 3):
        for a in seeds[(seed, 2.0)].associations:
            if a.p_adjusted is None or a.p_adjusted >= 0.05 or a.quantity == "co2_ppm":
                continue
            assert a.quantity != "temperature_c", (seed, a.outcome, a.lag_weeks)
            assert [q for q, _ in a.moves_with] == ["co2_ppm"], (seed, a.quantity, a.outcome, a.lag_weeks)
            assert a.confidence()[0] != "high"
            assert "co2_ppm" in a.to_dict()["statement"]
    co2 = co2_spells(seeds[(1, 2.0)])
    assert co2.moves_with == ()
    assert co2.confidence()[0] == "high"


def test_associations_are_ranked_best_supported_first(seeds):
    found = seeds[(1, 2.0)].associations
    assert list(found) == sorted(found, key=rank_key)
    assert found[0].quantity == "co2_ppm"


# ----- odd data: a result or a reason, never a crash -------------------------------------------------


@pytest.fixture(scope="module")
def centre(centre_stores):
    return centre_stores.centre


@pytest.fixture(scope="module")
def windows(example_site, centre):
    return windows_of(readings_of(example_site, centre, CENTRE_START, CENTRE_END))


def test_a_sensor_down_for_a_month_leaves_its_weeks_missing(example_site, centre, windows):
    march = {
        q: w[~((w["zone"] == "z3") & (w["ts"] >= "2025-03-01") & (w["ts"] < "2025-04-01"))] for q, w in windows.items()
    }
    full, down = run(example_site, centre, windows), run(example_site, centre, march)
    weeks = down.exposure[(down.exposure["zone"] == "z3") & (down.exposure["quantity"] == "co2_ppm")]
    missing = weeks[weeks["status"] == "missing"]["week_start"]
    assert len(missing) >= 4
    assert weeks[weeks["status"] == "missing"]["mean"].isna().all()  # never counted as a good week
    assert co2_spells(down).fit.estimate is not None
    assert co2_spells(down).exposure_weeks < co2_spells(full).exposure_weeks


def test_missing_weeks_everywhere_give_a_smaller_sample(example_site, centre, windows):
    gap = {q: w[~((w["ts"] >= "2025-05-05") & (w["ts"] < "2025-06-02"))] for q, w in windows.items()}
    found = run(example_site, centre, gap)
    co2 = found.exposure[found.exposure["quantity"] == "co2_ppm"]
    assert (co2[co2["week_start"].between("2025-05-05", "2025-05-26")]["status"] == "missing").all()
    assert co2_spells(found).fit.estimate is not None


def test_a_team_without_absences(example_site, centre, windows):
    absences = centre.absences.rename(columns={"employee_id": "employee"})
    found = run(example_site, centre, windows, absences=absences[absences["team"] != "team-1"])
    panel = found.panel
    assert panel[panel["team"] == "team-1"]["short_term_sick_spells"].sum() == 0
    fit = co2_spells(found).fit
    assert fit.estimate is not None
    assert fit.teams == 11


def test_no_absences_at_all_gives_reasons(example_site, centre, windows):
    absences = centre.absences.rename(columns={"employee_id": "employee"}).iloc[0:0]
    found = run(example_site, centre, windows, absences=absences)
    spells = [a for a in found.associations if a.outcome != "answer_rate"]
    assert all(a.fit.estimate is None and a.fit.reason for a in spells)
    assert found.data["short_term_sick_spells"] == 0


def test_a_zone_without_a_team_is_measured_but_not_related(example_site, centre, windows):
    meeting = windows["co2_ppm"][windows["co2_ppm"]["zone"] == "z1"].assign(zone="meeting")
    found = run(example_site, centre, {**windows, "co2_ppm": pd.concat([windows["co2_ppm"], meeting])})
    assert "meeting" not in set(found.exposure["zone"])
    assert co2_spells(found).fit.teams == co2_spells(run(example_site, centre, windows)).fit.teams


def test_without_calls_the_answer_rate_is_not_analysed(example_site, centre, windows):
    found = run(example_site, centre, windows, calls=centre.calls.iloc[0:0])
    assert any("answer rate is not analysed" in note for note in found.notes)
    assert {a.outcome for a in found.associations} == {"short_term_sick_spells", "short_term_sick_days"}


def test_without_a_roster_there_is_nothing_to_relate(example_site, centre, windows):
    with pytest.raises(ModelInputError, match=r"staff\.csv"):
        run(example_site, centre, windows, staff=centre.staff.iloc[0:0])


def test_a_period_is_whole_iso_weeks():
    period = default_period(date(2026, 11, 30), None, None)  # a Monday
    assert period.end == date(2026, 11, 29)
    assert period.end.isoweekday() == 7
    assert period.start.isoweekday() == 1
    assert (period.end - period.start).days + 1 == 104 * 7
    assert default_period(date(2026, 11, 30), date(2025, 3, 5), date(2025, 3, 5)) == Period(
        date(2025, 3, 3), date(2025, 3, 9)
    )
    with pytest.raises(ModelInputError, match="after"):
        default_period(date(2026, 11, 30), date(2025, 6, 2), date(2025, 3, 2))


def test_weeks_before_the_records_begin_are_not_counted_as_weeks_without_sick_leave(example_site, centre, windows):
    """The roster reaches back years; absences and calls begin in January 2025: the analysis starts there."""
    absences = centre.absences.rename(columns={"employee_id": "employee"})
    staff = centre.staff.rename(columns={"employee_id": "employee"})
    longer = analyse(example_site, Period(date(2024, 1, 1), CENTRE_END), windows, absences, staff, centre.calls,
                     evidence())  # fmt: skip
    # The generated absences begin on 9 January 2025, the calls on the 7th (the 6th is a holiday).
    assert longer.period.start == date(2025, 1, 6)
    assert longer.notes[0] == "the absences begin in the week of 2025-01-06: the analysis starts with that week"
    assert longer.data["team_weeks"] == 12 * 51


def test_where_the_records_begin_is_taken_over_all_stored_records(example_site, centre, windows):
    """A quiet month at the period's start is not where the file begins: the store says where it does."""
    absences = centre.absences.rename(columns={"employee_id": "employee"})
    staff = centre.staff.rename(columns={"employee_id": "employee"})
    period = Period(date(2025, 9, 1), CENTRE_END)
    late = absences[pd.to_datetime(absences["start_date"]) >= pd.Timestamp(2025, 9, 22)]  # none in 3 weeks
    begins = {"absences": date(2025, 1, 9), "call intervals": centre.calls["interval_start"].min().to_pydatetime()}
    found = analyse(example_site, period, windows, late, staff, centre.calls, evidence(), records_begin=begins)
    assert found.period.start == date(2025, 9, 1)
    assert not any("begin" in note for note in found.notes)


def test_no_stored_absences_are_said_in_words(example_site, centre, windows):
    staff = centre.staff.rename(columns={"employee_id": "employee"})
    empty = centre.absences.rename(columns={"employee_id": "employee"}).iloc[0:0]
    found = analyse(example_site, Period(date(2025, 3, 3), CENTRE_END), windows, empty, staff, centre.calls,
                    evidence(), records_begin={})  # fmt: skip
    assert "no absences are stored" in " ".join(found.notes)
