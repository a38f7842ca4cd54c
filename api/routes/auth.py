"""Login: the OAuth2 password flow, and who am I."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, Response, status
from fastapi.security import OAuth2PasswordRequestForm

from api.deps import PrincipalDep, ServicesDep
from api.problems import Problem
from api.schemas import MePublic, TokenPublic
from api.security import areas_of
from api.throttle import ThrottledError

public = APIRouter(tags=["auth"])  # no token needed: how one gets a token
router = APIRouter(tags=["auth"])


@public.post(
    "/auth/token",
    responses={
        401: {"model": Problem, "description": "wrong username or password"},
        429: {"model": Problem, "description": "too many failed logins, or too many at once: see Retry-After"},
    },
)
def login(
    request: Request,
    response: Response,
    services: ServicesDep,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
) -> TokenPublic:
    """Exchange a username and password for a bearer token (throttled per user and per address)."""
    address = request.client.host if request.client else "unknown"
    throttle = services.login_throttle
    try:
        throttle.check_allowed(form.username, address)
        with throttle.password_check():
            # Again: while this request waited for a slot, the others' failures may have locked the user.
            throttle.check_allowed(form.username, address)
            principal = services.users.authenticate(form.username, form.password)
    except ThrottledError as exc:
        raise HTTPException(status.HTTP_429_TOO_MANY_REQUESTS, exc.reason, {"Retry-After": exc.retry_after}) from None
    if principal is None:
        throttle.failed(form.username, address)
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Wrong username or password", {"WWW-Authenticate": "Bearer"})
    throttle.succeeded(form.username)
    # RFC 6749 §5.1: a token response must not be cached by the browser or a proxy.
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return TokenPublic(
        access_token=services.tokens.issue(principal, stamp=principal.stamp),
        expires_in=services.tokens.lifetime_s,
        username=principal.username,
        role=principal.role.value,
        areas=areas_of(principal.role),
    )


@router.get("/me")
def me(principal: PrincipalDep) -> MePublic:
    """The logged-in user and role."""
    return MePublic(username=principal.username, role=principal.role.value, areas=areas_of(principal.role))
