"""Monthly customer satisfaction (NKI) per answer group and for the whole centre."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from synthetic.centre.config import NkiParams
from synthetic.streams import stream

NKI_COLUMNS = ["period_start", "period_end", "team", "dimension", "score", "responses"]
DIMENSIONS = ("treatment", "knowledge", "accessibility", "overall")


def draw_nki(
    months: list[tuple[date, date]],
    teams: list[str],
    answer_rate: np.ndarray,
    untrained: np.ndarray,
    params: NkiParams,
    seed: int,
) -> pd.DataFrame:
    """NKI rows for each (month, team) and the centre (team empty) from that month's service.

    `answer_rate` and `untrained` are (team, month) arrays: the month's answer rate and the mean
    number of agent-equivalents still missing to training (FTE × (1 − capacity)).
    """
    rng = stream(seed, "nki")
    n_teams, n_months = len(teams), len(months)
    # Each group has its own level of friendliness and know-how, stable from month to month.
    treatment_base = rng.normal(params.treatment[0], params.treatment[1], n_teams)
    knowledge_base = rng.normal(params.knowledge[0], params.knowledge[1], n_teams)
    responses = rng.integers(params.responses[0], params.responses[1] + 1, (n_teams, n_months))
    noise = rng.normal(0.0, 1.0, (4, n_teams, n_months)) * params.respondent_sd / np.sqrt(responses)

    treatment = treatment_base[:, None] + noise[0]
    knowledge = knowledge_base[:, None] + params.knowledge_per_trainee * untrained + noise[1]
    pp_above = 100.0 * (np.nan_to_num(answer_rate, nan=params.target_answer_rate) - params.target_answer_rate)
    accessibility = params.accessibility_at_target + params.accessibility_per_pp * pp_above + noise[2]
    w = params.overall_weights
    overall = w[0] * treatment + w[1] * knowledge + w[2] * accessibility + noise[3] * 0.5
    scores = np.clip(np.stack([treatment, knowledge, accessibility, overall]), 1.0, 5.0)

    rows = []
    for m, (first, last) in enumerate(months):
        for d, dimension in enumerate(DIMENSIONS):
            for t, team in enumerate(teams):
                rows.append((first, last, team, dimension, round(float(scores[d, t, m]), 2), int(responses[t, m])))
            # The centre's score is what all respondents said together: a response-weighted mean.
            total = int(responses[:, m].sum())
            centre = float((scores[d, :, m] * responses[:, m]).sum() / total)
            rows.append((first, last, "", dimension, round(centre, 2), total))
    frame = pd.DataFrame(rows, columns=NKI_COLUMNS)
    frame["period_start"] = pd.to_datetime(frame["period_start"])
    frame["period_end"] = pd.to_datetime(frame["period_end"])
    return frame
