"""The email job: deliver one outbox message, at most once."""

from __future__ import annotations

import logging
from email.utils import parseaddr
from smtplib import SMTPException

from flask import current_app
from flask_mailman import EmailMessage

from placement.jobs import job_session
from placement.models import OutboxMessage
from placement.services import mail

log = logging.getLogger(__name__)


def deliver(message_id: int) -> str:
    """Claim the message, send it, record the outcome; returns its state afterwards.

    The claim is a conditional update committed before sending, so a job run twice (a retry, the
    sweep) finds the message taken and sends nothing; the delivery is recorded straight after.
    """
    with job_session("deliver email") as session:
        message = mail.claim(session, message_id)
        session.commit()
        if message is None:
            return "not due"
        if message.kind == "password_reset":
            ready = mail.prepare_reset(session, message)
            session.commit()
            if not ready:
                return "dropped"
        try:
            _send(message)
        except (OSError, SMTPException, ValueError) as error:  # socket, SMTP, refused address
            state = mail.record_failure(session, message_id, type(error).__name__)
            session.commit()
            log.warning(
                "email %r attempt %d not sent: %s (now %s)",
                message.template,
                message.attempts,
                type(error).__name__,
                state,
            )
            return state
        mail.record_sent(session, message_id)
        session.commit()
        return "sent"


def _send(message: OutboxMessage) -> None:
    """One SMTP send; the Message-ID is the outbox row's, the same on every attempt."""
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    domain = parseaddr(sender)[1].partition("@")[2] or "localhost"
    stamp = int(message.created_at.timestamp())
    EmailMessage(
        subject=message.subject,
        body=message.body,
        to=[message.recipient],
        headers={"Message-ID": f"<outbox-{message.id}-{stamp}@{domain}>"},
    ).send()
