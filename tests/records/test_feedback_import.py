"""Citizen feedback (feedback.csv): Swedish exports, refusals by row and column, re-imports, nothing of the citizen."""

from __future__ import annotations

import json
import logging
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import insert, text
from sqlalchemy.exc import IntegrityError

from records.errors import ImportRejected, StoreError
from records.importers import KINDS, import_file
from records.store import RecordsStore
from tests.records.conftest import KEY
from tests.records.support import data_checksum
from tests.records.xlsx_files import workbook_bytes

# A case-system export as a municipality has it: Swedish headers and values, semicolons, Windows-1252, and the
# citizen's name, e-mail, phone and text beside the columns officewell reads.
SWEDISH = (
    "Inkommet;Förvaltning;Kategori;Kanal;Onödig efterfrågan;Namn;E-post;Telefon;Fritext\n"
    "2026-09-01;Socialförvaltningen;Klagomål;Telefon;Ja;Astrid Lindqvist;astrid.lindqvist@exempel.se;070-123 45 67;"
    "-Ingen svarar när jag ringer om försörjningsstöd\n"
    "2026-09-01;Tekniska förvaltningen;Beröm;E-post;nej;Gunnar Öberg;gunnar.oberg@exempel.se;;=Tack för snöröjningen\n"
    "2026-09-02;Miljöförvaltningen;Fråga;;;Maja Svärd;;08-555 123 45;Hur söker jag tillstånd för värmepump?\n"
    "2026-09-03;Stadsbyggnadsförvaltningen;Förslag;Webb;NEJ;;maja.svard@exempel.se;;Fler bänkar vid torget\n"
    "2026-09-03;Socialförvaltningen;klagomål;besök;ja;Astrid Lindqvist;;;Andra gången jag hör av mig\n"
)
CITIZEN = [
    "Astrid Lindqvist", "astrid.lindqvist@exempel.se", "070-123 45 67", "Ingen svarar", "Gunnar Öberg",
    "gunnar.oberg@exempel.se", "Tack för snöröjningen", "Maja Svärd", "08-555 123 45", "värmepump",
    "maja.svard@exempel.se", "Fler bänkar", "Andra gången",
]  # fmt: skip
ENGLISH_HEAD = "received_date,department,category,channel,failure_demand\n"


def _database_bytes(path: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(path.parent.glob(path.name + "*")))


def test_every_kind_reaches_the_command_line_the_upload_route_and_the_batch_table():
    from api.routes.imports import RecordsKind
    from officewell.commands.imports import HELP
    from records import models

    assert set(KINDS) == set(HELP) == {k.value for k in RecordsKind} == set(models.KINDS)
    assert "feedback" in KINDS


def test_a_swedish_export_in_windows_1252_with_semicolons(store, example_site):
    summary = import_file(
        store, "feedback", content=SWEDISH.encode("cp1252"), file_name="synpunkter.csv", site=example_site
    )
    assert (summary.encoding, summary.delimiter, summary.rows, summary.inserted) == ("windows-1252", ";", 5, 5)
    assert (summary.period_start, summary.period_end, summary.teams) == ("2026-09-01", "2026-09-03", (None,))
    assert summary.ignored_columns == ("Namn", "E-post", "Telefon", "Fritext")
    (note,) = summary.notes
    assert "ignored 4 column(s)" in note
    assert "without the citizen's name, contact details or free text" in note
    frame = store.feedback_frame()
    assert frame["category"].tolist() == ["complaint", "praise", "question", "suggestion", "complaint"]
    assert frame["channel"].tolist() == ["phone", "email", None, "web", "visit"]
    assert frame["failure_demand"].tolist() == [True, False, pd.NA, False, True]
    assert frame["department"].iloc[0] == "Socialförvaltningen"
    assert (
        frame["received_date"].tolist()
        == [pd.Timestamp(d) for d in ("2026-09-01",) * 2 + ("2026-09-02",)] + [pd.Timestamp("2026-09-03")] * 2
    )
    assert list(frame.columns) == ["received_date", "department", "category", "channel", "failure_demand"]


def test_english_headers_and_only_the_required_columns(store, example_site):
    content = b"received_date,department,category\n2026-01-05,Tekniska f\xc3\xb6rvaltningen,complaint\n"
    summary = import_file(store, "feedback", content=content, file_name="f.csv", site=example_site)
    assert (summary.inserted, summary.notes, summary.ignored_columns) == (1, (), ())
    frame = store.feedback_frame()
    assert frame["channel"].tolist() == [None]
    assert frame["failure_demand"].isna().all()


def test_an_xlsx_export_with_a_citizens_text_that_looks_like_a_formula(store, example_site):
    content = workbook_bytes(
        [
            ["Inkommet", "Förvaltning", "Kategori", "Fritext"],
            [datetime(2026, 3, 2), "Utbildningsförvaltningen", "Fråga", "=varför stänger fritids?"],  # noqa: DTZ001
            [datetime(2026, 3, 3), "Utbildningsförvaltningen", "Beröm", "@rektorn: tack!"],  # noqa: DTZ001
        ]
    )
    summary = import_file(store, "feedback", content=content, file_name="synpunkter.xlsx", site=example_site)
    assert (summary.inserted, summary.ignored_columns) == (2, ("Fritext",))
    assert store.feedback_frame()["category"].tolist() == ["question", "praise"]


