"""The broken-file corpus: each file is refused whole, names its row and column, and leaves the store unchanged."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from records.errors import MAX_REPORTED_ERRORS, ImportRejected
from records.importers import import_file
from records.store import RecordsStore
from sensors.site import Site
from tests.records.conftest import KEY, PostgresServer
from tests.records.support import BROKEN, GOOD, data_checksum, raw_ids_in
from tests.records.xlsx_files import formula_xlsx, text_formula_xlsx

EXPECTED = tomllib.loads((BROKEN / "expected.toml").read_text(encoding="utf-8"))


def test_the_corpus_is_complete():
    files = {p.name for p in BROKEN.iterdir() if p.suffix == ".csv"}
    assert files == set(EXPECTED), "every broken file needs an entry in expected.toml, and the reverse"
    assert len(files) >= 20


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def loaded_store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, example_site: Site
) -> Iterator[RecordsStore]:
    """One store per backend, holding good data of every kind, that every broken file is thrown at."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('broken') / 'records.db'}"
    else:
        server: PostgresServer = request.getfixturevalue("postgres_server")
        url = server.create_database()
    store = RecordsStore.open(url, KEY)
    for kind, name in [
        ("absences", "absences_sv_cp1252.csv"),
        ("staff", "staff_sv_cp1252.csv"),
        ("calls", "calls_sv_cp1252.csv"),
        ("nki", "nki_sv_cp1252.csv"),
    ]:
        import_file(store, kind, GOOD / name, site=example_site)
    yield store
    store.close()
    if request.param == "postgresql":
        server.drop_database(url)


def _refused(store: RecordsStore, site: Site, kind: str, path: Path | None = None, **kwargs: object) -> ImportRejected:
    before = data_checksum(store)
    counts = store.counts()
    with pytest.raises(ImportRejected) as caught:
        import_file(store, kind, path, site=site, **kwargs)  # type: ignore[arg-type]
    assert data_checksum(store) == before, "a refused file must leave the store exactly as it was"
    after = store.counts()
    assert {k: v for k, v in after.items() if k != "audit_log"} == {k: v for k, v in counts.items() if k != "audit_log"}
    assert after["audit_log"] == counts["audit_log"] + 1  # the refused attempt is audited, nothing else
    return caught.value


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_broken_file_is_refused_with_an_actionable_message(loaded_store, example_site, name):
    expected = EXPECTED[name]
    error = _refused(loaded_store, example_site, expected["kind"], BROKEN / name)
    matching = [
        e
        for e in error.errors
        if e.row == expected["row"] and e.column == expected.get("column") and expected["reason"] in e.reason
    ]
    assert matching, f"expected row {expected['row']}, column {expected.get('column')}: {expected['reason']!r}\n{error}"
    assert name in str(error)
    assert "nothing was imported" in str(error)
    for raw in raw_ids_in(BROKEN / name):
        assert raw not in str(error), "an error message must never echo an employee id"
    if "total" in expected:
        assert error.total == expected["total"]
        assert len(error.errors) == MAX_REPORTED_ERRORS
        assert f"and {expected['total'] - MAX_REPORTED_ERRORS} more" in str(error)
    audit = loaded_store.audit_log(limit=1)[0]
    assert (audit.action, audit.resource) == ("import_rejected", f"{expected['kind']}:{name}")


def test_a_formula_cell_in_xlsx_is_formula_injection(loaded_store, example_site):
    error = _refused(loaded_store, example_site, "absences", content=formula_xlsx(), file_name="export.xlsx")
    (only,) = error.errors
    assert (only.row, only.column) == (3, "reason")
    assert "cell E3 holds a formula: formula injection is refused" in only.reason
    assert "HYPERLINK" not in str(error)


def test_formula_text_in_xlsx_is_formula_injection(loaded_store, example_site):
    error = _refused(loaded_store, example_site, "absences", content=text_formula_xlsx(), file_name="export.xlsx")
    assert [(e.row, e.column) for e in error.errors] == [(2, "team")]
    assert "formula injection" in error.errors[0].reason


def test_an_employee_id_in_another_column_is_not_echoed(loaded_store, example_site):
    content = b"employee_id,team,start_date,end_date,reason\nEMP-8001-K,EMP-8001-K,2024-01-02,2024-01-02,sick\n"
    error = _refused(loaded_store, example_site, "absences", content=content, file_name="shifted.csv")
    assert "unknown team (value not shown" in str(error)
    assert "EMP-8001-K" not in str(error)


