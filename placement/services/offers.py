"""Deciding proposals, publishing offers, and the answers of students and organisations.

Places: approving a proposal takes one of the role's places (a conditional UPDATE that never lets
`places_taken` pass `places`); rejecting an approved proposal, and a declined, expired or withdrawn
offer, give it back. A place is held by an approved proposal, or by a pending or accepted offer.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import exists, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from placement.errors import Conflict, NotFound, ValidationFailed
from placement.models import MatchingRound, Offer, Placement, PlacementRole, Proposal
from placement.models._types import utcnow
from placement.services import audit, snapshot

LIVE = ("pending", "accepted")
SIDES = ("student", "organisation")
ALREADY = {
    "approved": "This proposal has already been approved",
    "rejected": "This proposal has already been rejected",
    "offered": "An offer has already been sent for this proposal",
    "superseded": "This proposal was replaced by a later round",
    "closed": "The offer made from this proposal has closed",
}


def take_place(session: Session, role_id: int) -> None:
    taken = session.execute(
        update(PlacementRole)
        .where(PlacementRole.id == role_id, PlacementRole.places_taken < PlacementRole.places)
        .values(places_taken=PlacementRole.places_taken + 1)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:
        raise Conflict("This role has no places left")


def give_back_place(session: Session, role_id: int) -> None:
    session.execute(
        update(PlacementRole)
        .where(PlacementRole.id == role_id, PlacementRole.places_taken > 0)
        .values(places_taken=PlacementRole.places_taken - 1)
        .execution_options(synchronize_session=False)
    )


def _proposal(session: Session, proposal_id: int) -> Proposal:
    proposal = session.get(Proposal, proposal_id)
    if proposal is None:
        raise NotFound("No such proposal")
    return proposal


def _refuse_if_stale(proposal: Proposal) -> None:
    matching_round = proposal.round
    if matching_round.status != "completed" or matching_round.snapshot is None:
        raise Conflict("This round has not completed")
    student, role = proposal.student, proposal.role
    changed = snapshot.changed_since(matching_round.snapshot, student, role)
    name = student.full_name or f"Student {student.id}"
    if "student" in changed or student.status != "submitted":
        raise Conflict(f"{name}'s profile has changed since this round ran: run a new round")
    if "role" in changed:
        raise Conflict(f"The role {role.title} has changed since this round ran: run a new round")
    if role.status != "published" or role.organisation.status != "verified":
        raise Conflict(f"The role {role.title} is no longer open: run a new round")


def _has_live_offer(session: Session, student_id: int) -> bool:
    query = exists().where(Offer.student_id == student_id, Offer.status.in_(LIVE))
    return bool(session.execute(select(query)).scalar())


def approve(session: Session, proposal_id: int, actor_id: int | None = None) -> Proposal:
    """Approve a proposed pair, taking one of the role's places."""
    proposal = _proposal(session, proposal_id)
    if proposal.status != "proposed":
        raise Conflict(ALREADY[proposal.status])
    _refuse_if_stale(proposal)
    if _has_live_offer(session, proposal.student_id):
        raise Conflict("This student already holds an offer or a placement")
    try:
        decided = session.execute(
            update(Proposal)
            .where(Proposal.id == proposal_id, Proposal.status == "proposed")
            .values(status="approved", decided_by_id=actor_id, decided_at=utcnow())
            .execution_options(synchronize_session=False)
        )
    except IntegrityError:
        raise Conflict("This student is already approved for a role in another round") from None
    if decided.rowcount != 1:
        raise Conflict("This proposal has already been decided")
    take_place(session, proposal.role_id)
    audit.record(
        session,
        "proposal_approved",
        object_type="proposal",
        object_id=proposal_id,
        detail={
            "round": proposal.round_id,
            "student": proposal.student_id,
            "role": proposal.role_id,
        },
    )
    session.refresh(proposal)
    return proposal


