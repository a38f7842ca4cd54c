"""Erlang A (M/M/n+M, Garnett, Mandelbaum & Reiman 2002): answer rate of a queue whose callers hang up.

Units are explicit in every name: arrival rates in calls per **hour**, handle time and patience in
**seconds**. Calls arrive as a Poisson process, handle times and patience are exponential, there are
`agents` identical agents and one FCFS queue without a size limit.

The stationary distribution is a birth–death chain:

    π_k ∝ a^k / k!                           for k ≤ n       (a = λ/μ, offered load in erlangs)
    π_{n+j} ∝ a^n / n! · y^j / Π_{i=1..j}(x + i)              (x = nμ/θ, y = λ/θ)

so P(wait > 0) = P(K ≥ n) (arrivals see time averages) and P(abandon) = θ·E[queue] / λ (callers
leave the queue at rate θ each). Everything is summed in log space, so neither a large load nor a
long patience overflows. The tail sum A(x, y) = Σ_j y^j / Π(x + i) is summed term by term while that
is cheap and otherwise taken from the regularised incomplete gamma function (Garnett et al., eq. 3.3):
A(x, y) = x·e^y·y^(−x)·Γ(x)·P(x, y).

Limits: `patience_s = inf` is Erlang C (nobody hangs up); `patience_s = 0` is Erlang B (callers who
would have to wait leave at once); `agents = 0` answers nothing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.special import gammainc, gammaln, psi

from models.errors import ModelInputError

SECONDS_PER_HOUR = 3600.0
# Summing the tail term by term costs one array element per term; beyond this many the closed form
# through the incomplete gamma function is used instead (only for extreme loads or patience).
MAX_SERIES_TERMS = 1_000_000
TAIL_SIGMAS = 12.0  # past its peak the tail's terms fall like exp(−m²/2y): 12 σ leaves < 1e-31


@dataclass(frozen=True)
class QueueResult:
    """Steady-state measures of a call queue; probabilities are per offered call."""

    p_abandon: float  # share of offered calls that hang up before an agent answers
    p_wait: float  # share of offered calls that have to wait at all (all agents busy on arrival)
    answer_rate: float  # answered / offered = 1 − p_abandon
    mean_queue: float  # mean number of callers waiting
    mean_wait_s: float  # mean time in the queue over all offered calls, answered or not (Little)
    asa_s: float  # average speed of answer: mean wait of the answered calls (NaN if not computed)
    occupancy: float  # share of the agents' time spent handling calls


def erlang_a(calls_per_hour: float, handle_time_s: float, patience_s: float, agents: int) -> QueueResult:
    """Erlang A measures for `agents` agents; patience_s = inf gives Erlang C, 0 gives Erlang B."""
    _check(calls_per_hour, handle_time_s, agents)
    if not patience_s >= 0:  # also rejects NaN
        raise ModelInputError(f"patience_s must be >= 0 (inf: nobody hangs up), got {patience_s!r}")
    if math.isinf(patience_s):
        return erlang_c(calls_per_hour, handle_time_s, agents)
    if agents == 0:
        # Nobody can answer: every caller waits until they give up.
        return QueueResult(1.0, 1.0, 0.0, calls_per_hour / SECONDS_PER_HOUR * patience_s, patience_s, math.nan, 0.0)
    if calls_per_hour == 0:
        return QueueResult(0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0)
    if patience_s == 0:
        return erlang_b(calls_per_hour, handle_time_s, agents)

    lam = calls_per_hour / SECONDS_PER_HOUR
    mu = 1.0 / handle_time_s
    theta = 1.0 / patience_s
    n = agents
    log_a = math.log(lam / mu)
    log_below, log_at_n = _erlang_b_terms(log_a, n)
    x, y = n * mu / theta, lam / theta
    tail = _tail(x, y)

    log_z = float(np.logaddexp(log_below, log_at_n + tail.log_sum))
    p_wait = math.exp(log_at_n + tail.log_sum - log_z)
    mean_queue = math.exp(log_at_n + tail.log_first_moment - log_z)
    p_abandon = min(1.0, mean_queue / y)  # θ·E[Q]/λ
    answered = 1.0 - p_abandon
    asa = math.nan
    if not math.isnan(tail.log_served_wait) and answered > 0:
        asa = math.exp(log_at_n + tail.log_served_wait - log_z) / theta / answered
    return QueueResult(
        p_abandon=p_abandon,
        p_wait=p_wait,
        answer_rate=answered,
        mean_queue=mean_queue,
        mean_wait_s=mean_queue / lam,
        asa_s=asa,
        occupancy=min(1.0, lam * answered / (n * mu)),
    )


def answer_rate(calls_per_hour: float, handle_time_s: float, patience_s: float, agents: int) -> float:
    """Share of offered calls answered (1 − P(abandon)) under Erlang A; 0 with no agents."""
    return erlang_a(calls_per_hour, handle_time_s, patience_s, agents).answer_rate


def erlang_c(calls_per_hour: float, handle_time_s: float, agents: int) -> QueueResult:
    """Erlang C (no abandonment); overloaded, the long-run unanswered share 1 − nμ/λ is reported as abandoned."""
    _check(calls_per_hour, handle_time_s, agents)
    lam = calls_per_hour / SECONDS_PER_HOUR
    mu = 1.0 / handle_time_s
    n = agents
    if lam == 0:
        return QueueResult(0.0, 0.0, 1.0 if n > 0 else 0.0, 0.0, 0.0, 0.0, 0.0)
    if lam >= n * mu:
        # No steady state: the queue grows without end. Over a long period the agents answer nμ
        # calls per second, which is also the limit of Erlang A as patience grows without bound.
        unanswered = 1.0 - n * mu / lam
        return QueueResult(unanswered, 1.0, 1.0 - unanswered, math.inf, math.inf, math.inf, 1.0 if n else 0.0)
    log_a = math.log(lam / mu)
    log_below, log_at_n = _erlang_b_terms(log_a, n)
    # The waiting states form a geometric series with ratio ρ = a/n < 1.
    log_queue = log_at_n - math.log1p(-lam / (n * mu))
    p_wait = math.exp(log_queue - float(np.logaddexp(log_below, log_queue)))
    mean_wait = p_wait / (n * mu - lam)
    return QueueResult(0.0, p_wait, 1.0, lam * mean_wait, mean_wait, mean_wait, lam / (n * mu))


def erlang_b(calls_per_hour: float, handle_time_s: float, agents: int) -> QueueResult:
    """Erlang B (no queue): a caller who finds every agent busy is lost at once."""
    _check(calls_per_hour, handle_time_s, agents)
    lam = calls_per_hour / SECONDS_PER_HOUR
    mu = 1.0 / handle_time_s
    if agents == 0:
        return QueueResult(1.0, 1.0, 0.0, 0.0, 0.0, math.nan, 0.0)
    if lam == 0:
        return QueueResult(0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0)
    log_below, log_at_n = _erlang_b_terms(math.log(lam / mu), agents)
    blocked = math.exp(log_at_n - float(np.logaddexp(log_below, log_at_n)))
    return QueueResult(blocked, blocked, 1.0 - blocked, 0.0, 0.0, 0.0, lam * (1.0 - blocked) / (agents * mu))


def answer_rate_table(
    calls_per_hour: NDArray[np.float64], handle_time_s: float, patience_s: float, max_agents: int
) -> NDArray[np.float64]:
    """Erlang A answer rates on a grid: one row per arrival rate, one column per agent count 0..max_agents."""
    rates = np.asarray(calls_per_hour, dtype=np.float64)
    table = np.empty((len(rates), max_agents + 1), dtype=np.float64)
    for i, rate in enumerate(rates.tolist()):
        for n in range(max_agents + 1):
            table[i, n] = answer_rate(rate, handle_time_s, patience_s, n)
    return table


# ----- internals ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Tail:
    """Logs of the waiting states' sums, relative to π_n: Σ t_j, Σ j·t_j and θ·E[wait; answered]."""

    log_sum: float
    log_first_moment: float
    log_served_wait: float  # NaN when the closed form was used


