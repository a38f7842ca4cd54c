"""Login: the OAuth2 password flow, and who am I."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, status
from fastapi.security import OAuth2PasswordRequestForm

from api.deps import PrincipalDep, ServicesDep
from api.schemas import ErrorPublic, MePublic, TokenPublic
from api.security import areas_of

router = APIRouter(tags=["auth"])


@router.post("/auth/token", responses={401: {"model": ErrorPublic, "description": "wrong username or password"}})
def login(services: ServicesDep, form: Annotated[OAuth2PasswordRequestForm, Depends()]) -> TokenPublic:
    """Exchange a username and password for a bearer token."""
    principal = services.users.authenticate(form.username, form.password)
    if principal is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Wrong username or password", {"WWW-Authenticate": "Bearer"})
    return TokenPublic(
        access_token=services.tokens.issue(principal),
        username=principal.username,
        role=principal.role.value,
        areas=areas_of(principal.role),
    )


@router.get("/me", responses={401: {"model": ErrorPublic, "description": "not logged in, or the session expired"}})
def me(principal: PrincipalDep) -> MePublic:
    """The logged-in user and role."""
    return MePublic(username=principal.username, role=principal.role.value, areas=areas_of(principal.role))
