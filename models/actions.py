"""Ranked actions: what a physical change in a zone would do to its answer group's short sick leave and answer rate.

The catalogue (models/data/actions.toml, a site may override it) says per action which quantity it moves
and how (an effect kind interpreted here, generically), what it costs, how soon it works and how long
it lasts. For every zone × action:

1. **Exposure after.** The zone's recent occupied-hours mean goes through the action's effect.
2. **The part that counts.** Only the part of the change that lies outside the quantity's good band
   (sensors/quantities.py, in force in `month`) in the direction of the change counts: CO₂ from 1100 to
   700 ppm counts 300 ppm (down to 800), light from 450 to 750 lx counts 50 lx (up to 500). A zone
   already in the good band gains nothing from more of the same; a change away from the band gains nothing.
3. **Sick days avoided per year.** With the combined effect per unit change (a rate ratio RR on short-term
   sick spells, applied to short-term sick days, i.e. spells are taken to keep their length) and Δ the
   counted change in units of change: days = baseline days per FTE-year × FTE × (1 − RR^Δ), summed over
   the zone's teams; the 95 % interval is the same with the ends of the ratio's interval (the baseline is
   taken as known). Where no estimate exists ("none"), no benefit is claimed and the row says why.
4. **Answer-rate gain** (Erlang A, models.erlang). A team of m seats (its FTE, rounded) has on an open day
   k of them present with k ~ Binomial(m, q), q = mean available agents ÷ m (absence of every reason and
   part-time alike). Its expected answer rate is Σ_k P(k)·ErlangA(calls per open hour, handle time,
   patience, k). Sick days avoided (calendar days, spread evenly over the week) raise the mean available
   agents by days ÷ 365.25; the gain is the difference in percentage points, with the interval of the
   days. A zone's gain is its teams' call-weighted mean; the centre's gain weights by all teams' calls.
   The mean hourly volume stands for every hour, so intraday peaks are not modelled.
5. **Benefit against cost.** Cost = the catalogue's range × the zone's size (per zone, m², workstation),
   annualised as an equivalent annual cost over the action's lifetime at `discount_rate`
   (C·r / (1 − (1 + r)^−L); r = 0 gives C ÷ L). The default 3.5 % is the real rate Swedish public-sector
   appraisal uses (Trafikverket ASEK). Benefit = sick days avoided × the value of one sick day (SEK);
   the answer-rate gain is reported but not priced, and energy savings are not counted.

**Ranking rule.** First the actions whose benefit is shown — a computed benefit whose whole 95 % interval
of sick days avoided lies above zero, with confidence "high" or "moderate" — by their benefit–cost ratio;
then those with a benefit the data cannot pin down (the interval includes zero, or confidence "low"), by
the same ratio; last the lines without a benefit (good band, no estimate, no team, no data, unmeasured,
or an expected change for the worse: the site's estimate points the other way), by zone and catalogue
order. Ranking by the benefit–cost ratio is how a fixed budget is best spent
(ASEK's net present value ratio orders the same way); putting shown benefits first keeps a noisy
estimate from topping the list on its point value alone.

**Privacy.** The baseline sick-day rate is the caller's choice: each team's own for HR and admin, the
centre's average for other roles, so that no small group's absence can be read back from the list. The
functions here do not care which they get.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy.stats import binom

from models.erlang import answer_rate
from models.errors import ModelInputError
from models.evidence import Z95, Estimate
from sensors.quantities import QUANTITIES, Band

if TYPE_CHECKING:
    from models.associations import Association

EFFECT_KINDS = ("scale_excess", "shift", "at_least", "at_most", "unmeasured")
COST_UNITS = {"zone": None, "m2": "area_m2", "workstation": "capacity"}
DAYS_PER_YEAR = 365.25  # sick days are calendar days (models.absence)
DISCOUNT_RATE = 0.035  # real, as in Swedish public-sector appraisal (Trafikverket ASEK)
MIN_WEEKS = 4  # fewer recent weeks (or less than MIN_COMPLETENESS of their hours) lower the confidence a step
MIN_COMPLETENESS = 0.5
CONFIDENCE_LEVELS = ("none", "low", "moderate", "high")
SHOWN, UNSURE, NO_BENEFIT = 0, 1, 2  # ranking tiers (see the module doc)
# Why a line claims no benefit, as a code a program or a page translates (`reason` has it in English words).
REASON_CODES = (
    "unmeasured",
    "no_team",
    "no_data",
    "no_change",
    "good_band",
    "no_estimate",
    "no_sick_days",
    "other_way",
)

EXPOSURE_COLUMNS = ["zone", "quantity", "mean", "weeks", "completeness"]
TEAM_COLUMNS = [
    "team",
    "zone",
    "fte",
    "sick_days_per_fte_year",
    "open_days_per_year",
    "calls_per_open_hour",
    "available_agents",
]
ZONE_COLUMNS = ["zone", "area_m2", "capacity"]
RANKED_COLUMNS = [
    "rank",
    "zone",
    "teams",
    "action",
    "action_name",
    "action_name_sv",
    "quantity",
    "unit",
    "current",
    "after",
    "counted_change",
    "exposure_weeks",
    "expected_sick_days_avoided_per_year",
    "sick_days_ci_low",
    "sick_days_ci_high",
    "agent_days_regained_per_year",
    "expected_answer_rate_gain_pp",
    "answer_rate_gain_ci_low_pp",
    "answer_rate_gain_ci_high_pp",
    "centre_answer_rate_gain_pp",
    "cost_low_sek",
    "cost_high_sek",
    "cost_sek",
    "annual_cost_sek",
    "benefit_sek_per_year",
    "benefit_cost_ratio",
    "benefit_cost_ratio_low",
    "benefit_cost_ratio_high",
    "lead_time_weeks",
    "lifetime_years",
    "confidence",
    "local_weight",
    "evidence",
    "reason",
    "reason_code",
    "action_effect",
    "cost_note",
    "sources",
]
_DAY_COLUMNS = (
    "expected_sick_days_avoided_per_year",
    "sick_days_ci_low",
    "sick_days_ci_high",
    "agent_days_regained_per_year",
)
_PP_COLUMNS = (
    "expected_answer_rate_gain_pp",
    "answer_rate_gain_ci_low_pp",
    "answer_rate_gain_ci_high_pp",
    "centre_answer_rate_gain_pp",
)
_BENEFIT_COLUMNS = (*_DAY_COLUMNS, *_PP_COLUMNS)
_RATIO_COLUMNS = ("benefit_cost_ratio", "benefit_cost_ratio_low", "benefit_cost_ratio_high")
_SEK_COLUMNS = ("cost_low_sek", "cost_high_sek", "cost_sek", "annual_cost_sek", "benefit_sek_per_year")
_ACTION_FIELDS = {
    "name",
    "name_sv",
    "quantity",
    "effect",
    "effect_note",
    "cost",
    "cost_note",
    "lead_time_weeks",
    "lifetime_years",
    "sources",
    "enabled",
}
_EFFECT_PARAMETERS = {
    "scale_excess": ("factor", "reference"),
    "shift": ("delta",),
    "at_least": ("level",),
    "at_most": ("level",),
    "unmeasured": (),
}


# ----- the catalogue ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Effect:
    """What an action does to a quantity's occupied-hours mean (the kinds are documented in actions.toml)."""

    kind: str
    factor: float = 1.0
    reference: float = 0.0
    delta: float = 0.0
    level: float = 0.0

    def apply(self, value: float) -> float:
        """The mean after the action; unchanged for "unmeasured" (and NaN stays NaN)."""
        if not math.isfinite(value):
            return math.nan
        if self.kind == "scale_excess":
            return self.reference + self.factor * (value - self.reference) if value > self.reference else value
        if self.kind == "shift":
            return value + self.delta
        if self.kind == "at_least":
            return max(value, self.level)
        if self.kind == "at_most":
            return min(value, self.level)
        return value