def test_formula_text_in_a_column_it_reads_is_still_refused(store, example_site):
    content = ENGLISH_HEAD + "2026-01-05,=HYPERLINK(1),complaint,,\n"
    with pytest.raises(ImportRejected) as caught:
        import_file(store, "feedback", content=content.encode(), file_name="f.csv", site=example_site)
    assert [(e.row, e.column) for e in caught.value.errors] == [(2, "department")]
    assert "formula injection" in str(caught.value)


def test_a_bad_category_is_named_by_row_and_column(store, example_site):
    content = (
        "inkommet;förvaltning;kategori;namn\n"
        "2026-02-02;Socialförvaltningen;klagomål;Astrid Lindqvist\n"
        "2026-02-02;Socialförvaltningen;synpunkt;Gunnar Öberg\n"
        "2026-02-03;Miljöförvaltningen;fråga;Maja Svärd\n"
    )
    before = data_checksum(store)
    with pytest.raises(ImportRejected) as caught:
        import_file(store, "feedback", content=content.encode(), file_name="synpunkter.csv", site=example_site)
    (error,) = caught.value.errors
    assert (error.row, error.column) == (3, "kategori (category)")
    assert "unknown category 'synpunkt'" in error.reason
    assert "complaint (klagomål)" in error.reason
    assert data_checksum(store) == before
    assert "Gunnar" not in str(caught.value)


@pytest.mark.parametrize(
    ("row", "column", "reason"),
    [
        ("2026-02-30,Socialförvaltningen,complaint,phone,yes", "received_date", "'2026-02-30' is not a date"),
        (",Socialförvaltningen,complaint,phone,yes", "received_date", "the received date is empty"),
        ("2026-02-02,,complaint,phone,yes", "department", "the department is empty"),
        ("2026-02-02,Socialförvaltningen,,phone,yes", "category", "the category is empty"),
        ("2026-02-02,Socialförvaltningen,complaint,fax,yes", "channel", "unknown channel 'fax'"),
        ("2026-02-02,Socialförvaltningen,complaint,phone,kanske", "failure_demand", "'kanske' is not yes or no"),
        ("2026-02-02,Totalt,complaint,phone,yes", "department", "the reports' word for the whole centre"),
        ("2026-02-02," + "x" * 101 + ",complaint,phone,yes", "department", "101 characters long (value not shown)"),
    ],
)
def test_bad_values_are_named(store, example_site, row, column, reason):
    with pytest.raises(ImportRejected) as caught:
        import_file(
            store, "feedback", content=(ENGLISH_HEAD + row + "\n").encode(), file_name="f.csv", site=example_site
        )
    (error,) = caught.value.errors
    assert (error.row, error.column) == (2, column)
    assert reason in error.reason


@pytest.mark.parametrize("cell", ["astrid.lindqvist@exempel.se", "070-123 45 67", "19121212-1212"])
def test_contact_details_in_a_column_it_reads_are_refused_and_never_shown(store, example_site, cell):
    # The columns swapped: the department holds the citizen's e-mail, the channel the phone number.
    content = ENGLISH_HEAD + f"2026-02-02,{cell},complaint,{cell},\n"
    with pytest.raises(ImportRejected) as caught:
        import_file(store, "feedback", content=content.encode(), file_name="f.csv", site=example_site)
    assert {e.column for e in caught.value.errors} == {"department", "channel"}
    assert "value not shown" in str(caught.value)
    assert cell not in str(caught.value)
    assert cell not in json.dumps(caught.value.to_dict())


def test_nothing_of_the_citizen_reaches_the_database_file_the_summary_or_the_logs(tmp_path, example_site, caplog):
    caplog.set_level(logging.DEBUG)
    path = tmp_path / "records.db"
    store = RecordsStore.open(f"sqlite:///{path}", KEY)
    summary = import_file(
        store, "feedback", content=SWEDISH.encode("cp1252"), file_name="synpunkter.csv", site=example_site
    )
    utf8 = SWEDISH.replace("2026-09-0", "2026-10-0")
    import_file(store, "feedback", content=utf8.encode("utf-8"), file_name="oktober.csv", site=example_site)
    dry = import_file(store, "feedback", content=utf8.encode(), file_name="x.csv", site=example_site, dry_run=True)
    outputs = [summary.to_json(), dry.to_json(), caplog.text, repr(store.feedback_frame().to_dict())]
    outputs.append(repr([e.to_dict() for e in store.audit_log()]) + repr(store.import_batches()))
    assert len(store.feedback_frame()) == 10
    while_open = _database_bytes(path)
    store.close()
    stored = while_open + _database_bytes(path)
    for secret in CITIZEN:
        for encoding in ("utf-8", "cp1252", "utf-16-le"):
            assert secret.encode(encoding) not in stored, f"{secret!r} is in the database file"
        for output in outputs:
            assert secret not in output, f"{secret!r} is in an output"
    assert b"Socialf" in stored  # the scan would see it


