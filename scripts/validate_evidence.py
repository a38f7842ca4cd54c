"""Validate `analyze` on known truth: centres with and without a planted CO₂ effect, over many seeds.

For each seed the synthetic centre (synthetic.centre, two years, 12 answer groups of three) is generated
twice on the same office: once with the planted short-term sick-leave effect of CO₂ (default: Milton's
1.53 for 12 vs 24 l/s, 1.217 per +100 ppm) and once with none. The sensors' weekly occupied-hours
exposure comes from the office simulator with the same seed (hourly windows → models.exposure, as in
production), the records go through models.associations as `analyze` runs them. Printed per scenario:

- how often CO₂ comes out first (the best-supported association, as `analyze` orders them);
- coverage: how often the 95 % interval of the CO₂ rate ratio (short-term spells, lag 0) covers the
  planted one — the site's own interval, and the combined one;
- power: how often the site's own CO₂ estimate is significant at the adjusted 5 % level;
- false findings: the share of seeds with any association significant at the adjusted 5 % level that
  has no planted effect (in the null scenario: any at all), unless `analyze` marks it as moving with
  CO₂ (models.associations, `moves_with`: then it never reads "high" and says it may be CO₂'s); those
  marked are counted apart;
- the recovered rate ratios (median and quartiles of the site's own estimates).

    .venv/bin/python scripts/validate_evidence.py --seeds 20 [--days-per-week 5] [--workers 2] [--strong 1.5]
"""

from __future__ import annotations

import argparse
import math
import multiprocessing as mp
import sys
import time
import tomllib
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from models.analysis import rank_key  # noqa: E402
from models.associations import associations, team_week_panel  # noqa: E402
from models.evidence import parse_evidence  # noqa: E402
from models.exposure import exposure  # noqa: E402
from models.holidays import holidays_between, opening_days  # noqa: E402
from models.occupancy import OccupiedHours  # noqa: E402
from sensors.site import Site, load_site  # noqa: E402
from synthetic.centre import GeneratorConfig, PlantedEffects, generate_centre  # noqa: E402
from synthetic.office import OfficeSimulator  # noqa: E402

START, END = date(2024, 1, 1), date(2025, 12, 28)  # 104 whole ISO weeks
QUANTITIES = ("co2_ppm", "temperature_c", "humidity_pct", "sound_dba", "illuminance_lux")


@dataclass(frozen=True)
class SeedResult:
    """What one seed of one scenario gave."""

    scenario: str
    seed: int
    planted: float  # the planted rate ratio per +100 ppm (1: none)
    co2_first: bool
    local: tuple[float, float, float] | None  # ratio, low, high of CO₂ on short-term spells at lag 0
    combined: tuple[float, float, float] | None
    co2_significant: bool
    false_findings: tuple[str, ...]  # significant associations without a planted effect
    marked: tuple[str, ...] = ()  # significant without a planted effect, but marked as moving with CO₂


def weekly_windows(site: Site, seed: int, days_per_week: int) -> pd.DataFrame:
    """Hourly windows (quantity, zone, ts, mean, count) of the simulated sensors on sampled open days."""
    sim = OfficeSimulator(site, seed=seed, drifting_device=None)
    holidays = set(holidays_between(START, END))
    parts = []
    day = START
    while day <= END:
        open_days = [day + timedelta(days=k) for k in range(5) if day + timedelta(days=k) not in holidays]
        for d in open_days[:days_per_week]:
            frames = sim.day(d)
            for device in site.devices:
                frame = frames[device.id]
                hour = frame.index.floor("h").as_unit("ns").asi8
                starts, first = np.unique(hour, return_index=True)
                for q in QUANTITIES:
                    if q not in frame:
                        continue
                    values = frame[q].to_numpy(dtype=np.float64)
                    have = ~np.isnan(values)
                    sums = np.add.reduceat(np.where(have, values, 0.0), first)
                    counts = np.add.reduceat(have.astype(np.int64), first)
                    parts.append((q, device.zone, starts, sums, counts))
        day += timedelta(weeks=1)
    windows = pd.DataFrame(
        {
            "quantity": np.concatenate([np.full(len(p[2]), p[0], dtype=object) for p in parts]),
            "zone": np.concatenate([np.full(len(p[2]), p[1], dtype=object) for p in parts]),
            "ts": pd.to_datetime(np.concatenate([p[2] for p in parts]), utc=True),
            "sum": np.concatenate([p[3] for p in parts]),
            "count": np.concatenate([p[4] for p in parts]),
        }
    )
    # Several devices in a zone: one window, weighted by count.
    grouped = windows.groupby(["quantity", "zone", "ts"], as_index=False)[["sum", "count"]].sum()
    grouped["mean"] = grouped["sum"] / grouped["count"].where(grouped["count"] > 0)
    return grouped[grouped["count"] > 0]


