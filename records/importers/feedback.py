"""Citizen feedback, synpunkter (feedback.csv, contracts §5): cases from the municipality's case system.

Only when a case came in, the department, the category, the channel and whether it was failure demand
(onödig efterfrågan) are read. Whatever else the export holds — the citizen's name, contact details, the
text of the case — is never read: the pipeline takes only the columns named here, so other columns are
listed by their header in the summary (with a note) and nothing of their cells is stored, checked or shown.
"""

from __future__ import annotations

import re

import pandas as pd
from sqlalchemy import Connection, delete

from records.importers import common
from records.importers.columns import ColumnSpec, normalise_name
from records.importers.context import Context
from records.importers.kind import Kind, Period, Replaced, Scope, outside_period
from records.importers.problems import ROW, Problems
from records.importers.values import blank, choices
from records.models import Feedback, table_of

# Aliases a case system's export is unlikely to have twice: a generic "Datum" or "Typ" beside "Inkommet" or
# "Kategori" would make the column appear twice, so those are left out.
COLUMNS = (
    ColumnSpec(
        "received_date",
        ("inkommet", "inkommen", "inkom", "inkommet_datum", "inkomstdatum", "mottaget", "mottaget_datum",
         "registrerad", "registreringsdatum", "received", "received_on"),
    ),
    ColumnSpec("department", ("förvaltning", "forvaltning", "verksamhet", "nämnd", "förvaltning_bolag", "dept")),
    ColumnSpec("category", ("kategori", "synpunktskategori", "synpunktstyp")),
    ColumnSpec("channel", ("kanal", "inkanal", "kontaktväg", "kontaktkanal", "källa", "via"), required=False),
    ColumnSpec(
        "failure_demand",
        ("onödig efterfrågan", "onödig_efterfrågan", "onödig", "undvikbar", "undvikbar_kontakt", "failure",
         "avoidable"),
        required=False,
    ),
)  # fmt: skip

CATEGORIES = {
    "complaint": "complaint", "klagomål": "complaint", "klagomal": "complaint", "klagan": "complaint",
    "suggestion": "suggestion", "förslag": "suggestion", "idé": "suggestion",
    "praise": "praise", "beröm": "praise", "tack": "praise", "positiv": "praise",
    "question": "question", "fråga": "question", "frågor": "question",
}  # fmt: skip
CHANNELS = {
    "phone": "phone", "telefon": "phone", "tel": "phone", "samtal": "phone",
    "email": "email", "e_post": "email", "epost": "email", "e_mail": "email", "mejl": "email", "mail": "email",
    "web": "web", "webb": "web", "webbformulär": "web", "e_tjänst": "web", "etjänst": "web", "internet": "web",
    "visit": "visit", "besök": "visit", "personligt_besök": "visit", "på_plats": "visit",
}  # fmt: skip
FAILURE_DEMAND = {
    "yes": True, "ja": True, "j": True, "y": True, "true": True, "sant": True, "1": True, "x": True,
    "no": False, "nej": False, "n": False, "false": False, "falskt": False, "0": False,
}  # fmt: skip

DEPARTMENT_LENGTH = 100
RESERVED = ("total", "totalt")  # the reports' word for the whole centre: no department may be called so
_EMAIL = re.compile(r"\S+@\S+")
_PHONE = re.compile(r"(?:\+|\b0)[\d\s-]{6,}\d")
_PERSONNUMMER = re.compile(r"(?<!\d)(?:\d{2})?\d{6}[-+]?\d{4}(?!\d)")
NOTE_ON_IGNORED = (
    "feedback is imported without the citizen's name, contact details or free text: "
    "nothing of these columns was read or stored"
)


def validate(frame: pd.DataFrame, ctx: Context, problems: Problems) -> pd.DataFrame:
    """Check every row; return the stored columns (received_date, department, category, channel, failure_demand)."""
    out = pd.DataFrame({ROW: frame[ROW]})
    out["received_date"] = common.required_dates(frame, "received_date", ctx, problems, "received date")
    out["department"] = _departments(frame, ctx, problems)
    out["category"] = _fixed(
        frame, "category", CATEGORIES, ctx, problems,
        "use complaint (klagomål), suggestion (förslag), praise (beröm) or question (fråga)",
        required=True,
    )  # fmt: skip
    out["channel"] = _fixed(
        frame, "channel", CHANNELS, ctx, problems,
        "use phone (telefon), email (e-post), web (webb) or visit (besök), or leave it empty",
        required=False,
    )  # fmt: skip
    out["failure_demand"] = _failure_demand(frame, ctx, problems)
    # Two citizens may well write about the same department on the same day: repeated rows are not duplicates.
    return out


