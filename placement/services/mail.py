"""Email through the outbox: a message is a row written in the transaction of what it announces.

`send` renders the message and adds it to the caller's session; it goes out only if that
transaction commits. Delivering it is a job's business (:mod:`placement.jobs.mail`): the job
claims the row with a conditional update, sends it, and records the outcome. A failed attempt waits
``MAIL_RETRY_SECONDS`` before the next; after ``MAIL_MAX_ATTEMPTS`` the message is ``failed`` and a
coordinator may send it again.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app, render_template
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from placement import work
from placement.errors import Conflict
from placement.models import OutboxMessage
from placement.models._types import utcnow
from placement.services import accounts, audit

RESET_SUBJECT = "Reset your password"


def send(
    session: Session, to: str, subject: str, template: str, offer_id: int | None = None, **context
) -> OutboxMessage:
    """Queue a plain-text email rendered from templates/email/<template>.txt."""
    message = OutboxMessage(
        kind="email",
        recipient=to,
        subject=_subject(subject),
        template=template,
        body=render_template(f"email/{template}.txt", **context),
        offer_id=offer_id,
    )
    session.add(message)
    session.flush()
    work.due(session, "mail", message.id)
    return message


def _subject(subject: str) -> str:
    return f"{subject} - {current_app.config['SERVICE_NAME']}"


def request_password_reset(
    session: Session, email: str, token: str, link: str, ip_address: str | None
) -> None:
    """Record a reset request for any address; its job looks the account up (equal work here)."""
    message = OutboxMessage(
        kind="password_reset",
        recipient=email[:254],
        subject=_subject(RESET_SUBJECT),
        template="reset_password",
        context={"token": token, "link": link, "ip_address": ip_address},
    )
    session.add(message)
    session.flush()
    work.due(session, "mail", message.id)


def claim(session: Session, message_id: int, now: datetime | None = None) -> OutboxMessage | None:
    """Take a waiting, due message for sending; None when another job has it or it is not due."""
    now = now or utcnow()
    claimed = session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.state == "waiting",
            OutboxMessage.next_attempt_at <= now,
        )
        .values(state="sending", claimed_at=now, attempts=OutboxMessage.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        return None
    message = session.get(OutboxMessage, message_id)
    session.refresh(message)
    return message


def prepare_reset(session: Session, message: OutboxMessage) -> bool:
    """Turn a claimed reset request into the email, or drop it when no active account has that
    address (forgetting the address); the token and the audit event are written here."""
    context = message.context
    started = accounts.start_password_reset(
        session, message.recipient, token=context["token"], ip_address=context.get("ip_address")
    )
    message.context = {}
    if started is None:
        message.state = "dropped"
        message.recipient = ""
        return False
    message.recipient = started[0].email
    message.kind = "email"
    message.body = render_template(
        "email/reset_password.txt",
        link=context["link"],
        hours=current_app.config["PASSWORD_RESET_HOURS"],
    )
    return True


def record_sent(session: Session, message_id: int, now: datetime | None = None) -> None:
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.state == "sending")
        .values(state="sent", sent_at=now or utcnow(), last_error_kind=None)
        .execution_options(synchronize_session=False)
    )


def record_failure(
    session: Session, message_id: int, error_kind: str, now: datetime | None = None
) -> str:
    """After a failed attempt: wait for the next one, or give up; returns the new state."""
    now = now or utcnow()
    message = session.get(OutboxMessage, message_id)
    session.refresh(message)
    delays = current_app.config["MAIL_RETRY_SECONDS"]
    if message.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
        message.state = "failed"
    else:
        message.state = "waiting"
        delay = delays[min(message.attempts, len(delays)) - 1]
        message.next_attempt_at = now + timedelta(seconds=delay)
    message.last_error_kind = error_kind[:80]
    message.claimed_at = None
    return message.state


def resend(session: Session, message_id: int, actor_id: int | None = None) -> OutboxMessage:
    """A coordinator sends a failed message again, with a fresh set of attempts."""
    resent = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.state == "failed")
        .values(state="waiting", attempts=0, next_attempt_at=utcnow(), claimed_at=None)
        .execution_options(synchronize_session=False)
    )
    if resent.rowcount != 1:
        raise Conflict("This message is not failed: it was sent or is waiting to be sent.")
    message = session.get(OutboxMessage, message_id)
    session.refresh(message)
    audit.record(
        session,
        "email_resent",
        object_type="outbox_message",
        object_id=message_id,
        detail={"template": message.template, "offer": message.offer_id},
        actor_id=actor_id,
    )
    work.due(session, "mail", message_id)
    return message


def due_ids(session: Session, overdue_seconds: float = 0, limit: int = 500) -> list[int]:
    """Waiting messages due at least ``overdue_seconds`` ago, oldest first."""
    cutoff = utcnow() - timedelta(seconds=overdue_seconds)
    query = (
        select(OutboxMessage.id)
        .where(OutboxMessage.state == "waiting", OutboxMessage.next_attempt_at <= cutoff)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
    )
    return list(session.execute(query).scalars())


def give_up_stuck(session: Session, older_than_seconds: float) -> int:
    """Messages claimed long ago by a job that never reported (its worker died mid-send) become
    failed, not waiting: the server may have taken them, and a coordinator decides to re-send."""
    cutoff = utcnow() - timedelta(seconds=older_than_seconds)
    stuck = session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.state == "sending",
            or_(OutboxMessage.claimed_at.is_(None), OutboxMessage.claimed_at < cutoff),
        )
        .values(state="failed", last_error_kind="DeliveryUnknown", claimed_at=None)
        .execution_options(synchronize_session=False)
    )
    return stuck.rowcount


def for_offers(session: Session, offer_ids: list[int]) -> dict[int, list[OutboxMessage]]:
    """The messages about each offer, oldest first."""
    found: dict[int, list[OutboxMessage]] = {offer_id: [] for offer_id in offer_ids}
    if not offer_ids:
        return found
    query = (
        select(OutboxMessage)
        .where(OutboxMessage.offer_id.in_(offer_ids))
        .order_by(OutboxMessage.id)
    )
    for message in session.execute(query).scalars():
        found[message.offer_id].append(message)
    return found