def _check(calls_per_hour: float, handle_time_s: float, agents: int) -> None:
    if not (calls_per_hour >= 0 and math.isfinite(calls_per_hour)):
        raise ModelInputError(f"calls_per_hour must be finite and >= 0, got {calls_per_hour!r}")
    if not (handle_time_s > 0 and math.isfinite(handle_time_s)):
        raise ModelInputError(f"handle_time_s must be finite and > 0, got {handle_time_s!r}")
    if isinstance(agents, bool) or int(agents) != agents or agents < 0:
        raise ModelInputError(f"agents must be a whole number >= 0, got {agents!r}")


def _erlang_b_terms(log_a: float, n: int) -> tuple[float, float]:
    """Logs of Σ_{k<n} a^k/k! and of a^n/n!."""
    k = np.arange(n + 1, dtype=np.float64)
    terms = k * log_a - gammaln(k + 1.0)
    below = _logsumexp(terms[:n]) if n > 0 else -math.inf
    return below, float(terms[n])


def _logsumexp(values: NDArray[np.float64]) -> float:
    """The log of Σ exp(values) without overflow; −inf for none (scipy's is slow for many small calls)."""
    if values.size == 0:
        return -math.inf
    top = float(np.max(values))
    if not math.isfinite(top):
        return top
    return top + math.log(float(np.sum(np.exp(values - top))))


