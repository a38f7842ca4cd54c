"""Analytics: pure functions on DataFrames; no I/O.

The errors load with the package; the analytics (pandas, scipy) load on first use. `sensor_health`
is reached through its module (models.sensor_health.sensor_health): the function shares the module's name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import lazy_loader

from models.errors import ModelInputError, ModelsError

if TYPE_CHECKING:
    from models.absence import (
        CONTINUATION_DAYS,
        SHORT_TERM_MAX_DAYS,
        absence_days,
        absence_rates,
        bradford_factor,
        bradford_summary,
        period_starts,
        short_term_spells,
        sick_spells,
        spell_frequency,
        suppress_small_groups,
        team_sort_key,
    )
    from models.erlang import answer_rate, answer_rate_table, erlang_a, erlang_b, erlang_c
    from models.goals import iso_week, nki_follow_up, tertial, tertial_bounds, tertial_report, weekly_answer_rate
    from models.holidays import easter_sunday, holidays_between, opening_days, swedish_holidays
    from models.occupancy import OccupiedHours
    from models.readings import window_stats
    from models.staffing import (
        TRAINING_DAYS,
        TRAINING_START,
        available_agent_hours,
        available_agents_daily,
        interval_offsets,
        opening_intervals,
        training_capacity,
    )

# The heavier modules load the first time one of their public names is asked for.
__getattr__, _, _ = lazy_loader.attach(
    __name__,
    submod_attrs={
        "absence": [
            "CONTINUATION_DAYS",
            "SHORT_TERM_MAX_DAYS",
            "absence_days",
            "absence_rates",
            "bradford_factor",
            "bradford_summary",
            "period_starts",
            "short_term_spells",
            "sick_spells",
            "spell_frequency",
            "suppress_small_groups",
            "team_sort_key",
        ],
        "erlang": ["answer_rate", "answer_rate_table", "erlang_a", "erlang_b", "erlang_c"],
        "goals": ["iso_week", "nki_follow_up", "tertial", "tertial_bounds", "tertial_report", "weekly_answer_rate"],
        "holidays": ["easter_sunday", "holidays_between", "opening_days", "swedish_holidays"],
        "occupancy": ["OccupiedHours"],
        "readings": ["window_stats"],
        "staffing": [
            "TRAINING_DAYS",
            "TRAINING_START",
            "available_agent_hours",
            "available_agents_daily",
            "interval_offsets",
            "opening_intervals",
            "training_capacity",
        ],
    },
)


__all__ = [
    "CONTINUATION_DAYS",
    "SHORT_TERM_MAX_DAYS",
    "TRAINING_DAYS",
    "TRAINING_START",
    "ModelInputError",
    "ModelsError",
    "OccupiedHours",
    "absence_days",
    "absence_rates",
    "answer_rate",
    "answer_rate_table",
    "available_agent_hours",
    "available_agents_daily",
    "bradford_factor",
    "bradford_summary",
    "easter_sunday",
    "erlang_a",
    "erlang_b",
    "erlang_c",
    "holidays_between",
    "interval_offsets",
    "iso_week",
    "nki_follow_up",
    "opening_days",
    "opening_intervals",
    "period_starts",
    "short_term_spells",
    "sick_spells",
    "spell_frequency",
    "suppress_small_groups",
    "swedish_holidays",
    "team_sort_key",
    "tertial",
    "tertial_bounds",
    "tertial_report",
    "training_capacity",
    "weekly_answer_rate",
    "window_stats",
]