@dataclass(frozen=True)
class Cost:
    """A cost range in SEK (excluding VAT) per zone, per m² of floor or per workstation."""

    low: float
    high: float
    per: str

    def for_zone(self, area_m2: float, capacity: float) -> tuple[float, float]:
        """The range for a zone of this area and capacity."""
        units = {"zone": 1.0, "m2": area_m2, "workstation": capacity}[self.per]
        return self.low * units, self.high * units


@dataclass(frozen=True)
class ActionSpec:
    """One action of the catalogue."""

    key: str
    name: str
    name_sv: str
    quantity: str
    effect: Effect
    effect_note: str
    cost: Cost
    cost_note: str
    lead_time_weeks: float
    lifetime_years: float
    sources: tuple[str, ...]


def parse_catalogue(data: Mapping[str, Any], override: Mapping[str, Any] | None = None) -> list[ActionSpec]:
    """The actions of a catalogue in its TOML form, with a site's override applied; ModelInputError names what.

    An override table with a catalogue key replaces the fields it names (a whole `effect` or `cost`
    table at a time), a new key adds an action, and `enabled = false` leaves one out.
    """
    merged: dict[str, dict[str, Any]] = {}
    for origin, tables in (("catalogue", data), ("override", override or {})):
        for key, row in tables.items():
            if not isinstance(row, Mapping):
                raise ModelInputError(f"actions ({origin}): [{key}] must be a table of fields")
            merged[key] = {**merged.get(key, {}), **row}
    actions = []
    for key, row in merged.items():
        enabled = row.get("enabled", True)
        if not isinstance(enabled, bool):
            raise ModelInputError(f"actions: [{key}] enabled must be true or false, got {enabled!r}")
        if enabled:
            actions.append(_action(key, row))
    return actions


