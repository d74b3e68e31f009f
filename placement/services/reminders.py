"""A reminder email two days before an offer's deadline, once per offer, to whoever has not
answered."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import exists, select
from sqlalchemy.orm import Session, selectinload

from placement.models import Offer, OutboxMessage, PlacementRole
from placement.models._types import utcnow
from placement.services import mail, verification

TEMPLATE = "offer_reminder"


def due_offers(session: Session, before_days: int, now: datetime | None = None) -> list[Offer]:
    """Pending offers whose deadline is within ``before_days`` and that had no reminder yet."""
    now = now or utcnow()
    reminded = exists().where(
        OutboxMessage.offer_id == Offer.id, OutboxMessage.template == TEMPLATE
    )
    query = (
        select(Offer)
        .where(
            Offer.status == "pending",
            Offer.deadline > now,
            Offer.deadline <= now + timedelta(days=before_days),
            ~reminded,
        )
        .options(selectinload(Offer.role).selectinload(PlacementRole.organisation))
        .order_by(Offer.id)
    )
    return list(session.execute(query).scalars())


def send_due(
    session: Session, before_days: int, links: dict[str, str], now: datetime | None = None
) -> int:
    """Queue the reminders due now; ``links`` holds the student's and organisation's offer pages.
    Returns how many offers were reminded."""
    offers = due_offers(session, before_days, now)
    for offer in offers:
        deadline = offer.deadline.strftime("%-d %B %Y")
        recipients = []
        if offer.student_response == "pending":
            recipients.append((offer.student.user.email, links["student"]))
        if offer.organisation_response == "pending":
            members = verification.member_emails(session, offer.role.organisation_id)
            recipients.extend((email, links["organisation"]) for email in members)
        for email, link in recipients:
            mail.send(
                session,
                email,
                "Your placement offer needs an answer",
                TEMPLATE,
                offer_id=offer.id,
                role=offer.role,
                deadline=deadline,
                link=link,
            )
    return len(offers)