def looks_personal(text: str) -> bool:
    """Whether a cell looks like a citizen's contact details or identity number (never quoted, never stored)."""
    compact = text.replace(" ", "")
    return bool(_EMAIL.search(text) or _PHONE.search(text) or _PERSONNUMMER.search(compact))


def _show(value: object, ctx: Context) -> str:
    """A cell for a message: quoted, unless it may be a citizen's contact details."""
    text = str(value)
    if looks_personal(text):
        return "(value not shown: it looks like contact details or a personal identity number)"
    return ctx.show(text)


def _departments(frame: pd.DataFrame, ctx: Context, problems: Problems) -> pd.Series:
    cells = frame["department"].fillna("").str.replace(r"\s+", " ", regex=True).str.strip()
    label = ctx.label("department")
    empty = cells.eq("")
    problems.flag(frame, empty, label, "the department is empty: name the department (förvaltning) the case is about")
    personal = ~empty & cells.map(looks_personal).astype(bool)
    problems.flag(
        frame,
        personal,
        label,
        "the department looks like contact details or a personal identity number (value not shown): "
        "no citizen's details are imported — check that the columns are the right ones",
    )
    long = ~empty & ~personal & cells.str.len().gt(DEPARTMENT_LENGTH)
    problems.flag(
        frame,
        long,
        label,
        lambda row: (
            f"the department is {len(str(row['department']).strip())} characters long (value not shown): "
            f"a department's name has at most {DEPARTMENT_LENGTH} — check that the columns are the right ones"
        ),
    )
    reserved = cells.map(lambda v: normalise_name(v) in RESERVED).astype(bool)
    problems.flag(
        frame, reserved, label, lambda row: f"{ctx.show(row['department'])} is the reports' word for the whole centre"
    )
    return cells.where(~(empty | personal | long | reserved))


def _fixed(
    frame: pd.DataFrame,
    column: str,
    options: dict[str, str],
    ctx: Context,
    problems: Problems,
    allowed: str,
    *,
    required: bool,
) -> pd.Series:
    """A column of fixed values, Swedish ones too; blank is an error when required, else no value (None)."""
    if column not in frame:
        return pd.Series(None, index=frame.index, dtype="object")
    cells = frame[column]
    empty = blank(cells)
    mapped = choices(cells, options)
    label = ctx.label(column)
    if required:
        problems.flag(frame, empty, label, f"the {column} is empty: {allowed}")
    problems.flag(
        frame, mapped.isna() & ~empty, label, lambda row: f"unknown {column} {_show(row[column], ctx)}: {allowed}"
    )
    return mapped.astype("object").where(mapped.notna(), None)


def _failure_demand(frame: pd.DataFrame, ctx: Context, problems: Problems) -> pd.Series:
    """yes/no (ja/nej) as a nullable boolean; empty = not tagged."""
    if "failure_demand" not in frame:
        return pd.Series(pd.NA, index=frame.index, dtype="boolean")
    cells = frame["failure_demand"]
    empty = blank(cells)
    lookup = {normalise_name(k): v for k, v in FAILURE_DEMAND.items()}
    mapped = cells.map({u: lookup.get(normalise_name(str(u))) for u in cells.dropna().unique()})
    problems.flag(
        frame,
        mapped.isna() & ~empty,
        ctx.label("failure_demand"),
        lambda row: f"{_show(row['failure_demand'], ctx)} is not yes or no (ja/nej): leave it empty if not tagged",
    )
    return mapped.astype("boolean")


def scope(clean: pd.DataFrame, period: Period | None, ctx: Context, problems: Problems) -> Scope:
    """The whole centre (feedback has no answer groups) from the first to the last received date, or wider."""
    if period is not None:
        dates = clean["received_date"]
        outside_period(clean, dates, dates, period, "received_date", ctx, problems)
    return Scope.spanning((None,), clean["received_date"].min(), clean["received_date"].max(), period)


def replace(conn: Connection, scope: Scope) -> Replaced:
    """Stored cases received in the file's period go: an export lists every case of the days it covers."""
    t = table_of(Feedback).c
    inside = (t.received_date >= scope.start) & (t.received_date <= scope.end)
    return Replaced(conn.execute(delete(table_of(Feedback)).where(inside)).rowcount, 0)


KIND = Kind("feedback", table_of(Feedback), COLUMNS, validate, scope, replace, note_on_ignored=NOTE_ON_IGNORED)
