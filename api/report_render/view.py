"""The report as the template shows it: every figure formatted and every sentence worded in one language.

The template (report.html.j2) only lays out what this module prepares: headings, sentences, tables of
ready-made cells and the charts' SVG. Tables have one shape (`table`) and one macro.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from api.report_render import charts
from api.report_render.catalog import Catalog
from models.report import Message, Section, TertialReport
from sensors.quantities import QUANTITIES

TOTAL = "total"
RISK_LEVELS = ((0.8, "risk-4"), (0.5, "risk-3"), (0.2, "risk-2"), (0.0, "risk-1"))
SOURCE_NOTE = "note.source"


def table(
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    foot: Sequence[Any] = (),
    numeric_from: int = 1,
    caption: str = "",
    legend: str = "",
    compact: bool = False,
) -> dict[str, Any]:
    """A table: headers, rows of cells (text, or a dict of text, cls, span, lines), a foot row, caption and legend."""

    def cell(value: Any, index: int) -> dict[str, Any]:
        out: dict[str, Any] = {"text": "", "cls": "", "span": 0, "lines": []}
        out.update(value if isinstance(value, dict) else {"text": str(value)})
        if index >= numeric_from:
            out["cls"] = (out["cls"] + " num").strip()
        return out

    return {
        "caption": caption,
        "legend": legend,
        "compact": compact,
        "headers": list(headers),
        "numeric_from": numeric_from,
        "rows": [[cell(v, i) for i, v in enumerate(row)] for row in rows],
        "foot": [cell(v, i) for i, v in enumerate(foot)],
    }


def view_of(report: TertialReport, c: Catalog) -> dict[str, Any]:
    """Everything the template shows, in `c`'s language."""
    year, number = report.period.split("-T")
    period_text = c.t("doc.period", number=number, year=year, months=c[f"doc.months_{number}"])
    builders = {
        "goals": _goals,
        "environment": _environment,
        "absence": _absence,
        "risk": _risk,
        "board": _board,
        "feedback": _feedback,
        "improvements": _improvements,
    }
    sections = []
    technical: list[str] = []
    for index, section in enumerate(report.sections, start=1):
        body = builders[section.key](section, report, c)
        notes = [c.message(n.key, n.params) for n in section.notes if n.key != SOURCE_NOTE]
        technical += [c.message(n.key, n.params) for n in section.notes if n.key == SOURCE_NOTE]
        completeness = None
        if section.completeness is not None:
            completeness = c.t("doc.completeness", pct=c.percent(section.completeness, whole=True))
        sections.append(
            {
                "key": section.key,
                "number": index,
                "title": c[f"section.{section.key}.title"],
                "available": section.available,
                "notes": notes,
                "completeness": completeness,
                "bullets": [],
                **body,
            }
        )
    return {
        "lang": c.lang,
        "title": c["doc.title"],
        "period": report.period,
        "period_text": period_text,
        "site": report.site_name or report.site_id,
        "header": c.t("doc.header", site=report.site_name or report.site_id, period=report.period),
        "date_label": c["doc.date"],
        "date": c.long_date(report.generated_at.date()),
        "page_word": c["doc.page"],
        "page_of": c["doc.page_of"],
        "audience": c["doc.audience"],
        "data_until": c.t("doc.data_until", first=c.long_date(report.first), until=c.long_date(report.data_until)),
        "in_progress": c.t("doc.in_progress", until=c.long_date(report.data_until)) if report.in_progress else None,
        "generated": c.t("doc.generated", date=c.long_date(report.generated_at.date())),
        "contents_title": c["doc.contents"],
        "summary_title": c["doc.summary"],
        "summary": _summary(report, c),
        "sections": sections,
        "not_available": c["doc.not_available"],
        "about": c["doc.about"],
        "technical_title": c["doc.technical"],
        "technical_intro": c["doc.technical_intro"],
        "technical": technical,
    }


