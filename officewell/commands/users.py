"""`officewell user`, `token` and `roles`: who may log in, machines' tokens, and what each role may see."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any

import typer

from officewell.commands.options import TYPER_APP, DataDir, JsonOpt, RecordsOpt, settings_of
from officewell.console import fail, print_json

if TYPE_CHECKING:
    from api.security import Role
    from api.users import FileUserDirectory
    from officewell.settings import Settings

app = typer.Typer(help="Manage who may log in to the API and dashboards.", **TYPER_APP)
tokens_app = typer.Typer(
    help="Long-lived API tokens for machines (an import job, a BI tool): shown once, kept hashed.", **TYPER_APP
)

MIN_PASSWORD_LENGTH = 12
CLI_ACTOR = "cli"


def _role(value: str, *, as_json: bool = False) -> Role:
    from api.security import Role

    try:
        return Role(value)
    except ValueError:
        fail(f"unknown role {value!r}; use one of: {', '.join(r.value for r in Role)}", as_json=as_json)


def _directory(settings: Settings) -> FileUserDirectory:
    from api.users import FileUserDirectory

    return FileUserDirectory(settings.users_path)


def _audit(settings: Settings, action: str, resource: str, details: dict[str, Any]) -> None:
    """Write a change to the records store's audit log when this installation keeps one (a pseudonym key is set)."""
    if settings.pseudonym_key is None:
        return
    from records.store import RecordsStore

    store = RecordsStore.from_settings(settings)
    try:
        store.audit(CLI_ACTOR, action, resource, details)
    finally:
        store.close()


@app.command("add")
def user_add(
    username: Annotated[str, typer.Argument(metavar="USERNAME", help="Login name.")],
    role: Annotated[str, typer.Option(metavar="ROLE", help="facilities, hr, manager or admin.")],
    data_dir: DataDir = None,
    records: RecordsOpt = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input instead of asking.")
    ] = False,
) -> None:
    """Add a user (or set a new password: their sessions end) in DATA_DIR/users.json."""
    from api.users import DirectoryError

    settings = settings_of(data_dir=data_dir, records=records)
    the_role = _role(role)
    password = (
        sys.stdin.readline().rstrip("\n")
        if password_stdin
        else typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    )
    if len(password) < MIN_PASSWORD_LENGTH:
        fail(f"the password must be at least {MIN_PASSWORD_LENGTH} characters")
    directory = _directory(settings)
    existed = directory.role_of(username) is not None
    try:
        directory.add(username, the_role, password)
    except DirectoryError as exc:
        fail(str(exc))
    action = "user_update" if existed else "user_add"
    _audit(settings, action, f"user:{username}", {"role": the_role.value, "password_set": True})
    typer.echo(f"user {username!r} ({the_role.value}) saved in {settings.users_path}")


@app.command("list")
def user_list(data_dir: DataDir = None, as_json: JsonOpt = False) -> None:
    """List who may log in, with their roles (never a password or its hash)."""
    settings = settings_of(data_dir=data_dir, as_json=as_json)
    rows = [{"username": u.username, "role": u.role.value} for u in _directory(settings).users()]
    if as_json:
        print_json(rows)
        return
    for row in rows:
        typer.echo(f"{row['username']:<32} {row['role']}")
    if not rows:
        typer.echo(f"no users in {settings.users_path}: add one with `officewell user add NAME --role ROLE`")


@app.command("remove")
def user_remove(
    username: Annotated[str, typer.Argument(metavar="USERNAME", help="Login name.")],
    data_dir: DataDir = None,
    records: RecordsOpt = None,
) -> None:
    """Remove a user: their sessions end at once."""
    settings = settings_of(data_dir=data_dir, records=records)
    if not _directory(settings).remove(username):
        fail(f"no user {username!r} in {settings.users_path}", code=1)
    _audit(settings, "user_delete", f"user:{username}", {})
    typer.echo(f"user {username!r} removed")


