"""Organisations as their members see them: members, invitations, roles and candidates."""

from __future__ import annotations

import hashlib
import hmac
from collections import Counter
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, selectinload

from placement.errors import Conflict, NotFound, ValidationFailed
from placement.models import (
    Invitation,
    Offer,
    Organisation,
    OrganisationInterest,
    PlacementRole,
    RoleSkill,
    StudentPreference,
    StudentProfile,
    User,
)
from placement.models._types import utcnow
from placement.services import accounts, audit

MAX_INTERESTS = 50


def role_counts(organisation: Organisation) -> dict[str, int]:
    """How many of the organisation's roles are drafts, published and closed."""
    counted = Counter(role.status for role in organisation.roles)
    return {status: counted.get(status, 0) for status in ("draft", "published", "closed")}


def offers_to_answer(session: Session, organisation: Organisation) -> list[Offer]:
    """Offers for the organisation's roles still waiting for its answer, soonest deadline first."""
    query = (
        select(Offer)
        .join(PlacementRole, PlacementRole.id == Offer.role_id)
        .where(
            PlacementRole.organisation_id == organisation.id,
            Offer.status == "pending",
            Offer.organisation_response == "pending",
        )
        .order_by(Offer.deadline, Offer.id)
    )
    return list(session.execute(query).scalars())


def members(session: Session, organisation: Organisation) -> list[User]:
    return sorted((member.user for member in organisation.members), key=lambda user: user.email)


def open_invitations(session: Session, organisation: Organisation) -> list[Invitation]:
    query = (
        select(Invitation)
        .where(
            Invitation.organisation_id == organisation.id,
            Invitation.accepted_at.is_(None),
            Invitation.expires_at > utcnow(),
        )
        .order_by(Invitation.email)
    )
    return list(session.execute(query).scalars())


CONTACT_FIELDS = ("contact_name", "contact_email", "contact_phone", "address")


def update_contact(
    session: Session, organisation: Organisation, details: dict[str, str | None], actor_id: int
) -> list[str]:
    """Change the contact details and address; returns the names of the fields that changed."""
    changed = []
    for name in CONTACT_FIELDS:
        value = (details.get(name) or "").strip() or None
        if name != "contact_phone" and value is None:
            raise ValidationFailed([(name, "This detail cannot be left empty")])
        if name == "contact_email" and value:
            value = accounts.normalise_email(value)
        if getattr(organisation, name) != value:
            setattr(organisation, name, value)
            changed.append(name)
    if changed:
        audit.record(
            session,
            "organisation_details_changed",
            actor_id=actor_id,
            object_type="organisation",
            object_id=organisation.id,
            detail={"fields": changed},
        )
    return changed


def invite_member(session: Session, organisation: Organisation, email: str) -> str:
    """Invite a colleague to join the organisation; returns the token for the emailed link."""
    address = accounts.normalise_email(email)
    if accounts.find_user(session, address) is not None:
        raise ValidationFailed(
            [
                (
                    "email",
                    "This email address already has an account with the service. Each account "
                    "can belong to only one organisation: ask your colleague to use another "
                    "work address",
                )
            ]
        )
    _, token = accounts.invite(session, address, "organisation", organisation)
    return token


@dataclass(frozen=True)
class Candidate:
    """A student who ranked the role, as the organisation may see them."""

    reference: str
    number: int
    profile: StudentProfile
    rank: int
    interest_rank: int | None
    accepted: bool
    choices_made: int = 1
    # Required skills of the role the student does not hold at the level asked: (ask, level held).
    missing: tuple[tuple[RoleSkill, int], ...] = ()

    @property
    def label(self) -> str:
        """The one name a candidate has on every page about the role: its opaque reference."""
        return candidate_label(self.reference)

    @property
    def name(self) -> str | None:
        """Names are shown only once the student has accepted an offer for this role."""
        return self.profile.full_name if self.accepted else None

    @property
    def email(self) -> str | None:
        return self.profile.user.email if self.accepted else None


def candidate_label(reference: str) -> str:
    return f"Candidate {reference}"


