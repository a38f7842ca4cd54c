"""`officewell user`, `officewell token` and `officewell roles`: the API's users and machine tokens from the shell."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from typer.testing import CliRunner

from api.access import ROUTES
from api.security import Role
from api.users import FileUserDirectory
from officewell.cli import app
from officewell.commands.users import markdown_matrix
from records.store import RecordsStore
from tests.officewell.conftest import KEY

runner = CliRunner()
DOCS = Path(__file__).resolve().parents[2] / "docs" / "roles.md"


def invoke(*args: str, stdin: str | None = None):
    return runner.invoke(app, list(args), input=stdin)


def test_users_are_added_listed_and_removed_and_each_change_is_audited(clean_env, tmp_path):
    clean_env.setenv("OFFICEWELL_DATA_DIR", str(tmp_path))
    clean_env.setenv("OFFICEWELL_PSEUDONYM_KEY", KEY)
    added = invoke("user", "add", "anna", "--role", "hr", "--password-stdin", stdin="a long enough password\n")
    assert added.exit_code == 0, added.output
    listed = invoke("user", "list", "--json")
    assert json.loads(listed.stdout) == [{"username": "anna", "role": "hr"}]
    assert invoke("user", "remove", "anna").exit_code == 0
    missing = invoke("user", "remove", "anna")
    assert missing.exit_code == 1
    assert "no user 'anna'" in missing.output
    store = RecordsStore.open(f"sqlite:///{tmp_path / 'records.db'}", KEY)
    try:
        actions = [(e.actor, e.action, e.resource) for e in store.audit_log()]
    finally:
        store.close()
    assert actions == [("cli", "user_delete", "user:anna"), ("cli", "user_add", "user:anna")]


def test_a_bad_username_or_role_is_an_error_line(clean_env, tmp_path):
    clean_env.setenv("OFFICEWELL_DATA_DIR", str(tmp_path))
    bad = invoke("user", "add", "anna smith", "--role", "hr", "--password-stdin", stdin="a long enough password\n")
    assert bad.exit_code == 2
    assert "a username is 1 to 100 letters" in bad.output
    role = invoke("user", "add", "anna", "--role", "boss", "--password-stdin", stdin="a long enough password\n")
    assert role.exit_code == 2
    assert "unknown role 'boss'" in role.output


def test_a_machine_token_is_shown_once_works_and_is_revoked(clean_env, tmp_path):
    clean_env.setenv("OFFICEWELL_DATA_DIR", str(tmp_path))
    made = invoke("token", "create", "nightly HR import", "--role", "admin", "--json")
    assert made.exit_code == 0, made.output
    created = json.loads(made.stdout)
    secret = created["token"]
    directory = FileUserDirectory(tmp_path / "users.json")
    principal = directory.token_principal(secret, datetime.now(UTC))
    assert principal is not None
    assert principal.role is Role.ADMIN
    listed = invoke("token", "list", "--json")
    assert secret not in listed.stdout
    assert json.loads(listed.stdout)[0]["active"] is True
    assert invoke("token", "revoke", created["id"]).exit_code == 0
    assert FileUserDirectory(tmp_path / "users.json").token_principal(secret, datetime.now(UTC)) is None
    assert "revoked" in invoke("token", "list").output
    assert invoke("token", "revoke", "ffffffffffff").exit_code == 1


def test_roles_prints_the_matrix_and_the_docs_carry_the_same_table():
    printed = invoke("roles", "--json")
    rows = json.loads(printed.stdout)
    assert len(rows) == len(ROUTES)
    table = markdown_matrix(rows, [r.value for r in Role])
    assert table in DOCS.read_text(encoding="utf-8"), "docs/roles.md is stale: paste `officewell roles` into it"