def _action(key: str, row: Mapping[str, Any]) -> ActionSpec:
    where = f"actions: [{key}]"
    unknown = sorted(set(row) - _ACTION_FIELDS)
    if unknown:
        raise ModelInputError(
            f"{where} has unknown field(s) {', '.join(unknown)}; known: {', '.join(sorted(_ACTION_FIELDS))}"
        )
    missing = sorted(_ACTION_FIELDS - {"enabled", "cost_note"} - set(row))
    if missing:
        raise ModelInputError(f"{where} lacks {', '.join(missing)}")
    quantity = row["quantity"]
    if quantity not in QUANTITIES:
        raise ModelInputError(f"{where} quantity {quantity!r} is not a quantity key (known: {', '.join(QUANTITIES)})")
    sources = row["sources"]
    if (
        not isinstance(sources, list | tuple)
        or not sources
        or not all(isinstance(s, str) and s.strip() for s in sources)
    ):
        raise ModelInputError(f"{where} sources must be a non-empty list of texts: every action names its source")
    lifetime = _number(row, "lifetime_years", where)
    if lifetime <= 0:
        raise ModelInputError(f"{where} lifetime_years must be > 0, got {lifetime:g}")
    lead = _number(row, "lead_time_weeks", where)
    if lead < 0:
        raise ModelInputError(f"{where} lead_time_weeks must be ≥ 0, got {lead:g}")
    return ActionSpec(
        key=key,
        name=_text(row, "name", where),
        name_sv=_text(row, "name_sv", where),
        quantity=quantity,
        effect=_effect(row["effect"], quantity, where),
        effect_note=_text(row, "effect_note", where),
        cost=_cost(row["cost"], where),
        cost_note=str(row.get("cost_note", "")).strip(),
        lead_time_weeks=lead,
        lifetime_years=lifetime,
        sources=tuple(s.strip() for s in sources),
    )


def _effect(table: Any, quantity: str, where: str) -> Effect:
    if not isinstance(table, Mapping):
        raise ModelInputError(f'{where} effect must be a table with a kind, e.g. {{ kind = "shift", delta = -3 }}')
    kind = table.get("kind")
    if kind not in _EFFECT_PARAMETERS:
        raise ModelInputError(f"{where} effect.kind must be one of {', '.join(EFFECT_KINDS)}, got {kind!r}")
    wanted = _EFFECT_PARAMETERS[kind]
    extra = sorted(set(table) - {"kind", *wanted})
    if extra:
        raise ModelInputError(
            f"{where} effect of kind {kind!r} takes {', '.join(wanted) or 'no parameters'}, not {', '.join(extra)}"
        )
    values = {name: _number(table, name, f"{where} effect.") for name in wanted}
    spec = QUANTITIES[quantity]
    if kind == "scale_excess" and not 0 < values["factor"] <= 10:
        raise ModelInputError(f"{where} effect.factor must be in (0, 10], got {values['factor']:g}")
    if kind == "shift" and values["delta"] == 0:
        raise ModelInputError(f"{where} effect.delta must not be 0: a shift that moves nothing")
    if kind in ("at_least", "at_most") and not spec.is_plausible(values["level"]):
        raise ModelInputError(
            f"{where} effect.level {values['level']:g} lies outside {quantity}'s plausible range "
            f"{spec.minimum:g}–{spec.maximum:g} {spec.unit}"
        )
    return Effect(kind, **values)


def _cost(table: Any, where: str) -> Cost:
    if not isinstance(table, Mapping):
        raise ModelInputError(f'{where} cost must be a table {{ low = SEK, high = SEK, per = "zone" }}')
    per = table.get("per")
    if per not in COST_UNITS:
        raise ModelInputError(f"{where} cost.per must be one of {', '.join(COST_UNITS)}, got {per!r}")
    extra = sorted(set(table) - {"low", "high", "per"})
    if extra:
        raise ModelInputError(f"{where} cost has unknown field(s) {', '.join(extra)}; known: low, high, per")
    low, high = _number(table, "low", f"{where} cost."), _number(table, "high", f"{where} cost.")
    if not 0 <= low <= high:
        raise ModelInputError(f"{where} cost must have 0 ≤ low ≤ high, got low {low:g}, high {high:g}")
    return Cost(low, high, per)


def _number(table: Mapping[str, Any], name: str, where: str) -> float:
    value = table.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        sep = "" if where.endswith(".") else " "
        raise ModelInputError(f"{where}{sep}{name} must be a finite number, got {value!r}")
    return float(value)


def _text(table: Mapping[str, Any], name: str, where: str) -> str:
    value = table.get(name)
    if not isinstance(value, str) or not value.strip():
        raise ModelInputError(f"{where} {name} must be a non-empty text, got {value!r}")
    return " ".join(value.split())


