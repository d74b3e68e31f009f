"""University partners and their API tokens: issued once, kept only as a hash, revoked at will."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select
from sqlalchemy.orm import Session

from placement import reference
from placement.errors import Conflict, ValidationFailed
from placement.models import API_SCOPES, ApiToken, UniversityContact, UniversityPartner
from placement.models._types import utcnow
from placement.services import audit

TOKEN_PREFIX = "dtp"
LONGEST_LIFE_DAYS = 365
# last_used_at is written at most this often, so reading the API does not write on every call.
USE_STAMP_INTERVAL = timedelta(minutes=1)
_TOKEN_SHAPE = re.compile(rf"{TOKEN_PREFIX}_([0-9a-f]{{12}})_([A-Za-z0-9_-]{{43}})")


def university_name(partner: UniversityPartner) -> str:
    return reference.universities().get(partner.university_id, partner.university_id)


def partners(session: Session) -> list[UniversityPartner]:
    found = session.execute(select(UniversityPartner)).scalars()
    return sorted(found, key=university_name)


def add_partner(session: Session, university_id: str) -> UniversityPartner:
    """Make a university a partner; each university is a partner once."""
    if university_id not in reference.universities():
        raise ValidationFailed([("university", "Select a university from the list")])
    taken = session.execute(
        select(UniversityPartner.id).where(UniversityPartner.university_id == university_id)
    ).first()
    if taken is not None:
        raise ValidationFailed([("university", "That university is already a partner")])
    partner = UniversityPartner(university_id=university_id)
    session.add(partner)
    session.flush()
    audit.record(
        session, "university_partner_added", object_type="university_partner", object_id=partner.id
    )
    return partner


def add_contact(
    session: Session, partner: UniversityPartner, name: str, email: str, job_title: str = ""
) -> UniversityContact:
    try:
        address = validate_email(email, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise ValidationFailed(
            [("email", "Enter an email address in the correct format, like name@example.ac.uk")]
        ) from None
    contact = UniversityContact(
        partner=partner, name=name.strip(), email=address, job_title=job_title.strip()
    )
    session.add(contact)
    session.flush()
    audit.record(
        session,
        "university_contact_added",
        object_type="university_partner",
        object_id=partner.id,
        detail={"contact_id": contact.id},
    )
    return contact


def remove_contact(session: Session, contact: UniversityContact) -> None:
    audit.record(
        session,
        "university_contact_removed",
        object_type="university_partner",
        object_id=contact.partner_id,
        detail={"contact_id": contact.id},
    )
    session.delete(contact)
    session.flush()


# ---------------------------------------------------------------------------------------------
# Tokens


def _sha256(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    # The whole bearer token: shown to the coordinator once, never stored or logged.
    plain_text: str


def issue_token(
    session: Session,
    partner: UniversityPartner,
    name: str,
    scopes: list[str],
    days: int,
    *,
    created_by_id: int | None = None,
) -> IssuedToken:
    """A new token for the partner, valid for `days` (at most a year) with the given scopes."""
    problems: list[tuple[str | None, str]] = []
    if not name.strip() or len(name.strip()) > 80:
        problems.append(("name", "Enter a name for the token, 80 characters or fewer"))
    if not scopes or any(scope not in API_SCOPES for scope in scopes):
        problems.append(("scopes", "Select what the token may do"))
    if not 1 <= days <= LONGEST_LIFE_DAYS:
        problems.append(("days", f"A token lasts from 1 to {LONGEST_LIFE_DAYS} days"))
    if problems:
        raise ValidationFailed(problems)
    key_id, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
    now = utcnow()
    token = ApiToken(
        partner=partner,
        key_id=key_id,
        secret_sha256=_sha256(secret),
        name=name.strip(),
        scopes=[scope for scope in API_SCOPES if scope in scopes],
        created_by_id=created_by_id,
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    session.add(token)
    session.flush()
    audit.record(
        session,
        "api_token_issued",
        object_type="api_token",
        object_id=token.id,
        detail={"partner_id": partner.id, "scopes": token.scopes, "days": days},
    )
    return IssuedToken(token, f"{TOKEN_PREFIX}_{key_id}_{secret}")


def revoke_token(session: Session, token: ApiToken) -> None:
    if token.revoked_at is not None:
        raise Conflict("That token has already been revoked")
    token.revoked_at = utcnow()
    session.flush()
    audit.record(
        session,
        "api_token_revoked",
        object_type="api_token",
        object_id=token.id,
        detail={"partner_id": token.partner_id},
    )


@dataclass(frozen=True)
class TokenCheck:
    """The token a bearer string names, or why it was refused (malformed, unknown, ...)."""

    token: ApiToken | None
    refusal: str | None


def check_bearer(session: Session, presented: str, now: datetime | None = None) -> TokenCheck:
    """Find the token by its public key id, then compare the secret's hash in constant time."""
    now = now or utcnow()
    shape = _TOKEN_SHAPE.fullmatch(presented)
    if shape is None:
        return TokenCheck(None, "malformed")
    key_id, secret = shape.groups()
    token = session.execute(select(ApiToken).where(ApiToken.key_id == key_id)).scalar_one_or_none()
    expected = token.secret_sha256 if token is not None else _sha256("no such token")
    matches = hmac.compare_digest(expected, _sha256(secret))
    if token is None or not matches:
        return TokenCheck(None, "unknown")
    if token.revoked_at is not None:
        return TokenCheck(token, "revoked")
    if token.expires_at <= now:
        return TokenCheck(token, "expired")
    return TokenCheck(token, None)


def stamp_use(token: ApiToken, now: datetime | None = None) -> bool:
    """Note that the token was used; True when the row changed and needs committing."""
    now = now or utcnow()
    if token.last_used_at is not None and now - token.last_used_at < USE_STAMP_INTERVAL:
        return False
    token.last_used_at = now
    return True