def _summary(report: TertialReport, c: Catalog) -> list[dict[str, str]]:
    """The key figures on the first page."""
    goals = report.section("goals").figures
    centre = goals.get("centre") or {}
    target = c.t("summary.target", target=c.goal_percent(report.target_answer_rate))
    items = [
        {
            "label": c["summary.answer_rate"],
            "value": c.percent(centre.get("answer_rate")),
            "sub": target,
            "cls": _met(centre.get("met")),
        },
        {
            "label": c["summary.weeks_met"],
            "value": c.t(
                "summary.weeks_met_value", met=c.integer(centre.get("weeks_met")), weeks=c.integer(centre.get("weeks"))
            ),
            "sub": "",
            "cls": "",
        },
    ]
    latest = {row["dimension"]: row for row in goals.get("nki", []) if row["tertial"] == report.period}
    for dimension, goal in report.nki_targets.items():
        row = latest.get(dimension) or {}
        items.append(
            {
                "label": c.t("summary.nki", dimension=c.texts.get(f"nki.{dimension}", dimension)),
                "value": c.decimal(row.get("score")),
                "sub": c.t("summary.target", target=c.decimal(goal)),
                "cls": _met(row.get("met")),
            }
        )
    total = report.section("absence").figures.get("total") or {}
    items.append(
        {"label": c["summary.sick_days"], "value": c.decimal(total.get("sick_days_per_fte"), 2), "sub": "", "cls": ""}
    )
    rows = report.section("risk").figures.get("rows", [])
    centre_risk = next((r for r in rows if r["team"] == TOTAL), None)
    if centre_risk is not None:
        items.append(
            {
                "label": c["summary.risk"],
                "value": c.percent(centre_risk["max_p_below"], whole=True),
                "sub": "",
                "cls": _risk_level(centre_risk["max_p_below"]),
            }
        )
    return items


def _met(met: bool | None) -> str:
    return "" if met is None else ("met" if met else "missed")


def _risk_level(p: float | None) -> str:
    if p is None:
        return ""
    return next(cls for floor, cls in RISK_LEVELS if p >= floor)


def _team_name(team: str, c: Catalog) -> str:
    return c["doc.whole_centre"] if team == TOTAL else team


# ----- sections ---------------------------------------------------------------------------------------------


def _goals(section: Section, report: TertialReport, c: Catalog) -> dict[str, Any]:
    f = section.figures
    nki = report.nki_targets
    intro = c.t(
        "section.goals.intro",
        target=c.goal_percent(f["target"]),
        treatment=c.decimal(nki.get("treatment")),
        knowledge=c.decimal(nki.get("knowledge")),
    )
    texts = [intro]
    centre = f.get("centre")
    if centre is not None and centre["offered"]:
        texts.append(
            c.t(
                "section.goals.centre",
                rate=c.percent(centre["answer_rate"]),
                offered=c.integer(centre["offered"]),
                gap=c.points(centre["gap_pp"]),
                weeks_met=c.integer(centre["weeks_met"]),
                weeks=c.integer(centre["weeks"]),
            )
        )
    if f.get("previous"):
        texts.append(c.t("section.goals.previous", rate=c.percent(f["previous"]["answer_rate"])))
    tables = []
    if f["tertials"]:
        rows = [
            [
                t["tertial"],
                c.integer(t["offered"]),
                c.integer(t["answered"]),
                _rate_cell(t, c),
                c.points(t["gap_pp"]),
                c.t("summary.weeks_met_value", met=t["weeks_met"], weeks=t["weeks"]),
            ]
            for t in f["tertials"]
        ]
        headers = [c[f"section.goals.col_{k}"] for k in ("tertial", "offered", "answered", "rate", "gap", "weeks_met")]
        tables.append(table(headers, rows, caption=c["section.goals.tertials"]))
    if f["teams"]:
        rows = [
            [
                t["team"],
                t["zone"] or c["doc.dash"],
                c.integer(t["offered"]),
                _rate_cell(t, c),
                c.points(t["gap_pp"]),
                c.t("summary.weeks_met_value", met=t["weeks_met"], weeks=t["weeks"]),
            ]
            for t in f["teams"]
        ]
        headers = [c[f"section.goals.col_{k}"] for k in ("team", "zone", "offered", "rate", "gap", "weeks_met")]
        tables.append(table(headers, rows, numeric_from=2, caption=c["section.goals.teams"]))
    if f["nki"]:
        rows = [
            [
                c.texts.get(f"nki.{n['dimension']}", n["dimension"]).capitalize(),
                n["tertial"],
                _score_cell(n, c),
                c.integer(n["responses"]),
                c.decimal(n["target"]),
                c["doc.yes"] if n["met"] else c["doc.no"],
            ]
            for n in f["nki"]
        ]
        headers = [c[f"section.goals.col_{k}"] for k in ("dimension", "tertial", "score", "responses", "target", "met")]
        tables.append(table(headers, rows, numeric_from=2, caption=c["section.goals.nki"]))
    chart = None
    if any(w["answer_rate"] is not None for w in f["weeks"]):
        chart = {"caption": c["section.goals.chart"], "svg": charts.answer_rate_chart(f["weeks"], f["target"], c)}
    return {"texts": texts, "tables": tables, "charts": [chart] if chart else []}


