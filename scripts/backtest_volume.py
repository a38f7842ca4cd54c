"""Backtest the call-volume forecast (models.volume) on generated centres: MAE against both naive forecasts.

For each seed the centre generator (synthetic.centre, quick settings) makes two years of call intervals
for the example site's 12 answer groups; models.volume.backtest_volume fits the model at each of the
last 26 weekly origins and forecasts 1, 4 and 8 weeks ahead. Printed as a markdown table per seed and
pooled: MAE of the model, of the same week last year (seasonal naive) and of the last four weeks' mean,
and how often the p10–p90 band held the outcome.

    .venv/bin/python scripts/backtest_volume.py --seeds 3
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from models.volume import backtest_volume, daily_calls  # noqa: E402
from sensors.site import load_site  # noqa: E402
from synthetic.centre import GeneratorConfig, generate_centre  # noqa: E402


def main() -> None:
    """Run the backtest over the seeds and print the table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--origins", type=int, default=26)
    args = parser.parse_args()
    site = load_site(ROOT / "examples" / "site.toml")
    parts = []
    began = time.perf_counter()
    for seed in range(1, args.seeds + 1):
        centre = generate_centre(
            site, date(2024, 1, 1), date(2025, 12, 28), seed=seed, config=GeneratorConfig().quick()
        )
        summary = backtest_volume(daily_calls(centre.calls, site.site.timezone), origins=args.origins)
        parts.append(summary.assign(seed=seed))
        print(f"  seed {seed} done ({time.perf_counter() - began:.0f} s)", file=sys.stderr, flush=True)
    table = pd.concat(parts)
    pooled = table.groupby("horizon").apply(
        lambda g: pd.Series(
            {
                "n": g["n"].sum(),
                **{c: (g[c] * g["n"]).sum() / g["n"].sum() for c in ("mae_model", "mae_seasonal_naive",
                                                                      "mae_recent_mean", "band_coverage")},
            }
        ),
        include_groups=False,
    )  # fmt: skip
    print(f"{args.seeds} seeds, {args.origins} weekly origins each, 12 answer groups; calls per group and week")
    print("| horizon (weeks) | group-weeks | MAE model | MAE same week last year | MAE last 4 weeks | p10–p90 covers |")
    print("|---|---|---|---|---|---|")
    for horizon, row in pooled.iterrows():
        print(
            f"| {horizon} | {int(row['n'])} | {row['mae_model']:.1f} | {row['mae_seasonal_naive']:.1f} | "
            f"{row['mae_recent_mean']:.1f} | {row['band_coverage']:.0%} |"
        )


if __name__ == "__main__":
    main()
