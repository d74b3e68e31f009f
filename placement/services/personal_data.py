"""A student's personal data: everything held about them, and erasing their account.

Erasure deletes the account and everything about it, unless a placement has been confirmed:
then the placement record is kept without the student's name or contact details (anonymised).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from placement import reference
from placement.models import (
    AuditEvent,
    Feedback,
    Invitation,
    Offer,
    OrganisationInterest,
    OutboxMessage,
    PasswordResetToken,
    Placement,
    PlacementRole,
    Proposal,
    StudentProfile,
    User,
)
from placement.models._types import utcnow
from placement.services import accounts, audit, students

EXPORT_FORMAT = "digital-talent-placements-personal-data/1"
KEPT_PLACEMENTS = ("confirmed", "started", "completed")
ERASED, ANONYMISED = "erased", "anonymised"


def _when(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _role(role: PlacementRole) -> dict[str, Any]:
    return {"id": role.id, "title": role.title, "organisation": role.organisation.name}


def _profile(profile: StudentProfile) -> dict[str, Any]:
    return {
        "given_name": profile.given_name,
        "family_name": profile.family_name,
        "phone": profile.phone,
        "university": reference.universities().get(profile.university_id or ""),
        "course": profile.course,
        "rqf_level": profile.rqf_level,
        "expected_graduation": _when(profile.expected_graduation),
        "available_from": _when(profile.available_from),
        "available_until": _when(profile.available_until),
        "hours_per_week": profile.hours_per_week,
        "home_borough": reference.boroughs().get(profile.borough or ""),
        "work_modes": list(profile.work_modes or []),
        "right_to_work": profile.right_to_work,
        "sectors": [reference.sectors().get(sector, sector) for sector in profile.sectors or []],
        "status": profile.status,
        "submitted_at": _when(profile.submitted_at),
        "updated_at": _when(profile.updated_at),
        "shares_progress_with_university": profile.shares_with_university,
        "sharing_changed_at": _when(profile.sharing_changed_at),
        "skills": [
            {"skill": row.skill.label, "skill_id": row.skill_id, "level": row.level}
            for row in sorted(profile.skills, key=lambda row: row.skill.label)
        ],
        "choices": [
            {"rank": preference.rank, **_role(preference.role)}
            for preference in profile.preferences
        ],
    }


def _rows(session: Session, model: type, profile_id: int) -> list[Any]:
    query = select(model).where(model.student_id == profile_id).order_by(model.id)
    return list(session.execute(query).scalars())


def _matching(session: Session, profile: StudentProfile) -> dict[str, Any]:
    proposals = _rows(session, Proposal, profile.id)
    offers = _rows(session, Offer, profile.id)
    placements = _rows(session, Placement, profile.id)
    interests = _rows(session, OrganisationInterest, profile.id)
    return {
        "proposals": [
            {
                "round": proposal.round.name,
                "role": _role(proposal.role),
                "status": proposal.status,
                "score": proposal.score,
                "reasons": list(proposal.reasons or []),
                "decided_at": _when(proposal.decided_at),
                "rejection_reason": proposal.rejection_reason,
            }
            for proposal in proposals
        ],
        "offers": [
            {
                "role": _role(offer.role),
                "status": offer.status,
                "your_response": offer.student_response,
                "organisation_response": offer.organisation_response,
                "decline_reason": offer.decline_reason,
                "deadline": _when(offer.deadline),
                "created_at": _when(offer.created_at),
            }
            for offer in offers
        ],
        "placements": [
            {
                "role": _role(placement.role),
                "status": placement.status,
                "confirmed_at": _when(placement.confirmed_at),
                "started_at": _when(placement.started_at),
                "completed_at": _when(placement.completed_at),
                "withdrawn_at": _when(placement.withdrawn_at),
                "withdrawal_reason": placement.withdrawal_reason,
                "feedback": [
                    {
                        "given_by": item.given_by,
                        "rating": item.rating,
                        "comment": item.comment,
                        "created_at": _when(item.created_at),
                    }
                    for item in placement.feedback
                ],
            }
            for placement in placements
        ],
        "organisations_interested": [
            {"rank": interest.rank, **_role(interest.role)} for interest in interests
        ],
    }


def export(session: Session, user: User) -> dict[str, Any]:
    """Everything held about the student, as plain JSON-ready data (no password or tokens)."""
    profile = students.profile_for(session, user)
    events = session.execute(
        select(AuditEvent).where(AuditEvent.actor_id == user.id).order_by(AuditEvent.id)
    ).scalars()
    data = {
        "format": EXPORT_FORMAT,
        "account": {
            "email": user.email,
            "role": user.role,
            "created_at": _when(user.created_at),
            "email_confirmed_at": _when(user.email_confirmed_at),
            "last_signed_in_at": _when(user.last_signed_in_at),
        },
        "profile": _profile(profile),
        "equality_monitoring": students.equality_answers(user) if user.equality else None,
        **_matching(session, profile),
        "activity": [
            {
                "at": _when(event.at),
                "action": event.action,
                "object_type": event.object_type,
                "ip_address": event.ip_address,
            }
            for event in events
        ],
    }
    audit.record(session, "personal_data_exported", object_type="user", object_id=user.id)
    session.flush()
    return data


def keeps_placement(session: Session, profile: StudentProfile) -> bool:
    """A confirmed, started or completed placement must be kept (anonymised) on erasure."""
    query = select(Placement.id).where(
        Placement.student_id == profile.id, Placement.status.in_(KEPT_PLACEMENTS)
    )
    return session.execute(query.limit(1)).first() is not None


def _release_open_offers(session: Session, profile_id: int) -> None:
    """Offers still waiting for an answer hold a place on their role: give it back."""
    offers = session.execute(
        select(Offer).where(Offer.student_id == profile_id, Offer.status == "pending")
    ).scalars()
    for offer in offers:
        session.execute(
            update(PlacementRole)
            .where(PlacementRole.id == offer.role_id, PlacementRole.places_taken > 0)
            .values(places_taken=PlacementRole.places_taken - 1)
        )
        offer.status = "withdrawn"
        offer.closed_at = utcnow()
    session.flush()


def _forget_account_rows(session: Session, user: User) -> None:
    session.execute(delete(PasswordResetToken).where(PasswordResetToken.user_id == user.id))
    session.execute(delete(Invitation).where(Invitation.email == user.email))
    # The emails kept in the outbox for this person (sent ones included) go with the account.
    session.execute(delete(OutboxMessage).where(OutboxMessage.recipient == user.email))


def erase(session: Session, user: User) -> str:
    """Delete the student's account, or anonymise it when a placement must be kept.

    Returns ERASED or ANONYMISED. The caller signs the person out.
    """
    profile = students.profile_for(session, user)
    _release_open_offers(session, profile.id)
    _forget_account_rows(session, user)
    if keeps_placement(session, profile):
        _anonymise(session, user, profile)
        audit.record(session, "account_anonymised", object_type="user", object_id=user.id)
        session.flush()
        return ANONYMISED
    _delete_matching_rows(session, profile.id)
    audit.record(session, "account_erased", object_type="user", object_id=user.id)
    session.delete(user)
    session.flush()
    return ERASED


def _anonymise(session: Session, user: User, profile: StudentProfile) -> None:
    profile.given_name = profile.family_name = profile.phone = None
    profile.status = "withdrawn"
    profile.submitted_at = None
    for preference in list(profile.preferences):
        session.delete(preference)
    session.execute(
        delete(OrganisationInterest).where(OrganisationInterest.student_id == profile.id)
    )
    if user.equality is not None:
        session.delete(user.equality)
    user.email = f"erased-{user.id}@invalid.example"
    user.password_hash = None
    user.active = False
    accounts.end_all_sessions(user)


def _delete_matching_rows(session: Session, profile_id: int) -> None:
    """Rows that point at the profile, deleted explicitly so no database leaves orphans."""
    placements = select(Placement.id).where(Placement.student_id == profile_id)
    session.execute(delete(Feedback).where(Feedback.placement_id.in_(placements)))
    session.execute(delete(Placement).where(Placement.student_id == profile_id))
    session.execute(delete(Offer).where(Offer.student_id == profile_id))
    session.execute(delete(Proposal).where(Proposal.student_id == profile_id))
    session.execute(
        delete(OrganisationInterest).where(OrganisationInterest.student_id == profile_id)
    )