def test_every_kind_names_missing_columns_with_their_aliases(loaded_store, example_site):
    error = _refused(loaded_store, example_site, "calls", content=b"intervall;svarsgrupp\n2024-01-01 08:00;team-1\n")
    reasons = {e.column: e.reason for e in error.errors}
    assert set(reasons) == {"offered", "answered"}
    assert "erbjudna" in reasons["offered"]
    assert "besvarade" in reasons["answered"]


def test_a_file_clashing_with_a_stored_spell_is_refused(loaded_store, example_site):
    # EMP-1001-K is stored as sick in team-1 on 2024-01-08..10; a team-4 file cannot put them elsewhere then.
    content = b"employee_id,team,start_date,end_date,reason\nEMP-1001-K,team-4,2024-01-09,2024-01-09,other\n"
    error = _refused(loaded_store, example_site, "absences", content=content, file_name="moved.csv")
    assert error.errors[0].row == 2
    assert "overlaps a stored spell of the same person (2024-01-08 – 2024-01-10, team team-1" in str(error)
    assert "absences_sv_cp1252.csv" in str(error)


def test_a_row_outside_the_given_period_is_refused(loaded_store, example_site):
    from datetime import date

    error = _refused(
        loaded_store,
        example_site,
        "absences",
        GOOD / "absences_en_utf8.csv",
        period=(date(2024, 1, 1), date(2024, 1, 31)),
    )
    assert {e.row for e in error.errors} == {4, 5, 6}
    assert "outside the period given for this export (2024-01-01 – 2024-01-31)" in error.errors[0].reason


def test_a_dry_run_reports_refusals_without_auditing(loaded_store, example_site):
    before = loaded_store.counts()
    with pytest.raises(ImportRejected):
        import_file(loaded_store, "nki", BROKEN / "nki_bad_dimension.csv", site=example_site, dry_run=True)
    assert loaded_store.counts() == before


@pytest.mark.parametrize(
    ("content", "hidden"),
    [
        # Two columns swapped: the id lands in the team column and the team in the id column.
        (b"employee_id,team,start_date,end_date,reason\nteam-1,E4242,2024-01-02,2024-01-02,sick\n", "E4242"),
        # A personal identity number typed into the team column of a roster.
        (b"employee_id,team,start_date,end_date,fte\nE7001,19850101-1234,2024-01-02,,1\n", "19850101-1234"),
        (b"employee_id,team,start_date,end_date,fte\nE7001,8501011234,2024-01-02,,1\n", "8501011234"),
    ],
)
def test_a_value_that_may_be_an_id_is_described_not_echoed(loaded_store, example_site, content, hidden):
    kind = "absences" if b"reason" in content else "staff"
    error = _refused(loaded_store, example_site, kind, content=content, file_name="swapped.csv")
    assert [(e.row, e.column) for e in error.errors][:1] == [(2, "team")]
    assert "unknown team (value not shown" in str(error)
    assert hidden not in str(error)
    assert hidden not in json.dumps(error.to_dict())


def test_dates_and_small_numbers_are_still_quoted_in_a_file_of_ids(loaded_store, example_site):
    content = b"employee_id,team,start_date,end_date,reason,extent_pct\nE7001,team-1,2024-02-30,2024-03-01,sick,60\n"
    error = _refused(loaded_store, example_site, "absences", content=content, file_name="typos.csv")
    text = str(error)
    assert "'2024-02-30' is not a date" in text
    assert "extent '60' is not 25, 50, 75 or 100" in text


@pytest.mark.parametrize(
    "cell", ['=HYPERLINK("http://x";"y")', "@SUM(A1)", "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0"]
)
def test_formula_text_in_csv_is_refused_like_in_xlsx(loaded_store, example_site, cell):
    quoted = '"' + cell.replace('"', '""') + '"'
    content = (
        "employee_id,team,start_date,end_date,reason\n"
        "E7001,team-1,2024-01-02,2024-01-02,sick\n"
        f"E7002,{quoted},2024-01-02,2024-01-02,sick\n"
    )
    error = _refused(loaded_store, example_site, "absences", content=content.encode(), file_name="export.csv")
    assert [(e.row, e.column) for e in error.errors] == [(3, "team")]
    assert "starts like a formula: formula injection is refused" in error.errors[0].reason
    assert cell not in str(error)


def test_a_negative_number_is_data_not_a_formula(loaded_store, example_site):
    content = b"interval_start,team,offered,answered\n2024-01-02 08:00,team-1,-5,0\n"
    error = _refused(loaded_store, example_site, "calls", content=content, file_name="calls.csv")
    assert "negative" in str(error)
    assert "formula" not in str(error)