# ----- the effects on sick leave ------------------------------------------------------------------------


@dataclass(frozen=True)
class SickLeaveEffect:
    """One quantity's combined effect on short-term sick spells per unit change, with its confidence."""

    quantity: str
    unit_change: float
    unit_label: str
    estimate: Estimate | None  # None: no estimate at all
    confidence: str  # high, moderate, low, none (models.evidence.confidence)
    statement: str
    basis: str = ""  # what the estimate rests on: the research source, the site's data
    local_weight: float | None = None  # the site's share of the combined estimate (0: research only; None: none)


def effects_from_associations(
    associations: Iterable[Association], outcome: str = "short_term_sick_spells", lag_weeks: int = 0
) -> dict[str, SickLeaveEffect]:
    """Per quantity, the combined estimate of one outcome and lag (fixed in advance, not picked for the best)."""
    out: dict[str, SickLeaveEffect] = {}
    for a in associations:
        if a.outcome != outcome or a.lag_weeks != lag_weeks:
            continue
        word, sentence = a.confidence()
        prior = a.evidence.prior_for(outcome)
        basis = [f"research: {prior.source}"] if prior is not None else []
        if a.fit.estimate is not None:
            basis.append(f"the site's data: {a.fit.n} team-weeks")
        elif a.fit.reason:
            basis.append(f"the site's data: {a.fit.reason}")
        estimate = None if a.combined is None else a.combined.estimate
        weight = None if a.combined is None else a.combined.local_weight
        out[a.quantity] = SickLeaveEffect(
            a.quantity, a.unit_change, a.unit_label, estimate, word, sentence, "; ".join(basis), weight
        )
    return out


# ----- the band rule ------------------------------------------------------------------------------------


def good_band(quantity: str, month: int) -> tuple[float, float] | None:
    """The quantity's good band [low, high] in force in the month; None if it has none."""
    for limits in QUANTITIES[quantity].bands:
        if limits.band is Band.GOOD and (not limits.months or month in limits.months):
            return limits.low, limits.high
    return None


def counted_change(quantity: str, before: float, after: float, month: int) -> float:
    """The signed part of a change from `before` to `after` that lies outside the good band, toward it.

    A decrease counts only above the band's upper limit, an increase only below its lower limit; a
    quantity without a good band counts the whole change.
    """
    if not (math.isfinite(before) and math.isfinite(after)) or after == before:
        return 0.0
    band = good_band(quantity, month)
    if band is None:
        return after - before
    low, high = band
    if after < before:
        part = max(0.0, before - max(after, high))
        return -part if part > 0 else 0.0
    return max(0.0, min(after, low) - before)


# ----- availability and answer rate ---------------------------------------------------------------------


def seats(fte: float, available_agents: float) -> int:
    """The team's places as whole agents: its FTE rounded half up, at least its mean available agents."""
    return max(math.floor(fte + 0.5), math.ceil(available_agents - 1e-9), 0)


def expected_answer_rate(
    calls_per_hour: float, handle_time_s: float, patience_s: float, seat_count: int, available_agents: float
) -> float:
    """Erlang A's answer rate averaged over the days' agent counts, k ~ Binomial(seats, available ÷ seats)."""
    if seat_count <= 0:
        return _answer_rate(calls_per_hour, handle_time_s, patience_s, 0)
    present = min(max(available_agents / seat_count, 0.0), 1.0)
    k = np.arange(seat_count + 1)
    weights = binom.pmf(k, seat_count, present)
    rates = [_answer_rate(calls_per_hour, handle_time_s, patience_s, int(n)) for n in k]
    return float(np.dot(weights, rates))


@lru_cache(maxsize=4096)
def _answer_rate(calls_per_hour: float, handle_time_s: float, patience_s: float, agents: int) -> float:
    return answer_rate(calls_per_hour, handle_time_s, patience_s, agents)


# ----- the ranking --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Team:
    team: str
    fte: float
    sick_days: float  # baseline short-term sick days per FTE-year
    open_days: float
    calls: float  # mean offered calls per open hour (NaN: unknown)
    available: float


@dataclass
class _Row:
    """One zone × action while it is assessed."""

    values: dict[str, Any] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)  # one of REASON_CODES per reason, for programs and pages

    def because(self, code: str, text: str) -> None:
        """Add a reason: its code (REASON_CODES) and its sentence."""
        assert code in REASON_CODES, code
        self.codes.append(code)
        self.reasons.append(text)


