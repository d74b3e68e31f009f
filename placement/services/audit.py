"""The audit log and security events: who did what, when; never secrets or equality data."""

from __future__ import annotations

import logging
from typing import Any

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy.orm import Session

from placement.extensions import db
from placement.models import AuditEvent

security_log = logging.getLogger("placement.security")

# Keys that must never reach a log, whatever a caller passes in detail.
FORBIDDEN_KEYS = frozenset(
    {
        "password",
        "token",
        "password_hash",
        "gender",
        "ethnicity",
        "disability",
        "age_band",
        "first_in_family",
        "free_school_meals",
    }
)


def _actor() -> tuple[int | None, str | None]:
    if has_request_context() and current_user.is_authenticated:
        return current_user.id, current_user.role
    return None, None


def record(
    session: Session,
    action: str,
    *,
    object_type: str | None = None,
    object_id: object = None,
    detail: dict[str, Any] | None = None,
    actor_id: int | None = None,
    actor_role: str | None = None,
    ip_address: str | None = None,
) -> AuditEvent:
    """Add one audit event (flushed with the caller's transaction, so it commits or not with it).

    The address is the request's, or ``ip_address`` for work done after the response.
    """
    clean = {key: value for key, value in (detail or {}).items() if key not in FORBIDDEN_KEYS}
    if actor_id is None:
        actor_id, actor_role = _actor()
    event = AuditEvent(
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        detail=clean,
        actor_id=actor_id,
        actor_role=actor_role,
        ip_address=ip_address or (request.remote_addr if has_request_context() else None),
    )
    session.add(event)
    security_log.info("%s actor=%s object=%s:%s", action, actor_id, object_type, event.object_id)
    return event


def security_event(action: str, *, detail: dict[str, Any] | None = None) -> None:
    """Record an event that happens outside any business transaction (sign-in, CSRF, 403)."""
    record(db.session, action, detail=detail)
    db.session.commit()
