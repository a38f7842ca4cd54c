"""Frame rows as response models: the API's one serialiser of the DataFrames that models and stores return."""

from __future__ import annotations

from functools import cache
from typing import Any, TypeVar

import numpy as np
import pandas as pd
from pydantic import BaseModel, TypeAdapter

M = TypeVar("M", bound=BaseModel)


def rows_of(model: type[M], frame: pd.DataFrame) -> list[M]:
    """Each row of `frame` as `model`: NaN, NA and NaT become None, numpy scalars Python ones.

    Timestamps become datetimes, so a field typed `date` gets the calendar date (an ISO date in JSON)
    and one typed `datetime` the instant; columns the model does not name are left out.
    """
    records = [{str(key): plain(value) for key, value in row.items()} for row in frame.to_dict("records")]
    return _list_of(model).validate_python(records)


def plain(value: Any) -> Any:
    """A cell as plain Python: missing values as None, numpy scalars and timestamps as their Python types."""
    if pd.api.types.is_scalar(value) and pd.isna(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, np.generic):
        return value.item()
    return value


@cache
def _list_of(model: type[BaseModel]) -> TypeAdapter[list[Any]]:
    return TypeAdapter(list[model])  # type: ignore[valid-type]
