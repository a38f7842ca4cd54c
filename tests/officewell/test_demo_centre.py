"""The demo's centre history: every kind of file, citizen feedback too, through the real importers."""

from datetime import date

import pandas as pd

from officewell.runners.centre import KINDS, import_demo_centre
from records.store import RecordsStore


def test_the_demo_imports_feedback_beside_the_hr_and_call_records(example_site, tmp_path):
    store = RecordsStore.open(f"sqlite:///{tmp_path / 'records.db'}", "d" * 40)
    try:
        rows = import_demo_centre(store, example_site, tmp_path / "centre", date(2026, 11, 24), days=70)
        assert set(rows) == set(KINDS) == {"staff", "absences", "calls", "nki", "feedback"}
        assert (tmp_path / "centre" / "feedback.csv").exists()
        feedback = store.feedback_frame()
        assert len(feedback) == rows["feedback"] > 150  # ten weeks of 10–40 cases a week
        assert feedback["received_date"].min() >= pd.Timestamp("2026-09-15")
        assert feedback["department"].nunique() >= 5
        assert store.covered_periods("feedback")
    finally:
        store.close()
