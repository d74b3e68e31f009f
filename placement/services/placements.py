"""The placement lifecycle: confirmed, started, completed or withdrawn, and feedback at the end."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from placement.errors import Conflict, NotFound, ValidationFailed
from placement.models import Feedback, Placement
from placement.models._types import utcnow
from placement.services import audit, offers
from placement.services.roles import long_date

# Each move: the statuses it starts from, the status it ends in, and the timestamp it sets.
MOVES = {
    "start": (("confirmed",), "started", "started_at"),
    "complete": (("started",), "completed", "completed_at"),
    "withdraw": (("confirmed", "started"), "withdrawn", "withdrawn_at"),
}
REFUSALS = {
    "start": "Only a confirmed placement can start",
    "complete": "Only a placement that has started can be completed",
    "withdraw": "A completed or withdrawn placement cannot be withdrawn",
}


def _placement(session: Session, placement_id: int) -> Placement:
    placement = session.get(Placement, placement_id)
    if placement is None:
        raise NotFound("No such placement")
    return placement


def is_early(placement: Placement, today: date) -> bool:
    """Whether today is before the role's start date, when starting or completing needs a reason."""
    return today < placement.role.start_date


def _refuse_if_early(placement: Placement, action: str, today: date, early_reason: str) -> None:
    if action in ("start", "complete") and is_early(placement, today) and not early_reason:
        raise ValidationFailed(
            [
                (
                    "early_reason",
                    f"The role starts on {long_date(placement.role.start_date)}: to {action} "
                    "the placement before then, say why",
                )
            ]
        )


def move(
    session: Session,
    placement_id: int,
    action: str,
    *,
    reason: str = "",
    early_reason: str = "",
    now: datetime | None = None,
) -> Placement:
    """Start, complete or withdraw a placement (a withdrawal needs a reason, frees the place).

    Starting or completing before the role's start date is refused unless ``early_reason``
    says why (a coordinator's override, kept in the audit log).
    """
    if action not in MOVES:
        raise NotFound("No such action")
    reason = (reason or "").strip()
    early_reason = (early_reason or "").strip()
    if action == "withdraw" and not reason:
        raise ValidationFailed([("reason", "Enter why the placement is being withdrawn")])
    moment = now or utcnow()
    starts, ends, stamp = MOVES[action]
    current = _placement(session, placement_id)
    if current.status in starts:
        _refuse_if_early(current, action, moment.date(), early_reason)
    values: dict[str, object] = {"status": ends, stamp: moment}
    if action == "withdraw":
        values["withdrawal_reason"] = reason[:2000]
    moved = session.execute(
        update(Placement)
        .where(Placement.id == placement_id, Placement.status.in_(starts))
        .values(values)
        .execution_options(synchronize_session=False)
    )
    placement = _placement(session, placement_id)
    session.refresh(placement)
    if moved.rowcount != 1:
        raise Conflict(REFUSALS[action])
    if action == "withdraw":
        offers.withdraw_offer_for(session, placement.offer)
    detail = {"reason": reason[:500]} if reason else {}
    if early_reason and action in ("start", "complete"):
        detail["before_the_role_starts"] = early_reason[:500]
    audit.record(
        session, f"placement_{ends}", object_type="placement", object_id=placement_id, detail=detail
    )
    return placement


def give_feedback(
    session: Session, placement: Placement, side: str, rating: int, comment: str
) -> Feedback:
    """One side's rating (1-5) and comment on a completed placement; once per side."""
    if placement.status != "completed":
        raise Conflict("Feedback opens when the placement is completed")
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ValidationFailed([("rating", "Select a rating from 1 to 5")])
    given = session.execute(
        select(Feedback).where(Feedback.placement_id == placement.id, Feedback.given_by == side)
    ).scalar_one_or_none()
    if given is not None:
        raise Conflict("You have already given feedback on this placement")
    feedback = Feedback(
        placement_id=placement.id, given_by=side, rating=rating, comment=(comment or "")[:2000]
    )
    session.add(feedback)
    try:
        session.flush()
    except IntegrityError:
        raise Conflict("You have already given feedback on this placement") from None
    audit.record(
        session,
        "feedback_given",
        object_type="placement",
        object_id=placement.id,
        detail={"side": side, "rating": rating},
    )
    return feedback


def feedback_from(placement: Placement, side: str) -> Feedback | None:
    return next((entry for entry in placement.feedback if entry.given_by == side), None)
