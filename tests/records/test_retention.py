"""Retention of absence rows and erasure of one person: both delete, count and audit."""

from datetime import date

import pytest

from records.importers import import_file
from records.retention import erase_person, months_before, purge_absences
from tests.records.support import GOOD


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2024, 6, 15), 4, date(2024, 2, 15)),
        (date(2024, 3, 31), 1, date(2024, 2, 29)),
        (date(2024, 1, 10), 13, date(2022, 12, 10)),
        (date(2024, 5, 31), 0, date(2024, 5, 31)),
    ],
)
def test_months_before(day, months, expected):
    assert months_before(day, months) == expected


def test_old_absences_are_purged_and_audited(store, example_site):
    import_file(store, "absences", GOOD / "absences_sv_cp1252.csv", site=example_site)
    result = purge_absences(store, 4, today=date(2024, 6, 15), actor="retention-job")
    assert result.cutoff == date(2024, 2, 15)
    # Spells that ended before 2024-02-15 go; 2024-02-05..07 ended before too; 02-12..23 and March stay.
    assert result.absences_deleted == 7
    frame = store.absences_frame()
    assert len(frame) == 3
    assert (frame["end_date"] >= "2024-02-15").all()
    entry = store.audit_log()[0]
    assert (entry.actor, entry.action, entry.resource) == ("retention-job", "retention_purge", "absences")
    assert entry.details == {"months": 4, "cutoff": "2024-02-15", "absences_deleted": 7}
    assert purge_absences(store, 4, today=date(2024, 6, 15)).absences_deleted == 0


def test_retention_needs_at_least_a_month(store):
    with pytest.raises(ValueError, match="at least one month"):
        purge_absences(store, 0)


def test_a_person_is_erased_by_raw_id(store, example_site):
    import_file(store, "absences", GOOD / "absences_sv_cp1252.csv", site=example_site)
    import_file(store, "staff", GOOD / "staff_sv_cp1252.csv", site=example_site)
    pseudonym = store.pseudonymiser.pseudonym("EMP-1003-K")
    result = erase_person(store, raw_id=" emp-1003-k ", actor="hr-anna", reason="art. 17 request 2024-17")
    assert (result.absences_deleted, result.staff_deleted, result.subject) == (2, 1, pseudonym[:8])
    assert pseudonym not in set(store.absences_frame()["employee"]) | set(store.staff_frame()["employee"])
    entry = store.audit_log()[0]
    assert (entry.actor, entry.action, entry.resource) == ("hr-anna", "erase_person", f"person:{pseudonym[:8]}")
    assert (entry.details["absences_deleted"], entry.details["staff_deleted"]) == (2, 1)
    assert "EMP-1003-K" not in repr(entry.to_dict())
    assert pseudonym not in repr(entry.to_dict())


def test_a_person_is_erased_by_pseudonym_and_reimporting_the_old_file_does_not_bring_them_back(store, example_site):
    import_file(store, "absences", GOOD / "absences_en_utf8.csv", site=example_site)
    pseudonym = store.pseudonymiser.pseudonym("EMP-2001-K")
    assert erase_person(store, pseudonym=pseudonym.upper(), actor="hr").absences_deleted == 2
    again = import_file(store, "absences", GOOD / "absences_en_utf8.csv", site=example_site)
    assert again.skipped_as_duplicate_file
    assert pseudonym not in set(store.absences_frame()["employee"])


def test_erasure_needs_exactly_one_valid_name(store):
    with pytest.raises(ValueError, match="either"):
        erase_person(store, actor="hr")
    with pytest.raises(ValueError, match="either"):
        erase_person(store, raw_id="EMP-1-K", pseudonym="ab" * 32, actor="hr")
    with pytest.raises(ValueError, match="not a pseudonym"):
        erase_person(store, pseudonym="EMP-1-K", actor="hr")
    assert erase_person(store, raw_id="EMP-0000-K", actor="hr").absences_deleted == 0
