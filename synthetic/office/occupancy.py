"""Who is in a zone, minute by minute, on one local day: arrivals, lunch, breaks, meetings and calls."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from synthetic.office.grid import FloatArray

IntArray = NDArray[np.int64]

# Probability that an agent is away all day (sick, child care, leave); higher in the flu season.
ABSENCE_RATE = 0.055
FLU_ABSENCE_RATE = 0.09
FLU_MONTHS = frozenset({1, 2, 3})
LEAVE_EARLY_RATE = 0.03  # a dentist's appointment or feeling ill: leaves some time after lunch

ARRIVAL_SPREAD_MIN = 12.0  # arrivals and departures scatter around the working hours ...
ARRIVAL_LIMIT_MIN = 30.0  # ... but no more than half an hour either way
LUNCH_WINDOW = (11 * 60 + 30.0, 12 * 60 + 20.0)  # lunch starts in this window (local clock) ...
LUNCH_MINUTES = (40.0, 7.0, 25.0, 55.0)  # ... and lasts mean, sd, min, max minutes
LUNCH_AT_DESK_RATE = 0.07
SHORT_ABSENCES = 3  # trips to the printer, the toilet, a colleague: a few minutes each

# Calls: handle times of 1 + Exp(4) minutes back to back with Exp(1) minutes of wrap-up fill
# CALL_COVER of the time; dropping calls at random thins that to the utilisation of the moment.
CALL_TALK_MIN = 4.0
CALL_WRAP_MIN = 1.0
CALL_COVER = (1.0 + CALL_TALK_MIN) / (1.0 + CALL_TALK_MIN + CALL_WRAP_MIN)
CALL_SLOTS = 400  # enough back-to-back calls to cover a 25-hour day
OFFICE_CALL_SHARE = 0.3  # desk workers in an ordinary office phone far less than agents

MEETING_MINUTES = (30, 45, 60, 90)
MAX_MEETINGS = 4


@dataclass(frozen=True)
class Schedule:
    """The site's working day as local wall-clock minutes since midnight."""

    start: float
    end: float
    working_day: bool
    month: int


@dataclass(frozen=True)
class ZoneOccupancy:
    """People in a zone per minute, how many of them are on calls, and how many voices there are."""

    present: IntArray
    on_calls: IntArray
    talkers: IntArray


def zone_occupancy(
    kind: str, capacity: int, tod: FloatArray, schedule: Schedule, rng: np.random.Generator
) -> ZoneOccupancy:
    """The occupancy of one zone of the given kind over the minutes `tod` of one day."""
    if not schedule.working_day or capacity <= 0:
        zero = np.zeros(len(tod), dtype=np.int64)
        return ZoneOccupancy(zero, zero, zero)
    if kind == "answer_group":
        return desk_workers(capacity, tod, schedule, rng, call_share=1.0)
    if kind == "office":
        return desk_workers(capacity, tod, schedule, rng, call_share=OFFICE_CALL_SHARE)
    if kind == "meeting_room":
        return meetings(capacity, tod, schedule, rng)
    if kind == "break_room":
        return break_room(capacity, tod, schedule, rng)
    return visitors(capacity, tod, schedule, rng)


def call_utilisation(tod: FloatArray, schedule: Schedule) -> FloatArray:
    """Share of an available agent's time spent on calls: call volume peaks at 09–11 and 13–15."""
    # Callers keep clock hours, so the peaks are fixed in local time rather than tied to the shifts.
    hours = tod / 60.0
    morning = np.exp(-0.5 * ((hours - 10.0) / 0.9) ** 2)
    afternoon = np.exp(-0.5 * ((hours - 14.0) / 0.9) ** 2)
    utilisation = np.minimum(0.3 + 0.5 * morning + 0.42 * afternoon, 0.8)
    open_hours = (tod >= schedule.start) & (tod < schedule.end)
    return np.where(open_hours, utilisation, 0.0)


