"""Offers sent for approved proposals, the placements they become, and feedback."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from placement.extensions import db
from placement.models._types import UTCDateTime, one_of, utcnow

if TYPE_CHECKING:
    from placement.models.organisations import PlacementRole
    from placement.models.rounds import Proposal
    from placement.models.students import StudentProfile

OFFER_STATUSES = ("pending", "accepted", "declined", "expired", "withdrawn")
RESPONSES = ("pending", "accepted", "declined")
PLACEMENT_STATUSES = ("confirmed", "started", "completed", "withdrawn")

_LIVE_OFFER = text("status IN ('pending', 'accepted')")


class Offer(db.Model):
    __tablename__ = "offers"
    __table_args__ = (
        one_of("status", OFFER_STATUSES, "status_known"),
        one_of("student_response", RESPONSES, "student_response_known"),
        one_of("organisation_response", RESPONSES, "organisation_response_known"),
        # A student never holds two live offers (an accepted offer is the placement's).
        Index(
            "uq_offers_student_live",
            "student_id",
            unique=True,
            sqlite_where=_LIVE_OFFER,
            postgresql_where=_LIVE_OFFER,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposals.id", ondelete="CASCADE"), unique=True
    )
    student_id: Mapped[int] = mapped_column(ForeignKey("student_profiles.id", ondelete="CASCADE"))
    role_id: Mapped[int] = mapped_column(
        ForeignKey("placement_roles.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(20), default="pending")
    student_response: Mapped[str] = mapped_column(String(20), default="pending")
    organisation_response: Mapped[str] = mapped_column(String(20), default="pending")
    decline_reason: Mapped[str | None] = mapped_column(Text)
    deadline: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    proposal: Mapped[Proposal] = relationship()
    student: Mapped[StudentProfile] = relationship()
    role: Mapped[PlacementRole] = relationship()
    placement: Mapped[Placement | None] = relationship(back_populates="offer")


class Placement(db.Model):
    __tablename__ = "placements"
    __table_args__ = (
        one_of("status", PLACEMENT_STATUSES, "status_known"),
        CheckConstraint(
            "completed_at IS NULL OR started_at IS NULL OR completed_at >= started_at",
            name="completed_after_started",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id", ondelete="CASCADE"), unique=True)
    student_id: Mapped[int] = mapped_column(
        ForeignKey("student_profiles.id", ondelete="CASCADE"), index=True
    )
    role_id: Mapped[int] = mapped_column(
        ForeignKey("placement_roles.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(20), default="confirmed")
    confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    withdrawal_reason: Mapped[str | None] = mapped_column(Text)

    offer: Mapped[Offer] = relationship(back_populates="placement")
    student: Mapped[StudentProfile] = relationship()
    role: Mapped[PlacementRole] = relationship()
    feedback: Mapped[list[Feedback]] = relationship(
        back_populates="placement", cascade="all, delete-orphan"
    )


class Feedback(db.Model):
    __tablename__ = "feedback"
    __table_args__ = (
        one_of("given_by", ("student", "organisation"), "given_by_known"),
        CheckConstraint("rating BETWEEN 1 AND 5", name="rating_range"),
        UniqueConstraint("placement_id", "given_by", name="uq_feedback_placement_side"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placements.id", ondelete="CASCADE"))
    given_by: Mapped[str] = mapped_column(String(20))
    rating: Mapped[int]
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    placement: Mapped[Placement] = relationship(back_populates="feedback")
