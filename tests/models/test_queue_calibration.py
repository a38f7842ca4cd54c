"""A day's answer rate from calls and agents, and calibration that recovers known queue parameters."""

import numpy as np
import pandas as pd
import pytest

from models.erlang import answer_rate
from models.errors import ModelInputError
from models.queue_calibration import calibrate, daily_queue

PROFILE = np.full(36, 1 / 36)  # 08:00–17:00 in quarters, calls spread evenly


def test_a_days_rate_is_erlang_a_per_interval_and_moves_the_right_way():
    queue = daily_queue(PROFILE, 15, 300.0, 120.0, 1.0, max_calls=400, max_agents=5)
    # 180 calls over 9 hours is 20 an hour in every interval: one Erlang A figure.
    assert queue.rate(np.array([180.0]), np.array([3.0]))[0] == pytest.approx(answer_rate(20.0, 300, 120, 3), abs=0.01)
    rates = queue.rate(np.array([100.0, 200.0, 300.0]), np.array([3.0, 3.0, 3.0]))
    assert rates[0] > rates[1] > rates[2]  # more calls, fewer answered
    more = queue.rate(np.array([200.0] * 3), np.array([2.0, 2.5, 3.0]))
    assert more[0] < more[1] < more[2]  # more agents, more answered (half an agent counts half)
    assert queue.rate(np.array([200.0]), np.array([0.0]))[0] == pytest.approx(0.0, abs=1e-9)


def test_the_profile_must_be_shares():
    with pytest.raises(ModelInputError, match="summing to 1"):
        daily_queue(np.ones(36), 15, 300.0, 120.0, 1.0, 100, 3)


LUNCH = np.where((np.arange(36) >= 12) & (np.arange(36) < 20), 0.6, 0.9)  # 11:00–13:00 a dip, else 0.9


def history(patience: float, shares: np.ndarray, weeks: int = 30, seed: int = 0, factor2: float = 1.0) -> pd.DataFrame:
    """Group-intervals whose answers follow Erlang A with this patience and these shares per interval."""
    from models.erlang import answer_rate_table

    rng = np.random.default_rng(seed)
    grid = np.arange(0.0, 40.0, 0.25)
    table = answer_rate_table(grid, 300.0, patience, 5)
    rows = []
    for team, factor in (("g1", 1.0), ("g2", factor2)):
        for w in range(weeks):
            monday = pd.Timestamp("2026-01-05") + pd.Timedelta(weeks=w)
            for d in range(5):
                day_calls = float(rng.integers(150, 260))
                agents = float(rng.choice([2.0, 2.5, 3.0]))
                rate = day_calls * PROFILE / 0.25  # calls per hour in each interval
                on_phone = agents * shares * factor
                low = np.floor(on_phone).astype(int)
                frac = on_phone - low
                r = np.clip(np.round(rate / 0.25).astype(int), 0, len(grid) - 1)
                p = table[r, low] * (1 - frac) + table[r, np.minimum(low + 1, 5)] * frac
                offered = rng.poisson(day_calls * PROFILE)
                answered = rng.binomial(offered, p)
                for slot in range(36):
                    rows.append(
                        (
                            team,
                            monday + pd.Timedelta(days=d),
                            monday,
                            slot,
                            int(offered[slot]),
                            int(answered[slot]),
                            agents,
                        )
                    )
    return pd.DataFrame(rows, columns=["team", "date", "week_start", "slot", "offered", "answered", "agents"])


def test_calibration_recovers_patience_the_lunch_dip_and_a_groups_factor():
    found = calibrate(history(120.0, LUNCH, factor2=0.9), PROFILE, 15, handle_time_s=300.0, patience_s=None)
    assert found.source == "calibrated"
    assert found.patience_s in (90.0, 120.0, 150.0)
    shares = np.array(found.interval_share)
    assert shares[12:20] == pytest.approx(0.6, abs=0.05)  # lunch, found hour by hour
    assert shares[:12] == pytest.approx(0.9, abs=0.05)
    assert found.phone_share["g2"] / found.phone_share["g1"] == pytest.approx(0.9, abs=0.04)
    assert found.shares_for("g2", 36)[0] == pytest.approx(0.9 * 0.9, abs=0.06)
    assert found.rmse_pp is not None
    assert found.rmse_pp < 2.0  # mostly the weeks' binomial noise: what is left is small
    assert found.residual_sd < 0.015
    assert "calibrated on 60 group-weeks" in found.note
    assert found.to_dict()["handle_time_source"] == "settings"


def test_with_little_history_the_settings_are_used_and_said():
    found = calibrate(
        history(120.0, LUNCH, weeks=4),
        PROFILE,
        15,
        handle_time_s=300.0,
        patience_s=100.0,
        default_share=0.85,
        teams=["g3"],
    )
    assert (found.source, found.patience_s, found.phone_share["g3"]) == ("settings", 100.0, 0.85)
    assert "from the settings" in found.note
    assert found.shares_for("g3", 36).tolist() == [0.85] * 36


def test_a_given_patience_is_kept_and_only_the_shares_fitted():
    found = calibrate(history(240.0, np.full(36, 0.9)), PROFILE, 15, handle_time_s=300.0, patience_s=240.0)
    assert found.patience_s == 240.0
    assert found.phone_share["g1"] == pytest.approx(0.9, abs=0.04)


def test_the_shares_follow_clock_hours_when_the_day_opens_on_the_half_hour():
    lunch = np.where((np.arange(36) >= 14) & (np.arange(36) < 18), 0.5, 0.9)  # 12:00–13:00 when opening at 08:30
    found = calibrate(history(120.0, lunch), PROFILE, 15, handle_time_s=300.0, patience_s=120.0, opening_minute=510)
    shares = np.array(found.interval_share)
    assert shares[14:18] == pytest.approx(0.5, abs=0.06)
    assert shares[12:14] == pytest.approx(0.9, abs=0.06)  # 11:30–12:00 is another hour
    assert shares[:2] == pytest.approx(0.9, abs=0.06)  # 08:30–09:00: the opening hour's half
