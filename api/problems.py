"""Every error of the API as RFC 9457 problem details: `application/problem+json`, one shape for all.

A problem has `type`, `title`, `status`, `detail` (the one sentence the API always sent, for a person) and
`instance` (the request's path); a malformed request adds `errors`, one entry per field. `type` is
`about:blank` when the HTTP status says it all — then `title` is the status phrase — and otherwise a
relative URI `/problems/<slug>` of `TYPES`, which this app serves as a short text page.

`install` answers every error this way: HTTP errors (Starlette's 404 and 405 too, keeping their headers
such as WWW-Authenticate, Retry-After and Allow), malformed requests, an unavailable store, a request the
store or a model cannot answer, and any unexpected exception, which is logged and answered 500 without
a word of its own text. It also makes the OpenAPI schema declare `application/problem+json` for errors.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, Literal
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.errors import InvalidRequestError, StoreUnavailableError
from models.errors import ModelInputError
from records.errors import StoreError as RecordsStoreError

logger = logging.getLogger(__name__)

MEDIA_TYPE = "application/problem+json"
BLANK = "about:blank"  # RFC 9457 §4.2.1: no more meaning than the HTTP status itself
TYPES_PATH = "/problems"
STORE_RETRY_AFTER_S = 10
UNEXPECTED = "The server met an unexpected error; it has been logged"
_REF = "#/components/schemas/"
# Python before 3.13 still says "Request Entity Too Large" and "Unprocessable Entity" (RFC 7231's words).
RFC_9110_PHRASES = {413: "Content Too Large", 416: "Range Not Satisfiable", 422: "Unprocessable Content"}


@dataclass(frozen=True)
class ProblemType:
    """A problem with a meaning of its own beyond its HTTP status; documented at its `uri`."""

    slug: str
    title: str
    description: str

    @property
    def uri(self) -> str:
        """The relative URI of the type, which is also where its description is served."""
        return f"{TYPES_PATH}/{self.slug}"


VALIDATION = ProblemType(
    "validation",
    "Malformed request",
    "A parameter, header or body field is missing or malformed (422). `errors` names each: where it was "
    "(`in`: query, path, header, cookie or body), its `name` and a `message`; `detail` says the same in "
    "one sentence.",
)
STORE_UNAVAILABLE = ProblemType(
    "store-unavailable",
    "Store unavailable",
    "A store the answer needs is down or cannot be reached (503). It is the server's problem and usually a "
    "passing one: try again after the seconds of the Retry-After header.",
)
TYPES = {kind.slug: kind for kind in (VALIDATION, STORE_UNAVAILABLE)}


class FieldProblem(BaseModel):
    """One malformed field of a request."""

    model_config = ConfigDict(populate_by_name=True)

    in_: Literal["query", "path", "header", "cookie", "body"] = Field(alias="in", description="where the field was")
    name: str = Field(description="the field, dotted for a nested body field: `items.0.zone`")
    message: str = Field(description="what is wrong with it")


class Problem(BaseModel):
    """What went wrong, as RFC 9457 problem details (`application/problem+json`)."""

    type: str = Field(BLANK, description="`about:blank`, or a URI (relative to the API's) that documents the problem")
    title: str = Field(description="the HTTP status phrase, or the type's short title")
    status: int = Field(ge=400, le=599, description="the HTTP status code")
    detail: str = Field(description="this occurrence, in one sentence for a person")
    instance: str = Field(description="the path of the request")
    errors: list[FieldProblem] | None = Field(None, description="for a malformed request: each malformed field")


def problem_response(
    status: int,
    detail: str,
    path: str,
    *,
    kind: ProblemType | None = None,
    errors: Sequence[FieldProblem] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    """The `application/problem+json` answer of one error."""
    problem = Problem(
        type=kind.uri if kind else BLANK,
        title=kind.title if kind else _phrase(status),
        status=status,
        detail=detail,
        instance=quote(path, safe="/:@!$&'()*+,;="),  # the decoded path as a URI reference again
        errors=list(errors) if errors is not None else None,
    )
    body = problem.model_dump(mode="json", by_alias=True, exclude_none=True)
    return JSONResponse(body, status_code=status, headers=headers, media_type=MEDIA_TYPE)


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


def field_problems(errors: Sequence[Any]) -> list[FieldProblem]:
    """FastAPI's validation errors as one FieldProblem each."""
    found = []
    for error in errors:
        location = [str(part) for part in error.get("loc", ())]
        where = location[0] if location and location[0] in ("query", "path", "header", "cookie") else "body"
        name = ".".join(location[1:]) or where
        found.append(
            FieldProblem.model_validate({"in": where, "name": name, "message": str(error.get("msg", "invalid"))})
        )
    return found


