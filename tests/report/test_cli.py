"""`officewell report` on the generated year: --json's figures, the file it writes, and clear errors."""

from __future__ import annotations

import json
import os

import pytest
from typer.testing import CliRunner

from officewell.cli import app
from tests.conftest import EXAMPLE_SITE
from tests.officewell.conftest import KEY
from tests.report.conftest import DRAWS

runner = CliRunner()


@pytest.fixture
def env(monkeypatch, report_stores):
    """The command's environment, only these OFFICEWELL_* variables: the report's copy of the generated year."""
    for key in [k for k in os.environ if k.startswith("OFFICEWELL_")]:
        monkeypatch.delenv(key)
    clean_env = monkeypatch
    clean_env.setenv("OFFICEWELL_DATA_DIR", str(report_stores.directory))
    clean_env.setenv("OFFICEWELL_SITE", str(EXAMPLE_SITE))
    clean_env.setenv("OFFICEWELL_PSEUDONYM_KEY", KEY)
    clean_env.setenv("OFFICEWELL_FORECAST_DRAWS", str(DRAWS))
    return report_stores


def test_json_prints_the_figures_and_the_pdf_is_written(env, tmp_path):
    target = tmp_path / "out" / "periodrapport-2025-T3.pdf"
    result = runner.invoke(app, ["report", "--period", "2025-T3", "--json", "--output", str(target)])
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)  # one JSON document and nothing else on stdout
    assert body["period"] == "2025-T3"
    assert body["lang"] == "sv"
    assert [s["key"] for s in body["sections"]] == [
        "goals", "environment", "absence", "risk", "board", "feedback", "improvements",
    ]  # fmt: skip
    sections = {s["key"]: s for s in body["sections"]}
    assert sections["goals"]["title"] == "Måluppfyllelse"
    assert sections["absence"]["figures"]["scope"] == "centre"
    assert sections["risk"]["figures"]["as_of"] == "2025-12-28"
    assert sections["improvements"]["statements"][0]["text"]
    assert body["file"] == {"path": str(target), "format": "pdf", "bytes": target.stat().st_size}
    assert target.read_bytes().startswith(b"%PDF")


def test_bad_and_future_periods_are_refused_with_the_reason(env, tmp_path):
    bad = runner.invoke(app, ["report", "--period", "2025-T4", "--json"])
    assert bad.exit_code == 2
    assert "is not a tertial" in json.loads(bad.stdout)["error"]
    future = runner.invoke(app, ["report", "--period", "2099-T1", "--output", str(tmp_path / "r.pdf")])
    assert future.exit_code == 2
    assert "2099-T1 has not begun" in future.output
    assert not (tmp_path / "r.pdf").exists()


def test_usage_mistakes_are_named(env, tmp_path):
    nowhere = runner.invoke(app, ["report", "--period", "2025-T3"])
    assert nowhere.exit_code == 2
    assert "--output FILE" in nowhere.output
    language = runner.invoke(app, ["report", "--period", "2025-T3", "--lang", "de", "-o", str(tmp_path / "r.pdf")])
    assert language.exit_code == 2
    assert "--lang is sv or en" in language.output
    kind = runner.invoke(app, ["report", "--period", "2025-T3", "--format", "docx", "-o", str(tmp_path / "r.docx")])
    assert kind.exit_code == 2
    assert "--format is pdf or html" in kind.output
