"""FastAPI dependencies as ``Annotated`` aliases: context, session, principal, roles, purpose."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Annotated
from urllib.parse import unquote

from fastapi import Depends, Header, Request
from sqlalchemy.orm import Session

from gateway.audit.log import AuditContext
from gateway.auth.keys import Principal, authenticate
from gateway.context import AppContext
from gateway.errors import AuthRequired, Forbidden, PurposeRequired


def get_ctx(request: Request) -> AppContext:
    ctx: AppContext = request.app.state.ctx
    return ctx


CtxDep = Annotated[AppContext, Depends(get_ctx)]


def get_session(ctx: CtxDep) -> Iterator[Session]:
    with ctx.sessions() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def _header_text(value: str | None, limit: int) -> str | None:
    """Header text: raw UTF-8 (seen as latin-1 by the server) or percent-encoded UTF-8."""
    if value is None or not value.strip():
        return None
    with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
        value = value.encode("latin-1").decode("utf-8")
    return unquote(value).strip()[:limit] or None


def get_audit_context(
    x_purpose: Annotated[str | None, Header(description="Why: stated purpose (UTF-8 or %-encoded)")] = None,
    x_case_number: Annotated[str | None, Header(description="Case number the request belongs to")] = None,
) -> AuditContext:
    return AuditContext(_header_text(x_purpose, 500), _header_text(x_case_number, 100))


AuditCtxDep = Annotated[AuditContext, Depends(get_audit_context)]


def bearer_token(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header ("" if empty), None for no such header."""
    if authorization and authorization.lower().startswith("bearer "):
        return authorization[7:].strip()
    return None


AuthorizationHeader = Annotated[str | None, Header(description="Bearer vk_...")]
ApiKeyHeader = Annotated[str | None, Header(description="vk_... (alternative to Authorization)")]


def _principal(session: Session, authorization: str | None, x_api_key: str | None) -> Principal:
    token = bearer_token(authorization)
    plain = x_api_key if token is None else token
    if not plain:
        raise AuthRequired()
    principal = authenticate(session, plain)
    if principal is None:
        raise AuthRequired("The API key is unknown or revoked.", "Ключ API невідомий або відкликаний.")
    return principal


def get_principal(
    session: SessionDep, authorization: AuthorizationHeader = None, x_api_key: ApiKeyHeader = None
) -> Principal:
    return _principal(session, authorization, x_api_key)


def get_principal_briefly(
    ctx: CtxDep, authorization: AuthorizationHeader = None, x_api_key: ApiKeyHeader = None
) -> Principal:
    """``get_principal`` in a session of its own, closed before the route runs: for a route that reads
    its own body after the key is checked (frames, previews), so a slow or stalled upload holds no
    database connection."""
    with ctx.sessions() as session:
        return _principal(session, authorization, x_api_key)


PrincipalDep = Annotated[Principal, Depends(get_principal)]
BriefPrincipalDep = Annotated[Principal, Depends(get_principal_briefly)]


def _check_role(
    request: Request,
    ctx: AppContext,
    principal: Principal,
    roles: tuple[str, ...],
    what: tuple[str, str] | None,
) -> Principal:
    if principal.role not in roles:
        en, uk = what or (f"{request.method} {request.url.path}",) * 2
        ctx.audit.record(principal, "access.denied", en, outcome="denied", detail=f"needs {roles}")
        raise Forbidden(roles, en, uk)
    return principal


def require_role(*roles: str, what: tuple[str, str] | None = None) -> Callable[..., Principal]:
    """A dependency that lets only ``roles`` through; a refusal is audited and says which role is needed.

    ``what`` names the action (English, Ukrainian) for the refusal; without it the route is named."""

    def dependency(request: Request, principal: PrincipalDep, ctx: CtxDep) -> Principal:
        return _check_role(request, ctx, principal, roles, what)

    return dependency


def require_camera(request: Request, principal: BriefPrincipalDep, ctx: CtxDep) -> Principal:
    """A camera key, checked without holding a database connection afterwards: camera routes read the
    image body themselves once this has run."""
    return _check_role(request, ctx, principal, ("camera",), None)


def require_purpose(principal: PrincipalDep, audit_ctx: AuditCtxDep) -> AuditContext:
    """Police searches must state purpose and case number; others may."""
    if principal.role == "police" and not (audit_ctx.purpose and audit_ctx.case_number):
        raise PurposeRequired()
    return audit_ctx


PurposeDep = Annotated[AuditContext, Depends(require_purpose)]
AdminDep = Annotated[Principal, Depends(require_role("admin"))]
AuditorDep = Annotated[Principal, Depends(require_role("auditor", "admin"))]
ListEditorDep = Annotated[Principal, Depends(require_role("admin", "council", "police"))]
PoliceDep = Annotated[Principal, Depends(require_role("police"))]
CameraDep = Annotated[Principal, Depends(require_camera)]