def run_seed(job: tuple[int, int, float, float]) -> list[SeedResult]:
    """Both scenarios (planted and null) of one seed, on one simulated office."""
    seed, days_per_week, planted, strong = job
    site = load_site(ROOT / "examples" / "site.toml")
    evidence = parse_evidence(tomllib.loads((ROOT / "models" / "data" / "evidence.toml").read_text()))
    tz = site.site.tz
    hours = site.site.working_hours
    occupied = OccupiedHours(tz, hours.start, hours.end, tuple(hours.days))
    start = pd.Timestamp(START).tz_localize(tz).to_pydatetime()
    stop = pd.Timestamp(END + timedelta(days=1)).tz_localize(tz).to_pydatetime()
    team_zone = {team: zone.id for zone in site.zones for team in zone.teams}
    zones = sorted(set(team_zone.values()))
    windows = weekly_windows(site, seed, days_per_week)
    weekly = []
    for q in QUANTITIES:
        w = windows[windows["quantity"] == q][["ts", "zone", "mean", "count"]]
        e = exposure(w, q, occupied, start, stop, zones=zones, min_completeness=0.5 * days_per_week / 5)
        weekly.append(e.assign(quantity=q).rename(columns={"period_start": "week_start"}))
    weekly_exposure = pd.concat(weekly, ignore_index=True)
    days = opening_days(START, END, hours.days)
    config = GeneratorConfig().quick()
    environment = None
    results = []
    scenarios = [("planted", planted), ("null", 1.0)] + ([("strong", strong)] if strong else [])
    for name, rr in scenarios:
        effects = PlantedEffects(co2_rr_per_100ppm=rr)
        centre = generate_centre(site, START, END, seed=seed, effects=effects, config=config, environment=environment)
        environment = centre.truth.environment  # the same office for every scenario of this seed
        absences = centre.absences.rename(columns={"employee_id": "employee"})
        staff = centre.staff.rename(columns={"employee_id": "employee"})
        panel = team_week_panel(absences, staff, centre.calls, days, tz=site.site.timezone)
        found = sorted(associations(panel, weekly_exposure, team_zone, evidence, seed=seed), key=rank_key)
        co2 = next(a for a in found if (a.quantity, a.outcome, a.lag_weeks) == ("co2_ppm", "short_term_sick_spells", 0))
        if co2.fit.estimate is None:  # a broken pipeline must not pass for "the data cannot tell"
            raise RuntimeError(f"seed {seed} ({name}): no local CO₂ estimate: {co2.fit.reason}")
        significant = [a for a in found if a.p_adjusted is not None and a.p_adjusted < 0.05]
        planted_here = rr != 1.0
        unplanted = [
            a for a in significant if not (planted_here and a.quantity == "co2_ppm" and a.outcome != "answer_rate")
        ]
        marked = [a for a in unplanted if planted_here and any(q == "co2_ppm" for q, _ in a.moves_with)]
        false = tuple(f"{a.quantity}/{a.outcome}/lag {a.lag_weeks}" for a in unplanted if a not in marked)
        results.append(
            SeedResult(
                scenario=name,
                seed=seed,
                planted=rr,
                co2_first=found[0].quantity == "co2_ppm",
                local=_triple(co2.fit.estimate),
                combined=_triple(co2.combined.estimate if co2.combined else None),
                co2_significant=co2.p_adjusted is not None and co2.p_adjusted < 0.05,
                false_findings=false,
                marked=tuple(f"{a.quantity}/{a.outcome}/lag {a.lag_weeks}" for a in marked),
            )
        )
    return results