def test_the_same_file_again_changes_nothing(store, example_site):
    content = SWEDISH.encode("cp1252")
    first = import_file(store, "feedback", content=content, file_name="a.csv", site=example_site)
    before = data_checksum(store)
    again = import_file(store, "feedback", content=content, file_name="copy.csv", site=example_site)
    assert (again.skipped_as_duplicate_file, again.batch_id, again.inserted) == (True, first.batch_id, 0)
    assert data_checksum(store) == before


def test_an_updated_export_replaces_the_whole_centres_days_it_covers(store, example_site):
    import_file(store, "feedback", content=SWEDISH.encode("cp1252"), file_name="a.csv", site=example_site)
    later = ENGLISH_HEAD + "2026-09-10,Miljöförvaltningen,question,web,no\n"
    import_file(store, "feedback", content=later.encode(), file_name="b.csv", site=example_site)
    # A corrected export of 2 and 3 September: one case instead of three; 1 and 10 September stay.
    update = ENGLISH_HEAD + "2026-09-02,Miljöförvaltningen,question,phone,yes\n2026-09-03,Miljöförvaltningen,praise,,\n"
    summary = import_file(store, "feedback", content=update.encode(), file_name="c.csv", site=example_site)
    assert (summary.replaced, summary.trimmed, summary.inserted) == (3, 0, 2)
    frame = store.feedback_frame()
    assert frame["received_date"].dt.day.tolist() == [1, 1, 2, 3, 10]
    assert frame["failure_demand"].tolist()[2] is True
    # --from/--to: "complete for these days": an export of no cases on 10 September is one row of another day.
    period = (date(2026, 9, 9), date(2026, 9, 11))
    one = ENGLISH_HEAD + "2026-09-09,Miljöförvaltningen,praise,,\n"
    cleared = import_file(store, "feedback", content=one.encode(), file_name="d.csv", site=example_site, period=period)
    assert (cleared.replaced, cleared.period_start, cleared.period_end) == (1, "2026-09-09", "2026-09-11")
    assert store.feedback_frame(date(2026, 9, 9), date(2026, 9, 30))["received_date"].dt.day.tolist() == [9]
    assert store.covered_periods("feedback")[-1] == period
    assert store.feedback_frame(date(2026, 9, 2), date(2026, 9, 2))["category"].tolist() == ["question"]


def test_a_dry_run_changes_nothing(store, example_site):
    before = data_checksum(store)
    summary = import_file(
        store, "feedback", content=SWEDISH.encode("cp1252"), file_name="a.csv", site=example_site, dry_run=True
    )
    assert (summary.inserted, summary.dry_run, summary.batch_id) == (5, True, None)
    assert data_checksum(store) == before


def test_migration_0004_keeps_every_rows_batch_and_lets_feedback_batches_in(empty_url):
    from alembic import command
    from alembic.config import Config

    from records.database import MIGRATIONS, current_revision, head_revision, make_engine

    engine = make_engine(empty_url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0003")
    batch = {
        "kind": "nki", "file_name": "nki.csv", "sha256": "0" * 64, "rows": 1, "inserted": 1, "replaced": 0,
        "trimmed": 0, "teams": "[null]", "actor": "hr", "imported_at": datetime(2026, 1, 5, tzinfo=UTC),
    }  # fmt: skip
    with engine.begin() as conn:
        from records.models import ImportBatch, NkiResult, table_of

        batch_id = conn.execute(insert(ImportBatch).values(**batch).returning(ImportBatch.id)).scalar_one()
        conn.execute(
            insert(table_of(NkiResult)).values(
                period_start=date(2026, 1, 1), period_end=date(2026, 1, 31), team=None, dimension="overall",
                score=4.1, responses=30, batch_id=batch_id,
            )
        )  # fmt: skip
    engine.dispose()
    store = RecordsStore.open(empty_url, KEY)
    assert current_revision(store.engine) == head_revision()
    with store.reading() as conn:
        assert conn.execute(text("SELECT batch_id FROM nki_results")).scalar_one() == batch_id  # not set to null
    with store.writing() as conn:
        conn.execute(insert(ImportBatch).values(**batch | {"kind": "feedback", "sha256": "1" * 64}))
        if store.dialect == "sqlite":
            assert conn.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
    with pytest.raises(StoreError, match=r"(?i)check"), store.writing() as conn:
        conn.execute(insert(ImportBatch).values(**batch | {"kind": "other", "sha256": "2" * 64}))
    store.close()
    engine = make_engine(empty_url)
    with engine.begin() as conn:  # and back: the feedback table and its batches go, the kinds of before stay
        config.attributes["connection"] = conn
        command.downgrade(config, "0003")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT kind FROM import_batches")).scalars().all() == ["nki"]
        assert conn.execute(text("SELECT batch_id FROM nki_results")).scalar_one() == batch_id
    with pytest.raises(IntegrityError, match=r"(?i)check"), engine.begin() as conn:
        conn.execute(insert(ImportBatch).values(**batch | {"kind": "feedback", "sha256": "3" * 64}))
    engine.dispose()
