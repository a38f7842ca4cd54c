"""`officewell analyze`: read the stores for a period and hand the frames to models.analysis.

The reading store is asked for windows (aggregated by the store itself, e.g. InfluxQL
`GROUP BY time(1h)`), never for two years of raw points; the records store for the period's absences,
roster and call intervals. Everything statistical happens in models/ (models.analysis.analyse).
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from datetime import timedelta
from importlib import resources
from pathlib import Path

import pandas as pd

from gateway.stores import ReadingStore
from models.actions import ActionSpec, parse_catalogue
from models.analysis import (
    DONE_COLUMNS,
    Analysis,
    Economics,
    Period,
    analyse,
    analysed_quantities,
    period_bounds,
    window_width,
)
from models.evidence import QuantityEvidence, parse_evidence
from officewell.errors import OfficewellError
from records.board import list_items
from records.store import RecordsStore
from sensors.site import Site

Progress = Callable[[int, int], None]


class AnalysisError(OfficewellError):
    """The analysis cannot run: an unreadable evidence or catalogue file; the message says what to change."""


def load_catalogue(path: Path | None = None) -> list[ActionSpec]:
    """The action catalogue that ships with officewell, with the site's own file (if any) merged over it."""
    shipped = resources.files("models").joinpath("data/actions.toml")
    try:
        data = tomllib.loads(shipped.read_text(encoding="utf-8"))
        override = tomllib.loads(Path(path).read_text(encoding="utf-8")) if path is not None else None
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise AnalysisError(f"cannot read the action catalogue {path or shipped}: {exc}") from exc
    return parse_catalogue(data, override)


def load_evidence(path: Path | None = None) -> dict[str, QuantityEvidence]:
    """The evidence table: the site's own file if given, else the one that ships with officewell."""
    shipped = resources.files("models").joinpath("data/evidence.toml")
    try:
        text = shipped.read_text(encoding="utf-8") if path is None else Path(path).read_text(encoding="utf-8")
        return parse_evidence(tomllib.loads(text))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise AnalysisError(f"cannot read the evidence file {path or shipped}: {exc}") from exc


# Concurrent window reads (see run_analysis), on threads that live as long as the process: the embedded
# store keeps a connection per thread, and a pool per analysis would leave two behind each time.
_READERS = ThreadPoolExecutor(max_workers=2, thread_name_prefix="analysis-read")


def run_analysis(
    site: Site,
    store: ReadingStore,
    records: RecordsStore,
    evidence: dict[str, QuantityEvidence],
    period: Period,
    *,
    catalogue: Sequence[ActionSpec] = (),
    economics: Economics = Economics(),  # noqa: B008 - frozen, so one shared default is safe
    progress: Progress | None = None,
) -> Analysis:
    """Read the period's windows and records, and analyse them (models.analysis.analyse)."""
    start, stop = period_bounds(site, period)
    width = window_width(site)
    quantities = analysed_quantities(evidence)
    steps = len(quantities) + 2
    windows = {}
    # Two reads at a time: a server store (InfluxDB) aggregates one query on one core, so a second query
    # keeps the machine's other core busy; the embedded store's reads release the GIL in SQLite.
    futures = {q: _READERS.submit(store.windows, site.id, q, start, stop, width) for q in quantities}
    try:
        for i, quantity in enumerate(quantities, start=1):
            windows[quantity] = futures[quantity].result()
            if progress is not None:
                progress(i, steps)
    except BaseException:
        # One read failed (or the user stopped it): the others must not go on after the caller closes the store.
        for future in futures.values():
            future.cancel()
        wait(list(futures.values()))
        raise
    absences = records.absences_frame(period.start - timedelta(days=31), period.end)  # spells reaching in
    staff = records.staff_frame(period.start, period.end)
    calls = records.calls_frame(start, stop)
    done = pd.DataFrame(
        [{c: getattr(item, c) for c in DONE_COLUMNS} for item in list_items(records, status="done")],
        columns=DONE_COLUMNS,
    )
    if progress is not None:
        progress(steps - 1, steps)
    analysis = analyse(
        site,
        period,
        windows,
        absences,
        staff,
        calls,
        evidence,
        catalogue=catalogue,
        economics=economics,
        done=done,
        records_begin=records.records_begin(),
    )
    if progress is not None:
        progress(steps, steps)
    return analysis
