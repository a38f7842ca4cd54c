"""The FastAPI app factory: routes under /api/v1, /healthz, and the dashboards' pages."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, Depends, FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from api import etag, headers, problems
from api.access import PREFIX, check_routes
from api.background import start_all, stop_all
from api.deps import Services, authorize
from api.limits import BodyLimitMiddleware
from api.pages import add_pages
from api.problems import Problem
from api.routes import (
    absence,
    actions,
    admin,
    alerts,
    audit,
    auth,
    board,
    devices,
    environment,
    evidence,
    feedback,
    forecast,
    gateway,
    goals,
    imports,
    plan,
    reports,
    retention,
)
from api.schemas import HealthPublic
from api.uploads import add_upload_handlers
from api.warmup import warm_in_background
from dashboards import STATIC_DIR
from dashboards.i18n import DEFAULT_LANGUAGE, Language

HTTP_METHODS = frozenset({"get", "put", "post", "delete", "patch", "head", "options", "trace"})
METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
SHUTDOWN_WAIT_S = 30.0  # the longest a stopping app waits for its warm-up and refreshes
# What a protected route may answer besides its own response, for the OpenAPI schema.
LOGIN_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": Problem, "description": "not logged in, or the session expired"},
    403: {"model": Problem, "description": "the user's role may not see this"},
}
STORE_ERRORS: dict[int | str, dict[str, Any]] = {
    503: {"model": Problem, "description": "a store is unavailable or not configured; try again later"},
}
# Every 422 has one shape, a sentence: a malformed parameter as much as one beyond a limit (api/bounds.py).
INPUT_ERRORS: dict[int | str, dict[str, Any]] = {
    422: {"model": Problem, "description": "a parameter is malformed or beyond a limit; the detail says which"},
}


def create_app(
    services: Services, *, cors_origins: Sequence[str] = (), language: Language = DEFAULT_LANGUAGE
) -> FastAPI:
    """Build the app around already-opened services; pages of `cors_origins` may call the API (none by default).

    `language` is the pages' language for a visitor who has not chosen one (the switch on every page).
    """

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        warming = warm_in_background(services)  # the pages' first calls find their slow figures ready
        start_all(services.background)  # the alert loop
        yield
        stop_all(services.background, SHUTDOWN_WAIT_S)
        # Stopped serving: let what reads the stores finish before whoever opened them closes them.
        warming.join(SHUTDOWN_WAIT_S)
        services.caches.join(SHUTDOWN_WAIT_S)

    app = FastAPI(
        lifespan=lifespan,
        title="officewell",
        version="0.1.0",
        description="Sound, light and air in a customer service centre.",
        docs_url=None,  # served below from vendored assets: the default pages load them from a CDN
        redoc_url=None,
    )
    app.state.services = services
    # The last middleware added runs outermost: headers and CORS, then body limits, then the problems' catch-all.
    problems.install(app)  # every error as application/problem+json (RFC 9457)
    app.add_middleware(BodyLimitMiddleware)
    etag.install(app)  # what the dashboards poll: 304 when unchanged
    headers.install(app, cors_origins)
    add_upload_handlers(app)  # a refused import file: 422 with its rows and columns

    # Login needs no token; every other route passes the role matrix (api.access) and, where marked, the audit.
    public = APIRouter(prefix=PREFIX)
    public.include_router(auth.public, responses=INPUT_ERRORS)
    app.include_router(public)
    v1 = APIRouter(prefix=PREFIX, dependencies=[Depends(authorize, scope="function")])
    v1.include_router(auth.router, responses={**LOGIN_ERRORS, **INPUT_ERRORS})
    v1.include_router(admin.router, responses={**LOGIN_ERRORS, **INPUT_ERRORS})
    v1.include_router(audit.router, responses={**LOGIN_ERRORS, **STORE_ERRORS, **INPUT_ERRORS})
    v1.include_router(retention.router, responses={**LOGIN_ERRORS, **STORE_ERRORS, **INPUT_ERRORS})
    v1.include_router(environment.router, responses={**LOGIN_ERRORS, **STORE_ERRORS, **INPUT_ERRORS})
    v1.include_router(alerts.router, responses={**LOGIN_ERRORS, **STORE_ERRORS, **INPUT_ERRORS})
    v1.include_router(plan.router, responses={**LOGIN_ERRORS, **STORE_ERRORS, **INPUT_ERRORS})
    v1.include_router(gateway.router, responses={**LOGIN_ERRORS, **STORE_ERRORS, **INPUT_ERRORS})
    v1.include_router(devices.router, responses={**LOGIN_ERRORS, **STORE_ERRORS, **INPUT_ERRORS})
    v1.include_router(goals.router, responses={**LOGIN_ERRORS, **STORE_ERRORS, **INPUT_ERRORS})
    v1.include_router(feedback.router, responses={**LOGIN_ERRORS, **STORE_ERRORS, **INPUT_ERRORS})
    v1.include_router(reports.router, responses={**LOGIN_ERRORS, **STORE_ERRORS, **INPUT_ERRORS})
    v1.include_router(evidence.router, responses={**LOGIN_ERRORS, **STORE_ERRORS, **INPUT_ERRORS})
    v1.include_router(actions.router, responses={**LOGIN_ERRORS, **INPUT_ERRORS})
    v1.include_router(board.router, responses={**LOGIN_ERRORS, **STORE_ERRORS, **INPUT_ERRORS})
    v1.include_router(forecast.router, responses={**LOGIN_ERRORS, **STORE_ERRORS, **INPUT_ERRORS})
    v1.include_router(absence.router, responses={**LOGIN_ERRORS, **STORE_ERRORS, **INPUT_ERRORS})
    v1.include_router(imports.router, responses={**LOGIN_ERRORS, **STORE_ERRORS, **INPUT_ERRORS})
    app.include_router(v1)

    @app.get(
        "/healthz",
        tags=["health"],
        response_model_exclude_unset=True,
        responses={503: {"model": HealthPublic, "description": "degraded: the gateway stopped taking messages"}},
    )
    def healthz(response: Response) -> HealthPublic:
        """Liveness and a short status; needs no login."""
        health = HealthPublic.model_validate({"status": "ok", "site": services.site.id, **services.status()})
        # A gateway whose intake or flush thread died accepts nothing more: say so, with a 503.
        if health.gateway is not None and not health.gateway.threads_alive:
            health.status = "degraded"
            response.status_code = 503
        return health

    @app.get(
        "/metrics",
        tags=["health"],
        response_class=Response,
        responses={
            200: {"content": {METRICS_CONTENT_TYPE: {}}, "description": "Prometheus text format"},
            404: {"content": {"text/plain": {}}, "description": "no gateway runs in this process"},
        },
    )
    def metrics() -> Response:
        """Prometheus metrics of the gateway running in this process (404 when none does)."""
        if services.metrics is None:
            return Response(
                "no gateway runs in this process; scrape the gateway's own /metrics\n", 404, media_type="text/plain"
            )
        return Response(services.metrics(), media_type=METRICS_CONTENT_TYPE)

    @app.get("/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        page = get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title="officewell API",
            swagger_js_url="/static/vendor/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url="/static/vendor/swagger-ui/swagger-ui.css",
            swagger_favicon_url="/static/favicon.svg",
            swagger_ui_parameters={"validatorUrl": None},  # no badge from validator.swagger.io, which gets the URL
        )
        return headers.docs_policy(page)

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        page = get_redoc_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title="officewell API",
            redoc_js_url="/static/vendor/redoc/redoc.standalone.js",
            redoc_favicon_url="/static/favicon.svg",
            with_google_fonts=False,
        )
        return headers.docs_policy(page)

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse("/facilities")

    add_pages(app, language)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    # Every route under /api/v1 has a row in the role matrix, and every row a route: else the app does not start.
    schema = get_openapi(title=app.title, version=app.version, routes=app.routes)
    check_routes({(m.upper(), path) for path, item in schema["paths"].items() for m in item if m in HTTP_METHODS})
    return app
