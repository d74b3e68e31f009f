"""Requests students send to the coordinators while a matching round uses their profile."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from placement.extensions import db
from placement.models._types import UTCDateTime, one_of, utcnow

if TYPE_CHECKING:
    from placement.models.accounts import User
    from placement.models.students import StudentProfile

CHANGE_REQUEST_STATUSES = ("open", "done", "declined")


class ChangeRequest(db.Model):
    """A student's request to change their choices or profile; a coordinator answers it."""

    __tablename__ = "change_requests"
    __table_args__ = (one_of("status", CHANGE_REQUEST_STATUSES, "status_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(
        ForeignKey("student_profiles.id", ondelete="CASCADE"), index=True
    )
    message: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    reply: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    student: Mapped[StudentProfile] = relationship()
    answered_by: Mapped[User | None] = relationship()
