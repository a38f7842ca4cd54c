"""The pages, one row each (address, template, the area whose roles see its link), rendered from shared templates."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from dashboards.i18n import LANGUAGES, LOCALES, Language, catalog, translate

TEMPLATE_DIR = Path(__file__).parent / "templates"


@dataclass(frozen=True)
class Page:
    """A page: its address, its template and script, and who is shown the link to it.

    `area` is an area of the API's role matrix (api.security.Area, by value): the navigation shows the
    link to the roles that may enter it; the data on the page is guarded by the API itself. `nav` False:
    reached from another page (the zone detail), not from the navigation.
    """

    slug: str
    path: str
    area: str
    nav: bool = True

    @property
    def template(self) -> str:
        """The page's template file."""
        return f"{self.slug}.html"

    @property
    def title_key(self) -> str:
        """The catalog key of the page's name (navigation and title)."""
        return f"common.page.{self.slug}"


PAGES: tuple[Page, ...] = (
    Page("facilities", "/facilities", "environment"),
    Page("zone", "/zone", "environment", nav=False),
    Page("alerts", "/alerts", "environment"),
    Page("goals", "/goals", "goals"),
    Page("hr", "/hr", "team_absence"),
    Page("risk", "/risk", "forecast"),
    Page("board", "/board", "board"),
    Page("feedback", "/feedback", "reports"),
    Page("report", "/report", "reports"),
)


@cache
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,  # a misspelt variable fails the page's test rather than rendering empty
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["PAGES"] = PAGES
    env.globals["LANGUAGES"] = LANGUAGES
    return env


def page_of(slug: str) -> Page:
    """The page with this slug."""
    for page in PAGES:
        if page.slug == slug:
            return page
    raise KeyError(slug)


def render(page: Page, language: Language, *, query: str = "") -> str:
    """The page's HTML in `language`; `query`, the request's query without `lang`, is kept by the language links."""
    messages = catalog(language)

    def t(key: str, /, **params: object) -> str:
        return translate(language, key, **params)

    template = _environment().get_template(page.template)
    return template.render(
        page=page,
        lang=language,
        locale=LOCALES[language],
        t=t,
        messages=dict(messages),
        query=query,
    )
