"""The FastAPI app factory: routes under /api/v1, /healthz, and the dashboards' pages."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from api.deps import Services
from api.routes import auth, environment, gateway, goals
from dashboards import STATIC_DIR
from gateway.errors import InvalidRequestError, StoreUnavailableError
from models.errors import ModelInputError

METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def create_app(services: Services) -> FastAPI:
    """Build the app around already-opened services."""
    app = FastAPI(
        title="officewell",
        version="0.1.0",
        description="Sound, light and air in a customer service centre.",
    )
    app.state.services = services

    @app.exception_handler(StoreUnavailableError)
    def store_unavailable(_request: Request, exc: StoreUnavailableError) -> JSONResponse:
        """A store that is down is the server's problem, and a passing one: 503, try again."""
        return JSONResponse(
            {"detail": f"The reading store is unavailable: {exc}"}, status_code=503, headers={"Retry-After": "10"}
        )

    @app.exception_handler(InvalidRequestError)
    @app.exception_handler(ModelInputError)
    def invalid_request(_request: Request, exc: Exception) -> JSONResponse:
        """A request the store or a model cannot answer as asked (a bad range, quantity or frame): 422, why."""
        return JSONResponse({"detail": str(exc)}, status_code=422)

    v1 = APIRouter(prefix="/api/v1")
    v1.include_router(auth.router)
    v1.include_router(environment.router)
    v1.include_router(gateway.router)
    v1.include_router(goals.router)
    app.include_router(v1)

    @app.get("/healthz", tags=["health"])
    def healthz() -> JSONResponse:
        """Liveness and a short status; needs no login."""
        extra = services.status()
        # A gateway whose intake or flush thread died accepts nothing more: say so, with a 503.
        healthy = extra.get("gateway", {}).get("threads_alive", True) is not False
        body = {"status": "ok" if healthy else "degraded", "site": services.site.id, **extra}
        return JSONResponse(body, status_code=200 if healthy else 503)

    @app.get("/metrics", tags=["health"], response_class=Response)
    def metrics() -> Response:
        """Prometheus metrics of the gateway running in this process (404 when none does)."""
        if services.metrics is None:
            return Response("no gateway runs in this process; scrape the gateway's own /metrics\n", 404)
        return Response(services.metrics(), media_type=METRICS_CONTENT_TYPE)

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