def missing_required(
    role: PlacementRole, profile: StudentProfile
) -> tuple[tuple[RoleSkill, int], ...]:
    """The role's required skills the student lacks or holds below the level asked."""
    held = {skill.skill_id: skill.level for skill in profile.skills}
    return tuple(
        (ask, held.get(ask.skill_id, 0))
        for ask in sorted(role.skills, key=lambda ask: ask.skill_id)
        if ask.required and held.get(ask.skill_id, 0) < ask.level
    )


def candidate_reference(role_id: int, profile_id: int) -> str:
    """An opaque reference for a student on one role: reveals neither id nor order."""
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, f"candidate:{role_id}:{profile_id}".encode(), hashlib.sha256)
    return digest.hexdigest()[:10].upper()


def candidates(session: Session, role: PlacementRole) -> list[Candidate]:
    """The students who ranked the role, numbered in the order of their opaque references."""
    preferences = session.execute(
        select(StudentPreference)
        .join(StudentProfile)
        .where(StudentPreference.role_id == role.id, StudentProfile.status == "submitted")
        .options(
            selectinload(StudentPreference.student).selectinload(StudentProfile.skills),
            selectinload(StudentPreference.student).selectinload(StudentProfile.preferences),
        )
    ).scalars()
    interests = dict(
        session.execute(
            select(OrganisationInterest.student_id, OrganisationInterest.rank).where(
                OrganisationInterest.role_id == role.id
            )
        ).all()
    )
    accepted = set(
        session.execute(
            select(Offer.student_id).where(Offer.role_id == role.id, Offer.status == "accepted")
        ).scalars()
    )
    rows = sorted(
        ((candidate_reference(role.id, p.student_id), p) for p in preferences),
        key=lambda pair: pair[0],
    )
    return [
        Candidate(
            reference=reference,
            number=number,
            profile=preference.student,
            rank=preference.rank,
            interest_rank=interests.get(preference.student_id),
            accepted=preference.student_id in accepted,
            choices_made=len(preference.student.preferences),
            missing=missing_required(role, preference.student),
        )
        for number, (reference, preference) in enumerate(rows, start=1)
    ]


def find_candidate(session: Session, role: PlacementRole, reference: str) -> Candidate:
    """The candidate behind a reference written exactly as the pages write it; else not found.

    Compared as bytes: `hmac.compare_digest` refuses a str holding anything but ASCII.
    """
    given = reference.encode("utf-8", "surrogateescape")
    for candidate in candidates(session, role):
        if hmac.compare_digest(candidate.reference.encode(), given):
            return candidate
    raise NotFound("No such candidate for this role")


def mark_interest(session: Session, role: PlacementRole, candidate: Candidate) -> None:
    """Mark a candidate as a student the organisation would like (ranked in order marked)."""
    if role.status == "closed":
        raise Conflict("This role is closed")
    if candidate.interest_rank is not None:
        return
    highest = session.execute(
        select(func.max(OrganisationInterest.rank)).where(OrganisationInterest.role_id == role.id)
    ).scalar()
    if (highest or 0) >= MAX_INTERESTS:
        raise Conflict(f"You can mark at most {MAX_INTERESTS} students for one role")
    session.add(
        OrganisationInterest(
            role_id=role.id, student_id=candidate.profile.id, rank=(highest or 0) + 1
        )
    )
    session.flush()
    audit.record(
        session,
        "candidate_marked",
        object_type="role",
        object_id=role.id,
        detail={"candidate": candidate.reference},
    )


def unmark_interest(session: Session, role: PlacementRole, candidate: Candidate) -> None:
    """Remove a mark; the marks after it move up so ranks stay 1, 2, 3..."""
    session.execute(
        delete(OrganisationInterest).where(
            OrganisationInterest.role_id == role.id,
            OrganisationInterest.student_id == candidate.profile.id,
        )
    )
    remaining = session.execute(
        select(OrganisationInterest)
        .where(OrganisationInterest.role_id == role.id)
        .order_by(OrganisationInterest.rank, OrganisationInterest.id)
    ).scalars()
    for rank, interest in enumerate(remaining, start=1):
        interest.rank = rank
    session.flush()
    audit.record(
        session,
        "candidate_unmarked",
        object_type="role",
        object_id=role.id,
        detail={"candidate": candidate.reference},
    )
