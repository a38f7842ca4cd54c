"""Vectorised parsing of cell text: ISO dates, local or offset timestamps, counts, decimal commas, enums."""

from __future__ import annotations

from collections.abc import Mapping
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from records.importers.columns import normalise_name

# Dates outside this window are typing mistakes, not history or plans.
EARLIEST = pd.Timestamp("1990-01-01")
LATEST = pd.Timestamp("2100-12-31")

_SPACES = r"[\s\u00a0\u202f]"
_NUMBER = r"[+-]?(?:\d+(?:\.\d+)?|\.\d+)"
_TIMESTAMP = r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?"
_OFFSET = r"(?:Z|z|[+-]\d{2}(?::?\d{2})?)"


def blank(cells: pd.Series) -> pd.Series:
    """Which cells are empty."""
    return cells.fillna("").eq("")


def dates(cells: pd.Series) -> tuple[pd.Series, pd.Series]:
    """ISO dates (YYYY-MM-DD) as datetime64 and the mask of non-empty cells that are not one."""
    # Spreadsheets write dates as midnight timestamps; a midnight time adds nothing and is dropped.
    text = cells.where(~blank(cells)).str.replace(r"[T ]00:00(?::00(?:\.0+)?)?$", "", regex=True)
    parsed = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
    parsed = parsed.where((parsed >= EARLIEST) & (parsed <= LATEST))
    return parsed.astype("datetime64[ns]"), parsed.isna() & ~blank(cells)


def numbers(cells: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Numbers with a decimal point or comma (spaces as thousands separators allowed) and the bad mask."""
    fast = _plain_numbers(cells)
    if fast is not None:
        return fast, pd.Series(False, index=cells.index)
    empty = blank(cells)
    values = pd.to_numeric(cells.where(~empty), errors="coerce").astype("float64")
    # The fast path above takes plain numbers; decimal commas and grouped digits need a second look.
    retry = values.isna() & ~empty
    if retry.any():
        cleaned = cells[retry].str.replace(_SPACES, "", regex=True).str.replace(",", ".", regex=False)
        ok = cleaned.str.fullmatch(_NUMBER).fillna(False).astype(bool)
        values[retry] = pd.to_numeric(cleaned.where(ok), errors="coerce").astype("float64")
    finite = np.isfinite(values.to_numpy(dtype="float64", na_value=np.nan))
    values = values.where(finite)
    return values, values.isna() & ~empty


def _plain_numbers(cells: pd.Series) -> pd.Series | None:
    # A column of plain integers (the usual count column) converts in one NumPy call; anything else is None.
    raw = cells.to_numpy(dtype=object)
    try:
        values = raw.astype(np.int64).astype(np.float64)
    except (ValueError, TypeError, OverflowError):
        return None
    return pd.Series(values, index=cells.index)


def whole(values: pd.Series) -> pd.Series:
    """Which numbers are whole (NaN counts as whole: emptiness is checked elsewhere)."""
    return values.isna() | (values == np.floor(values))


def timestamps(cells: pd.Series, tz: ZoneInfo, teams: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """ISO timestamps as UTC; those without an offset are local site time.

    Returns the instants, the mask of unparseable cells and the mask of local times that do not exist or are
    ambiguous at a daylight-saving change. An ambiguous local time is resolved only when it appears exactly
    twice for the same team (the first is summer time, as exported), which is how ACD exports list it.
    """
    empty = blank(cells)
    text = cells.fillna("").str.strip()
    fast = _uniform(text, tz, teams)
    if fast is not None:
        return fast
    shaped = text.str.match(_TIMESTAMP).fillna(False).astype(bool)
    has_offset = shaped & text.str.contains(_OFFSET + "$", regex=True).fillna(False).astype(bool)
    result = pd.Series(pd.NaT, index=cells.index, dtype="datetime64[ns, UTC]")
    if has_offset.any():
        with_offset = text[has_offset].str.replace(r"[zZ]$", "+00:00", regex=True)
        result[has_offset] = pd.to_datetime(with_offset, format="ISO8601", utc=True, errors="coerce")
    local_mask = shaped & ~has_offset
    unresolved = pd.Series(False, index=cells.index)
    if local_mask.any():
        naive = pd.to_datetime(text[local_mask], format="ISO8601", errors="coerce")
        localised = naive.dt.tz_localize(tz, ambiguous="NaT", nonexistent="NaT")
        gap = localised.isna() & naive.notna()
        if gap.any():
            localised = _resolve_ambiguous(naive, localised, gap, teams[local_mask], tz)
        result[local_mask] = localised.dt.tz_convert("UTC")
        unresolved[local_mask] = localised.isna() & naive.notna()
    bad = result.isna() & ~empty & ~unresolved
    return result, bad, unresolved


def _uniform(text: pd.Series, tz: ZoneInfo, teams: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series] | None:
    # Most exports write every timestamp the same way: then one vectorised parse does; otherwise None.
    if text.empty or not bool((text.str.len() >= 16).all()):
        return None
    try:
        parsed = pd.to_datetime(text, format="ISO8601", errors="coerce")
    except (ValueError, TypeError):
        return None  # offsets on some rows and not on others
    if not bool(parsed.notna().all()):
        return None
    nothing = pd.Series(False, index=text.index)
    if isinstance(parsed.dtype, pd.DatetimeTZDtype):
        return parsed.dt.tz_convert("UTC").astype("datetime64[ns, UTC]"), nothing, nothing
    localised = parsed.dt.tz_localize(tz, ambiguous="NaT", nonexistent="NaT")
    gap = localised.isna()
    if gap.any():
        localised = _resolve_ambiguous(parsed, localised, gap, teams, tz)
    return localised.dt.tz_convert("UTC").astype("datetime64[ns, UTC]"), nothing, localised.isna()


def _resolve_ambiguous(
    naive: pd.Series, localised: pd.Series, gap: pd.Series, teams: pd.Series, tz: ZoneInfo
) -> pd.Series:
    # Times in the repeated autumn hour (not the skipped spring hour) that a team lists exactly twice.
    candidates = naive[gap]
    summer = candidates.dt.tz_localize(tz, ambiguous=np.ones(len(candidates), dtype=bool), nonexistent="NaT")
    repeated = candidates[summer.notna()]
    if repeated.empty:
        return localised
    groups = repeated.groupby([teams[repeated.index].to_numpy(), repeated.to_numpy()])
    nth = groups.cumcount()
    pair = groups.transform("size").eq(2)
    resolved = repeated[pair].dt.tz_localize(tz, ambiguous=nth[pair].eq(0).to_numpy())
    localised = localised.copy()
    localised[resolved.index] = resolved
    return localised


def choices(cells: pd.Series, mapping: Mapping[str, str]) -> pd.Series:
    """Map loosely-written enum values (case, å/ä/ö, spacing ignored) to canonical ones; NaN if unknown."""
    lookup = {normalise_name(k): v for k, v in mapping.items()}
    uniques = cells.dropna().unique()
    return cells.map({u: lookup.get(normalise_name(str(u))) for u in uniques})