def desk_workers(
    capacity: int, tod: FloatArray, schedule: Schedule, rng: np.random.Generator, call_share: float
) -> ZoneOccupancy:
    """`capacity` people at desks: staggered arrival and departure, lunch, coffee, short trips, calls."""
    n = capacity
    # Every parameter is drawn for every agent, absent or not, so one agent's absence does not
    # shift the random numbers (and hence the day) of the others.
    absence = FLU_ABSENCE_RATE if schedule.month in FLU_MONTHS else ABSENCE_RATE
    absent = rng.random(n) < absence
    arrive = schedule.start + _scatter(rng, n)
    depart = schedule.end + _scatter(rng, n)
    leaves_early = rng.random(n) < LEAVE_EARLY_RATE
    early_time = rng.uniform(13 * 60.0, schedule.end, n) if schedule.end > 13 * 60 else depart
    depart = np.where(leaves_early, np.minimum(depart, early_time), depart)

    lunch_start = rng.uniform(*LUNCH_WINDOW, n)
    mean, sd, low, high = LUNCH_MINUTES
    lunch_len = np.clip(rng.normal(mean, sd, n), low, high)
    lunch_len = np.where(rng.random(n) < LUNCH_AT_DESK_RATE, 0.0, lunch_len)
    # Coffee at 1.5 h after the start and 2.5 h before the end: 09:30 and 14:30 for 08–17.
    coffee_am = schedule.start + 90.0 + rng.normal(0.0, 15.0, n)
    coffee_pm = schedule.end - 150.0 + rng.normal(0.0, 15.0, n)
    coffee_len = rng.uniform(10.0, 20.0, (2, n))
    trips = rng.uniform(schedule.start, schedule.end, (SHORT_ABSENCES, n))
    trip_len = rng.uniform(3.0, 8.0, (SHORT_ABSENCES, n))

    here = _within(tod, arrive, depart) & ~absent[:, None]
    here &= ~_within(tod, lunch_start, lunch_start + lunch_len)
    here &= ~_within(tod, coffee_am, coffee_am + coffee_len[0])
    here &= ~_within(tod, coffee_pm, coffee_pm + coffee_len[1])
    for k in range(SHORT_ABSENCES):
        here &= ~_within(tod, trips[k], trips[k] + trip_len[k])

    calling = np.stack([_calls(tod, schedule, call_share, rng) for _ in range(n)]) & here
    present = here.sum(axis=0).astype(np.int64)
    on_calls = calling.sum(axis=0).astype(np.int64)
    return ZoneOccupancy(present, on_calls, on_calls)


