"""The report as one print-ready HTML page: the view (view.py) laid out by the Jinja2 template report.html.j2."""

from __future__ import annotations

import re
from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined, Template, select_autoescape

from api.report_render.catalog import catalog
from api.report_render.view import view_of
from models.report import TertialReport

_CSS_UNSAFE = re.compile(r'["\\\n\r]')


def css_string(text: str) -> str:
    """Text made safe inside a CSS string literal ("…"): quotes, backslashes and line breaks escaped."""
    return _CSS_UNSAFE.sub(lambda m: "\\" + format(ord(m.group()), "x") + " ", str(text))


@cache
def _template() -> Template:
    environment = Environment(
        loader=PackageLoader("api.report_render", ""),
        autoescape=select_autoescape(["html", "j2"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["css"] = css_string
    return environment.get_template("report.html.j2")


def render_html(report: TertialReport, lang: str = "sv") -> str:
    """The report as an HTML document in `lang` ("sv" or "en")."""
    return _template().render(doc=view_of(report, catalog(lang)))
