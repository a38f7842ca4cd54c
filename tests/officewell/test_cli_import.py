"""`officewell import` as a user runs it: --json summaries, refusals with rows and columns, no raw ids."""

import json

import pytest
from typer.testing import CliRunner

from officewell.cli import app
from tests.conftest import EXAMPLE_SITE, ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "records"
runner = CliRunner()
KEY = "9c41d0f27e8b5a63f1e2d4c7b8a90f3e6d2c1b7a5e4f8093c2d1e6b7a8f90c3d"  # a test key, random-looking as required


@pytest.fixture
def env(tmp_path, clean_env):
    clean_env.setenv("OFFICEWELL_DATA_DIR", str(tmp_path))
    clean_env.setenv("OFFICEWELL_SITE", str(EXAMPLE_SITE))
    return tmp_path


def test_import_needs_the_pseudonym_key(env):
    result = runner.invoke(app, ["import", "absences", str(FIXTURES / "good" / "absences_en_utf8.csv")])
    assert result.exit_code == 2
    assert "OFFICEWELL_PSEUDONYM_KEY" in result.output


def test_import_json_then_again_changes_nothing(env, monkeypatch):
    monkeypatch.setenv("OFFICEWELL_PSEUDONYM_KEY", KEY)
    file = FIXTURES / "good" / "absences_en_utf8.csv"
    first = runner.invoke(app, ["import", "absences", str(file), "--json"])
    assert first.exit_code == 0, first.output
    summary = json.loads(first.stdout)
    assert summary["inserted"] > 0
    assert not summary["skipped_as_duplicate_file"]
    again = json.loads(runner.invoke(app, ["import", "absences", str(file), "--json"]).stdout)
    assert again["skipped_as_duplicate_file"]
    assert again["batch_id"] == summary["batch_id"]
    raw_ids = {line.split(",")[0] for line in file.read_text().splitlines()[1:]}
    assert not any(raw in first.output for raw in raw_ids)
    database = (env / "records.db").read_bytes()
    assert not any(raw.encode() in database for raw in raw_ids)
    for name in ("records.db", "records.db-wal", "records.db-shm"):
        if (env / name).exists():
            assert (env / name).stat().st_mode & 0o777 == 0o600, name


def test_a_broken_file_is_refused_with_row_and_column(env, monkeypatch):
    monkeypatch.setenv("OFFICEWELL_PSEUDONYM_KEY", KEY)
    file = FIXTURES / "broken" / "absences_end_before_start.csv"
    result = runner.invoke(app, ["import", "absences", str(file), "--json"])
    assert result.exit_code == 1
    body = json.loads(result.stdout)
    assert body["imported"] is False
    assert body["errors"][0]["row"] == 2
    assert body["errors"][0]["column"] == "end_date"
    assert "EMP-4001-K" not in result.output
    dry = runner.invoke(app, ["import", "absences", str(FIXTURES / "good" / "absences_en_utf8.csv"), "--dry-run"])
    assert dry.exit_code == 0
    assert "nothing was stored" in dry.output


def test_erase_and_purge_from_the_command_line(env, monkeypatch):
    monkeypatch.setenv("OFFICEWELL_PSEUDONYM_KEY", KEY)
    file = FIXTURES / "good" / "absences_en_utf8.csv"
    assert runner.invoke(app, ["import", "absences", str(file)]).exit_code == 0
    person = file.read_text().splitlines()[1].split(",")[0]
    rows_of_person = sum(1 for line in file.read_text().splitlines()[1:] if line.startswith(person + ","))
    erased = runner.invoke(app, ["records", "erase", person, "--json"])
    assert erased.exit_code == 0, erased.output
    assert json.loads(erased.stdout)["absences_deleted"] == rows_of_person
    assert person not in erased.output
    purged = runner.invoke(app, ["records", "purge", "--months", "1", "--json"])
    assert purged.exit_code == 0, purged.output
    assert json.loads(purged.stdout)["absences_deleted"] > 0

    from records.store import RecordsStore

    store = RecordsStore.open(f"sqlite:///{env / 'records.db'}", KEY)
    actions = [entry.action for entry in store.audit_log()]
    store.close()
    assert any("erase" in a for a in actions)
    assert any("purge" in a or "retention" in a for a in actions)


def test_json_errors_are_json_on_stdout(env, monkeypatch):
    monkeypatch.setenv("OFFICEWELL_PSEUDONYM_KEY", KEY)
    monkeypatch.setenv("OFFICEWELL_SITE", str(env / "no-such-site.toml"))
    result = runner.invoke(app, ["import", "absences", str(FIXTURES / "good" / "absences_en_utf8.csv"), "--json"])
    assert result.exit_code == 2
    body = json.loads(result.stdout)
    assert "site file not found" in body["error"]
    monkeypatch.delenv("OFFICEWELL_PSEUDONYM_KEY")
    no_key = runner.invoke(app, ["records", "purge", "--json"])
    assert no_key.exit_code == 2
    assert "OFFICEWELL_PSEUDONYM_KEY" in json.loads(no_key.stdout)["error"]


def test_a_dry_run_creates_no_database_and_changes_none(env, monkeypatch):
    monkeypatch.setenv("OFFICEWELL_PSEUDONYM_KEY", KEY)
    file = FIXTURES / "good" / "absences_en_utf8.csv"
    dry = runner.invoke(app, ["import", "absences", str(file), "--dry-run", "--json"])
    assert dry.exit_code == 0, dry.output
    assert json.loads(dry.stdout)["inserted"] > 0
    assert not (env / "records.db").exists()
    assert list(env.iterdir()) == []

    assert runner.invoke(app, ["import", "staff", str(FIXTURES / "good" / "staff_en.csv")]).exit_code == 0
    database = env / "records.db"
    before = database.read_bytes()
    again = runner.invoke(app, ["import", "absences", str(file), "--dry-run", "--json"])
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["dry_run"] is True
    assert database.read_bytes() == before


def test_import_feedback_says_what_it_ignored_and_stores_nothing_of_the_citizen(env, monkeypatch, tmp_path):
    monkeypatch.setenv("OFFICEWELL_PSEUDONYM_KEY", KEY)
    file = tmp_path / "synpunkter.csv"
    file.write_bytes(
        "Inkommet;Förvaltning;Kategori;Namn;E-post\n"
        "2026-09-01;Socialförvaltningen;Klagomål;Astrid Lindqvist;astrid@exempel.se\n".encode("cp1252")
    )
    result = runner.invoke(app, ["import", "feedback", str(file)])
    assert result.exit_code == 0, result.output
    assert "imported synpunkter.csv: 1 feedback rows for whole centre, 2026-09-01 – 2026-09-01" in result.output
    assert "note: ignored 2 column(s) this kind does not read: Namn, E-post" in result.output
    summary = json.loads(runner.invoke(app, ["import", "feedback", str(file), "--json"]).stdout)
    assert summary["skipped_as_duplicate_file"]
    database = b"".join(p.read_bytes() for p in env.glob("records.db*"))
    assert b"Lindqvist" not in database
    assert b"astrid@" not in database
