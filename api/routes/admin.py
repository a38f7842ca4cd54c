"""Users and machine tokens: admin's doors (api.access). Every change is written to the audit log when one is kept."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query, Response, status

from api.deps import Authorized, Services, ServicesDep
from api.schemas_admin import (
    ApiTokenCreate,
    ApiTokenCreated,
    ApiTokenPublic,
    ApiTokensPublic,
    UserPublic,
    UserPut,
    UsersPublic,
)
from api.security import Principal, Role
from api.users import ApiToken, DirectoryError

router = APIRouter(tags=["admin"])

LimitQuery = Annotated[int, Query(ge=1, le=500, description="at most this many")]
OffsetQuery = Annotated[int, Query(ge=0, le=1_000_000, description="skip this many")]
UsernamePath = Annotated[str, Path(min_length=1, max_length=100)]


def _audit(services: Services, principal: Principal, action: str, resource: str, details: dict[str, object]) -> None:
    # Without a records store there is no audit log; the change itself is in users.json.
    if principal.token_id is not None:
        details = details | {"token_id": principal.token_id}  # which token, should two have had one name
    if services.records is not None:
        services.records.audit(principal.username, action, resource, details)


def _keeps_an_admin(services: Services, username: str, role: Role | None) -> None:
    """409 unless, after `username` gets `role` (None: removed), some user can still log in as admin."""
    admins = {u.username for u in services.users.users() if u.role is Role.ADMIN}
    admins = (admins - {username}) | ({username} if role is Role.ADMIN else set())
    if not admins:
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            "That would leave no admin who logs in with a password: make another user admin first",
        )


def _token(token: ApiToken, services: Services) -> ApiTokenPublic:
    return ApiTokenPublic(
        id=token.id,
        name=token.name,
        role=token.role,
        expires_at=token.expires_at,
        created_at=token.created_at,
        created_by=token.created_by,
        revoked_at=token.revoked_at,
        revoked_by=token.revoked_by,
        active=token.active(services.now()),
    )


@router.get("/users")
def users(services: ServicesDep, _: Authorized, limit: LimitQuery = 100, offset: OffsetQuery = 0) -> UsersPublic:
    """Who may log in with a password, by name (never a password or its hash)."""
    everyone = services.users.users()
    page = [UserPublic(username=u.username, role=u.role) for u in everyone[offset : offset + limit]]
    return UsersPublic(items=page, total=len(everyone), limit=limit, offset=offset)


@router.put(
    "/users/{username}",
    responses={
        201: {"model": UserPublic, "description": "the user was created"},
        409: {"description": "the change would leave no admin"},
    },
)
def put_user(
    username: UsernamePath, body: UserPut, services: ServicesDep, principal: Authorized, response: Response
) -> UserPublic:
    """Create a user (a password is required) or change one's role and, if given, password.

    A new password or a new role ends every session the user had: their tokens carry the old ones.
    """
    existing = services.users.role_of(username)
    if existing is Role.ADMIN:
        _keeps_an_admin(services, username, body.role)
    try:
        if body.password is not None:
            user = services.users.add(username, body.role, body.password)
        elif existing is None:
            raise HTTPException(
                status.HTTP_422_UNPROCESSABLE_CONTENT, "A new user needs a password (12 characters or more)"
            )
        else:
            user = services.users.set_role(username, body.role)
    except DirectoryError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from None
    if existing is None:
        response.status_code = status.HTTP_201_CREATED
    action = "user_add" if existing is None else "user_update"
    _audit(
        services,
        principal,
        action,
        f"user:{username}",
        {"role": body.role.value, "password_set": body.password is not None},
    )
    return UserPublic(username=user.username, role=user.role)


@router.delete(
    "/users/{username}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={404: {"description": "no such user"}, 409: {"description": "the last admin, or oneself"}},
)
def delete_user(username: UsernamePath, services: ServicesDep, principal: Authorized) -> Response:
    """Remove a user: their tokens stop working at once."""
    if username == principal.username:
        raise HTTPException(status.HTTP_409_CONFLICT, "Admins cannot remove themselves: ask another admin")
    if services.users.role_of(username) is Role.ADMIN:
        _keeps_an_admin(services, username, None)
    if not services.users.remove(username):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"No user {username!r}")
    _audit(services, principal, "user_delete", f"user:{username}", {})
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/tokens")
def tokens(services: ServicesDep, _: Authorized, limit: LimitQuery = 100, offset: OffsetQuery = 0) -> ApiTokensPublic:
    """Machine tokens, newest first, revoked ones too (never their secrets)."""
    every = services.users.tokens()
    page = [_token(t, services) for t in every[offset : offset + limit]]
    return ApiTokensPublic(items=page, total=len(every), limit=limit, offset=offset)


@router.post("/tokens", status_code=status.HTTP_201_CREATED)
def create_token(
    body: ApiTokenCreate, services: ServicesDep, principal: Authorized, response: Response
) -> ApiTokenCreated:
    """A long-lived token for a machine (an import job, a BI tool): its secret is in this answer and never again."""
    if body.expires_at is not None and body.expires_at.tzinfo is None:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT, "expires_at needs a time zone, e.g. 2027-01-31T00:00:00Z"
        )
    try:
        token, secret = services.users.create_token(
            body.name, body.role, created_by=principal.username, now=services.now(), expires_at=body.expires_at
        )
    except DirectoryError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from None
    _audit(services, principal, "token_create", f"token:{token.id}", {"name": token.name, "role": token.role.value})
    # The secret must not linger in a cache or a proxy (RFC 6749 §5.1's rule for token responses).
    response.headers["Cache-Control"] = "no-store"
    return ApiTokenCreated(**_token(token, services).model_dump(), token=secret)


@router.delete("/tokens/{token_id}", responses={404: {"description": "no such token"}})
def revoke_token(
    token_id: Annotated[str, Path(min_length=1, max_length=32)], services: ServicesDep, principal: Authorized
) -> ApiTokenPublic:
    """Revoke a machine token: it stops working at once and stays listed as revoked."""
    try:
        token = services.users.revoke_token(token_id, revoked_by=principal.username, now=services.now())
    except DirectoryError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from None
    _audit(services, principal, "token_revoke", f"token:{token.id}", {"name": token.name})
    return _token(token, services)
