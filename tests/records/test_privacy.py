"""Raw employee ids never reach the database file (SQLite incl. WAL), the logs or error messages."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from records.errors import ImportRejected
from records.importers import import_file
from records.retention import erase_person
from records.store import RecordsStore
from tests.records.conftest import KEY
from tests.records.support import BROKEN, GOOD, raw_ids_in
from tests.records.xlsx_files import absences_xlsx

IMPORTS = [
    ("absences", GOOD / "absences_sv_cp1252.csv"),
    ("absences", GOOD / "absences_en_utf8.csv"),
    ("absences", GOOD / "absences_bom_semicolon.csv"),
    ("staff", GOOD / "staff_sv_cp1252.csv"),
    ("staff", GOOD / "staff_en.csv"),
]
REFUSED = [
    ("absences", BROKEN / "absences_overlapping_spells.csv"),
    ("absences", BROKEN / "absences_duplicate_rows.csv"),
    ("absences", BROKEN / "absences_empty_employee_id.csv"),
    ("staff", BROKEN / "staff_overlapping_rows.csv"),
]


def _encodings(raw: str) -> list[bytes]:
    forms = {raw, raw.lower()}
    return [f.encode(enc) for f in forms for enc in ("utf-8", "cp1252", "utf-16-le", "utf-16-be")]


def _database_bytes(path: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(path.parent.glob(path.name + "*")))


def test_no_raw_id_in_the_database_file_logs_or_messages(tmp_path, example_site, caplog):
    caplog.set_level(logging.DEBUG)  # everything any logger says, SQLAlchemy's included
    path = tmp_path / "records.db"
    store = RecordsStore.open(f"sqlite:///{path}", KEY)
    raw_ids = raw_ids_in(*(p for _, p in IMPORTS + REFUSED)) | {"EMP-6001-K", "EMP-6002-K", "6003"}
    messages = []
    for kind, file in IMPORTS:
        messages.append(import_file(store, kind, file, site=example_site).to_json())
    messages.append(
        import_file(store, "absences", content=absences_xlsx(), file_name="x.xlsx", site=example_site).to_json()
    )
    for kind, file in REFUSED:
        with pytest.raises(ImportRejected) as caught:
            import_file(store, kind, file, site=example_site)
        messages.append(str(caught.value))
        messages.append(repr(caught.value.to_dict()))
    messages.append(repr(store.absences_frame().to_dict()) + repr(store.staff_frame().to_dict()))
    messages.append(repr([e.to_dict() for e in store.audit_log()]))
    erase_person(store, raw_id="EMP-1001-K", actor="hr")

    while_open = _database_bytes(path)  # the WAL still holds the recent writes here
    assert (tmp_path / "records.db-wal").exists()
    store.close()
    after_close = _database_bytes(path)
    assert len(raw_ids) >= 15
    for raw in raw_ids:
        if raw == "6003":  # a bare number can occur anywhere in a binary file; its pseudonym is checked below
            continue
        for needle in _encodings(raw):
            assert needle not in while_open, f"{raw!r} is in the database file or its WAL"
            assert needle not in after_close, f"{raw!r} is in the database file"
        assert raw not in caplog.text
        for message in messages:
            assert raw not in message
    assert caplog.text  # the importers did log, just never an id


def test_erased_pseudonyms_do_not_linger_in_the_sqlite_file(tmp_path, example_site):
    path = tmp_path / "records.db"
    store = RecordsStore.open(f"sqlite:///{path}", KEY)
    import_file(store, "absences", GOOD / "absences_sv_cp1252.csv", site=example_site)
    import_file(store, "staff", GOOD / "staff_sv_cp1252.csv", site=example_site)
    pseudonym = store.pseudonymiser.pseudonym("EMP-1003-K")
    assert pseudonym.encode() in _database_bytes(path)
    erase_person(store, raw_id="EMP-1003-K", actor="hr")
    assert pseudonym.encode() not in _database_bytes(path)  # secure_delete + a WAL checkpoint
    store.close()
    assert pseudonym.encode() not in _database_bytes(path)


def test_no_raw_id_in_any_stored_value_on_either_backend(store, example_site):
    from sqlalchemy import select

    from records.models import Base

    for kind, file in IMPORTS:
        import_file(store, kind, file, site=example_site)
    for kind, file in REFUSED:
        with pytest.raises(ImportRejected):
            import_file(store, kind, file, site=example_site)
    raw_ids = raw_ids_in(*(p for _, p in IMPORTS + REFUSED))
    with store.reading() as conn:
        stored = "".join(repr(conn.execute(select(t)).all()) for t in Base.metadata.tables.values())
    assert store.pseudonymiser.pseudonym("EMP-1001-K") in stored
    for raw in raw_ids:
        assert raw not in stored
        assert raw.lower() not in stored
