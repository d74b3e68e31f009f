"""Students: their profile, skills, ranked roles, and (apart) equality monitoring."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from placement.extensions import db
from placement.models._types import UTCDateTime, one_of, utcnow

if TYPE_CHECKING:
    from placement.models.accounts import User
    from placement.models.organisations import PlacementRole

PROFILE_STATUSES = ("draft", "submitted", "withdrawn")


class Skill(db.Model):
    """One entry of the skills taxonomy (fixtures/skills.csv)."""

    __tablename__ = "skills"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    label: Mapped[str] = mapped_column(String(120))
    alt_labels: Mapped[str] = mapped_column(Text, default="")
    group: Mapped[str] = mapped_column(String(80), index=True)
    esco_uri: Mapped[str | None] = mapped_column(String(200))


class StudentProfile(db.Model):
    __tablename__ = "student_profiles"
    __table_args__ = (
        one_of("status", PROFILE_STATUSES, "status_known"),
        CheckConstraint("rqf_level BETWEEN 3 AND 8", name="rqf_level_range"),
        CheckConstraint("hours_per_week BETWEEN 1 AND 48", name="hours_range"),
        CheckConstraint("available_until >= available_from", name="window_in_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    given_name: Mapped[str | None] = mapped_column(String(100))
    family_name: Mapped[str | None] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(30))
    university_id: Mapped[str | None] = mapped_column(String(80))
    course: Mapped[str | None] = mapped_column(String(200))
    rqf_level: Mapped[int | None]
    expected_graduation: Mapped[date | None]
    available_from: Mapped[date | None]
    available_until: Mapped[date | None]
    hours_per_week: Mapped[int | None]
    borough: Mapped[str | None] = mapped_column(String(40))
    work_modes: Mapped[list[str]] = mapped_column(JSON, default=list)
    right_to_work: Mapped[bool | None]
    sectors: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Consent to show the student's progress to their university through its API: off until the
    # student turns it on, and withdrawn whenever they like.
    shares_with_university: Mapped[bool] = mapped_column(default=False)
    sharing_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    user: Mapped[User] = relationship(back_populates="student_profile")
    skills: Mapped[list[StudentSkill]] = relationship(
        back_populates="student", cascade="all, delete-orphan"
    )
    preferences: Mapped[list[StudentPreference]] = relationship(
        back_populates="student", cascade="all, delete-orphan", order_by="StudentPreference.rank"
    )

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.given_name, self.family_name) if part)


class StudentSkill(db.Model):
    __tablename__ = "student_skills"
    __table_args__ = (CheckConstraint("level BETWEEN 1 AND 5", name="level_range"),)

    student_id: Mapped[int] = mapped_column(
        ForeignKey("student_profiles.id", ondelete="CASCADE"), primary_key=True
    )
    skill_id: Mapped[str] = mapped_column(ForeignKey("skills.id"), primary_key=True)
    level: Mapped[int]

    student: Mapped[StudentProfile] = relationship(back_populates="skills")
    skill: Mapped[Skill] = relationship()


class StudentPreference(db.Model):
    """A role the student would like, ranked 1 (most wanted) to 5."""

    __tablename__ = "student_preferences"
    __table_args__ = (
        CheckConstraint("rank BETWEEN 1 AND 5", name="rank_range"),
        UniqueConstraint("student_id", "rank", name="uq_student_preferences_rank"),
    )

    student_id: Mapped[int] = mapped_column(
        ForeignKey("student_profiles.id", ondelete="CASCADE"), primary_key=True
    )
    role_id: Mapped[int] = mapped_column(
        ForeignKey("placement_roles.id", ondelete="CASCADE"), primary_key=True
    )
    rank: Mapped[int]

    student: Mapped[StudentProfile] = relationship(back_populates="preferences")
    role: Mapped[PlacementRole] = relationship()


EQUALITY_FIELDS = (
    "gender",
    "age_band",
    "ethnicity",
    "disability",
    "first_in_family",
    "free_school_meals",
)


class EqualityMonitoring(db.Model):
    """Optional equality answers, kept apart: read only in aggregate by reporting."""

    __tablename__ = "equality_monitoring"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    gender: Mapped[str | None] = mapped_column(String(40))
    age_band: Mapped[str | None] = mapped_column(String(40))
    ethnicity: Mapped[str | None] = mapped_column(String(40))
    disability: Mapped[str | None] = mapped_column(String(40))
    first_in_family: Mapped[str | None] = mapped_column(String(40))
    free_school_meals: Mapped[str | None] = mapped_column(String(40))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    user: Mapped[User] = relationship(back_populates="equality")
