"""The period report's sections, each from what another model computes (see models/report.py for the whole).

Figures are JSON-ready: shares as floats between 0 and 1, dates as ISO strings, missing numbers None.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from models.absence import TOTAL, team_sort_key
from models.absence_views import absence_view
from models.feedback import CATEGORIES, feedback_report
from models.goals import tertial, tertial_report
from models.report import Message, ReportData, ReportSite, ReportWindow, Section
from models.targets import GoalTargets
from sensors.quantities import QUANTITIES

OUT_OF_BAND_SHARE = 0.05  # standards.md: "≥ 95 % of occupied hours in the band"; beyond 5 % a zone is out of it
CLOSED = ("done", "rejected")


def plain(value: Any, digits: int = 4) -> Any:
    """A JSON-ready scalar: floats rounded, NaN and NA None, timestamps and dates ISO dates, numpy types Python's."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return round(float(value), digits) if math.isfinite(value) else None
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def records(frame: pd.DataFrame, columns: list[str]) -> list[dict[str, Any]]:
    """The frame's rows as JSON-ready dicts of `columns`."""
    return [{c: plain(row[c]) for c in columns} for row in frame[columns].to_dict("records")]


# ----- goal fulfilment ------------------------------------------------------------------------------------

RATE_COLUMNS = ["answer_rate", "offered", "answered", "met", "gap_pp", "weeks", "weeks_met", "weeks_met_share"]


def goals_section(window: ReportWindow, data: ReportData, site: ReportSite, targets: GoalTargets) -> Section:
    """Answer rate per tertial and answer group, weeks at target, NKI against its targets (models.goals)."""
    year = tertial_report(data.calls, data.nki, window.year, targets.answer_rate, targets.nki, tz=site.tz)
    before = tertial_report(data.calls, data.nki, window.year - 1, targets.answer_rate, targets.nki, tz=site.tz)
    centre = year.centre[year.centre["tertial"] <= window.period]
    this = centre[centre["tertial"] == window.period]
    previous = before.centre[(before.centre["tertial"] == window.previous) & (before.centre["offered"] > 0)]
    teams = year.teams[year.teams["tertial"] == window.period].assign(
        zone=lambda f: f["team"].map(lambda t: site.team_zone.get(str(t)))
    )
    weeks = year.weeks[(year.weeks["tertial"] == window.period) & (year.weeks["team"] == TOTAL)]
    weeks = weeks[weeks["week_start"] <= pd.Timestamp(window.data_until)]
    nki = year.nki
    if len(nki):  # the centre's figures for the dimensions with a target, the year's tertials up to this one
        nki = nki[(nki["team"] == TOTAL) & (nki["tertial"] <= window.period) & nki["dimension"].isin(list(targets.nki))]
    expected = _weeks_of(window)
    with_calls = int((weeks["offered"] > 0).sum())
    notes: list[Message] = []
    if this.empty or int(this["offered"].iloc[0]) == 0:
        notes.append(Message("note.no_calls", {"period": window.period}))
    elif with_calls < len(expected):
        notes.append(
            Message("note.weeks_missing", {"missing_int": len(expected) - with_calls, "weeks_int": len(expected)})
        )
    if nki.empty or not (nki["tertial"] == window.period).any():
        notes.append(Message("note.no_nki", {"period": window.period}))
    figures = {
        "target": targets.answer_rate,
        "nki_targets": dict(targets.nki),
        "centre": records(this, ["tertial", *RATE_COLUMNS])[0] if len(this) else None,
        "previous": records(previous, ["tertial", *RATE_COLUMNS])[0] if len(previous) else None,
        "tertials": records(centre, ["tertial", *RATE_COLUMNS]),
        "teams": records(teams, ["team", "zone", *RATE_COLUMNS]),
        "weeks": records(weeks, ["week", "week_start", "offered", "answer_rate", "met"]),
        "nki": records(nki, ["tertial", "dimension", "score", "responses", "target", "met", "gap"]) if len(nki) else [],
    }
    completeness = with_calls / len(expected) if expected else None
    return Section("goals", figures, tuple(notes), completeness=completeness)