def install(app: FastAPI) -> None:
    """Answer every error of `app` as problem details, serve the problem types, and say so in OpenAPI.

    Call it before adding other middleware: its catch-all must be the innermost, so that the answer to an
    unexpected error still passes through the others (security headers, CORS).
    """

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        """An HTTPException of a route, or Starlette's own 404 and 405: its status, detail and headers."""
        if exc.status_code < 400:  # a 304 and the like carry no problem
            return await http_exception_handler(request, exc)
        detail = exc.detail if isinstance(exc.detail, str) else json.dumps(exc.detail, default=str)
        return problem_response(exc.status_code, detail, request.url.path, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    def malformed(request: Request, exc: RequestValidationError) -> JSONResponse:
        """A malformed parameter: one sentence naming each field, and the fields one by one."""
        errors = exc.errors()
        return problem_response(422, readable(errors), request.url.path, kind=VALIDATION, errors=field_problems(errors))

    @app.exception_handler(StoreUnavailableError)
    def store_unavailable(request: Request, exc: StoreUnavailableError) -> JSONResponse:
        """A store that is down is the server's problem, and a passing one: 503, try again."""
        return problem_response(
            503,
            f"The reading store is unavailable: {exc}",
            request.url.path,
            kind=STORE_UNAVAILABLE,
            headers={"Retry-After": str(STORE_RETRY_AFTER_S)},
        )

    @app.exception_handler(RecordsStoreError)
    def records_unavailable(request: Request, exc: RecordsStoreError) -> JSONResponse:
        """The records database failing (board, alerts, imports): 503; the cause (URL, SQL) goes to the log only."""
        logger.warning("%s: the records store failed: %s", request.url.path, exc)
        return problem_response(
            503,
            "The records store is unavailable; try again shortly",
            request.url.path,
            kind=STORE_UNAVAILABLE,
            headers={"Retry-After": str(STORE_RETRY_AFTER_S)},
        )

    @app.exception_handler(InvalidRequestError)
    @app.exception_handler(ModelInputError)
    def unanswerable(request: Request, exc: Exception) -> JSONResponse:
        """A request the store or a model cannot answer as asked (a bad range, quantity or frame): 422, why."""
        return problem_response(422, str(exc), request.url.path)

    @app.get(TYPES_PATH + "/{slug}", include_in_schema=False)
    def problem_type(slug: str) -> PlainTextResponse:
        """What a problem type means, for whoever follows its URI."""
        kind = TYPES.get(slug)
        if kind is None:
            raise StarletteHTTPException(404, f"No problem type {slug[:80]!r}")
        return PlainTextResponse(f"{kind.title}\n\n{kind.description}\n")

    app.add_middleware(CatchAllMiddleware)
    _declare_in_openapi(app)


class CatchAllMiddleware:
    """ASGI middleware: an exception no handler took is logged and answered 500, without its text.

    It answers instead of re-raising (as Starlette's outermost ServerErrorMiddleware would), so that the
    answer passes through the middleware outside this one and the traceback is logged once, here.
    """

    def __init__(self, app: ASGIApp) -> None:
        """Wrap `app`."""
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; answer an unexpected exception with a 500 problem."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watched)
        except Exception:
            if started:  # half an answer is out: only a closed connection can tell the client now
                raise
            logger.exception("unexpected error answering %s %r", scope.get("method"), scope.get("path"))
            await problem_response(500, UNEXPECTED, scope.get("path", "/"))(scope, receive, send)


def _declare_in_openapi(app: FastAPI) -> None:
    """Make the schema say `application/problem+json` (not application/json) for every error, and for any other."""
    generate: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _as_problems(generate())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _as_problems(schema: dict[str, Any]) -> dict[str, Any]:
    problem = {"schema": {"$ref": _REF + "Problem"}}
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for code, answer in responses.items():
                if _is_error(code):
                    _problem_content(answer, problem)
            if "requestBody" in operation:  # FastAPI's own answer to a body it cannot decode, before the route
                responses.setdefault(
                    "400",
                    {"description": "the body could not be read (JSON not UTF-8, broken multipart)", "content": {}},
                )
                _problem_content(responses["400"], problem)
            # 404, 405, 413 and 500 can answer any route: whatever a route does not list is a problem.
            responses.setdefault("default", {"description": "any other error", "content": {MEDIA_TYPE: problem}})
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    if "Problem" not in components:
        generated = Problem.model_json_schema(ref_template=_REF + "{model}", mode="serialization")
        components.update(generated.pop("$defs", {}))
        components["Problem"] = generated
    for name in ("HTTPValidationError", "ValidationError"):  # in this order: the first refers to the second
        if f'"{_REF}{name}"' not in json.dumps(schema):
            components.pop(name, None)
    return schema


def _problem_content(answer: dict[str, Any], problem: dict[str, Any]) -> None:
    """Declare an error response as the problem the handlers send, where the route's declaration is FastAPI's."""
    content = answer.setdefault("content", {})
    body = content.get("application/json", {}).get("schema")
    if not content:  # declared with a description only: the handlers answer it as a problem
        content[MEDIA_TYPE] = problem
    elif body is not None and body.get("$ref") in (_REF + "Problem", _REF + "HTTPValidationError"):
        # FastAPI puts a `responses=` model under the route's media type, and its own 422 model beside it.
        del content["application/json"]
        content[MEDIA_TYPE] = problem
    elif body is not None and MEDIA_TYPE in content and not content[MEDIA_TYPE].get("schema"):
        # A problem with members of its own: `content={MEDIA_TYPE: {}}` beside a `model` (FastAPI files it as JSON).
        content[MEDIA_TYPE] = {"schema": content.pop("application/json")["schema"]}


def _is_error(code: str) -> bool:
    return code.upper() in ("4XX", "5XX") or (code.isdigit() and int(code) >= 400)


def _phrase(status: int) -> str:
    if status in RFC_9110_PHRASES:
        return RFC_9110_PHRASES[status]
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"