@tokens_app.command("create")
def token_create(
    name: Annotated[str, typer.Argument(metavar="NAME", help="Which tool uses it, e.g. 'nightly HR import'.")],
    role: Annotated[str, typer.Option(metavar="ROLE", help="The role it acts with: facilities, hr, manager, admin.")],
    expires: Annotated[
        datetime | None, typer.Option(metavar="WHEN", help="When it stops working (ISO date or time, UTC).")
    ] = None,
    data_dir: DataDir = None,
    records: RecordsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Create a machine token and print it once: store it in the tool that uses it; it cannot be shown again."""
    from api.users import DirectoryError

    settings = settings_of(data_dir=data_dir, records=records, as_json=as_json)
    the_role = _role(role, as_json=as_json)
    expires_at = expires.replace(tzinfo=UTC) if expires is not None and expires.tzinfo is None else expires
    try:
        token, secret = _directory(settings).create_token(
            name, the_role, created_by=CLI_ACTOR, now=datetime.now(UTC), expires_at=expires_at
        )
    except DirectoryError as exc:
        fail(str(exc), as_json=as_json)
    _audit(settings, "token_create", f"token:{token.id}", {"name": token.name, "role": token.role.value})
    if as_json:
        print_json({"id": token.id, "name": token.name, "role": token.role.value, "token": secret})
        return
    typer.echo(f"token {token.id} ({token.name!r}, {token.role.value}); shown this once:")
    typer.echo(secret)


@tokens_app.command("list")
def token_list(data_dir: DataDir = None, as_json: JsonOpt = False) -> None:
    """List machine tokens, revoked ones too (never their secrets)."""
    settings = settings_of(data_dir=data_dir, as_json=as_json)
    now = datetime.now(UTC)
    rows = [
        {
            "id": t.id,
            "name": t.name,
            "role": t.role.value,
            "created_at": t.created_at.isoformat(),
            "created_by": t.created_by,
            "expires_at": t.expires_at.isoformat() if t.expires_at else None,
            "revoked_at": t.revoked_at.isoformat() if t.revoked_at else None,
            "active": t.active(now),
        }
        for t in _directory(settings).tokens()
    ]
    if as_json:
        print_json(rows)
        return
    for row in rows:
        state = "active" if row["active"] else "revoked" if row["revoked_at"] else "expired"
        typer.echo(f"{row['id']}  {row['role']:<10} {state:<8} {row['name']}")
    if not rows:
        typer.echo("no machine tokens")


@tokens_app.command("revoke")
def token_revoke(
    token_id: Annotated[str, typer.Argument(metavar="ID", help="The token's id, as `officewell token list` shows.")],
    data_dir: DataDir = None,
    records: RecordsOpt = None,
) -> None:
    """Revoke a machine token: it stops working at once."""
    from api.users import DirectoryError

    settings = settings_of(data_dir=data_dir, records=records)
    try:
        token = _directory(settings).revoke_token(token_id, revoked_by=CLI_ACTOR, now=datetime.now(UTC))
    except DirectoryError as exc:
        fail(str(exc), code=1)
    _audit(settings, "token_revoke", f"token:{token.id}", {"name": token.name})
    typer.echo(f"token {token.id} ({token.name!r}) revoked")


def roles(as_json: JsonOpt = False) -> None:
    """Print the role matrix: every API route, its area, whether reads are audited, and which roles it admits."""
    from api.access import matrix
    from api.security import Role

    rows = matrix()
    if as_json:
        print_json(rows)
        return
    typer.echo(markdown_matrix(rows, [r.value for r in Role]))


def markdown_matrix(rows: list[dict[str, object]], role_names: list[str]) -> str:
    """The matrix as a Markdown table (docs/roles.md carries the same)."""
    header = ["Method", "Path", "Area", "Audited", *role_names]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in rows:
        cells = [str(row["method"]), f"`{row['path']}`", str(row["area"]), "yes" if row["audited"] else ""]
        cells += ["✓" if row[name] else "" for name in role_names]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