def _weeks_of(window: ReportWindow) -> list[date]:
    """The Mondays of the tertial's ISO weeks (those whose Thursday lies in it) that began by data_until."""
    monday = window.first - timedelta(days=window.first.weekday())
    weeks = []
    while monday <= window.data_until:
        if tertial(monday + timedelta(days=3)) == window.period:
            weeks.append(monday)
        monday += timedelta(weeks=1)
    return weeks


# ----- environment ----------------------------------------------------------------------------------------


def environment_section(window: ReportWindow, data: ReportData, site: ReportSite) -> Section:
    """Per zone and quantity: the share of the tertial's occupied hours in each band (the analysis's exposure)."""
    if data.analysis is None:
        note = data.analysis_note or Message("note.analysis_not_configured")
        return Section("environment", {"rows": [], "quantities": []}, (note,), available=False)
    weekly = data.analysis.exposure
    banded = [q for q in QUANTITIES if QUANTITIES[q].bands]
    if not weekly.empty:
        thursday = pd.to_datetime(weekly["week_start"]) + pd.Timedelta(days=3)
        weekly = weekly[thursday.map(tertial).eq(window.period) & weekly["quantity"].isin(banded)]
    if weekly.empty or weekly["hours_with_data"].sum() == 0:
        return Section(
            "environment", {"rows": [], "quantities": []}, (Message("note.no_sensor_data"),), completeness=0.0
        )
    sums = weekly.groupby(["zone", "quantity"]).agg(
        expected_hours=("expected_hours", "sum"),
        hours_with_data=("hours_with_data", "sum"),
        hours_good=("hours_good", "sum"),
        hours_acceptable=("hours_acceptable", "sum"),
        hours_act=("hours_act", "sum"),
        weeks=("status", "size"),
        weeks_with_data=("status", lambda s: int((s == "ok").sum())),
        mean=("mean", "mean"),
    )
    measured = sums.groupby(level="quantity")["hours_with_data"].sum()
    quantities = [q for q in banded if measured.get(q, 0) > 0]
    unmeasured = [q for q in banded if q in set(weekly["quantity"]) and q not in quantities]
    sums = sums[sums.index.get_level_values("quantity").isin(quantities)].reset_index()
    judged = sums[["hours_good", "hours_acceptable", "hours_act"]].sum(axis=1)
    share = judged.where(judged > 0)
    sums = sums.assign(
        hours_judged=judged,
        share_good=sums["hours_good"] / share,
        share_acceptable=sums["hours_acceptable"] / share,
        share_act=sums["hours_act"] / share,
        share_within=(sums["hours_good"] + sums["hours_acceptable"]) / share,
        completeness=sums["hours_with_data"] / sums["expected_hours"].where(sums["expected_hours"] > 0),
        zone_name=sums["zone"].map(lambda z: site.zone_names.get(str(z), "")),
        unit=sums["quantity"].map(lambda q: QUANTITIES[str(q)].unit),
        order=sums["quantity"].map(quantities.index),
    )
    sums = sums.sort_values(["zone", "order"], key=lambda c: c.map(team_sort_key) if c.name == "zone" else c)
    columns = [
        "zone",
        "zone_name",
        "quantity",
        "unit",
        "mean",
        "hours_judged",
        "share_good",
        "share_acceptable",
        "share_act",
        "share_within",
        "completeness",
        "weeks",
        "weeks_with_data",
    ]
    rows = records(sums, columns)
    out = [r for r in rows if (r["share_act"] or 0) > OUT_OF_BAND_SHARE]
    centre = []
    for quantity in quantities:
        part = sums[sums["quantity"] == quantity]
        total = float(part["hours_judged"].sum())
        centre.append(
            {
                "quantity": quantity,
                "unit": QUANTITIES[quantity].unit,
                "share_within": plain(float(part["hours_good"].sum() + part["hours_acceptable"].sum()) / total)
                if total
                else None,
                "share_good": plain(float(part["hours_good"].sum()) / total) if total else None,
                "zones_out": int((part["share_act"] > OUT_OF_BAND_SHARE).sum()),
                "zones": len(part),
            }
        )
    notes = [Message("note.environment_weeks", {"weeks_int": int(weekly["week_start"].nunique())})]
    if unmeasured:
        notes.append(Message("note.not_measured", {"quantities_keys": [f"quantity.{q}" for q in unmeasured]}))
    expected = float(sums["expected_hours"].sum())
    completeness = float(sums["hours_with_data"].sum()) / expected if expected else None
    figures = {"quantities": quantities, "threshold": OUT_OF_BAND_SHARE, "rows": rows, "centre": centre, "out": out}
    return Section("environment", figures, tuple(notes), completeness=completeness)