def rank_actions(
    catalogue: Sequence[ActionSpec],
    exposure: pd.DataFrame,
    effects: Mapping[str, SickLeaveEffect],
    teams: pd.DataFrame,
    zones: pd.DataFrame,
    *,
    month: int,
    sick_day_value_sek: float,
    handle_time_s: float,
    patience_s: float,
    discount_rate: float = DISCOUNT_RATE,
    min_weeks: int = MIN_WEEKS,
) -> pd.DataFrame:
    """Every zone × action, ranked (see the module doc): RANKED_COLUMNS, rounded for people, intervals kept.

    exposure: zone, quantity, mean (occupied-hours mean over the recent weeks), weeks (weeks with enough
    data behind it), completeness (share of the recent occupied hours with data).
    effects: per quantity its SickLeaveEffect (e.g. effects_from_associations).
    teams: team, zone, fte, sick_days_per_fte_year (short-term sick days, calendar days — the team's
    own or the centre's average: the caller chooses, see the module doc), open_days_per_year,
    calls_per_open_hour (empty: unknown), available_agents (mean over open hours).
    zones: zone, area_m2, capacity (the site file); every zone is assessed, with or without a team.
    month: the month whose comfort bands judge the recent weeks (1–12).
    """
    _require(exposure, EXPOSURE_COLUMNS, "exposure")
    _require(teams, TEAM_COLUMNS, "teams")
    _require(zones, ZONE_COLUMNS, "zones")
    _check_arguments(month, sick_day_value_sek, handle_time_s, patience_s, discount_rate)
    zone_sizes = _zone_sizes(zones)
    by_zone = _teams_by_zone(teams, zone_sizes)
    recent = _recent_exposure(exposure)
    all_calls = sum(t.calls for members in by_zone.values() for t in members if math.isfinite(t.calls))
    context = _Context(effects, month, min_weeks, handle_time_s, patience_s, all_calls)
    rows = []
    for zone, (area, capacity) in zone_sizes.items():
        for action in catalogue:
            row = _assess(action, zone, by_zone.get(zone, []), recent.get((zone, action.quantity)), context)
            _price(row, action, area, capacity, sick_day_value_sek, discount_rate)
            rows.append(row)
    return _ranked(rows)


@dataclass(frozen=True)
class _Context:
    """What every zone × action is assessed with."""

    effects: Mapping[str, SickLeaveEffect]
    month: int
    min_weeks: int
    handle_time_s: float
    patience_s: float
    all_calls: float  # mean offered calls per open hour of every team with a zone (the centre's gain)


def _assess(
    action: ActionSpec, zone: str, members: list[_Team], recent: tuple[float, float, float] | None, ctx: _Context
) -> _Row:
    """Exposure after, the counted change, sick days avoided and the answer-rate gain of one zone × action."""
    spec = QUANTITIES[action.quantity]
    mean, weeks, completeness = recent if recent is not None else (math.nan, 0.0, 0.0)
    after = action.effect.apply(mean)
    counted = counted_change(action.quantity, mean, after, ctx.month)
    effect = ctx.effects.get(action.quantity)
    row = _describe(action, zone, members, (mean, weeks, completeness), after, counted, effect)
    band = good_band(action.quantity, ctx.month)
    if action.effect.kind == "unmeasured":
        row.because(
            "unmeasured",
            f"Acts on what the sensors do not measure, not on the zone's {spec.label}: no change of exposure and "
            "no benefit is computed (action_effect says what it does instead).",
        )
        return row
    if not members:
        row.because("no_team", "No answer group sits in this zone: no sick days or answer rate to gain.")
        return row
    if not math.isfinite(mean):
        row.because("no_data", f"No recent {spec.label} data for this zone: the action cannot be judged.")
        return row
    word = effect.confidence if effect is not None and effect.estimate is not None else "none"
    if counted == 0:
        row.values.update(dict.fromkeys(_BENEFIT_COLUMNS, 0.0))
        row.values["confidence"] = _lowered(word, weeks, completeness, ctx.min_weeks, row)
        if after == mean:
            row.because(
                "no_change", f"The action does not change {spec.label} here ({_fmt(mean, spec.decimals)} {spec.unit})."
            )
        else:
            row.because(
                "good_band",
                f"Already in the good band ({_band_text(band, spec.unit)}) or moving away from it: "
                "more of the same gains nothing.",
            )
        return row
    if effect is None or effect.estimate is None:
        why = effect.statement if effect is not None else "no association was estimated for it"
        row.because(
            "no_estimate",
            f"No estimate of how {spec.label} affects short-term sick leave ({why}): no sick-days benefit is claimed.",
        )
        return row
    if band is not None:
        row.evidence.append(
            f"Counted: {_fmt(counted, spec.decimals)} {spec.unit} of the change, the part outside the good band "
            f"({_band_text(band, spec.unit)})."
        )
    units = counted / effect.unit_change
    e = effect.estimate
    # The share of a team's short-term sick days avoided: 1 − RR^Δ at the estimate and at its interval's ends.
    share = {
        "mid": 1 - math.exp(e.log * units),
        "a": 1 - math.exp((e.log - Z95 * e.se) * units),
        "b": 1 - math.exp((e.log + Z95 * e.se) * units),
    }
    days = {k: sum(t.sick_days * t.fte * v for t in members) for k, v in share.items()}
    row.values.update(
        expected_sick_days_avoided_per_year=days["mid"],
        sick_days_ci_low=min(days["a"], days["b"]),
        sick_days_ci_high=max(days["a"], days["b"]),
        agent_days_regained_per_year=sum(t.sick_days * t.fte * share["mid"] * t.open_days for t in members)
        / DAYS_PER_YEAR,
    )
    if all(t.sick_days * t.fte == 0 for t in members):
        row.because("no_sick_days", "The team had no short-term sick days in the period: none to avoid.")
    elif days["mid"] < 0:
        row.because("other_way", "The estimate points the other way: by it the action would add sick days.")
    gains = _answer_rate_gains(members, share, ctx)
    if not gains:
        row.evidence.append("No call volume for the zone's team(s): the answer rate is not modelled.")
    row.values.update(gains)
    row.values["confidence"] = _lowered(word, weeks, completeness, ctx.min_weeks, row)
    return row


