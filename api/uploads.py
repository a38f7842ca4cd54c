"""Uploaded files: the multipart form of an import, and a refused file as an RFC 9457 problem with its rows.

The form is read by the route itself, after the login and the role were checked, so that nobody
without the right to import can make the server take in a file (api/limits.py bounds its size).
Starlette spools the file to a temporary file beyond 1 MiB.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any, BinaryIO, Protocol

from fastapi import FastAPI, HTTPException, Request, status
from fastapi.responses import JSONResponse
from pydantic import TypeAdapter, ValidationError
from starlette.datastructures import FormData, UploadFile

from sensors.text import safe_text

FILE_FIELD = "file"
PROBLEM_JSON = "application/problem+json"
# A refused file is one kind of problem; clients tell it from other 422s by its `problems` member.
REJECTED_TYPE = "about:blank"
REJECTED_TITLE = "Unprocessable Content"
MAX_NAME_CHARS = 255  # what an import batch keeps of a file name
COPY_CHUNK = 1 << 20

# The OpenAPI description of the form, which the routes read themselves (see the module's docstring).
UPLOAD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": [FILE_FIELD],
                    "properties": {
                        FILE_FIELD: {"type": "string", "format": "binary", "description": "the file to import"},
                        "dry_run": {
                            "type": "boolean",
                            "default": False,
                            "description": "check the file and say what would change; store nothing",
                        },
                    },
                }
            }
        },
    }
}


@dataclass
class Upload:
    """The file of an import form, its cleaned name, and whether the form asked for a dry run."""

    name: str
    file: BinaryIO
    dry_run: bool
    form: FormData

    def read(self) -> bytes:
        """The whole file (at most the route's body limit)."""
        self.file.seek(0)
        return self.file.read()

    def save(self, directory: Path) -> tuple[Path, str]:
        """Copy the file into `directory` under its name; the path and the content's SHA-256."""
        path = directory / self.name
        digest = hashlib.sha256()
        self.file.seek(0)
        with path.open("wb") as out:
            while chunk := self.file.read(COPY_CHUNK):
                digest.update(chunk)
                out.write(chunk)
        return path, digest.hexdigest()

    async def close(self) -> None:
        """Remove the spooled file."""
        await self.form.close()


_BOOL: TypeAdapter[bool] = TypeAdapter(bool)


async def read_upload(request: Request, fallback_name: str) -> Upload:
    """The form's one file and its `dry_run` field; 422 without a file, 400 for a malformed form."""
    # Starlette answers a malformed multipart body, or more than one file, with a 400 that says why.
    form = await request.form(max_files=1, max_fields=8)
    file = form.get(FILE_FIELD)
    if not isinstance(file, UploadFile):
        await form.close()
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            f"{FILE_FIELD} (body): send the file as the form field {FILE_FIELD!r} of a multipart/form-data body",
        )
    raw = form.get("dry_run")
    try:
        dry_run = _BOOL.validate_python(raw) if isinstance(raw, str) and raw.strip() else False
    except ValidationError:
        await form.close()
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT, "dry_run (body): Input should be a valid boolean"
        ) from None
    return Upload(clean_name(file.filename, fallback_name), file.file, dry_run, form)


def clean_name(name: str | None, fallback: str) -> str:
    """The file's own name without any folder a browser sent, safe to store, log and use as a file name."""
    # Some browsers send the whole Windows path; keep the last part of either kind of path.
    base = PureWindowsPath(PurePosixPath(name or "").name).name
    cleaned = re.sub(r"[^\w.\- ()+,@]", "_", safe_text(base, MAX_NAME_CHARS)).strip(" .")
    return cleaned[:MAX_NAME_CHARS] or fallback


class RowProblem(Protocol):
    """What the records and the history importers both report per problem."""

    @property
    def row(self) -> int:
        """The row as a spreadsheet shows it (header = row 1)."""

    @property
    def column(self) -> str | None:
        """The column, if the problem is in one."""

    @property
    def reason(self) -> str:
        """Why the row was refused."""


class ImportRejectedError(Exception):
    """An uploaded file was refused as a whole: nothing of it was stored; `problems` name rows and columns."""

    def __init__(self, file_name: str, problems: Sequence[RowProblem], total: int) -> None:
        """Keep the problems the importer listed (its first, by row) and how many it found."""
        self.file_name = file_name
        self.problems = tuple(problems)
        self.total = max(total, len(self.problems))
        first = self.problems[0] if self.problems else None
        where = (
            ""
            if first is None
            else f", the first in row {first.row}" + (f", column {first.column}" if first.column else "")
        )
        noun = "problem" if self.total == 1 else "problems"
        super().__init__(f"{file_name} was refused and nothing of it was stored: {self.total} {noun}{where}")

    def problem(self, instance: str) -> dict[str, Any]:
        """The RFC 9457 problem document, with the listed problems and how many there were."""
        return {
            "type": REJECTED_TYPE,
            "title": REJECTED_TITLE,
            "status": status.HTTP_422_UNPROCESSABLE_CONTENT,
            "detail": str(self),
            "instance": instance,
            "file": self.file_name,
            "total_problems": self.total,
            "more": self.total - len(self.problems),
            "problems": [{"row": p.row, "column": p.column, "message": p.reason} for p in self.problems],
        }


def _rejected(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ImportRejectedError)
    return JSONResponse(exc.problem(request.url.path), status_code=422, media_type=PROBLEM_JSON)


def add_upload_handlers(app: FastAPI) -> None:
    """Answer a refused file with its problems (422, application/problem+json)."""
    app.add_exception_handler(ImportRejectedError, _rejected)
