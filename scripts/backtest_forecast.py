"""Backtest the risk forecast (models.forecast) on generated centres: Brier skill, reliability, band coverage.

For each seed the centre generator (synthetic.centre, quick settings) makes two years of the example
site's 12 answer groups (2024-01-01 to 2025-12-28); models.forecast_backtest.backtest_forecast forecasts
from each of the last 26 weekly origins what it knew then (the roster 30 days ahead, absences begun or
planned, calls up to the origin; the queue calibrated once, at the first origin) and scores each
group's week 1, 4 and 8 weeks ahead against the answer rate it reached. Printed as markdown tables, per
seed and pooled over the seeds (the scored group-weeks pooled, the scores recomputed): Brier score of
P(below target) beside climatology and persistence, skill against both, p10–p90 coverage and the
expected rate's error; the pooled reliability at 4 weeks; and the call-volume backtest pooled.

    .venv/bin/python scripts/backtest_forecast.py --seeds 3
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from models.forecast import ForecastInputs, ForecastSettings, SiteHours, forecast  # noqa: E402
from models.forecast_backtest import _reliability, _summary, backtest_forecast  # noqa: E402 - the module's own scores
from models.roster_outlook import known_on  # noqa: E402
from sensors.site import load_site  # noqa: E402
from synthetic.centre import GeneratorConfig, generate_centre  # noqa: E402

HORIZONS = (1, 4, 8)
RELIABILITY_HORIZON = 4


def print_scores(table: pd.DataFrame, label: str) -> None:
    """One markdown table: a row per horizon."""
    print("| " + label + " | horizon (weeks) | group-weeks | below target | Brier | Brier climatology | "
          "Brier persistence | skill vs climatology | skill vs persistence | p10–p90 covers | MAE (pp) |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for row in table.to_dict("records"):
        print(
            f"| {row['label']} | {row['horizon']} | {row['n']} | {row['share_below']:.1%} | {row['brier']:.3f} | "
            f"{row['brier_climatology']:.3f} | {row['brier_persistence']:.3f} | {_pct(row['skill_vs_climatology'])} | "
            f"{_pct(row['skill_vs_persistence'])} | {row['coverage_p10_p90']:.0%} | {row['mae_pp']:.2f} |"
        )


def _pct(value: float | None) -> str:
    return "–" if value is None or pd.isna(value) else f"{100 * value:+.0f} %"


def main() -> None:
    """Run the backtest over the seeds and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--origins", type=int, default=26)
    parser.add_argument("--draws", type=int, default=1000)
    args = parser.parse_args()
    site = load_site(ROOT / "examples" / "site.toml")
    team_zone = {team: zone.id for zone in site.zones for team in zone.teams}
    settings = ForecastSettings(draws=args.draws)
    scored, per_seed, volume, queues = [], [], [], []
    first_origin = last_origin = None
    began = time.perf_counter()
    for seed in range(1, args.seeds + 1):
        centre = generate_centre(
            site, date(2024, 1, 1), date(2025, 12, 28), seed=seed, config=GeneratorConfig().quick()
        )
        inputs = ForecastInputs(
            centre.calls,
            centre.staff.rename(columns={"employee_id": "employee"}),
            centre.absences.rename(columns={"employee_id": "employee"}),
            SiteHours(tz=site.site.timezone),
            team_zone,
        )

        def progress(done: int, total: int, seed: int = seed) -> None:
            print(f"  seed {seed}: origin {done}/{total} ({time.perf_counter() - began:.0f} s)", file=sys.stderr,
                  flush=True)  # fmt: skip

        result = backtest_forecast(
            inputs, origins=args.origins, horizons=HORIZONS, settings=settings, progress=progress
        )
        first_origin, last_origin = result.origins[0], result.origins[-1]
        # The queue the backtest calibrated at its first origin (it keeps it for the others), for the record.
        staff, absences = known_on(inputs.staff, inputs.absences, first_origin)
        queue = forecast(replace(inputs, staff=staff, absences=absences), first_origin, 1,
                         ForecastSettings(draws=100)).queue  # fmt: skip
        queues.append(
            f"seed {seed}: calibrated on {queue.weeks} group-weeks before {first_origin}: patience "
            f"{queue.patience_s:g} s, centre phone share {queue.centre_share:.2f}, weekly error {queue.rmse_pp:.2f} "
            f"pp (beyond binomial {100 * queue.residual_sd:.2f} pp)"
        )
        scored.append(result.scored.assign(seed=seed))
        per_seed.append(result.horizons.assign(label=f"seed {seed}"))
        volume.append(result.volume.assign(seed=seed))
    pooled = pd.concat(scored, ignore_index=True)
    summary = _summary(pooled).assign(label="pooled")
    reliability = _reliability(pooled)
    print(
        f"{args.seeds} seeds, {args.origins} weekly origins each ({first_origin} … {last_origin} on the last seed), "
        f"12 answer groups, {args.draws} draws; target {settings.target:.0%} answered; "
        f"{time.perf_counter() - began:.0f} s\n"
    )
    print_scores(pd.concat([*per_seed, summary], ignore_index=True), "seed")
    print("\nThe queue (patience and phone shares), calibrated once per seed at the first origin:\n")
    for line in queues:
        print(f"- {line}")

    print(f"\nReliability at {RELIABILITY_HORIZON} weeks, pooled (bins of P(below target))\n")
    print("| P(below) | group-weeks | mean forecast | observed below |")
    print("|---|---|---|---|")
    for row in reliability[reliability["horizon"] == RELIABILITY_HORIZON].to_dict("records"):
        print(f"| {row['bin']} | {row['n']} | {row['mean_forecast']:.3f} | {row['observed']:.3f} |")

    table = pd.concat(volume)
    print("\nCall volume (models.volume.backtest_volume), pooled; calls per group and week\n")
    print("| horizon (weeks) | group-weeks | MAE model | MAE same week last year | MAE last 4 weeks | p10–p90 covers |")
    print("|---|---|---|---|---|---|")
    for horizon, g in table.groupby("horizon"):
        n = g["n"].sum()

        def mean(column: str, g: pd.DataFrame = g, n: float = n) -> float:
            return float((g[column] * g["n"]).sum() / n)

        print(
            f"| {horizon} | {int(n)} | {mean('mae_model'):.1f} | {mean('mae_seasonal_naive'):.1f} | "
            f"{mean('mae_recent_mean'):.1f} | {mean('band_coverage'):.0%} |"
        )


if __name__ == "__main__":
    main()