def _triple(estimate: Any) -> tuple[float, float, float] | None:
    return None if estimate is None else (estimate.ratio, estimate.ci_low, estimate.ci_high)


def summarise(results: list[SeedResult]) -> str:
    """A markdown table per scenario."""
    lines = [
        "| scenario | seeds | CO₂ first | local 95 % CI covers | combined CI covers | CO₂ significant (adj.) "
        "| seeds with a false finding | … marked as moving with CO₂ | local RR: median [IQR] |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for scenario in dict.fromkeys(r.scenario for r in results):
        rows = [r for r in results if r.scenario == scenario]
        n = len(rows)
        truth = rows[0].planted
        covers = [r.local is not None and r.local[1] <= truth <= r.local[2] for r in rows]
        combined = [r.combined is not None and r.combined[1] <= truth <= r.combined[2] for r in rows]
        ratios = np.array([r.local[0] for r in rows if r.local is not None])
        q1, med, q3 = np.quantile(ratios, [0.25, 0.5, 0.75]) if len(ratios) else (math.nan,) * 3
        lines.append(
            f"| {scenario} (RR {truth:g} per +100 ppm) | {n} | {sum(r.co2_first for r in rows)}/{n} "
            f"| {sum(covers)}/{n} | {sum(combined)}/{n} | {sum(r.co2_significant for r in rows)}/{n} "
            f"| {sum(bool(r.false_findings) for r in rows)}/{n} | {sum(bool(r.marked) for r in rows)}/{n} "
            f"| {med:.2f} [{q1:.2f}–{q3:.2f}] |"
        )
    found = [f"seed {r.seed} ({r.scenario}): {', '.join(r.false_findings)}" for r in results if r.false_findings]
    if found:
        lines.append("")
        lines.append("False findings: " + "; ".join(found))
    marked = [f"seed {r.seed} ({r.scenario}): {', '.join(r.marked)}" for r in results if r.marked]
    if marked:
        lines.append("")
        lines.append("Marked as moving with CO₂: " + "; ".join(marked))
    return "\n".join(lines)


def main() -> None:
    """Run the seeds in parallel and print the summary."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--first-seed", type=int, default=1)
    parser.add_argument("--days-per-week", type=int, default=5, choices=range(1, 6))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--planted", type=float, default=1.217)
    parser.add_argument("--strong", type=float, default=0.0, help="also a third scenario with this stronger effect")
    args = parser.parse_args()
    jobs = [
        (s, args.days_per_week, args.planted, args.strong) for s in range(args.first_seed, args.first_seed + args.seeds)
    ]
    began = time.perf_counter()
    results: list[SeedResult] = []
    with mp.get_context("spawn").Pool(args.workers) as pool:
        for done, batch in enumerate(pool.imap_unordered(run_seed, jobs), start=1):
            results.extend(batch)
            print(f"  seed {batch[0].seed} done ({done}/{len(jobs)}, {time.perf_counter() - began:.0f} s)",
                  file=sys.stderr, flush=True)  # fmt: skip
    results.sort(key=lambda r: (r.scenario, r.seed))
    print(f"{args.seeds} seeds, {START} – {END}, sensors sampled {args.days_per_week} open days a week")
    print(summarise(results))


if __name__ == "__main__":
    main()