def meetings(capacity: int, tod: FloatArray, schedule: Schedule, rng: np.random.Generator) -> ZoneOccupancy:
    """A bookable room: one to four meetings of 30–90 minutes with three to `capacity` people."""
    wanted = int(rng.integers(1, MAX_MEETINGS + 1))
    lengths = rng.choice(np.array(MEETING_MINUTES, dtype=np.float64), MAX_MEETINGS)
    slots = rng.random(MAX_MEETINGS)
    people = rng.integers(min(3, capacity), capacity + 1, MAX_MEETINGS)
    late = rng.uniform(0.0, 4.0, MAX_MEETINGS)
    present = np.zeros(len(tod), dtype=np.int64)
    talkers = np.zeros(len(tod), dtype=np.int64)
    booked: list[tuple[float, float]] = []
    for length, slot, size, delay in zip(lengths, slots, people, late, strict=True):
        if len(booked) == wanted:
            break
        # Bookings start on the quarter hour and must end by the end of the working day.
        quarters = int((schedule.end - length - schedule.start) // 15)
        if quarters < 0:
            continue
        begin = schedule.start + 15.0 * int(slot * (quarters + 1))
        end = begin + length
        if any(begin < b_end and b_begin < end for b_begin, b_end in booked):
            continue  # the room is taken then; that meeting went elsewhere
        booked.append((begin, end))
        during = (tod >= begin + delay) & (tod < end)
        present += np.where(during, size, 0)
        talkers += during  # one person speaks at a time
    return ZoneOccupancy(present, np.zeros_like(present), talkers)


def break_room(capacity: int, tod: FloatArray, schedule: Schedule, rng: np.random.Generator) -> ZoneOccupancy:
    """A shared kitchen: crowds at morning coffee, lunch and afternoon coffee, a few visits between."""
    am = schedule.start + 90.0
    pm = schedule.end - 150.0
    groups = (
        # (expected visitors per seat, arrival sampler, stay min, stay max)
        (0.6, lambda k: rng.normal(am, 12.0, k), 8.0, 20.0),
        (0.9, lambda k: rng.uniform(*LUNCH_WINDOW, k), 20.0, 45.0),
        (0.5, lambda k: rng.normal(pm, 12.0, k), 8.0, 20.0),
        (0.6, lambda k: rng.uniform(schedule.start, schedule.end, k), 3.0, 10.0),
    )
    arrivals: list[FloatArray] = []
    leaves: list[FloatArray] = []
    for per_seat, sampler, low, high in groups:
        k = int(rng.poisson(per_seat * capacity))
        arrive = np.clip(sampler(k), schedule.start, schedule.end)
        arrivals.append(arrive)
        leaves.append(np.minimum(arrive + rng.uniform(low, high, k), schedule.end))
    present = np.minimum(_count(tod, np.concatenate(arrivals), np.concatenate(leaves)), capacity)
    return ZoneOccupancy(present, np.zeros_like(present), present // 2)


def visitors(capacity: int, tod: FloatArray, schedule: Schedule, rng: np.random.Generator) -> ZoneOccupancy:
    """Any other room: short visits scattered over the working day."""
    k = int(rng.poisson(capacity))
    arrive = rng.uniform(schedule.start, schedule.end, k)
    leave = np.minimum(arrive + rng.uniform(5.0, 30.0, k), schedule.end)
    present = np.minimum(_count(tod, arrive, leave), capacity)
    return ZoneOccupancy(present, np.zeros_like(present), present // 2)


def _scatter(rng: np.random.Generator, n: int) -> FloatArray:
    return np.clip(rng.normal(0.0, ARRIVAL_SPREAD_MIN, n), -ARRIVAL_LIMIT_MIN, ARRIVAL_LIMIT_MIN)


def _within(tod: FloatArray, begin: FloatArray, end: FloatArray) -> NDArray[np.bool_]:
    """Per person (row) and minute (column): whether the minute lies in [begin, end)."""
    return (tod[None, :] >= begin[:, None]) & (tod[None, :] < end[:, None])


def _count(tod: FloatArray, arrive: FloatArray, leave: FloatArray) -> IntArray:
    """How many of the intervals [arrive, leave) hold each minute."""
    arrived = np.searchsorted(np.sort(arrive), tod, side="right")
    left = np.searchsorted(np.sort(leave), tod, side="right")
    return (arrived - left).astype(np.int64)


def _calls(tod: FloatArray, schedule: Schedule, share: float, rng: np.random.Generator) -> NDArray[np.bool_]:
    """One agent's calls: back-to-back call slots, each taken with the utilisation at its start."""
    talk = 1.0 + rng.exponential(CALL_TALK_MIN, CALL_SLOTS)
    wrap = rng.exponential(CALL_WRAP_MIN, CALL_SLOTS)
    starts = rng.uniform(0.0, 6.0) + np.concatenate(([0.0], np.cumsum(talk + wrap)[:-1]))
    take = rng.random(CALL_SLOTS)
    slot = np.clip(np.searchsorted(starts, tod, side="right") - 1, 0, CALL_SLOTS - 1)
    # The utilisation at the call's start decides whether the slot holds a call at all.
    taken = take < call_utilisation(starts, schedule) * share / CALL_COVER
    return (tod >= starts[slot]) & (tod < starts[slot] + talk[slot]) & taken[slot]
