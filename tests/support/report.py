"""The generated centre made ready for a period report: its citizen feedback imported and a board with items."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path

from records import board
from records.importers import import_file
from records.store import RecordsStore
from sensors.site import Site
from tests.support.centre import KEY, CentreStores

PERIOD = "2025-T3"  # the generated year's last tertial (its calls end on Sunday 28 December 2025)
TODAY = date(2026, 1, 20)  # the day the report is made: after the tertial, as at the centre


def report_directory(stores: CentreStores, site: Site, directory: Path) -> Path:
    """A copy of the centre's stores in `directory`, with feedback.csv imported and four board items.

    The items: ventilation rebalanced in z3 on 15 September 2025 (done in the tertial), absorbers in z5 in
    progress since August, a proposal of December, and one rejected in May (before the tertial: left out).
    """
    for name in ("records.db", "readings.db"):  # the backup API: the source's write-ahead log comes along
        with sqlite3.connect(stores.directory / name) as source, sqlite3.connect(directory / name) as target:
            source.backup(target)
    records = RecordsStore.open(f"sqlite:///{directory / 'records.db'}", KEY)
    try:
        import_file(records, "feedback", stores.directory / "feedback.csv", site=site)
        add = board.add_item
        add(
            records,
            "Rebalance ventilation in z3",
            actor="facilities",
            zone="z3",
            status="done",
            done_on=date(2025, 9, 15),
            action="ventilation_rebalancing",
            today=date(2025, 9, 15),
            at=datetime(2025, 8, 20, 9, tzinfo=UTC),
        )
        add(
            records,
            "Absorbers in z5",
            actor="facilities",
            zone="z5",
            status="in_progress",
            at=datetime(2025, 8, 25, 9, tzinfo=UTC),
        )
        add(
            records,
            "Task lights in z9",
            actor="manager",
            zone="z9",
            status="proposed",
            at=datetime(2025, 12, 2, 9, tzinfo=UTC),
        )
        rejected = add(
            records, "Move team-4", actor="manager", status="proposed", at=datetime(2025, 5, 2, 9, tzinfo=UTC)
        )
        board.update_item(
            records,
            rejected.id,
            actor="manager",
            status="rejected",
            at=datetime(2025, 5, 9, tzinfo=UTC),
            today=date(2025, 5, 9),
        )
    finally:
        records.close()
    return directory
