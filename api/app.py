"""The FastAPI app factory: routes under /api/v1, /healthz, and the dashboards' pages."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from api.deps import Services
from api.limits import BodyLimitMiddleware
from api.routes import auth, environment, evidence, forecast, gateway, goals
from api.schemas import ErrorPublic, HealthPublic
from api.warmup import warm_in_background
from dashboards import STATIC_DIR
from gateway.errors import InvalidRequestError, StoreUnavailableError
from models.errors import ModelInputError

METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
SHUTDOWN_WAIT_S = 30.0  # the longest a stopping app waits for its warm-up and refreshes
# What a protected route may answer besides its own response, for the OpenAPI schema.
LOGIN_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorPublic, "description": "not logged in, or the session expired"},
    403: {"model": ErrorPublic, "description": "the user's role may not see this"},
}
STORE_ERRORS: dict[int | str, dict[str, Any]] = {
    503: {"model": ErrorPublic, "description": "a store is unavailable or not configured; try again later"},
}
# Every 422 has one shape, a sentence: a malformed parameter as much as one beyond a limit (api/bounds.py).
INPUT_ERRORS: dict[int | str, dict[str, Any]] = {
    422: {"model": ErrorPublic, "description": "a parameter is malformed or beyond a limit; the detail says which"},
}


def readable(errors: Sequence[Any], most: int = 3) -> str:
    """FastAPI's validation errors as one sentence: "offset (query): Input should be …; …" (the first `most`)."""
    parts = []
    for error in errors:
        location = [str(part) for part in error.get("loc", ())]
        where = f"{' '.join(location[1:]) or location[0]} ({location[0]})" if location else "request"
        parts.append(f"{where}: {error.get('msg', 'invalid')}")
    if len(parts) > most:
        parts[most:] = [f"and {len(parts) - most} more"]
    return "; ".join(parts) or "the request is invalid"


def create_app(services: Services) -> FastAPI:
    """Build the app around already-opened services."""

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        warming = warm_in_background(services)  # the pages' first calls find their slow figures ready
        yield
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
    app.add_middleware(BodyLimitMiddleware)

    @app.exception_handler(StoreUnavailableError)
    def store_unavailable(_request: Request, exc: StoreUnavailableError) -> JSONResponse:
        """A store that is down is the server's problem, and a passing one: 503, try again."""
        return JSONResponse(
            {"detail": f"The reading store is unavailable: {exc}"}, status_code=503, headers={"Retry-After": "10"}
        )

    @app.exception_handler(InvalidRequestError)
    @app.exception_handler(ModelInputError)
    def unanswerable(_request: Request, exc: Exception) -> JSONResponse:
        """A request the store or a model cannot answer as asked (a bad range, quantity or frame): 422, why."""
        return JSONResponse({"detail": str(exc)}, status_code=422)

    @app.exception_handler(RequestValidationError)
    def invalid_request(_request: Request, exc: RequestValidationError) -> JSONResponse:
        """A malformed parameter: a 422 with a sentence that names it, like every other 422 of the API."""
        return JSONResponse({"detail": readable(exc.errors())}, status_code=422)

    v1 = APIRouter(prefix="/api/v1")
    v1.include_router(auth.router, responses=INPUT_ERRORS)
    v1.include_router(environment.router, responses={**LOGIN_ERRORS, **STORE_ERRORS, **INPUT_ERRORS})
    v1.include_router(gateway.router, responses={**LOGIN_ERRORS, **STORE_ERRORS, **INPUT_ERRORS})
    v1.include_router(goals.router, responses={**LOGIN_ERRORS, **STORE_ERRORS, **INPUT_ERRORS})
    v1.include_router(evidence.router, responses={**LOGIN_ERRORS, **STORE_ERRORS, **INPUT_ERRORS})
    v1.include_router(forecast.router, responses={**LOGIN_ERRORS, **STORE_ERRORS, **INPUT_ERRORS})
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
            return Response("no gateway runs in this process; scrape the gateway's own /metrics\n", 404)
        return Response(services.metrics(), media_type=METRICS_CONTENT_TYPE)

    @app.get("/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title="officewell API",
            swagger_js_url="/static/vendor/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url="/static/vendor/swagger-ui/swagger-ui.css",
            swagger_favicon_url="/static/favicon.svg",
        )

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        return get_redoc_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title="officewell API",
            redoc_js_url="/static/vendor/redoc/redoc.standalone.js",
            redoc_favicon_url="/static/favicon.svg",
            with_google_fonts=False,
        )

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse("/facilities")

    @app.get("/facilities", include_in_schema=False)
    def facilities() -> FileResponse:
        return FileResponse(STATIC_DIR / "facilities.html")

    @app.get("/goals", include_in_schema=False)
    def goals_page() -> FileResponse:
        return FileResponse(STATIC_DIR / "goals.html")

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app
