"""Erlang A: the standards' illustration, an independent CTMC and simulation, limits and edge cases."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from models.erlang import answer_rate, answer_rate_table, erlang_a, erlang_b, erlang_c
from models.errors import ModelInputError

# The standards' illustration: 20 calls/h, 5 min handle time, 120 s patience.
CALLS, HANDLE, PATIENCE = 20.0, 300.0, 120.0


def ctmc(calls_per_hour: float, handle_s: float, patience_s: float, n: int, cap: int = 400) -> tuple[float, float]:
    """P(abandon) and P(wait) from the generator matrix of the truncated chain, solved as πQ = 0."""
    lam, mu, theta = calls_per_hour / 3600.0, 1.0 / handle_s, 1.0 / patience_s
    size = n + cap + 1
    q = np.zeros((size, size))
    for k in range(size):
        if k + 1 < size:
            q[k, k + 1] = lam
        if k > 0:
            q[k, k - 1] = min(k, n) * mu + max(k - n, 0) * theta
        q[k, k] = -q[k].sum()
    # Replace one balance equation by the normalisation Σπ = 1.
    a = np.vstack([q.T[:-1], np.ones(size)])
    b = np.zeros(size)
    b[-1] = 1.0
    pi = np.linalg.solve(a, b)
    queue = np.maximum(np.arange(size) - n, 0)
    return float(theta * (pi * queue).sum() / lam), float(pi[n:].sum())


def simulate(
    calls_per_hour: float, handle_s: float, patience_s: float, n: int, calls: int, seed: int
) -> tuple[float, float]:
    """Answer rate and mean wait of answered calls from a FCFS simulation with a fixed seed."""
    rng = np.random.default_rng(seed)
    arrivals = np.cumsum(rng.exponential(3600.0 / calls_per_hour, calls))
    service = rng.exponential(handle_s, calls)
    patience = rng.exponential(patience_s, calls)
    free = [0.0] * n
    answered = 0
    waited = 0.0
    # In FCFS order a caller starts with the first agent to come free, unless they hang up first;
    # callers who hang up never occupy an agent, so one pass in arrival order is exact.
    for t, s, p in zip(arrivals.tolist(), service.tolist(), patience.tolist(), strict=True):
        i = min(range(n), key=free.__getitem__)
        start = max(t, free[i])
        if start - t > p:
            continue
        free[i] = start + s
        answered += 1
        waited += start - t
    return answered / calls, waited / answered


# ----- the illustration ------------------------------------------------------------------------


@pytest.mark.parametrize(("agents", "expected"), [(3, 0.89), (2, 0.73)])
def test_reproduces_the_standards_illustration(agents: int, expected: float) -> None:
    assert answer_rate(CALLS, HANDLE, PATIENCE, agents) == pytest.approx(expected, abs=0.02)


def test_illustration_values_to_four_places() -> None:
    # Derived independently by the CTMC below; pinned so a regression shows at once.
    assert answer_rate(CALLS, HANDLE, PATIENCE, 3) == pytest.approx(0.8948, abs=1e-4)
    assert answer_rate(CALLS, HANDLE, PATIENCE, 2) == pytest.approx(0.7336, abs=1e-4)


# ----- independent checks ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("calls", "handle", "patience", "agents"),
    [(20, 300, 120, 1), (20, 300, 120, 3), (13, 300, 120, 3), (40, 240, 60, 4), (120, 180, 300, 8), (5, 600, 30, 2)],
)
def test_matches_the_numerically_solved_chain(calls: float, handle: float, patience: float, agents: int) -> None:
    result = erlang_a(calls, handle, patience, agents)
    p_abandon, p_wait = ctmc(calls, handle, patience, agents)
    assert result.p_abandon == pytest.approx(p_abandon, rel=1e-8)
    assert result.p_wait == pytest.approx(p_wait, rel=1e-8)
    assert result.answer_rate == pytest.approx(1.0 - p_abandon, rel=1e-8)


def test_matches_a_simulation_including_the_speed_of_answer() -> None:
    result = erlang_a(CALLS, HANDLE, PATIENCE, 3)
    rate, asa = simulate(CALLS, HANDLE, PATIENCE, 3, calls=200_000, seed=11)
    assert rate == pytest.approx(result.answer_rate, abs=0.004)
    assert asa == pytest.approx(result.asa_s, rel=0.05)


def test_answered_waiting_callers_add_up() -> None:
    # Callers who wait and are answered: p_wait − p_abandon; ASA × answered = E[wait; answered] ≤ E[wait].
    result = erlang_a(CALLS, HANDLE, PATIENCE, 3)
    assert result.p_abandon < result.p_wait
    assert result.asa_s * result.answer_rate <= result.mean_wait_s
    assert result.mean_wait_s == pytest.approx(result.mean_queue / (CALLS / 3600.0))


# ----- shape and limits ------------------------------------------------------------------------


def test_monotonic_in_agents() -> None:
    results = [erlang_a(CALLS, HANDLE, PATIENCE, n) for n in range(11)]
    rates = [r.answer_rate for r in results]
    waits = [r.p_wait for r in results]
    assert all(b > a for a, b in itertools.pairwise(rates))
    assert all(b < a for a, b in itertools.pairwise(waits))
    assert rates[-1] > 0.9999


def test_monotonic_in_load_and_patience() -> None:
    by_load = [answer_rate(c, HANDLE, PATIENCE, 3) for c in (5, 10, 20, 40, 80)]
    by_patience = [answer_rate(CALLS, HANDLE, p, 3) for p in (10, 60, 120, 600, 6000)]
    assert by_load == sorted(by_load, reverse=True)
    assert by_patience == sorted(by_patience)


def test_no_agents_answer_nothing() -> None:
    result = erlang_a(CALLS, HANDLE, PATIENCE, 0)
    assert result.answer_rate == 0.0
    assert result.p_abandon == 1.0
    assert result.p_wait == 1.0
    assert answer_rate(0.0, HANDLE, PATIENCE, 0) == 0.0


def test_no_calls() -> None:
    assert erlang_a(0.0, HANDLE, PATIENCE, 3).answer_rate == 1.0
    assert erlang_a(0.0, HANDLE, PATIENCE, 3).p_wait == 0.0


@pytest.mark.parametrize("agents", [2, 3, 5])
def test_long_patience_approaches_erlang_c(agents: int) -> None:
    c = erlang_c(CALLS, HANDLE, agents)
    # The gap closes linearly in 1/patience (about 1e-4 relative at 1e8 s for 2 agents).
    a = erlang_a(CALLS, HANDLE, 1e10, agents)
    assert a.p_wait == pytest.approx(c.p_wait, rel=1e-5)
    assert a.asa_s == pytest.approx(c.asa_s, rel=1e-5)
    assert a.answer_rate == pytest.approx(1.0, abs=1e-5)
    assert erlang_a(CALLS, HANDLE, math.inf, agents) == c


def test_erlang_c_textbook_value() -> None:
    # 2 erlangs on 3 agents: C = (8/6 · 3) / (1 + 2 + 2 + 8/6 · 3) = 4/9.
    assert erlang_c(24.0, 300.0, 3).p_wait == pytest.approx(4 / 9, rel=1e-12)


def test_overloaded_long_patience_answers_what_the_agents_can() -> None:
    # 40 calls/h on 3 agents who can handle 36/h: in the limit 36/40 are answered.
    assert erlang_a(40.0, HANDLE, 1e9, 3).answer_rate == pytest.approx(0.9, abs=1e-6)
    assert erlang_c(40.0, HANDLE, 3).answer_rate == pytest.approx(0.9)


def test_zero_patience_is_erlang_b() -> None:
    # 2 erlangs on 2 agents: B = 2 / (1 + 2 + 2) = 0.4.
    assert erlang_b(24.0, 300.0, 2).p_abandon == pytest.approx(0.4, rel=1e-12)
    assert erlang_a(24.0, 300.0, 0.0, 2).answer_rate == pytest.approx(0.6, rel=1e-12)


@pytest.mark.parametrize("calls", [1e4, 1e6, 1e9])
def test_very_large_load_is_finite(calls: float) -> None:
    result = erlang_a(calls, HANDLE, PATIENCE, 3)
    capacity = 3 * 3600.0 / HANDLE
    assert math.isfinite(result.answer_rate)
    assert result.answer_rate == pytest.approx(capacity / calls, rel=0.02)
    assert result.p_wait == pytest.approx(1.0, abs=1e-3)


def test_many_agents() -> None:
    result = erlang_a(1200.0, HANDLE, PATIENCE, 110)
    p_abandon, p_wait = ctmc(1200.0, HANDLE, PATIENCE, 110)
    assert result.p_abandon == pytest.approx(p_abandon, rel=1e-8)
    assert result.p_wait == pytest.approx(p_wait, rel=1e-8)
    assert math.isfinite(result.asa_s)


def test_table_agrees_with_the_scalar_function() -> None:
    rates = np.array([0.0, 8.0, 20.0, 36.0])
    table = answer_rate_table(rates, HANDLE, PATIENCE, 4)
    assert table.shape == (4, 5)
    assert table[2, 3] == pytest.approx(answer_rate(20.0, HANDLE, PATIENCE, 3))
    assert (table[:, 0] == 0.0).all()
    assert (table[0, 1:] == 1.0).all()


@pytest.mark.parametrize(
    ("calls", "handle", "patience", "agents"),
    [
        (-1, 300, 120, 3),
        (20, 0, 120, 3),
        (20, 300, -1, 3),
        (20, 300, math.nan, 3),
        (20, 300, 120, -1),
        (20, 300, 120, 1.5),
    ],
)
def test_rejects_bad_input(calls: float, handle: float, patience: float, agents: int) -> None:
    with pytest.raises(ModelInputError, match="must be"):
        erlang_a(calls, handle, patience, agents)