def _describe(
    action: ActionSpec,
    zone: str,
    members: list[_Team],
    recent: tuple[float, float, float],
    after: float,
    counted: float,
    effect: SickLeaveEffect | None,
) -> _Row:
    """A row's identity, exposure and the evidence every line shows, before any benefit."""
    spec = QUANTITIES[action.quantity]
    mean, weeks, completeness = recent
    row = _Row()
    row.values = {
        "zone": zone,
        "teams": ", ".join(t.team for t in members),
        "action": action.key,
        "action_name": action.name,
        "action_name_sv": action.name_sv,
        "quantity": action.quantity,
        "unit": spec.unit,
        "current": mean,
        "after": after,
        "counted_change": counted,
        "exposure_weeks": int(weeks),
        "confidence": "none",
        "local_weight": math.nan if effect is None or effect.local_weight is None else round(effect.local_weight, 3),
        **dict.fromkeys(_BENEFIT_COLUMNS, math.nan),
    }
    if effect is not None and effect.estimate is not None:
        row.evidence.append(_effect_sentence(effect))
    elif effect is not None:
        row.evidence.append(f"{spec.label}: {effect.statement}")
    if math.isfinite(mean):
        plural = "s" if int(weeks) != 1 else ""
        row.evidence.append(
            f"Recent exposure {_fmt(mean, spec.decimals)} {spec.unit} over {int(weeks)} week{plural} "
            f"({_percent(completeness)} of occupied hours with data)."
        )
    return row


def _answer_rate_gains(members: list[_Team], share: Mapping[str, float], ctx: _Context) -> dict[str, float]:
    """The zone's call-weighted answer-rate gain (pp) at the expected days and at the interval's ends."""
    handle, patience = ctx.handle_time_s, ctx.patience_s
    weighted = {"mid": 0.0, "a": 0.0, "b": 0.0}
    calls = 0.0
    for t in members:
        if not math.isfinite(t.calls) or t.calls <= 0:
            continue
        m = seats(t.fte, t.available)
        before = expected_answer_rate(t.calls, handle, patience, m, t.available)
        for key, avoided in share.items():
            regained = t.sick_days * t.fte * avoided / DAYS_PER_YEAR  # more agents present on an average open day
            after = expected_answer_rate(t.calls, handle, patience, m, min(t.available + regained, m))
            weighted[key] += 100 * (after - before) * t.calls
        calls += t.calls
    if calls == 0:
        return {}
    ends = sorted((weighted["a"] / calls, weighted["b"] / calls))
    return {
        "expected_answer_rate_gain_pp": weighted["mid"] / calls,
        "answer_rate_gain_ci_low_pp": ends[0],
        "answer_rate_gain_ci_high_pp": ends[1],
        "centre_answer_rate_gain_pp": weighted["mid"] / ctx.all_calls if ctx.all_calls > 0 else math.nan,
    }


def _price(row: _Row, action: ActionSpec, area: float, capacity: float, value_sek: float, rate: float) -> None:
    """Cost range, equivalent annual cost, benefit in SEK and the benefit–cost ratio with its interval."""
    low, high = action.cost.for_zone(area, capacity)
    factor = _annuity(rate, action.lifetime_years)
    annual_low, annual_high = low * factor, high * factor
    annual = (annual_low + annual_high) / 2
    days = row.values["expected_sick_days_avoided_per_year"]
    benefit = days * value_sek if math.isfinite(days) else math.nan
    low_days, high_days = row.values["sick_days_ci_low"], row.values["sick_days_ci_high"]
    row.values.update(
        cost_low_sek=low,
        cost_high_sek=high,
        cost_sek=(low + high) / 2,
        annual_cost_sek=annual,
        benefit_sek_per_year=benefit,
        benefit_cost_ratio=_ratio(benefit, annual),
        benefit_cost_ratio_low=_ratio(low_days * value_sek, annual_high),
        benefit_cost_ratio_high=_ratio(high_days * value_sek, annual_low),
        lead_time_weeks=action.lead_time_weeks,
        lifetime_years=action.lifetime_years,
        action_effect=action.effect_note,
        cost_note=action.cost_note,
        sources=list(action.sources),
    )