def reject(
    session: Session, proposal_id: int, reason: str, actor_id: int | None = None
) -> Proposal:
    """Reject a proposed or approved pair (an approved one gives its place back)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed([("reason", "Enter why you are rejecting this proposal")])
    proposal = _proposal(session, proposal_id)
    if proposal.status not in ("proposed", "approved"):
        raise Conflict(ALREADY[proposal.status])
    was = proposal.status
    decided = session.execute(
        update(Proposal)
        .where(Proposal.id == proposal_id, Proposal.status == was)
        .values(
            status="rejected",
            rejection_reason=reason[:2000],
            decided_by_id=actor_id,
            decided_at=utcnow(),
        )
        .execution_options(synchronize_session=False)
    )
    if decided.rowcount != 1:
        raise Conflict("This proposal has already been decided")
    if was == "approved":
        give_back_place(session, proposal.role_id)
    audit.record(
        session,
        "proposal_rejected",
        object_type="proposal",
        object_id=proposal_id,
        detail={"round": proposal.round_id, "reason": reason[:500], "was": was},
    )
    session.refresh(proposal)
    return proposal


def publish(
    session: Session, matching_round: MatchingRound, deadline_days: int, now: datetime | None = None
) -> list[Offer]:
    """An offer for every approved proposal of the round, answered by a deadline."""
    now = now or utcnow()
    deadline = now + timedelta(days=deadline_days)
    approved = session.execute(
        select(Proposal).where(
            Proposal.round_id == matching_round.id, Proposal.status == "approved"
        )
    ).scalars()
    offers = []
    for proposal in list(approved):
        moved = session.execute(
            update(Proposal)
            .where(Proposal.id == proposal.id, Proposal.status == "approved")
            .values(status="offered")
            .execution_options(synchronize_session=False)
        )
        if moved.rowcount != 1:
            continue
        offer = Offer(
            proposal_id=proposal.id,
            student_id=proposal.student_id,
            role_id=proposal.role_id,
            deadline=deadline,
        )
        session.add(offer)
        offers.append(offer)
    if not offers:
        raise Conflict("There are no approved proposals to publish")
    try:
        session.flush()
    except IntegrityError:
        raise Conflict("A student in this round already holds a live offer") from None
    audit.record(
        session,
        "offers_published",
        object_type="round",
        object_id=matching_round.id,
        detail={"offers": [offer.id for offer in offers], "deadline": deadline.isoformat()},
    )
    return offers


def _close(session: Session, offer: Offer) -> None:
    """After an offer stops being live: the place goes back and the proposal is closed."""
    give_back_place(session, offer.role_id)
    session.execute(
        update(Proposal)
        .where(Proposal.id == offer.proposal_id, Proposal.status == "offered")
        .values(status="closed")
        .execution_options(synchronize_session=False)
    )


def _offer(session: Session, offer_id: int) -> Offer:
    offer = session.get(Offer, offer_id)
    if offer is None:
        raise NotFound("No such offer")
    return offer


def _why_not_open(offer: Offer, side: str, now: datetime) -> str:
    if offer.status == "pending" and offer.deadline <= now:
        return "The deadline for this offer has passed"
    if offer.status != "pending":
        return f"This offer is {offer.status}"
    return f"You have already {getattr(offer, side + '_response')} this offer"


def accept(
    session: Session, offer_id: int, side: str, now: datetime | None = None
) -> Placement | None:
    """One side accepts; when both have, the placement is confirmed (and returned)."""
    now = now or utcnow()
    response = getattr(Offer, f"{side}_response")
    answered = session.execute(
        update(Offer)
        .where(
            Offer.id == offer_id,
            Offer.status == "pending",
            response == "pending",
            Offer.deadline > now,
        )
        .values({f"{side}_response": "accepted"})
        .execution_options(synchronize_session=False)
    )
    offer = _offer(session, offer_id)
    session.refresh(offer)
    if answered.rowcount != 1:
        raise Conflict(_why_not_open(offer, side, now))
    audit.record(
        session, "offer_accepted", object_type="offer", object_id=offer_id, detail={"side": side}
    )
    both = session.execute(
        update(Offer)
        .where(
            Offer.id == offer_id,
            Offer.status == "pending",
            Offer.student_response == "accepted",
            Offer.organisation_response == "accepted",
        )
        .values(status="accepted", closed_at=now)
        .execution_options(synchronize_session=False)
    )
    if both.rowcount != 1:
        return None
    placement = Placement(
        offer_id=offer.id, student_id=offer.student_id, role_id=offer.role_id, confirmed_at=now
    )
    session.add(placement)
    session.flush()
    audit.record(
        session,
        "placement_confirmed",
        object_type="placement",
        object_id=placement.id,
        detail={"offer": offer_id},
    )
    session.refresh(offer)
    return placement


def decline(
    session: Session, offer_id: int, side: str, reason: str = "", now: datetime | None = None
) -> Offer:
    """One side declines: the offer closes and the place and the student return to the pool."""
    now = now or utcnow()
    response = getattr(Offer, f"{side}_response")
    given = reason.strip()[:2000] or "no reason given"
    closed = session.execute(
        update(Offer)
        .where(Offer.id == offer_id, Offer.status == "pending", response == "pending")
        .values(
            {
                f"{side}_response": "declined",
                "status": "declined",
                "decline_reason": f"{side.capitalize()}: {given}",
                "closed_at": now,
            }
        )
        .execution_options(synchronize_session=False)
    )
    offer = _offer(session, offer_id)
    session.refresh(offer)
    if closed.rowcount != 1:
        raise Conflict(_why_not_open(offer, side, now))
    _close(session, offer)
    audit.record(
        session,
        "offer_declined",
        object_type="offer",
        object_id=offer_id,
        detail={"side": side, "reason": reason.strip()[:500]},
    )
    return offer


def withdraw_pending(
    session: Session, offer_id: int, reason: str, actor_id: int | None = None
) -> Offer:
    """A coordinator withdraws an offer still waiting for answers: the place and the student
    return to the pool. Refused (Conflict) once the offer has been decided either way."""
    given = reason.strip()
    if not given:
        raise ValidationFailed([("reason", "Enter a reason for withdrawing the offer")])
    withdrawn = session.execute(
        update(Offer)
        .where(Offer.id == offer_id, Offer.status == "pending")
        .values(
            status="withdrawn", decline_reason=f"Coordinator: {given[:2000]}", closed_at=utcnow()
        )
        .execution_options(synchronize_session=False)
    )
    offer = _offer(session, offer_id)
    session.refresh(offer)
    if withdrawn.rowcount != 1:
        raise Conflict(
            f"This offer is {offer.status}: only an offer waiting for answers can be withdrawn"
        )
    _close(session, offer)
    audit.record(
        session,
        "offer_withdrawn",
        actor_id=actor_id,
        object_type="offer",
        object_id=offer_id,
        detail={"reason": given[:500]},
    )
    return offer


def expire_overdue(session: Session, now: datetime | None = None) -> int:
    """Close pending offers past their deadline; returns how many expired."""
    now = now or utcnow()
    overdue = session.execute(
        select(Offer).where(Offer.status == "pending", Offer.deadline <= now)
    ).scalars()
    count = 0
    for offer in list(overdue):
        expired = session.execute(
            update(Offer)
            .where(Offer.id == offer.id, Offer.status == "pending")
            .values(status="expired", closed_at=now, decline_reason="No answer by the deadline")
            .execution_options(synchronize_session=False)
        )
        if expired.rowcount == 1:
            _close(session, offer)
            audit.record(session, "offer_expired", object_type="offer", object_id=offer.id)
            count += 1
    session.expire_all()
    return count


def withdraw_offer_for(session: Session, offer: Offer) -> None:
    """A placement is withdrawn: its offer stops being live and the place returns."""
    session.execute(
        update(Offer)
        .where(Offer.id == offer.id, Offer.status == "accepted")
        .values(status="withdrawn")
        .execution_options(synchronize_session=False)
    )
    _close(session, offer)
