"""HR, telephony and NKI records: pseudonymised imports, a migrated database and frames for the analytics.

Start with `RecordsStore.open(url, key)` (or `RecordsStore.from_settings`) and
`records.importers.import_file`; retention and erasure are in `records.retention`.
"""

from records.errors import (
    ImportRejected,
    InvalidRequestError,
    MissingPseudonymKeyError,
    RecordsError,
    RowError,
    StoreError,
)
from records.pseudonym import Pseudonymiser
from records.store import AuditEntry, BatchInfo, RecordsStore

__all__ = [
    "AuditEntry",
    "BatchInfo",
    "ImportRejected",
    "InvalidRequestError",
    "MissingPseudonymKeyError",
    "Pseudonymiser",
    "RecordsError",
    "RecordsStore",
    "RowError",
    "StoreError",
]
