"""People decide on alerts: a plate hit needs one confirmation, a face hit two distinct police officers.

Any rejection ("not this person", "not this vehicle") closes the alert as rejected and stays recorded.
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from gateway.auth.keys import Principal
from gateway.db.events import Alert, AlertReview, new_id
from gateway.db.types import utcnow
from gateway.errors import Conflict, Forbidden
from gateway.pipeline.queries import get_alert

FACE_REVIEWERS = frozenset({"police"})
PLATE_REVIEWERS = frozenset({"police", "council"})


def confirmations(alert: Alert) -> int:
    return len({r.reviewer_key_id for r in alert.reviews if r.decision == "confirm"})


def add_review(
    session: Session, principal: Principal, alert_id: str, decision: str, note: str | None
) -> Alert:
    """Record the decision and update the status (the caller commits)."""
    alert = get_alert(session, principal, alert_id)
    roles = FACE_REVIEWERS if alert.kind == "face" else PLATE_REVIEWERS
    if principal.role not in roles or principal.key_id is None:
        kind_uk = "обличчя" if alert.kind == "face" else "номера"
        raise Forbidden(roles, f"reviewing a {alert.kind} alert", f"розгляд сповіщення щодо {kind_uk}")
    if alert.status != "new":
        raise Conflict(
            f"The alert is already {alert.status}.",
            f"Сповіщення вже {'підтверджено' if alert.status == 'confirmed' else 'відхилено'}.",
        )
    if any(r.reviewer_key_id == principal.key_id for r in alert.reviews):
        raise Conflict(
            "You have already reviewed this alert; a second confirmation must come from another person.",
            "Ви вже розглянули це сповіщення; друге підтвердження має надати інша особа.",
        )
    alert.reviews.append(
        AlertReview(
            id=new_id(),
            reviewer_key_id=principal.key_id,
            reviewer_role=principal.role,
            decision=decision,
            note=note,
            created_at=utcnow(),
        )
    )
    if decision == "reject":
        alert.status = "rejected"
    elif confirmations(alert) >= alert.confirmations_required:
        alert.status = "confirmed"
    try:
        session.flush()
    except IntegrityError:  # the same reviewer twice at once: the unique constraint decides
        session.rollback()
        raise Conflict("You have already reviewed this alert.", "Ви вже розглянули це сповіщення.") from None
    return alert
