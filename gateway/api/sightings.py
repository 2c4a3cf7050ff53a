"""``GET /v1/sightings``: past vehicle passes by plate (exact or ``?``/``*`` wildcard), camera, time."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from gateway.api.params import Offset, Since, Until
from gateway.auth.keys import Principal
from gateway.deps import CtxDep, PurposeDep, SessionDep, require_role
from gateway.pipeline.public import SightingPublic, SightingsPublic
from gateway.pipeline.queries import SightingQuery, search_sightings
from shared.schemas import ErrorBody

router = APIRouter(prefix="/v1", tags=["sightings"])

SearchRoleDep = Annotated[
    Principal, Depends(require_role("police", "council", what=("search sightings", "шукати фіксації")))
]


@router.get(
    "/sightings",
    response_model=SightingsPublic,
    summary="Search past sightings",
    responses={
        403: {"model": ErrorBody, "description": "role is not police or council"},
        422: {"model": ErrorBody, "description": "bad filter, or police without X-Purpose/X-Case-Number"},
    },
)
def list_sightings(
    ctx: CtxDep,
    session: SessionDep,
    principal: SearchRoleDep,
    audit_ctx: PurposeDep,
    plate: Annotated[str | None, Query(description="AA1234BB, or a pattern like AA12??BB / AA*BB")] = None,
    camera_id: Annotated[str | None, Query(max_length=64)] = None,
    since: Since = None,
    until: Until = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Offset = 0,
) -> SightingsPublic:
    """Police must state `X-Purpose` and `X-Case-Number`; every search is audited with its result count.
    `has_hit` counts only watchlists your organisation owns or that are shared with it. A plate finds
    the passes that read as it, and those one of whose frames read it (`found_by_read`). A 1995 plate
    is found with or without its two-digit region number (`84022PE` and `840*PE` find `0784022PE`), a
    transit plate with or without its small prefix (`CP5140` finds `T1CP5140`)."""
    q = SightingQuery(plate, camera_id, since, until, limit, offset)
    rows = search_sightings(session, principal, q, ctx.settings.pipeline.keep_letters_only_reads)
    ctx.audit.record(principal, "sightings.search", q.describe(), ctx=audit_ctx, result_count=len(rows))
    return SightingsPublic(data=[SightingPublic.of(*row) for row in rows], count=len(rows))