def _ratio(benefit: float, cost: float) -> float:
    return benefit / cost if cost > 0 and math.isfinite(benefit) else math.nan


def _annuity(rate: float, years: float) -> float:
    """The equivalent annual cost of 1 SEK spent now and lasting `years`: r / (1 − (1 + r)^−L), or 1/L at r = 0."""
    if rate == 0:
        return 1 / years
    return rate / (1 - (1 + rate) ** -years)


def _ranked(rows: list[_Row]) -> pd.DataFrame:
    """Tier, then benefit–cost ratio, then days avoided; rounded for people; rank 1 first."""
    records = []
    for order, row in enumerate(rows):
        values = row.values
        values["evidence"] = " ".join(row.evidence)
        values["reason"] = " ".join(row.reasons)
        values["reason_code"] = row.codes[0] if row.codes else None
        days, low = values["expected_sick_days_avoided_per_year"], values["sick_days_ci_low"]
        if not math.isfinite(days) or days <= 0:  # nothing to gain, or more sick leave expected
            tier = NO_BENEFIT
        elif low > 0 and values["confidence"] in ("high", "moderate"):
            tier = SHOWN
        else:
            tier = UNSURE
        ratio = values["benefit_cost_ratio"]
        values["_key"] = (
            tier,
            -ratio if tier != NO_BENEFIT and math.isfinite(ratio) else math.inf,
            -days if tier != NO_BENEFIT else 0.0,
            order,
        )
        records.append(values)
    records.sort(key=lambda v: v["_key"])
    for rank, values in enumerate(records, start=1):
        values["rank"] = rank
        del values["_key"]
    frame = pd.DataFrame(records, columns=RANKED_COLUMNS)
    return _rounded(frame)


def _rounded(frame: pd.DataFrame) -> pd.DataFrame:
    """Numbers as people read them: exposure at the quantity's decimals, days to 0.1, pp to 0.01, SEK to 100."""
    if frame.empty:
        return frame
    decimals = frame["quantity"].map(lambda q: QUANTITIES[q].decimals)
    for column in ("current", "after", "counted_change"):
        frame[column] = [
            round(v, d) if math.isfinite(v) else math.nan for v, d in zip(frame[column], decimals, strict=True)
        ]
    for column in _DAY_COLUMNS:
        frame[column] = frame[column].astype(float).round(1)
    for column in (*_PP_COLUMNS, *_RATIO_COLUMNS):
        frame[column] = frame[column].astype(float).round(2)
    for column in _SEK_COLUMNS:
        frame[column] = frame[column].astype(float).round(-2)
    return frame


def ranked_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The ranked frame as JSON-ready dicts (NaN → None), e.g. for `analyze --json`'s `actions`."""
    out = []
    for record in frame.to_dict("records"):
        out.append({str(k): _plain(v) for k, v in record.items()})
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, float | np.floating):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, np.integer):
        return int(value)
    return value


# ----- helpers ------------------------------------------------------------------------------------------


def _effect_sentence(effect: SickLeaveEffect) -> str:
    assert effect.estimate is not None
    e = effect.estimate
    label = QUANTITIES[effect.quantity].label
    basis = f" Rests on {effect.basis}." if effect.basis else ""
    return (
        f"{label} {effect.unit_label}: short-term sick spells ×{e.ratio:.2f} (95 % CI {e.ci_low:.2f}–{e.ci_high:.2f}), "
        f"confidence {effect.confidence}. {effect.statement}{basis}"
    )


def _lowered(word: str, weeks: float, completeness: float, min_weeks: int, row: _Row) -> str:
    """The effect's confidence word, one step lower when the zone's recent exposure rests on thin data."""
    if word == "none" or (weeks >= min_weeks and completeness >= MIN_COMPLETENESS):
        return word
    row.evidence.append(
        f"The zone's recent exposure rests on thin data ({int(weeks)} weeks, {_percent(completeness)} of "
        "occupied hours): confidence lowered one step."
    )
    return CONFIDENCE_LEVELS[max(1, CONFIDENCE_LEVELS.index(word) - 1)]


def _band_text(band: tuple[float, float] | None, unit: str) -> str:
    if band is None:
        return "no band"
    low, high = band
    if math.isinf(low):
        return f"≤ {high:g} {unit}"
    if math.isinf(high):
        return f"≥ {low:g} {unit}"
    return f"{low:g}–{high:g} {unit}"