def _rate_cell(row: dict[str, Any], c: Catalog) -> dict[str, str]:
    return {"text": c.percent(row["answer_rate"]), "cls": _met(row["met"])}


def _score_cell(row: dict[str, Any], c: Catalog) -> dict[str, str]:
    return {"text": c.decimal(row["score"]), "cls": _met(row["met"])}


def _environment(section: Section, report: TertialReport, c: Catalog) -> dict[str, Any]:
    f = section.figures
    if not section.available or not f["rows"]:
        return {"texts": [], "tables": [], "charts": []}
    threshold = c.goal_percent(f["threshold"])
    texts = [c.t("section.environment.intro", threshold=threshold)]
    if "sound_dba" in f["quantities"]:
        texts.append(c["section.environment.sound"])
    quantities = f["quantities"]
    centre = table(
        [c[f"section.environment.col_{k}"] for k in ("quantity", "within", "good", "out")],
        [
            [
                c[f"quantity.{q['quantity']}"],
                c.percent(q["share_within"]),
                c.percent(q["share_good"]),
                f"{q['zones_out']} / {q['zones']}",
            ]
            for q in f["centre"]
        ],
        caption=c["section.environment.centre"],
    )
    cells = {(r["zone"], r["quantity"]): r for r in f["rows"]}
    zones = list(dict.fromkeys(r["zone"] for r in f["rows"]))
    rows = []
    for zone in zones:
        row: list[Any] = [zone]
        for q in quantities:
            r = cells.get((zone, q))
            out = r is not None and (r["share_act"] or 0) > f["threshold"]
            row.append({"text": c.percent(r["share_within"]) if r else c["doc.dash"], "cls": "missed" if out else ""})
        rows.append(row)
    zone_table = table(
        [c["section.environment.col_zone"], *(c[f"quantity.{q}"] for q in quantities)],
        rows,
        caption=c["section.environment.zones"],
        legend=c.t("section.environment.zones_legend", threshold=threshold),
    )
    tables = [centre, zone_table]
    chart = {"caption": c["section.environment.chart"], "svg": charts.environment_chart(f["rows"], quantities, c)}
    return {"texts": texts, "tables": tables, "charts": [chart]}