# ----- absence --------------------------------------------------------------------------------------------

ABSENCE_COLUMNS = [
    "month",
    "days",
    "fte",
    "spells",
    "sick_days",
    "sick_days_per_fte",
    "suppressed",
    "reason",
    "partial",
]


def absence_section(window: ReportWindow, data: ReportData) -> Section:
    """The centre's short-term sick spells and days per FTE per month, as the restricted view shows them.

    Only the centre: the report goes to politicians, and an answer group has three people.
    """
    view = absence_view(data.absences, data.staff, "month", window.first, window.data_until, "restricted")
    months = view.centre.assign(
        month=view.centre["period_start"],
        partial=view.centre["period_end"] > pd.Timestamp(window.data_until),
    )
    rows = records(months, ABSENCE_COLUMNS)
    notes = [Message("note.absence_privacy")]
    shown = months[~months["suppressed"].astype(bool)]
    if len(shown) < len(months):
        notes.append(Message("note.absence_withheld", {"months_int": len(months) - len(shown)}))
    if months["partial"].any():
        notes.append(Message("note.absence_partial_month", {"until_date": window.data_until.isoformat()}))
    total = None
    if len(shown) and len(shown) == len(months):
        fte = float(shown["fte_days"].sum()) / float(shown["days"].sum())
        total = {
            "spells": int(shown["spells"].sum()),
            "sick_days": plain(float(shown["sick_days"].sum())),
            "fte": plain(fte),
            "sick_days_per_fte": plain(float(shown["sick_days"].sum()) / fte) if fte > 0 else None,
        }
    begin, end = data.absence_files
    complete = 0
    if begin is not None and end is not None:
        inside = (months["period_start"] >= pd.Timestamp(begin)) & (
            months["period_end"].where(
                months["period_end"] <= pd.Timestamp(window.data_until), pd.Timestamp(window.data_until)
            )
            <= pd.Timestamp(end)
        )
        complete = int(inside.sum())
        if complete < len(months):
            notes.append(Message("note.absence_files", {"from_date": begin.isoformat(), "until_date": end.isoformat()}))
    else:
        notes.append(Message("note.absence_no_files"))
    figures = {"scope": "centre", "view": view.view, "months": rows, "total": total}
    return Section("absence", figures, tuple(notes), completeness=complete / len(months) if len(months) else None)


# ----- the risk ahead -------------------------------------------------------------------------------------


