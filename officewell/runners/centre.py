"""The demo's centre history: generate a realistic centre (citizen feedback too) and import it through the importers."""

from __future__ import annotations

import logging
from datetime import date, timedelta
from pathlib import Path

from officewell.errors import SimulationError
from records.importers import import_file
from records.store import RecordsStore
from sensors.site import Site
from synthetic import SyntheticError
from synthetic.centre import generate_centre

log = logging.getLogger(__name__)

KINDS = ("staff", "absences", "calls", "nki", "feedback")


def import_demo_centre(
    store: RecordsStore, site: Site, directory: Path, today: date, days: int = 400, seed: int = 42
) -> dict[str, int]:
    """Generate `days` of centre history up to yesterday, write the contract CSVs, import them; rows per kind.

    Raises SimulationError when the generator refuses the site (no zone with teams, say) or the seed.
    """
    try:
        centre = generate_centre(site, today - timedelta(days=days), today - timedelta(days=1), seed=seed)
    except SyntheticError as exc:
        raise SimulationError(f"cannot generate a centre for site {site.id!r}: {exc}") from exc
    files = centre.write_csv(directory)
    rows = {}
    for kind in KINDS:
        if getattr(centre, kind).empty:  # a short history may hold no NKI month, say: a file of no rows is refused
            continue
        summary = import_file(store, kind, files[kind], site=site, actor="demo")
        rows[kind] = summary.inserted
        log.info(
            "imported %s: %d rows (%s)",
            files[kind].name,
            summary.inserted,
            "unchanged" if summary.skipped_as_duplicate_file else "new",
        )
    return rows