def _absence(section: Section, report: TertialReport, c: Catalog) -> dict[str, Any]:
    f = section.figures
    texts = [c["section.absence.intro"]]
    withheld = {"text": c["section.absence.withheld"], "cls": "withheld"}
    rows = []
    for m in f["months"]:
        month = c.month(m["month"]) + (" " + c["section.absence.partial"] if m["partial"] else "")
        if m["suppressed"]:
            rows.append([month, withheld, withheld, withheld, withheld])
        else:
            rows.append(
                [
                    month,
                    c.decimal(m["fte"]),
                    c.integer(m["spells"]),
                    c.decimal(m["sick_days"]),
                    c.decimal(m["sick_days_per_fte"], 2),
                ]
            )
    total = f.get("total")
    foot = []
    if total is not None:
        foot = [
            c["section.absence.tertial"],
            c.decimal(total["fte"]),
            c.integer(total["spells"]),
            c.decimal(total["sick_days"]),
            c.decimal(total["sick_days_per_fte"], 2),
        ]
    headers = [c[f"section.absence.col_{k}"] for k in ("month", "fte", "spells", "sick_days", "per_fte")]
    tables = [table(headers, rows, foot=foot)] if rows else []
    chart = [{"caption": c["section.absence.chart"], "svg": charts.absence_chart(f["months"], c)}] if rows else []
    return {"texts": texts, "tables": tables, "charts": chart}


def _risk(section: Section, report: TertialReport, c: Catalog) -> dict[str, Any]:
    f = section.figures
    if not section.available:
        return {"texts": [], "tables": [], "charts": []}
    texts = [
        c.t(
            "section.risk.intro",
            target=c.goal_percent(f["target"]),
            weeks=len(f["weeks"]),
            as_of=c.long_date(f["as_of"]),
        )
    ]
    if f["centre_drivers"]:
        top = [(k, v) for k, v in f["centre_drivers"].items() if v >= 0.05][:3]
        if top:
            items = [
                c.t("section.risk.driver_item", driver=c[f"driver.{k}"], share=c.percent(v, whole=True)) for k, v in top
            ]
            texts.append(c.t("section.risk.drivers", drivers=c.join(items)))
    rows = []
    for r in f["rows"]:
        cells: list[Any] = [{"text": _team_name(r["team"], c), "cls": "centre" if r["team"] == TOTAL else ""}]
        if r["max_p_below"] is None:
            cells.append(
                {"text": r["reason"] or c["section.risk.no_figure"], "cls": "reason", "span": len(f["weeks"]) + 1}
            )
        else:
            for cell in r["cells"]:
                p = cell["p_below_target"]
                cells.append(
                    {"text": c.percent(p, whole=True) if p is not None else c["doc.dash"], "cls": _risk_level(p)}
                )
            cells.append({"text": c.percent(r["max_p_below"], whole=True), "cls": _risk_level(r["max_p_below"])})
        rows.append(cells)
    headers = [c["section.risk.col_group"], *(c.week(w) for w in f["weeks"]), c["section.risk.col_max"]]
    grid = table(headers, rows, legend=c["section.risk.table_note"], compact=True)
    return {"texts": texts, "tables": [grid], "charts": []}


def _board(section: Section, report: TertialReport, c: Catalog) -> dict[str, Any]:
    f = section.figures
    texts = [c["section.board.intro"]]
    if f["items"]:
        counts = f["counts"]
        texts.append(
            c.t(
                "section.board.counts",
                done=f["done_in_period"],
                in_progress=counts.get("in_progress", 0),
                proposed=counts.get("proposed", 0),
            )
        )
    rows = []
    for item in f["items"]:
        title = item["title"]
        if item["action_name"]:
            title += f" ({item['action_name'][c.lang]})"
        effect = _effect_lines(item["effect"], c) if item["effect"] else [c["section.board.no_effect"]]
        rows.append(
            [
                title,
                item["zone"] or c["doc.dash"],
                c.texts.get(f"status.{item['status']}", item["status"]),
                c.long_date(item["done_on"]) if item["done_on"] else c["doc.dash"],
                {"text": "", "lines": effect, "cls": "effect"},
            ]
        )
    headers = [c[f"section.board.col_{k}"] for k in ("item", "zone", "status", "done", "effect")]
    tables = [table(headers, rows, numeric_from=99)] if rows else []
    return {"texts": texts, "tables": tables, "charts": []}


