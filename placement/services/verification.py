"""Coordinators verify organisations before their roles can be matched, or refuse them."""

from __future__ import annotations

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from placement.errors import Conflict, ValidationFailed
from placement.models import Organisation, OrganisationMember, PlacementRole, User
from placement.models._types import utcnow
from placement.services import audit, keyset, roles


def organisations_page(
    session: Session, *, after: int | None = None, before: int | None = None
) -> keyset.KeysetPage[Organisation]:
    """One page of every organisation, those waiting for a decision first, oldest first."""
    waiting_first = case((Organisation.status == "pending", 0), else_=1)
    return keyset.page(
        session,
        select(Organisation),
        [waiting_first, Organisation.created_at],
        Organisation.id,
        after=after,
        before=before,
    )


def organisation_counts(session: Session) -> dict[str, int]:
    """How many organisations are in each status."""
    rows = session.execute(
        select(Organisation.status, func.count()).group_by(Organisation.status)
    ).all()
    return {status: count for status, count in rows}


def verify(session: Session, organisation: Organisation) -> list[PlacementRole]:
    """Verify an organisation; the roles its members asked to publish are published."""
    if organisation.status == "verified":
        raise Conflict(f"{organisation.name} is already verified")
    organisation.status = "verified"
    organisation.verified_at = utcnow()
    organisation.refusal_reason = None
    session.flush()
    published = roles.publish_waiting(session, organisation)
    audit.record(
        session,
        "organisation_verified",
        object_type="organisation",
        object_id=organisation.id,
        detail={"roles_published": [role.id for role in published]},
    )
    return published


def refuse(session: Session, organisation: Organisation, reason: str) -> None:
    """Refuse an organisation with a reason it is sent."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed([("reason", "Enter why the organisation is refused")])
    if organisation.status == "refused":
        raise Conflict(f"{organisation.name} is already refused")
    organisation.status = "refused"
    organisation.refusal_reason = reason[:2000]
    organisation.verified_at = None
    audit.record(
        session,
        "organisation_refused",
        object_type="organisation",
        object_id=organisation.id,
        detail={"reason": reason[:500]},
    )


def recipients(organisation: Organisation) -> list[str]:
    """The organisation's contact and every member, once each."""
    emails = [organisation.contact_email] + [m.user.email for m in organisation.members]
    return list(dict.fromkeys(email.lower() for email in emails if email))


def member_emails(session: Session, organisation_id: int) -> list[str]:
    return list(
        session.execute(
            select(User.email)
            .join(OrganisationMember, OrganisationMember.user_id == User.id)
            .where(OrganisationMember.organisation_id == organisation_id, User.active.is_(True))
            .order_by(User.id)
        ).scalars()
    )
