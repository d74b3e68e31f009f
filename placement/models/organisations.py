"""Organisations, their members and the placement roles they post."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from placement.extensions import db
from placement.models._types import UTCDateTime, one_of, utcnow

if TYPE_CHECKING:
    from placement.models.accounts import User
    from placement.models.students import Skill, StudentProfile

ORGANISATION_STATUSES = ("pending", "verified", "refused")
ROLE_STATUSES = ("draft", "published", "closed")
WORK_MODES = ("on-site", "hybrid", "remote")


class Organisation(db.Model):
    __tablename__ = "organisations"
    __table_args__ = (
        one_of("status", ORGANISATION_STATUSES, "status_known"),
        CheckConstraint("headcount >= 1", name="headcount_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160))
    companies_house_number: Mapped[str] = mapped_column(String(8), unique=True)
    headcount: Mapped[int]
    is_startup: Mapped[bool]
    sector: Mapped[str] = mapped_column(String(60))
    borough: Mapped[str] = mapped_column(String(40))
    address: Mapped[str] = mapped_column(Text)
    contact_name: Mapped[str] = mapped_column(String(120))
    contact_email: Mapped[str] = mapped_column(String(254))
    contact_phone: Mapped[str | None] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(20), default="pending")
    refusal_reason: Mapped[str | None] = mapped_column(Text)
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    members: Mapped[list[OrganisationMember]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan"
    )
    roles: Mapped[list[PlacementRole]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan"
    )

    @property
    def is_sme(self) -> bool:
        return self.headcount < 250


class OrganisationMember(db.Model):
    __tablename__ = "organisation_members"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped[User] = relationship(back_populates="membership")
    organisation: Mapped[Organisation] = relationship(back_populates="members")


class PlacementRole(db.Model):
    __tablename__ = "placement_roles"
    __table_args__ = (
        one_of("status", ROLE_STATUSES, "status_known"),
        one_of("work_mode", WORK_MODES, "work_mode_known"),
        CheckConstraint("places BETWEEN 1 AND 10", name="places_range"),
        CheckConstraint("places_taken >= 0 AND places_taken <= places", name="places_taken_range"),
        CheckConstraint("end_date > start_date", name="end_after_start"),
        CheckConstraint("hours_per_week BETWEEN 1 AND 48", name="hours_range"),
        CheckConstraint("min_rqf_level BETWEEN 6 AND 8", name="min_rqf_level_range"),
        CheckConstraint("pay_pence_per_hour > 0", name="pay_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(160))
    description: Mapped[str] = mapped_column(Text, default="")
    places: Mapped[int] = mapped_column(default=1)
    # Live offers and placements holding a place; raised only by a conditional UPDATE.
    places_taken: Mapped[int] = mapped_column(default=0)
    start_date: Mapped[date]
    end_date: Mapped[date]
    hours_per_week: Mapped[int]
    borough: Mapped[str] = mapped_column(String(40))
    work_mode: Mapped[str] = mapped_column(String(20))
    sector: Mapped[str] = mapped_column(String(60))
    pay_pence_per_hour: Mapped[int]
    min_rqf_level: Mapped[int] = mapped_column(default=6)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    # Asked to publish before the organisation was verified: published on verification.
    publish_on_verification: Mapped[bool] = mapped_column(default=False)
    copied_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("placement_roles.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    organisation: Mapped[Organisation] = relationship(back_populates="roles")
    skills: Mapped[list[RoleSkill]] = relationship(
        back_populates="role", cascade="all, delete-orphan"
    )

    @property
    def places_left(self) -> int:
        return self.places - self.places_taken


class RoleSkill(db.Model):
    __tablename__ = "role_skills"
    __table_args__ = (
        CheckConstraint("level BETWEEN 1 AND 5", name="level_range"),
        CheckConstraint("weight BETWEEN 1 AND 3", name="weight_range"),
    )

    role_id: Mapped[int] = mapped_column(
        ForeignKey("placement_roles.id", ondelete="CASCADE"), primary_key=True
    )
    skill_id: Mapped[str] = mapped_column(ForeignKey("skills.id"), primary_key=True)
    level: Mapped[int]
    weight: Mapped[int] = mapped_column(default=2)
    required: Mapped[bool] = mapped_column(default=False)

    role: Mapped[PlacementRole] = relationship(back_populates="skills")
    skill: Mapped[Skill] = relationship()


class OrganisationInterest(db.Model):
    """An organisation marks a student who ranked its role as one it would like."""

    __tablename__ = "organisation_interests"
    __table_args__ = (
        UniqueConstraint("role_id", "student_id", name="uq_organisation_interests_pair"),
        CheckConstraint("rank BETWEEN 1 AND 50", name="rank_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    role_id: Mapped[int] = mapped_column(ForeignKey("placement_roles.id", ondelete="CASCADE"))
    student_id: Mapped[int] = mapped_column(
        ForeignKey("student_profiles.id", ondelete="CASCADE"), index=True
    )
    rank: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    role: Mapped[PlacementRole] = relationship()
    student: Mapped[StudentProfile] = relationship()
