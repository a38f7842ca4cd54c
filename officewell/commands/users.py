"""`officewell user`: who may log in to the API and dashboards."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from officewell.commands.options import TYPER_APP, DataDir, settings_of
from officewell.console import fail

app = typer.Typer(help="Manage who may log in to the API and dashboards.", **TYPER_APP)

MIN_PASSWORD_LENGTH = 12


@app.command("add")
def user_add(
    username: Annotated[str, typer.Argument(metavar="USERNAME", help="Login name.")],
    role: Annotated[str, typer.Option(metavar="ROLE", help="facilities, hr, manager or admin.")],
    data_dir: DataDir = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input instead of asking.")
    ] = False,
) -> None:
    """Add a user (or set a new password) in DATA_DIR/users.json."""
    from api.security import Role
    from api.users import FileUserDirectory

    settings = settings_of(data_dir=data_dir)
    try:
        the_role = Role(role)
    except ValueError:
        fail(f"unknown role {role!r}; use one of: {', '.join(r.value for r in Role)}")
    password = (
        sys.stdin.readline().rstrip("\n")
        if password_stdin
        else typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    )
    if len(password) < MIN_PASSWORD_LENGTH:
        fail(f"the password must be at least {MIN_PASSWORD_LENGTH} characters")
    FileUserDirectory(settings.users_path).add(username, the_role, password)
    typer.echo(f"user {username!r} ({the_role.value}) saved in {settings.users_path}")
