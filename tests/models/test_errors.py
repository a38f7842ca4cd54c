"""Bad frames and arguments raise the models package's own error, which names what is wrong."""

from datetime import time

import pandas as pd
import pytest

from models.absence import period_starts, suppress_small_groups
from models.erlang import erlang_a
from models.errors import ModelInputError, ModelsError
from models.goals import tertial_bounds
from models.staffing import interval_offsets


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: period_starts(pd.Series(pd.to_datetime(["2026-01-05"])), "fortnight"), "freq must be one of"),
        (lambda: suppress_small_groups(pd.DataFrame({"team": ["a"]}), "team", "people"), r"lacks columns \['people'\]"),
        (lambda: erlang_a(20, 300, -1, 3), "patience_s must be >= 0"),
        (lambda: tertial_bounds("2026-T4"), "not a tertial label: '2026-T4'"),
        (lambda: interval_offsets(time(8), time(17), 0), "interval_minutes must be positive"),
    ],
)
def test_bad_input_is_a_models_error(call, message):
    with pytest.raises(ModelsError, match=message) as caught:
        call()
    assert isinstance(caught.value, ModelInputError)
    assert isinstance(caught.value, ValueError)  # callers that caught ValueError still do