def _percent(share: float) -> str:
    return f"{round(100 * share)} %"


def _fmt(value: float, decimals: int) -> str:
    return f"{value:,.{decimals}f}".replace(",", " ")


def _require(frame: pd.DataFrame, columns: Sequence[str], name: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ModelInputError(f"{name} lacks columns {missing}")


def _check_arguments(month: int, value: float, handle_time_s: float, patience_s: float, rate: float) -> None:
    if isinstance(month, bool) or not isinstance(month, int | np.integer) or not 1 <= month <= 12:
        raise ModelInputError(f"month must be 1–12, got {month!r}")
    if not (math.isfinite(value) and value >= 0):
        raise ModelInputError(f"sick_day_value_sek must be a finite number ≥ 0, got {value!r}")
    if not (math.isfinite(handle_time_s) and handle_time_s > 0):
        raise ModelInputError(f"handle_time_s must be finite and > 0, got {handle_time_s!r}")
    if not patience_s >= 0:
        raise ModelInputError(f"patience_s must be ≥ 0 (inf: nobody hangs up), got {patience_s!r}")
    if not 0 <= rate < 1:
        raise ModelInputError(f"discount_rate is a share in [0, 1), got {rate!r}")


def _zone_sizes(zones: pd.DataFrame) -> dict[str, tuple[float, float]]:
    sizes: dict[str, tuple[float, float]] = {}
    for zone, area, capacity in zones[ZONE_COLUMNS].itertuples(index=False):
        name = str(zone)
        if name in sizes:
            raise ModelInputError(f"zones: zone {name!r} appears twice")
        area_f, capacity_f = float(area), float(capacity)
        if not (math.isfinite(area_f) and area_f > 0):
            raise ModelInputError(f"zones: zone {name!r} area_m2 must be > 0, got {area!r}")
        if not (math.isfinite(capacity_f) and capacity_f >= 0):
            raise ModelInputError(f"zones: zone {name!r} capacity must be ≥ 0, got {capacity!r}")
        sizes[name] = (area_f, capacity_f)
    return sizes


def _teams_by_zone(teams: pd.DataFrame, zones: Mapping[str, Any]) -> dict[str, list[_Team]]:
    """The teams per zone, checked; a team without a zone (empty) sits nowhere."""
    by_zone: dict[str, list[_Team]] = {}
    seen: set[str] = set()
    for record in teams[TEAM_COLUMNS].to_dict("records"):
        team = str(record["team"])
        if team in seen:
            raise ModelInputError(f"teams: team {team!r} appears twice")
        seen.add(team)
        zone = record["zone"]
        if zone is None or zone == "" or (isinstance(zone, float) and math.isnan(zone)):
            continue
        if str(zone) not in zones:
            raise ModelInputError(f"teams: team {team!r} sits in zone {zone!r}, which is not among the zones")
        where = f"teams: team {team!r}"
        fte, sick, open_days, available = (
            _non_negative(record[c], f"{where} {c}")
            for c in ("fte", "sick_days_per_fte_year", "open_days_per_year", "available_agents")
        )
        if not 0 < open_days <= 366:
            raise ModelInputError(f"{where} open_days_per_year must be in (0, 366], got {open_days:g}")
        raw_calls = record["calls_per_open_hour"]
        calls = (
            math.nan
            if raw_calls is None or pd.isna(raw_calls)
            else _non_negative(raw_calls, f"{where} calls_per_open_hour")
        )
        by_zone.setdefault(str(zone), []).append(_Team(team, fte, sick, open_days, calls, available))
    return by_zone


def _non_negative(value: Any, what: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if not (math.isfinite(number) and number >= 0):
        raise ModelInputError(f"{what} must be a finite number ≥ 0, got {value!r}")
    return number


def _recent_exposure(exposure: pd.DataFrame) -> dict[tuple[str, str], tuple[float, float, float]]:
    """(zone, quantity) → (mean, weeks, completeness); a missing mean stays NaN."""
    out: dict[tuple[str, str], tuple[float, float, float]] = {}
    for zone, quantity, mean, weeks, completeness in exposure[EXPOSURE_COLUMNS].itertuples(index=False):
        key = (str(zone), str(quantity))
        if key in out:
            raise ModelInputError(f"exposure: zone {key[0]!r} has two rows for {key[1]!r}")
        if key[1] not in QUANTITIES:
            raise ModelInputError(f"exposure: {key[1]!r} is not a quantity key")
        w = float(weeks) if weeks is not None and math.isfinite(float(weeks)) else 0.0
        c = float(completeness) if completeness is not None and math.isfinite(float(completeness)) else 0.0
        out[key] = (float(mean) if mean is not None else math.nan, w, c)
    return out
