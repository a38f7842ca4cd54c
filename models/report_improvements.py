"""The period report's improvement areas: a short list in words, drawn from the other sections and the analysis.

In this order: the centre below its answer-rate target, the answer groups below it (the lowest three named),
NKI below target, zones out of band (per quantity, the three worst), the analysis's top three ranked actions
with a benefit (on the centre's average sick-day rate), the coming weeks at risk, and the departments whose
citizen feedback is most often failure demand. None of them: one sentence saying so.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from models.absence import TOTAL
from models.report import Message, ReportData, Section
from models.targets import GoalTargets

TOP = 3  # names per statement: a short list
RISKY = 0.5  # P(below target) from which a coming week counts as at risk
FAILURE_DEMAND_MIN_TAGGED = 20  # tagged cases below which a department's share is too uncertain to single out
FAILURE_DEMAND_SHARE = 0.3  # a department above this share of failure demand is named


def improvements_section(sections: Sequence[Section], data: ReportData, targets: GoalTargets) -> Section:
    """The improvement areas of the report whose other sections are `sections`."""
    by_key = {s.key: s for s in sections}
    items: list[Message] = []
    items += _goals(by_key["goals"].figures, targets)
    items += _zones(by_key["environment"].figures)
    items += _actions(data)
    items += _risk(by_key["risk"].figures)
    items += _feedback(by_key["feedback"].figures)
    if not items:
        known = by_key["goals"].figures.get("centre") is not None and by_key["goals"].figures["centre"]["offered"]
        items.append(Message("improve.none" if known else "improve.no_data"))
    return Section("improvements", {"count": len(items)}, statements=tuple(items))


def _goals(figures: Any, targets: GoalTargets) -> list[Message]:
    out = []
    centre = figures.get("centre")
    if centre is not None and centre["met"] is False:
        out.append(
            Message(
                "improve.centre_below",
                {
                    "rate_pct": centre["answer_rate"],
                    "target_pct": targets.answer_rate,
                    "weeks_met_int": centre["weeks_met"],
                    "weeks_int": centre["weeks"],
                },
            )
        )
    teams = [t for t in figures.get("teams", []) if t["answer_rate"] is not None]
    below = sorted((t for t in teams if t["met"] is False), key=lambda t: t["answer_rate"])
    if below:
        lowest = [{"team": t["team"], "rate_pct": t["answer_rate"]} for t in below[:TOP]]
        out.append(
            Message(
                "improve.groups_below",
                {
                    "count_int": len(below),
                    "total_int": len(teams),
                    "target_pct": targets.answer_rate,
                    "lowest_items": lowest,
                },
            )
        )
    latest = {}
    for row in figures.get("nki", []):
        latest[row["dimension"]] = row  # rows come oldest tertial first: the last one is this tertial's
    for dimension, row in latest.items():
        if row["met"] is False and centre is not None and row["tertial"] == centre["tertial"]:
            out.append(
                Message(
                    "improve.nki_below",
                    {"dimension_key": f"nki.{dimension}", "score_num": row["score"], "target_num": row["target"]},
                )
            )
    return out


def _zones(figures: Any) -> list[Message]:
    out = []
    zones = {row["quantity"]: row["zones"] for row in figures.get("centre", [])}
    for quantity in figures.get("quantities", []):
        worst = sorted(
            (r for r in figures.get("out", []) if r["quantity"] == quantity), key=lambda r: -(r["share_act"] or 0)
        )
        if worst:
            out.append(
                Message(
                    "improve.zones_out",
                    {
                        "quantity_key": f"quantity.{quantity}",
                        "count_int": len(worst),
                        "total_int": zones.get(quantity, len(worst)),
                        "zones_items": [{"zone": r["zone"], "share_pct": r["share_act"]} for r in worst[:TOP]],
                    },
                )
            )
    return out


def _actions(data: ReportData) -> list[Message]:
    if data.analysis is None or data.analysis.actions_centre_rate.empty:
        return []
    frame = data.analysis.actions_centre_rate
    useful = frame[frame["expected_sick_days_avoided_per_year"].fillna(0) > 0].sort_values("rank")
    out = []
    for row in useful.head(TOP).to_dict("records"):
        out.append(
            Message(
                "improve.action",
                {
                    "rank_int": int(row["rank"]),
                    "action": {"en": str(row["action_name"]), "sv": str(row["action_name_sv"])},
                    "zone": str(row["zone"]),
                    "days_num": float(row["expected_sick_days_avoided_per_year"]),
                    "gain_pp": _number(row["expected_answer_rate_gain_pp"]),
                    "cost_int": _number(row["cost_sek"]),
                    "confidence_key": f"confidence.{row['confidence']}",
                },
            )
        )
    return out


def _risk(figures: Any) -> list[Message]:
    rows = figures.get("rows", [])
    centre = next((r for r in rows if r["team"] == TOTAL), None)
    if centre is None:
        return []
    risky = [c for c in centre["cells"] if (c["p_below_target"] or 0) >= RISKY]
    group_weeks = int(figures.get("group_weeks_at_risk") or 0)
    if risky:
        params = {
            "weeks_int": len(risky),
            "total_int": len(centre["cells"]),
            "first_week": risky[0]["week_start"],
            "max_pct0": centre["max_p_below"],
            "group_weeks_int": group_weeks,
        }
        return [Message("improve.risk", params)]
    if group_weeks:
        return [Message("improve.risk_groups", {"group_weeks_int": group_weeks, "total_int": len(centre["cells"])})]
    return []


def _feedback(figures: Any) -> list[Message]:
    named = [
        d
        for d in figures.get("departments", [])
        if (d["tagged"] or 0) >= FAILURE_DEMAND_MIN_TAGGED and (d["failure_demand_share"] or 0) > FAILURE_DEMAND_SHARE
    ]
    named.sort(key=lambda d: -d["failure_demand_share"])
    if not named:
        return []
    items = [{"department": d["department"], "share_pct": d["failure_demand_share"]} for d in named[:TOP]]
    return [Message("improve.failure_demand", {"departments_items": items, "threshold_pct": FAILURE_DEMAND_SHARE})]


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number == number else None  # NaN is no number
