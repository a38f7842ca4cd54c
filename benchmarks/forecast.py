"""`models.forecast.forecast`: a 12-week risk forecast for 12 answer groups with 2000 draws and three scenarios.

Set-up (not timed): two years of the generated centre (2024-01-01 to 2025-12-28, seed 3, quick settings;
12 answer groups of about three, 12 zones), forecast from 2025-01-12 (the first week is 2025-W03). The
inputs carry four weeks of weekly CO₂ exposure (z6 at 1200 ppm, the others at 700 ppm), a combined
CO₂ effect on sick leave (1.3 per +100 ppm, moderate) and one ranked action (ventilation in z6), as
`tests/models/test_forecast.py` builds them, so the environment term and the action scenario are really
evaluated. Three scenarios run beside the baseline: a stand-in in team-2 for two weeks, a group's next
hire four weeks earlier, and the ventilation action in z6; each must come back with weeks (no reason),
or the benchmark stops.

Side by side in one process, each case N times in turn (best wall time reported):

- (a) the whole `forecast()` call with 2000 draws: volume fit, absence rates, queue calibration on a
  year of history, the Monte Carlo, the drivers' counterfactual runs and the scenarios;
- (b) the same with the calibrated queue passed in (`ForecastSettings(queue=…)`): what a second call
  costs, i.e. the Monte Carlo with its drivers and scenarios;
- (c) the floor: (b) with 100 draws — the fixed cost of the pass that does not grow with the draws.

Memory: the growth of the process's resident set over the call (peak VmRSS during the call, reset
through /proc/self/clear_refs, less VmRSS before it; the largest over the runs), and the tracemalloc
peak of one more run of each case (not timed: tracing slows Python down). Target: (a) under 10 s on the
2-core machine.

    .venv/bin/python benchmarks/forecast.py [--repeat 3] [--draws 2000] [--floor-draws 100]
"""

from __future__ import annotations

import argparse
import gc
import math
import re
import sys
import time
import tracemalloc
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from models.actions import SickLeaveEffect  # noqa: E402
from models.evidence import Estimate  # noqa: E402
from models.forecast import Forecast, ForecastInputs, ForecastSettings, SiteHours, forecast  # noqa: E402
from models.scenarios import Scenario, iso_week, parse_scenario  # noqa: E402
from sensors.site import load_site  # noqa: E402
from synthetic.centre import GeneratorConfig, generate_centre  # noqa: E402

SITE = ROOT / "examples" / "site.toml"
START, END = date(2024, 1, 1), date(2025, 12, 28)
AS_OF = date(2025, 1, 12)
WEEKS = 12
SEED = 3
TARGET_S = 10.0


def inputs_with_environment() -> ForecastInputs:
    """The generated centre's frames, with exposure, a CO₂ effect and a ranked action (see the module doc)."""
    site = load_site(SITE)
    centre = generate_centre(site, START, END, seed=SEED, config=GeneratorConfig().quick())
    team_zone = {team: zone.id for zone in site.zones for team in zone.teams}
    zones = sorted(set(team_zone.values()), key=lambda z: int(z[1:]))
    weeks = pd.date_range(AS_OF - timedelta(days=27), AS_OF, freq="W-MON")  # the four Mondays before as_of
    exposure = pd.DataFrame(
        [
            {"zone": z, "quantity": "co2_ppm", "week_start": w, "mean": 1200.0 if z == "z6" else 700.0, "status": "ok"}
            for z in zones
            for w in weeks
        ]
    )
    effect = SickLeaveEffect("co2_ppm", 100.0, "+100 ppm", Estimate(math.log(1.3), 0.05), "moderate", "research")
    actions = pd.DataFrame([{"zone": "z6", "action": "ventilation", "quantity": "co2_ppm", "counted_change": -400.0}])
    return ForecastInputs(
        centre.calls,
        centre.staff.rename(columns={"employee_id": "employee"}),
        centre.absences.rename(columns={"employee_id": "employee"}),
        SiteHours(),
        team_zone,
        exposure,
        {"co2_ppm": effect},
        actions,
    )


def upcoming_hire(staff: pd.DataFrame, first_day: date, last_day: date, weeks: int) -> str:
    """A group whose next new hire starts in the horizon at least `weeks` weeks after its first day."""
    start = pd.to_datetime(staff["start_date"])
    first_row = start == start.groupby(staff["employee"]).transform("min")  # not a move between groups
    ahead = staff[
        first_row & (start >= pd.Timestamp(first_day + timedelta(weeks=weeks))) & (start <= pd.Timestamp(last_day))
    ]
    if ahead.empty:
        raise SystemExit(f"no group has a hire between {first_day} and {last_day}: choose another as-of day")
    return str(ahead.sort_values("start_date")["team"].iloc[0])


def _status(field: str) -> float:
    """A /proc/self/status figure in MB (Linux)."""
    match = re.search(rf"{field}:\s+(\d+)", Path("/proc/self/status").read_text())
    return int(match.group(1)) / 1024 if match else float("nan")


