"""University partners: a university with named contacts, and the API tokens issued to it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from placement.extensions import db
from placement.models._types import UTCDateTime, utcnow

API_SCOPES = ("students:write", "students:read", "outcomes:read", "skills:read")


class UniversityPartner(db.Model):
    """A university (an id from fixtures/universities.csv) that uses the API."""

    __tablename__ = "university_partners"

    id: Mapped[int] = mapped_column(primary_key=True)
    university_id: Mapped[str] = mapped_column(String(80), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    contacts: Mapped[list[UniversityContact]] = relationship(
        back_populates="partner", cascade="all, delete-orphan", order_by="UniversityContact.id"
    )
    tokens: Mapped[list[ApiToken]] = relationship(
        back_populates="partner", cascade="all, delete-orphan", order_by="ApiToken.id.desc()"
    )


class UniversityContact(db.Model):
    """A named person at the university the programme talks to about the API."""

    __tablename__ = "university_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("university_partners.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254))
    job_title: Mapped[str] = mapped_column(String(120), default="")

    partner: Mapped[UniversityPartner] = relationship(back_populates="contacts")


class ApiToken(db.Model):
    """A bearer token for one university: only a hash of its secret is kept."""

    __tablename__ = "api_tokens"
    __table_args__ = (CheckConstraint("expires_at > created_at", name="expires_after_created"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("university_partners.id", ondelete="CASCADE"), index=True
    )
    # The public half of the token: finds the row, so the secret is compared with one hash only.
    key_id: Mapped[str] = mapped_column(String(16), unique=True)
    secret_sha256: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(80))
    scopes: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    partner: Mapped[UniversityPartner] = relationship(back_populates="tokens")

    def is_live(self, now: datetime) -> bool:
        return self.revoked_at is None and self.expires_at > now
