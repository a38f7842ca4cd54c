"""Importers of HR and operations files (contracts §5): absences, staff, calls and NKI, CSV or XLSX."""

from records.importers.pipeline import KINDS, import_file
from records.importers.summary import ImportSummary

__all__ = ["KINDS", "ImportSummary", "import_file"]