def _reset_peak() -> bool:
    """Reset the process's peak RSS (VmHWM) to its current RSS; False where the kernel does not allow it."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def timed(call: Callable[[], Forecast]) -> tuple[float, float, Forecast]:
    """Wall time (s) and resident-set growth at the peak (MB) of one call."""
    gc.collect()
    before = _status("VmRSS")
    _reset_peak()
    began = time.perf_counter()
    result = call()
    seconds = time.perf_counter() - began
    return seconds, _status("VmHWM") - before, result


def traced_peak(call: Callable[[], Forecast]) -> float:
    """The tracemalloc peak (MB) of one call: Python and numpy allocations, not the interpreter's own."""
    gc.collect()
    tracemalloc.start()
    try:
        call()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 2**20


def checked(result: Forecast, scenarios: list[Scenario]) -> Forecast:
    """Stop loudly unless every scenario was really evaluated."""
    for s, r in zip(scenarios, result.scenarios, strict=True):
        if r.reason is not None or not r.weeks:
            raise SystemExit(f"scenario {s.describe()!r} was not evaluated: {r.reason}")
    return result


def main() -> None:
    """Set up the inputs, then time the three cases side by side."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each case; the best wall time is shown")
    parser.add_argument("--draws", type=int, default=2000)
    parser.add_argument("--floor-draws", type=int, default=100)
    args = parser.parse_args()

    started = time.perf_counter()
    inputs = inputs_with_environment()
    first_day = AS_OF + timedelta(days=7 - AS_OF.weekday())
    last_day = first_day + timedelta(weeks=WEEKS) - timedelta(days=1)
    stand_in_week = first_day + timedelta(weeks=1)
    hire_team = upcoming_hire(inputs.staff, first_day, last_day, 4)
    scenarios: list[Scenario] = [
        parse_scenario(f"stand-in:team-2:{iso_week(stand_in_week)}:{iso_week(stand_in_week + timedelta(weeks=1))}"),
        parse_scenario(f"earlier-hire:{hire_team}:4"),
        parse_scenario(f"action:z6:ventilation:{iso_week(first_day + timedelta(weeks=2))}"),
    ]
    print(
        f"set-up: {len(inputs.calls):,} call intervals, {inputs.staff['employee'].nunique()} people, "
        f"{len(inputs.absences)} absence rows ({START} to {END}, seed {SEED}); {time.perf_counter() - started:.1f} s"
    )
    print(f"forecast from {AS_OF} (first week {iso_week(first_day)}), {WEEKS} weeks; scenarios:")
    for s in scenarios:
        print(f"  - {s.describe()}")

    def whole() -> Forecast:
        return checked(forecast(inputs, AS_OF, WEEKS, ForecastSettings(draws=args.draws), scenarios), scenarios)

    first = whole()  # warm-up (imports, first-touch allocations), and the calibrated queue for (b) and (c)
    queue = first.queue
    groups = len({r.team for r in first.rows if r.team != "total" and r.p_below_target is not None})

    def monte_carlo(draws: int) -> Callable[[], Forecast]:
        settings = ForecastSettings(draws=draws, queue=queue)
        return lambda: checked(forecast(inputs, AS_OF, WEEKS, settings, scenarios), scenarios)

    cases = {
        f"(a) forecast(), {args.draws} draws, with calibration": whole,
        f"(b) calibrated queue passed in, {args.draws} draws": monte_carlo(args.draws),
        f"(c) floor: calibrated queue, {args.floor_draws} draws": monte_carlo(args.floor_draws),
    }
    seconds: dict[str, list[float]] = {k: [] for k in cases}
    growth: dict[str, list[float]] = {k: [] for k in cases}
    for _ in range(args.repeat):
        for label, call in cases.items():  # in turn, so that the machine's load falls on all three alike
            wall, grown, _ = timed(call)
            seconds[label].append(wall)
            growth[label].append(grown)
    traced = {label: traced_peak(call) for label, call in cases.items()}

    best = {k: min(v) for k, v in seconds.items()}
    a, b, c = (best[k] for k in cases)
    print(
        f"\n{groups} groups forecast, {WEEKS} weeks, 3 scenarios (all evaluated); best of {args.repeat}; "
        f"patience {queue.patience_s:g} s calibrated on {queue.weeks} group-weeks\n"
    )
    print("| case | wall (best) | all runs | peak RSS growth | tracemalloc peak | ratio to the floor |")
    print("|---|---|---|---|---|---|")
    for label in cases:
        runs = ", ".join(f"{x:.2f}" for x in seconds[label])
        print(
            f"| {label} | {best[label]:.2f} s | {runs} | {max(growth[label]):.0f} MB | {traced[label]:.0f} MB | "
            f"{best[label] / c:.1f}× |"
        )
    print(
        f"\n(b) ÷ (c), {args.draws} draws ÷ {args.floor_draws} draws with the same calibrated queue: {b / c:.1f}× "
        f"for {args.draws / args.floor_draws:.0f}× the draws; the queue's calibration ≈ (a) − (b) = {a - b:.2f} s"
    )
    print(f"target: a {WEEKS}-week forecast, 12 groups, {args.draws} draws under {TARGET_S:g} s: "
          f"{'met' if a < TARGET_S else 'NOT met'} ({a:.2f} s)")  # fmt: skip


if __name__ == "__main__":
    main()
