"""`--help` explains: every command's options with their environment variables, no placeholder noise."""

import pytest
from typer.testing import CliRunner

from officewell.cli import app

runner = CliRunner()
COMMANDS = [
    ["demo"],
    ["gateway"],
    ["serve"],
    ["simulate"],
    ["import", "absences"],
    ["import", "calls"],
    ["records", "purge"],
    ["records", "erase"],
    ["user", "add"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_help_is_plain_and_names_the_environment(command):
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())  # help wraps at the terminal's width
    assert "<bool>" not in text
    assert "--help" in text
    if "--data-dir" in text and command != ["demo"]:
        assert "[env: OFFICEWELL_DATA_DIR]" in text


def test_the_top_level_help_lists_every_command():
    output = runner.invoke(app, ["--help"]).output
    for name in ("demo", "gateway", "serve", "simulate", "import", "records", "user"):
        assert f"  {name}" in output


def test_a_bad_seed_is_an_error_line_not_a_traceback(tmp_path, monkeypatch):
    from tests.conftest import EXAMPLE_SITE

    monkeypatch.setenv("OFFICEWELL_DATA_DIR", str(tmp_path))
    result = runner.invoke(app, ["simulate", "--site", str(EXAMPLE_SITE), "--seed", "-1", "--backfill-days", "1"])
    assert result.exit_code == 2
    assert "seed must be a non-negative integer" in result.output
    assert "Traceback" not in result.output
