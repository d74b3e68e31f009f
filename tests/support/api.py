"""Helpers for the API tests: university partners, their tokens, and sharing students."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from placement.extensions import db
from placement.models import (
    API_SCOPES,
    ApiToken,
    Feedback,
    MatchingRound,
    Offer,
    Placement,
    PlacementRole,
    Proposal,
    StudentProfile,
    UniversityPartner,
)
from placement.models._types import utcnow
from placement.services import universities
from support.factories import create_student


def create_partner(university_id: str = "ucl") -> UniversityPartner:
    partner = universities.add_partner(db.session, university_id)
    db.session.commit()
    return partner


def issue(
    partner: UniversityPartner, scopes: tuple[str, ...] = API_SCOPES, days: int = 30
) -> tuple[str, ApiToken]:
    """A new token for the partner: (the bearer string, its row)."""
    issued = universities.issue_token(db.session, partner, "Test token", list(scopes), days)
    db.session.commit()
    return issued.plain_text, issued.token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def expire(token: ApiToken) -> None:
    token.created_at = utcnow() - timedelta(days=40)
    token.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()


def sharing_student(university_id: str = "ucl", **fields: Any) -> StudentProfile:
    fields.setdefault("shares_with_university", True)
    return create_student(university_id=university_id, **fields)


def invitation(email: str, **fields: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "email": email,
        "given_name": "Ada",
        "family_name": "Lovelace",
        "course": "BSc Computer Science",
        "rqf_level": 6,
        "expected_graduation": "2028-07-01",
    }
    row.update(fields)
    return row


def placement_for(
    profile: StudentProfile, role: PlacementRole, *, ratings: dict[str, int] | None = None
) -> Placement:
    """A confirmed placement of the student in the role (through a round, a proposal and an
    accepted offer, as the service makes them), with feedback ratings from either side."""
    matching_round = MatchingRound(name="Round for the API tests", status="completed")
    proposal = Proposal(
        round=matching_round, student=profile, role=role, score=0.7, status="offered"
    )
    db.session.add_all([matching_round, proposal])
    db.session.flush()
    offer = Offer(
        proposal_id=proposal.id,
        student_id=profile.id,
        role_id=role.id,
        status="accepted",
        deadline=utcnow() + timedelta(days=7),
    )
    db.session.add(offer)
    db.session.flush()
    placement = Placement(offer_id=offer.id, student_id=profile.id, role_id=role.id)
    db.session.add(placement)
    db.session.flush()
    for side, rating in (ratings or {}).items():
        db.session.add(
            Feedback(
                placement_id=placement.id, given_by=side, rating=rating, comment="Private words"
            )
        )
    db.session.commit()
    return placement
