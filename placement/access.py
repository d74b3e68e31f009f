"""Access rules: one role check per blueprint, one loader for per-object decisions."""

from __future__ import annotations

from typing import TypeVar

from flask import Blueprint, abort, request
from flask_login import current_user

from placement.extensions import db, login_manager
from placement.security import LARGEST_ID
from placement.services import audit

T = TypeVar("T")


def restrict_to(blueprint: Blueprint, role: str) -> None:
    """Every route of the blueprint needs a signed-in user with this role."""

    @blueprint.before_request
    def _check_role() -> object:
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if current_user.role != role:
            audit.security_event("access_refused", detail={"path": request.path})
            abort(403)
        return None


def get_or_404(model: type[T], object_id: object) -> T:
    """The row, or a 404 page; ownership is checked by the caller's own loader."""
    if isinstance(object_id, int) and not 0 <= object_id <= LARGEST_ID:
        abort(404)  # no row has such an id, and the database driver would fail to send it
    found = db.session.get(model, object_id)
    if found is None:
        abort(404)
    return found


def refuse_unless(allowed: bool) -> None:
    """Not yours is answered like not there, so ids cannot be probed."""
    if not allowed:
        audit.security_event("access_refused", detail={"path": request.path})
        abort(404)
