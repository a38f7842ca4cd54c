"""The report's charts as inline SVG, drawn on the server with matplotlib (Agg, no display), so that they print.

Text stays text (`svg.fonttype: none`, DejaVu Sans, which the PDF renderer finds through fontconfig), every
figure's SVG ids are prefixed with the chart's name so that two charts in one page never share one, and
no date is written into the SVG, so the same report gives the same bytes. Labels come from the catalog.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from api.report_render.catalog import Catalog

if TYPE_CHECKING:
    from matplotlib.figure import Figure

WIDTH_IN = 6.8  # the A4 page's text width, 178 mm
BLUE, RED, GREY = "#1f4e79", "#b03a2e", "#8c8c8c"
BANDS = {"good": "#5b9f6f", "acceptable": "#e0b13a", "act": "#b03a2e"}
CATEGORY_COLOURS = ("#b03a2e", "#2e75b6", "#5b9f6f", "#8c8c8c")
STYLE: dict[str, Any] = {
    "svg.fonttype": "none",
    "font.family": "DejaVu Sans",
    "font.size": 8,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 9,
    "axes.titleweight": "bold",
    "legend.frameon": False,
}
_PROLOGUE = re.compile(r"^.*?(?=<svg)", re.DOTALL)
_IDS = re.compile(r'(\bid="|url\(#|href="#)')


@contextmanager
def _figure(name: str, height_in: float) -> Iterator[tuple[Figure, list[str]]]:
    """A figure in the report's style; what the block appends to the list is the SVG."""
    import matplotlib

    matplotlib.use("Agg")  # no display: the server draws for print
    from matplotlib.figure import Figure

    out: list[str] = []
    style: Any = {**STYLE, "svg.hashsalt": f"officewell-{name}"}
    with matplotlib.rc_context(style):
        figure = Figure(figsize=(WIDTH_IN, height_in), layout="constrained")
        yield figure, out
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    svg = _PROLOGUE.sub("", buffer.getvalue(), count=1).strip()
    out.append(_IDS.sub(lambda m: f"{m.group(1)}{name}-", svg))


def answer_rate_chart(weeks: Sequence[dict[str, Any]], target: float, c: Catalog) -> str:
    """The centre's weekly answer rate against the target."""
    from matplotlib.ticker import FuncFormatter

    points = [(w["week_start"], w["answer_rate"]) for w in weeks if w["answer_rate"] is not None]
    with _figure("answer-rate", 2.3) as (figure, out):
        axes = figure.add_subplot()
        xs = list(range(len(points)))
        rates = [rate for _, rate in points]
        axes.plot(xs, rates, color=BLUE, marker="o", markersize=3, linewidth=1.5, label=c["summary.answer_rate"])
        axes.axhline(
            target,
            color=RED,
            linestyle="--",
            linewidth=1,
            label=c.t("section.goals.chart_target", target=c.goal_percent(target)),
        )
        axes.set_xticks(xs, [c.week(day) for day, _ in points], fontsize=6.5)
        low = min([*rates, target]) if rates else target
        axes.set_ylim(max(0.0, low - 0.03), min(1.0, max([*rates, target]) + 0.02) if rates else 1.0)
        axes.yaxis.set_major_formatter(FuncFormatter(lambda v, _: c.percent(v, whole=True)))
        axes.grid(axis="y", color="#dddddd", linewidth=0.5)
        axes.legend(loc="lower left", ncols=2)
    return out[0]


def environment_chart(rows: Sequence[dict[str, Any]], quantities: Sequence[str], c: Catalog) -> str:
    """Per quantity, each zone's share of occupied hours in each band, as stacked bars."""
    from matplotlib.ticker import FuncFormatter

    zones = list(dict.fromkeys(r["zone"] for r in rows))
    cells = {(r["zone"], r["quantity"]): r for r in rows}
    with _figure("environment", 0.9 + 0.17 * len(zones)) as (figure, out):
        grid = figure.subplots(1, len(quantities), sharey=True, squeeze=False)[0]
        for axes, quantity in zip(grid, quantities, strict=True):
            left = [0.0] * len(zones)
            for band, colour in BANDS.items():
                shares = [(cells.get((z, quantity)) or {}).get(f"share_{band}") or 0.0 for z in zones]
                axes.barh(range(len(zones)), shares, left=left, color=colour, height=0.75, label=c[f"band.{band}"])
                left = [a + b for a, b in zip(left, shares, strict=True)]
            axes.set_title(c[f"quantity.{quantity}"], fontsize=7.5)
            axes.set_xlim(0, 1)
            axes.set_xticks([0, 0.5, 1])
            axes.xaxis.set_major_formatter(FuncFormatter(lambda v, _: c.percent(v, whole=True)))
            axes.tick_params(axis="x", labelsize=6.5)
        grid[0].set_yticks(range(len(zones)), zones)
        grid[0].invert_yaxis()
        handles, labels = grid[0].get_legend_handles_labels()
        figure.legend(handles, labels, loc="outside lower center", ncols=3)
    return out[0]


def absence_chart(months: Sequence[dict[str, Any]], c: Catalog) -> str:
    """The centre's sick days per FTE per month (a withheld month has no bar)."""
    from matplotlib.ticker import FuncFormatter

    with _figure("absence", 2.0) as (figure, out):
        axes = figure.add_subplot()
        values = [m["sick_days_per_fte"] for m in months]
        xs = list(range(len(months)))
        axes.bar(xs, [v or 0.0 for v in values], color=BLUE, width=0.6)
        for x, value in zip(xs, values, strict=True):
            label = c.decimal(value, 2) if value is not None else c["section.absence.withheld"]
            axes.annotate(label, (x, value or 0.0), textcoords="offset points", xytext=(0, 2), ha="center", fontsize=7)
        axes.set_xticks(xs, [c.month(m["month"]) for m in months])
        axes.set_ylim(0, (max([v for v in values if v is not None], default=0.0) or 1.0) * 1.25)
        axes.yaxis.set_major_formatter(FuncFormatter(lambda v, _: c.decimal(v)))
        axes.grid(axis="y", color="#dddddd", linewidth=0.5)
    return out[0]


def feedback_chart(departments: Sequence[dict[str, Any]], categories: Sequence[str], c: Catalog) -> str:
    """Each department's cases by category, as stacked bars."""
    names = [d["department"] for d in departments]
    with _figure("feedback", 0.8 + 0.22 * len(names)) as (figure, out):
        axes = figure.add_subplot()
        left = [0.0] * len(names)
        for category, colour in zip(categories, CATEGORY_COLOURS, strict=False):
            counts = [float(d["categories"].get(category, 0)) for d in departments]
            axes.barh(range(len(names)), counts, left=left, color=colour, height=0.7, label=c[f"category.{category}"])
            left = [a + b for a, b in zip(left, counts, strict=True)]
        axes.set_yticks(range(len(names)), names)
        axes.invert_yaxis()
        axes.grid(axis="x", color="#dddddd", linewidth=0.5)
        axes.legend(loc="lower right", ncols=len(categories), fontsize=7)
    return out[0]
