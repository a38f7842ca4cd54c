"""The dashboards' pages in the language asked for: `?lang=` (kept in a cookie), else the cookie, else the default."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse

from dashboards.i18n import LANGUAGES, Language, check_catalogs
from dashboards.pages import PAGES, Page, render

LANGUAGE_COOKIE = "officewell_lang"
COOKIE_MAX_AGE_S = 365 * 24 * 3600


def language_of(request: Request, default: Language) -> tuple[Language, bool]:
    """The page's language and whether the request chose it (`?lang=`), so the cookie should keep it."""
    asked = request.query_params.get("lang")
    for code in LANGUAGES:
        if asked == code:
            return code, True
    kept = request.cookies.get(LANGUAGE_COOKIE)
    for code in LANGUAGES:
        if kept == code:
            return code, False
    return default, False


def _handler(page: Page, default: Language) -> Callable[[Request], HTMLResponse]:
    def show(request: Request) -> HTMLResponse:
        language, chosen = language_of(request, default)
        # The language links keep the rest of the address (the zone of /zone?zone=z3).
        rest = urlencode([(k, v) for k, v in request.query_params.multi_items() if k != "lang"])
        response = HTMLResponse(render(page, language, query=rest))
        response.headers["Content-Language"] = language
        response.headers["Vary"] = "Cookie"
        response.headers["Cache-Control"] = "no-cache"
        if chosen:
            response.set_cookie(
                LANGUAGE_COOKIE,
                language,
                max_age=COOKIE_MAX_AGE_S,
                samesite="lax",
                secure=request.url.scheme == "https",
                httponly=True,  # the pages never read it: the server renders each page in its language
            )
        return response

    show.__name__ = f"page_{page.slug}"
    return show


def add_pages(app: FastAPI, default_language: Language, *, skip: frozenset[str] = frozenset()) -> None:
    """Serve every page of the table (dashboards.pages.PAGES) but those in `skip`; the catalogs must agree first."""
    check_catalogs()
    for page in PAGES:
        if page.slug not in skip:
            app.add_api_route(page.path, _handler(page, default_language), methods=["GET"], include_in_schema=False)
