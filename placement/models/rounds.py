"""Matching rounds and the proposals they produce."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from placement.extensions import db
from placement.models._types import UTCDateTime, one_of, utcnow

if TYPE_CHECKING:
    from placement.models.accounts import User
    from placement.models.organisations import PlacementRole
    from placement.models.students import StudentProfile

ROUND_STATUSES = ("draft", "queued", "running", "completed", "failed")
# Where a queued or running round is; the round page shows it.
ROUND_STAGES = ("queued", "snapshot", "scoring", "solving", "certifying", "storing")
# "closed": the offer made from it was declined, expired or withdrawn (the student is free again).
PROPOSAL_STATUSES = ("proposed", "approved", "rejected", "offered", "superseded", "closed")
_HELD = text("status IN ('approved', 'offered')")


class MatchingRound(db.Model):
    __tablename__ = "matching_rounds"
    __table_args__ = (
        one_of("status", ROUND_STATUSES, "status_known"),
        CheckConstraint(
            "stage IS NULL OR stage IN ('queued', 'snapshot', 'scoring', 'solving', "
            "'certifying', 'storing')",
            name="stage_known",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(20), default="draft")
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Which students and roles it covers; None means "everyone ready for matching".
    scope: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    snapshot: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    snapshot_sha256: Mapped[str | None] = mapped_column(String(64))
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    result_sha256: Mapped[str | None] = mapped_column(String(64))
    # What stands between the unmatched and the empty places (services/round_gaps.py), worked
    # out once after the round completes; {} when there is nothing to explain, None until then.
    gaps: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    previous_round_id: Mapped[int | None] = mapped_column(
        ForeignKey("matching_rounds.id", ondelete="SET NULL")
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    stage: Mapped[str | None] = mapped_column(String(20))
    queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Written by the worker running the round; a stale heartbeat means the worker died.
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Which run holds the round: a worker whose run was declared dead cannot store its result.
    run_token: Mapped[str | None] = mapped_column(String(32))

    created_by: Mapped[User | None] = relationship()
    proposals: Mapped[list[Proposal]] = relationship(
        back_populates="round", cascade="all, delete-orphan"
    )


class Proposal(db.Model):
    __tablename__ = "proposals"
    __table_args__ = (
        one_of("status", PROPOSAL_STATUSES, "status_known"),
        CheckConstraint("score >= 0 AND score <= 1", name="score_range"),
        UniqueConstraint("round_id", "student_id", name="uq_proposals_round_student"),
        # The round review's pages seek along (score, id) within a round.
        Index("ix_proposals_round_score", "round_id", "score", "id"),
        # A student is approved (or offered) at most once, across every round.
        Index(
            "uq_proposals_student_held",
            "student_id",
            unique=True,
            sqlite_where=_HELD,
            postgresql_where=_HELD,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("matching_rounds.id", ondelete="CASCADE"))
    student_id: Mapped[int] = mapped_column(
        ForeignKey("student_profiles.id", ondelete="CASCADE"), index=True
    )
    role_id: Mapped[int] = mapped_column(
        ForeignKey("placement_roles.id", ondelete="CASCADE"), index=True
    )
    score: Mapped[float]
    breakdown: Mapped[dict[str, float]] = mapped_column(JSON, default=dict)
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    locked: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(20), default="proposed")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    rejection_reason: Mapped[str | None] = mapped_column(Text)

    round: Mapped[MatchingRound] = relationship(back_populates="proposals")
    student: Mapped[StudentProfile] = relationship()
    role: Mapped[PlacementRole] = relationship()
