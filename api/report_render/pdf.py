"""The report as PDF: its HTML laid out by WeasyPrint (Pango underneath: see scripts/install-system-deps.sh)."""

from __future__ import annotations

import logging

from api.errors import ApiError

# WeasyPrint logs each step at INFO and each SVG presentation attribute its HTML stylesheet does not know
# (fill, stroke: its SVG renderer draws them) as a warning; fontTools logs its font subsetting at INFO.
QUIET = {"weasyprint": logging.ERROR, "weasyprint.progress": logging.WARNING, "fontTools": logging.WARNING}


class PdfUnavailableError(ApiError):
    """WeasyPrint cannot run here: its system libraries (Pango) are missing; the message says what to install."""


def html_to_pdf(html: str) -> bytes:
    """A PDF of the HTML document (A4, the pages' headers and numbers from its @page rules)."""
    for name, level in QUIET.items():
        logging.getLogger(name).setLevel(level)
    try:
        from weasyprint import HTML  # type: ignore[import-untyped]
    except OSError as exc:  # the Python package is there, the Pango libraries it loads are not
        raise PdfUnavailableError(
            f"PDF output needs Pango (Debian: libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0; "
            f"`make system-deps` installs them): {exc}"
        ) from exc
    document: bytes = HTML(string=html, base_url=None).write_pdf()
    return document
