"""Fixtures of the period report's tests: the generated year with feedback and a board, and one report built on it.

The report of 2025-T3 (the generated year's last tertial) is built once per session with the real analysis
and a 300-draw forecast; the analysis and the forecast are kept by their arguments, so the API's tests (whose
app keeps its own) do not compute them again.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from gateway.stores import ReadingStore, open_store
from models.report import TertialReport
from models.targets import GoalTargets
from officewell.runners.report import run_report
from officewell.settings import Settings
from officewell.wiring import analysis_of, forecast_of
from records.store import RecordsStore
from sensors.site import Site
from tests.support.centre import KEY, CentreStores
from tests.support.report import PERIOD, TODAY, report_directory

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "report"
NOW = datetime(2026, 1, 20, 8, tzinfo=UTC)  # TODAY, 09:00 in Stockholm
DRAWS = 300


@dataclass(frozen=True)
class ReportStores:
    """The copy of the generated year with feedback and board items, opened."""

    directory: Path
    records: RecordsStore
    store: ReadingStore


class Kept:
    """A function whose results are kept by the hashable part of its arguments (the analysis is not hashable)."""

    def __init__(self, inner: Any, key: Any) -> None:
        self.inner, self.key, self.kept, self.runs = inner, key, {}, 0

    def __call__(self, *args: Any) -> Any:
        key = self.key(*args)
        if key not in self.kept:
            self.runs += 1
            self.kept[key] = self.inner(*args)
        return self.kept[key]


@pytest.fixture(scope="session")
def report_stores(
    example_site: Site, centre_stores: CentreStores, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ReportStores]:
    directory = report_directory(centre_stores, example_site, tmp_path_factory.mktemp("report-stores"))
    records = RecordsStore.open(f"sqlite:///{directory / 'records.db'}", KEY)
    store = open_store(f"sqlite:///{directory / 'readings.db'}")
    yield ReportStores(directory, records, store)
    store.close()
    records.close()


@pytest.fixture(scope="session")
def report_analyse(example_site: Site, report_stores: ReportStores) -> Kept:
    settings = Settings(forecast_draws=DRAWS)
    return Kept(analysis_of(settings, example_site, report_stores.store, report_stores.records), lambda p: p)


@pytest.fixture(scope="session")
def report_forecast(example_site: Site, report_stores: ReportStores) -> Kept:
    settings = Settings(forecast_draws=DRAWS)
    return Kept(forecast_of(settings, example_site, report_stores.records), lambda day, weeks, s, _a: (day, weeks, s))


@pytest.fixture(scope="session")
def built_report(
    example_site: Site, report_stores: ReportStores, report_analyse: Kept, report_forecast: Kept
) -> TertialReport:
    return run_report(
        example_site, report_stores.records, GoalTargets(), PERIOD, TODAY,
        analyse=report_analyse, forecast=report_forecast, now=NOW,
    )  # fmt: skip


@pytest.fixture(scope="session")
def report_pdf(built_report: TertialReport) -> bytes:
    from api.report_render import render_pdf

    return render_pdf(built_report, "sv")


def pdf_text(pdf: bytes, directory: Path) -> str:
    """The PDF's text by poppler's pdftotext (the tests fail, not skip, without it: make system-deps installs it)."""
    tool = shutil.which("pdftotext")
    assert tool is not None, "pdftotext is missing: install poppler-utils (`make system-deps`)"
    path = directory / "report.pdf"
    path.write_bytes(pdf)
    done = subprocess.run([tool, "-layout", str(path), "-"], capture_output=True, check=True, timeout=60)
    return done.stdout.decode("utf-8").replace("\u00a0", " ").replace("\u202f", " ")


def first_page_png(pdf: bytes, name: str) -> Path:
    """Page 1 rendered to PNG by poppler's pdftoppm, kept under test-artifacts/ (gitignored) to look at."""
    tool = shutil.which("pdftoppm")
    assert tool is not None, "pdftoppm is missing: install poppler-utils (`make system-deps`)"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    source = ARTIFACTS / f"{name}.pdf"
    source.write_bytes(pdf)
    subprocess.run([tool, "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(source), str(ARTIFACTS / name)],
                   check=True, timeout=60)  # fmt: skip
    return ARTIFACTS / f"{name}.png"