def risk_section(data: ReportData, site: ReportSite) -> Section:
    """The centre's and each group's P(below target) and expected rate for the coming weeks (models.forecast)."""
    forecast = data.forecast
    if forecast is None:
        note = data.forecast_note or Message("note.forecast_not_configured")
        return Section("risk", {"rows": [], "weeks": []}, (note,), available=False)
    weeks = sorted({r.week_start for r in forecast.rows})
    teams = sorted({r.team for r in forecast.rows}, key=lambda t: (t != TOTAL, team_sort_key(t)))
    cells = {(r.team, r.week_start): r for r in forecast.rows}
    rows: list[dict[str, Any]] = []
    for team in teams:
        mine = [cells.get((team, w)) for w in weeks]
        shown = [r.p_below_target for r in mine if r is not None and r.p_below_target is not None]
        reason = next((r.reason for r in mine if r is not None and r.reason), None)
        rows.append(
            {
                "team": team,
                "zone": site.team_zone.get(team),
                "cells": [
                    {
                        "week_start": w.isoformat(),
                        "p_below_target": plain(r.p_below_target, 3) if r is not None else None,
                        "expected_answer_rate": plain(r.expected_answer_rate) if r is not None else None,
                    }
                    for w, r in zip(weeks, mine, strict=True)
                ],
                "max_p_below": plain(max(shown), 3) if shown else None,
                "mean_p_below": plain(sum(shown) / len(shown), 3) if shown else None,
                "weeks_at_risk": sum(p >= 0.5 for p in shown),
                "reason": reason,
            }
        )
    centre_rows = [cells[(TOTAL, w)] for w in weeks if (TOTAL, w) in cells]
    drivers: dict[str, float] = {}
    for row in centre_rows:
        for name, value in row.driver_shares.items():
            drivers[name] = drivers.get(name, 0.0) + value / max(len(centre_rows), 1)
    groups = [r for r in rows if r["team"] != TOTAL]
    figured = [r for r in groups if r["max_p_below"] is not None]
    notes = [Message("note.forecast_basis", {"as_of_date": forecast.as_of.isoformat(), "draws_int": forecast.draws})]
    if len(figured) < len(groups):
        notes.append(Message("note.forecast_no_figure", {"groups": [r["team"] for r in groups if r not in figured]}))
    notes += [Message("note.source", {"source_key": "source.forecast", "text": n}) for n in forecast.notes]
    figures = {
        "as_of": forecast.as_of.isoformat(),
        "target": forecast.target,
        "draws": forecast.draws,
        "weeks": [w.isoformat() for w in weeks],
        "rows": rows,
        "centre_drivers": {k: round(v, 3) for k, v in sorted(drivers.items(), key=lambda kv: -kv[1])},
        "group_weeks_at_risk": sum(r["weeks_at_risk"] for r in groups),
        "group_weeks": sum(len([c for c in r["cells"] if c["p_below_target"] is not None]) for r in groups),
    }
    return Section("risk", figures, tuple(notes), completeness=len(figured) / len(groups) if groups else None)


# ----- the improvement board ------------------------------------------------------------------------------


def board_section(window: ReportWindow, data: ReportData, site: ReportSite) -> Section:
    """The board's items alive in the tertial, and the measured effect of the done ones (models.follow_up)."""
    board = data.board
    if board.empty:
        return Section("board", {"items": [], "counts": {}}, (Message("note.board_empty"),))
    created = pd.to_datetime(board["created_at"], utc=True, format="ISO8601").dt.tz_convert(site.tz).dt.date
    updated = pd.to_datetime(board["updated_at"], utc=True, format="ISO8601").dt.tz_convert(site.tz).dt.date
    done_on = pd.to_datetime(board["done_on"]).dt.date
    status = board["status"].astype(str)
    ended_before = ((status == "done") & (done_on < window.first)) | ((status == "rejected") & (updated < window.first))
    alive = board[(created <= window.last) & ~ended_before.fillna(False)]
    follow_ups = {f.item_id: f for f in data.analysis.follow_ups} if data.analysis is not None else {}
    names = _action_names(data)
    items: list[dict[str, Any]] = []
    for item in alive.to_dict("records"):
        done = pd.Timestamp(item["done_on"]).date() if _given(item["done_on"]) else None
        found = follow_ups.get(int(item["id"]))
        items.append(
            {
                "id": int(item["id"]),
                "title": str(item["title"]),
                "zone": item["zone"] if _given(item["zone"]) else None,
                "status": str(item["status"]),
                "action": item["action"] if _given(item["action"]) else None,
                "action_name": names.get(str(item["action"])) if _given(item["action"]) else None,
                "due_date": plain(pd.Timestamp(item["due_date"])) if _given(item["due_date"]) else None,
                "done_on": plain(done),
                "done_in_period": done is not None and window.first <= done <= window.last,
                "effect": _effect(found.follow_up.without_small_groups()) if found is not None else None,
            }
        )
    notes = [] if items else [Message("note.board_empty")]
    if items and not window.in_progress:
        notes.append(Message("note.board_status_now"))
    if any(i["effect"] for i in items):
        notes.append(Message("note.follow_up_small_groups"))
    counts = {s: sum(i["status"] == s for i in items) for s in ("proposed", "in_progress", "done", "rejected")}
    figures = {"items": items, "counts": counts, "done_in_period": sum(i["done_in_period"] for i in items)}
    return Section("board", figures, tuple(notes))


