"""How well the action follow-up (models.follow_up) finds a planted change, and keeps quiet without one.

Usage: .venv/bin/python scripts/validate_follow_up.py [--seeds 20] [--first-seed 1] [--start 2025-01-01]
       [--end 2026-06-30] [--done-on 2025-09-01] [--lps 45] [--weekdays 3] [--json PATH]

For each seed the example site's centre is generated twice with the same seed: once with a planted
ventilation change in the under-ventilated zone z3 (ZoneChange: 20 → 45 l/s from --done-on), once
without. The two worlds share every random draw, so the plain one is the changed one's counterfactual:

- exposure truth: the mean over the weeks compared after the date of z3's weekly CO₂ with the change
  minus without it (the simulator's own weekly occupied-hours means, on the --weekdays simulated);
- sick-leave truth: the ratio of team-3's planted hazard multipliers with and without the change over
  the months after the date (Truth.hazard), seasonally weighted; 1 in the plain world.

It then runs follow_up() on both worlds and prints how often each outcome is called ("fell"/"rose")
with the change and without it (a false alarm), and how often the 95 % intervals cover the truth.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from models.associations import team_week_panel
from models.follow_up import FollowUp, follow_up
from models.holidays import opening_days
from officewell.wiring import EXAMPLE_SITE
from sensors.site import Site, load_site
from synthetic.centre import Centre, GeneratorConfig, generate_centre
from synthetic.office import OfficeSimulator, ZoneChange
from synthetic.office.weekly import weekly_exposure

ZONE, TEAM = "z3", "team-3"


@dataclass(frozen=True)
class World:
    """One generated centre and what the follow-up made of it."""

    centre: Centre
    exposure: pd.DataFrame
    result: FollowUp


def panel_of(centre: Centre, site: Site) -> pd.DataFrame:
    """The team-week panel from the generator's frames (the records store's column names)."""
    days = opening_days(centre.start, centre.end, site.site.working_hours.days)
    absences = centre.absences.rename(columns={"employee_id": "employee"})
    staff = centre.staff.rename(columns={"employee_id": "employee"})
    return team_week_panel(absences, staff, centre.calls, days, tz=site.site.timezone)


def world(site: Site, seed: int, args: argparse.Namespace, changes: list[ZoneChange]) -> World:
    """Generate, simulate the weekly exposure and follow the action up."""
    centre = generate_centre(site, args.start, args.end, seed=seed, changes=changes)
    sim = OfficeSimulator(site, seed=seed, drifting_device=None, changes=changes)
    exposure = weekly_exposure(sim, args.start, args.end, weekdays=set(args.weekdays))
    team_zone = {t: z.id for z in site.zones for t in z.teams}
    result = follow_up(ZONE, args.done_on, panel_of(centre, site), exposure, team_zone, "co2_ppm")
    return World(centre, exposure, result)


def exposure_truth(changed: World, plain: World) -> float:
    """Mean over the compared weeks after the date of z3's CO₂ with the change minus without it."""
    after = changed.result.window.after
    weeks = pd.date_range(pd.Timestamp(after[0]), pd.Timestamp(after[1]), freq="7D")

    def z3(w: World) -> pd.Series:
        rows = w.exposure[(w.exposure["zone"] == ZONE) & (w.exposure["quantity"] == "co2_ppm")]
        return rows.set_index("week_start")["mean"].reindex(weeks)

    return float((z3(changed) - z3(plain)).mean())


def sick_truth(changed: World, plain: World, season: tuple[float, ...]) -> float:
    """team-3's planted sick-onset hazard with the change over without it, in the months after the date."""
    after = changed.result.window.after
    weeks = pd.date_range(pd.Timestamp(after[0]), pd.Timestamp(after[1]), freq="7D")
    months = weeks.to_period("M").to_timestamp()

    def multiplier(w: World) -> np.ndarray:
        hazard = w.centre.truth.hazard
        own = hazard[hazard["team"] == TEAM].set_index("month")["multiplier"]
        return own.reindex(months).to_numpy(dtype=np.float64)

    weight = np.asarray([season[m.month - 1] for m in months])
    return float(np.sum(weight * multiplier(changed)) / np.sum(weight * multiplier(plain)))


def covers(low: float | None, high: float | None, truth: float) -> bool | None:
    """Whether the interval holds the truth (None without an interval)."""
    return None if low is None or high is None else low <= truth <= high