def _tail(x: float, y: float) -> _Tail:
    """Sums over the waiting states j = 0, 1, … of t_j = y^j / Π_{i=1..j}(x + i)."""
    # The terms grow while y > x + j and then fall off like a Gaussian of width √y.
    terms = math.ceil(max(0.0, y - x) + TAIL_SIGMAS * math.sqrt(y + 1.0) + 60.0)
    if terms <= MAX_SERIES_TERMS:
        return _tail_series(x, y, terms)
    return _tail_closed_form(x, y)


def _tail_series(x: float, y: float, terms: int) -> _Tail:
    j = np.arange(terms, dtype=np.float64)
    log_t = j * math.log(y) - (gammaln(x + j + 1.0) - gammaln(x + 1.0))
    with np.errstate(divide="ignore"):
        log_j = np.log(j)  # log 0 = −inf drops the j = 0 term from the first moment
    # A caller who finds j waiting is answered with probability x/(x+j+1) and, if answered, has
    # waited (1/θ)·Σ_{i=1..j+1} 1/(x+i) on average: holding times of competing exponentials do not
    # depend on which event ends them, and the chance of reaching the front telescopes.
    served_wait = np.log(x / (x + j + 1.0)) + np.log(psi(x + j + 2.0) - psi(x + 1.0))
    return _Tail(
        log_sum=_logsumexp(log_t),
        log_first_moment=_logsumexp(log_t + log_j),
        log_served_wait=_logsumexp(log_t + served_wait),
    )


def _tail_closed_form(x: float, y: float) -> _Tail:
    # A(x, y) = x e^y y^(−x) Γ(x) P(x, y); Σ j t_j = x + (y − x)·A follows from (x + j) t_j = y t_{j−1}.
    regularised = float(gammainc(x, y))
    if regularised <= 0.0:
        # x ≫ y: the queue is almost never reached and A ≈ x / (x − y) (a geometric series).
        # Σ j r^j = r / (1 − r)² with r = y / x.
        return _Tail(math.log(x / (x - y)), math.log(x * y) - 2.0 * math.log(x - y), math.nan)
    log_sum = math.log(x) + y - x * math.log(y) + float(gammaln(x)) + math.log(regularised)
    if y > x:
        # Overloaded: A can exceed the float range, so stay in logs.
        log_first = log_sum + math.log(y - x) + math.log1p(x / (y - x) * math.exp(-log_sum))
    else:
        first_moment = x - (x - y) * math.exp(log_sum)
        log_first = math.log(first_moment) if first_moment > 0 else -math.inf
    return _Tail(log_sum, log_first, math.nan)