def _given(value: Any) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value)) and value is not pd.NaT


def _action_names(data: ReportData) -> dict[str, dict[str, str]]:
    """Each catalogue action's name in English and Swedish, from the analysis's ranked actions."""
    if data.analysis is None or data.analysis.actions_centre_rate.empty:
        return {}
    frame = data.analysis.actions_centre_rate.drop_duplicates("action")
    return {
        str(r["action"]): {"en": str(r["action_name"]), "sv": str(r["action_name_sv"])}
        for r in frame.to_dict("records")
    }


def _effect(follow_up: Any) -> dict[str, Any]:
    """A follow-up (without small groups' sick leave) as figures: the window and each comparison's verdict."""
    keep = [
        "outcome",
        "quantity",
        "unit",
        "measure",
        "status",
        "verdict",
        "estimate",
        "ci_low",
        "ci_high",
        "change_pp",
        "change_pp_low",
        "change_pp_high",
        "treated_before",
        "treated_after",
        "weeks_after",
        "clearer_than",
        "placebos",
    ]
    return {
        "zone": follow_up.zone,
        "before": [d.isoformat() for d in follow_up.window.before],
        "after": [d.isoformat() for d in follow_up.window.after],
        "comparisons": [{k: plain(getattr(c, k)) for k in keep} for c in follow_up.comparisons],
    }


# ----- citizen feedback -----------------------------------------------------------------------------------

FEEDBACK_COLUMNS = [
    "count",
    "share",
    "failure_demand_share",
    "ci_low",
    "ci_high",
    "tagged",
    "untagged_share",
    "compared_count",
    "previous_count",
    "change",
]


def feedback_section(window: ReportWindow, data: ReportData) -> Section:
    """Feedback per department and category, failure demand, and the same days a year earlier (models.feedback)."""
    report = feedback_report(data.feedback, window.year, (window.number,), covered=data.feedback_covered)
    summary = report.summary[report.summary["tertial"] == window.period]
    period = report.periods.iloc[0]
    departments = []
    for department, part in summary.groupby("department", sort=False):
        by_category = {str(r["category"]): int(r["count"]) for r in part.to_dict("records")}
        whole = part[part["category"] == TOTAL]
        row = records(whole, FEEDBACK_COLUMNS)[0] if len(whole) else dict.fromkeys(FEEDBACK_COLUMNS)
        departments.append(
            {"department": str(department), "categories": {c: by_category.get(c, 0) for c in CATEGORIES}, **row}
        )
    centre = next((d for d in departments if d["department"] == TOTAL), None)
    departments = sorted((d for d in departments if d["department"] != TOTAL), key=lambda d: -(d["count"] or 0))
    days = min(int(period["days"]), (window.data_until - window.first).days + 1)
    covered = int(period["covered_days"])
    notes: list[Message] = []
    if int(period["count"]) == 0 and covered == 0:
        notes.append(Message("note.no_feedback", {"period": window.period}))
    elif covered < days:
        notes.append(Message("note.feedback_partial", {"covered_int": covered, "days_int": days}))
    notes += [
        Message("note.source", {"source_key": "source.feedback", "text": n})
        for n in report.notes
        if not n.startswith("no feedback")
    ]
    figures = {
        "categories": list(CATEGORIES),
        "centre": centre,
        "departments": departments,
        "count": int(period["count"]),
        "previous_period": str(period["previous_tertial"]),
        "compared_days": int(period["compared_days"]),
        "compared_count": plain(period["compared_count"]),
        "previous_count": plain(period["previous_count"]),
        "change": plain(period["change"]),
    }
    return Section("feedback", figures, tuple(notes), completeness=min(covered / days, 1.0) if days else None)
