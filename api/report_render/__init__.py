"""The tertial period report rendered on the server: HTML (Jinja2), PDF (WeasyPrint), and its JSON document.

Why here: the API serves the report as a download and the command line writes the same file, and the
command line may use `api` while `api` may not use `officewell`; `dashboards` is the browser's pages,
which talk to the API over HTTP and hold no server code. The renderer reads only the report model
(models.report) and its message catalogs (sv.toml, en.toml): Swedish by default, English on request.
"""

from __future__ import annotations

from typing import Any, Literal

from api.report_render.catalog import LANGS, Lang, catalog
from api.report_render.html import render_html
from api.report_render.pdf import PdfUnavailableError, html_to_pdf
from models.report import TertialReport

Format = Literal["pdf", "html", "json"]
FORMATS: tuple[Format, ...] = ("pdf", "html", "json")
MEDIA_TYPES = {"pdf": "application/pdf", "html": "text/html; charset=utf-8", "json": "application/json"}

__all__ = [
    "FORMATS",
    "LANGS",
    "MEDIA_TYPES",
    "Format",
    "Lang",
    "PdfUnavailableError",
    "document",
    "file_name",
    "render",
    "render_html",
    "render_pdf",
]


def render_pdf(report: TertialReport, lang: str = "sv") -> bytes:
    """The report as a PDF in `lang`."""
    return html_to_pdf(render_html(report, lang))


def document(report: TertialReport, lang: str = "sv") -> dict[str, Any]:
    """The report's figures as one JSON document, each section's title and every note and statement in words."""
    c = catalog(lang)
    body = report.to_dict()
    body["lang"] = lang
    for section, original in zip(body["sections"], report.sections, strict=True):
        section["title"] = c[f"section.{original.key}.title"]
        for kind in ("notes", "statements"):
            for entry, message in zip(section[kind], getattr(original, kind), strict=True):
                entry["text"] = c.message(message.key, message.params)
    return body


def render(report: TertialReport, fmt: str, lang: str = "sv") -> bytes:
    """The report as the bytes of a file in `fmt` ("pdf", "html" or "json")."""
    import json

    if fmt == "pdf":
        return render_pdf(report, lang)
    if fmt == "html":
        return render_html(report, lang).encode("utf-8")
    if fmt == "json":
        return json.dumps(document(report, lang), ensure_ascii=False, indent=1).encode("utf-8")
    raise ValueError(f"no report format {fmt!r}: use {', '.join(FORMATS)}")


def file_name(period: str, fmt: str) -> str:
    """The download's name: periodrapport-2026-T3.pdf."""
    return f"periodrapport-{period}.{fmt}"