def main() -> None:
    """Run the seeds and print the table (and optionally write every run as JSON)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--first-seed", type=int, default=1)
    parser.add_argument("--start", type=date.fromisoformat, default=date(2025, 1, 1))
    parser.add_argument("--end", type=date.fromisoformat, default=date(2026, 6, 30))
    parser.add_argument("--done-on", type=date.fromisoformat, default=date(2025, 9, 1))
    parser.add_argument("--lps", type=float, default=45.0, help="z3's outdoor air after the change (20 before)")
    parser.add_argument("--weekdays", type=int, nargs="+", default=[3], help="ISO weekdays simulated per week")
    parser.add_argument("--json", type=Path, help="write every run's figures here")
    args = parser.parse_args()
    site = load_site(EXAMPLE_SITE)
    season = GeneratorConfig().absence.short_sick_months
    change = ZoneChange(ZONE, on=args.done_on, ventilation_lps=args.lps)
    runs = []
    began = time.perf_counter()
    for seed in range(args.first_seed, args.first_seed + args.seeds):
        changed = world(site, seed, args, [change])
        plain = world(site, seed, args, [])
        truths = {
            "exposure": exposure_truth(changed, plain),
            "short_term_sick_spells": sick_truth(changed, plain, season),
        }
        nulls = {"exposure": 0.0, "short_term_sick_spells": 1.0, "answer_rate": 1.0}
        for label, w in (("changed", changed), ("plain", plain)):
            for c in w.result.comparisons:
                truth = truths.get(c.outcome, 1.0) if label == "changed" else nulls[c.outcome]
                if label == "changed" and c.outcome == "answer_rate":
                    truth = float("nan")  # no planted answer-rate truth: it follows staffing, not planted directly
                runs.append(
                    {
                        "seed": seed,
                        "world": label,
                        "outcome": c.outcome,
                        "status": c.status,
                        "verdict": c.verdict,
                        "estimate": c.estimate,
                        "ci_low": c.ci_low,
                        "ci_high": c.ci_high,
                        "p_placebo": c.p_placebo,
                        "truth": truth,
                        "covered": covers(c.ci_low, c.ci_high, truth) if truth == truth else None,
                        "events_before": c.events_before,
                        "events_after": c.events_after,
                    }
                )
        print(f"seed {seed}: done ({time.perf_counter() - began:.0f} s)", file=sys.stderr, flush=True)
    frame = pd.DataFrame(runs)
    print_table(frame, args)
    if args.json:
        args.json.write_text(json.dumps(runs, indent=1, default=str), encoding="utf-8")


def print_table(frame: pd.DataFrame, args: argparse.Namespace) -> None:
    """The validation figures: calls made, false alarms and interval coverage per outcome."""
    seeds = frame["seed"].nunique()
    print(
        f"Action follow-up validation: {seeds} seeds, {args.start} – {args.end}, z3 ventilation 20 → {args.lps:g} l/s "
        f"on {args.done_on} (26 weeks before and after; weekdays simulated: {args.weekdays})"
    )
    print(f"{'outcome':<24}{'world':<9}{'estimated':>10}{'called':>8}{'right way':>10}{'covered':>9}  median estimate")
    for outcome in ("exposure", "short_term_sick_spells", "answer_rate"):
        for label in ("changed", "plain"):
            rows = frame[(frame["outcome"] == outcome) & (frame["world"] == label)]
            est = rows[rows["status"] == "estimated"]
            called = est["verdict"].isin(["fell", "rose"])
            right = (est["verdict"] == "fell") if outcome != "answer_rate" else (est["verdict"] == "rose")
            covered = est["covered"].dropna()
            cov = f"{covered.mean():.0%}" if len(covered) else "–"
            median = statistics.median(est["estimate"]) if len(est) else float("nan")
            print(
                f"{outcome:<24}{label:<9}{len(est):>6}/{len(rows):<3}{int(called.sum()):>8}"
                f"{int(right.sum()) if label == 'changed' else '–':>10}{cov:>9}  {median:.3g}"
            )
    truth = frame[(frame["world"] == "changed") & (frame["outcome"] != "answer_rate")].groupby("outcome")["truth"]
    for outcome, values in truth:
        print(f"planted truth, {outcome}: median {values.median():.3g} (range {values.min():.3g} – {values.max():.3g})")


if __name__ == "__main__":
    main()