def _effect_lines(effect: dict[str, Any], c: Catalog) -> list[str]:
    """Each comparison of a follow-up in words: the outcome, what happened, and the estimate with its interval."""
    lines = []
    for comp in effect["comparisons"]:
        if comp["outcome"] == "exposure":
            outcome = c.t("effect.exposure", quantity=c.texts.get(f"quantity.{comp['quantity']}", comp["quantity"]))
        else:
            outcome = c[f"effect.{comp['outcome']}"]
        if comp["status"] != "estimated":
            lines.append(
                c.t("effect.line", outcome=outcome, verdict=c.texts.get(f"effect.{comp['status']}", comp["status"]))
            )
            continue
        verdict = c[f"effect.{comp['verdict']}"]
        figure = _effect_figure(comp, c)
        key = "effect.line_figure" if figure else "effect.line"
        lines.append(c.t(key, outcome=outcome, verdict=verdict, figure=figure))
    return lines


def _effect_figure(comp: dict[str, Any], c: Catalog) -> str:
    if comp["estimate"] is None:
        return ""
    if comp["outcome"] == "exposure":
        digits = QUANTITIES[comp["quantity"]].decimals if comp["quantity"] in QUANTITIES else 1
        return c.t(
            "effect.difference",
            value=c.signed(comp["estimate"], digits),
            unit=comp["unit"],
            low=c.signed(comp["ci_low"], digits),
            high=c.signed(comp["ci_high"], digits),
        )
    if comp["outcome"] == "answer_rate" and comp["change_pp"] is not None:
        return c.t(
            "effect.points",
            value=c.points(comp["change_pp"]),
            low=c.points(comp["change_pp_low"]),
            high=c.points(comp["change_pp_high"]),
        )
    return c.t(
        "effect.ratio",
        value=c.decimal(comp["estimate"], 2),
        low=c.decimal(comp["ci_low"], 2),
        high=c.decimal(comp["ci_high"], 2),
    )


def _feedback(section: Section, report: TertialReport, c: Catalog) -> dict[str, Any]:
    f = section.figures
    texts = [c["section.feedback.intro"]]
    if not f["departments"]:
        return {"texts": texts, "tables": [], "charts": []}
    texts.append(c.t("section.feedback.count", count=c.integer(f["count"])))
    if f["compared_days"]:
        texts.append(
            c.t(
                "section.feedback.compared",
                days=f["compared_days"],
                previous=f["previous_period"],
                before=c.integer(f["previous_count"]),
                now=c.integer(f["compared_count"]),
                change=_signed(f["change"]),
            )
        )
    categories = f["categories"]

    def row(d: dict[str, Any], name: str) -> list[Any]:
        failure = c["doc.dash"]
        if d["failure_demand_share"] is not None:
            failure = (
                f"{c.percent(d['failure_demand_share'], whole=True)} [{c.percent(d['ci_low'], whole=True)}–"
                f"{c.percent(d['ci_high'], whole=True)}]"
            )
        previous = c.integer(d["previous_count"]) if d["previous_count"] is not None else c["doc.dash"]
        return [name, *(c.integer(d["categories"][k]) for k in categories), c.integer(d["count"]), failure, previous]

    rows = [row(d, d["department"]) for d in f["departments"]]
    foot = row(f["centre"], c["doc.total"]) if f["centre"] else []
    headers = [
        c["section.feedback.col_department"],
        *(c[f"category.{k}"] for k in categories),
        c["section.feedback.col_total"],
        c["section.feedback.col_failure"],
        c["section.feedback.col_previous"],
    ]
    chart = {"caption": "", "svg": charts.feedback_chart(f["departments"], categories, c)}
    return {"texts": texts, "tables": [table(headers, rows, foot=foot)], "charts": [chart]}


def _signed(value: int | None) -> str:
    if value is None:
        return "–"
    return f"+{value}" if value > 0 else ("−" + str(-value) if value < 0 else "0")


def _improvements(section: Section, report: TertialReport, c: Catalog) -> dict[str, Any]:
    return {
        "texts": [c["section.improvements.intro"]],
        "bullets": [message(m, c) for m in section.statements],
        "tables": [],
        "charts": [],
    }


def message(m: Message, c: Catalog) -> str:
    """One Message in words."""
    return c.message(m.key, m.params)
