"""A student's consent to let their university follow their progress through the API."""

from __future__ import annotations

from sqlalchemy.orm import Session

from placement.models import StudentProfile
from placement.models._types import utcnow
from placement.services import audit


def set_sharing(session: Session, profile: StudentProfile, shares: bool) -> bool:
    """Give or withdraw the consent; True when it changed. Withdrawal takes effect at once."""
    if profile.shares_with_university == shares:
        return False
    profile.shares_with_university = shares
    profile.sharing_changed_at = utcnow()
    session.flush()
    audit.record(
        session,
        "university_sharing_given" if shares else "university_sharing_withdrawn",
        object_type="student",
        object_id=profile.id,
    )
    return True
