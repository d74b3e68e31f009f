"""The outbox: one row per email, written in the transaction of the change it announces."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from placement.extensions import db
from placement.models._types import UTCDateTime, one_of, utcnow

# waiting: due at next_attempt_at; sending: claimed by a job; sent; failed: gave up (a coordinator
# may send it again); dropped: a reset request for an address with no account (nothing to send).
OUTBOX_STATES = ("waiting", "sending", "sent", "failed", "dropped")
# A password reset request is looked up by its job: the request does equal work for any address.
OUTBOX_KINDS = ("email", "password_reset")
_REMINDER = text("template = 'offer_reminder'")


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"
    __table_args__ = (
        one_of("state", OUTBOX_STATES, "state_known"),
        one_of("kind", OUTBOX_KINDS, "kind_known"),
        Index("ix_outbox_messages_state_due", "state", "next_attempt_at"),
        # A deadline reminder goes once per offer and person, however many schedulers run.
        Index(
            "uq_outbox_messages_reminder",
            "offer_id",
            "recipient",
            unique=True,
            sqlite_where=_REMINDER,
            postgresql_where=_REMINDER,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), default="email")
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    template: Mapped[str] = mapped_column(String(60))
    body: Mapped[str] = mapped_column(Text, default="")
    # Only what a job needs to finish a message it builds itself (a password reset request).
    context: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    state: Mapped[str] = mapped_column(String(20), default="waiting")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error_kind: Mapped[str | None] = mapped_column(String(80))
    offer_id: Mapped[int | None] = mapped_column(
        ForeignKey("offers.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
