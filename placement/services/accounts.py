"""Accounts: registration, sign-in, confirmation, password resets, invitations."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from placement import passwords
from placement.errors import ValidationFailed
from placement.models import (
    Invitation,
    Organisation,
    OrganisationMember,
    PasswordResetToken,
    StudentProfile,
    User,
)
from placement.models._types import utcnow
from placement.models.accounts import new_session_token
from placement.services import audit

CONFIRMATION_SALT = "confirm-email"
CONFIRMATION_DAYS = 7


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user(session: Session, email: str) -> User | None:
    return session.execute(
        select(User).where(User.email == normalise_email(email))
    ).scalar_one_or_none()


def _check_password(password: str, email: str, field: str = "password") -> None:
    problem = passwords.problem_with(password, email=email)
    if problem:
        raise ValidationFailed([(field, problem)])


def _new_user(session: Session, email: str, password: str | None, role: str) -> User:
    user = User(email=normalise_email(email), role=role)
    if password is not None:
        user.password_hash = passwords.hash_password(password)
    session.add(user)
    session.flush()
    return user


@dataclass(frozen=True)
class Registration:
    """The outcome of a registration: a new user, or None when the email was already in use."""

    user: User | None
    existing: User | None


def register_student(session: Session, email: str, password: str) -> Registration:
    """Create a student account, or quietly note that the email is already in use."""
    _check_password(password, email)
    existing = find_user(session, email)
    if existing:
        return Registration(user=None, existing=existing)
    user = _new_user(session, email, password, "student")
    session.add(StudentProfile(user=user))
    audit.record(
        session,
        "account_registered",
        object_type="user",
        object_id=user.id,
        actor_id=user.id,
        actor_role="student",
    )
    return Registration(user=user, existing=None)


def register_organisation(
    session: Session, email: str, password: str, organisation: Organisation
) -> Registration:
    """Create an organisation with its first member, unless the email is already in use."""
    _check_password(password, email)
    if (
        organisation.companies_house_number
        and session.execute(
            select(Organisation.id).where(
                Organisation.companies_house_number == organisation.companies_house_number
            )
        ).first()
    ):
        raise ValidationFailed(
            [
                (
                    "companies_house_number",
                    "An organisation with this Companies House number is already registered: "
                    "ask a colleague who uses the service to invite you",
                )
            ]
        )
    existing = find_user(session, email)
    if existing:
        return Registration(user=None, existing=existing)
    user = _new_user(session, email, password, "organisation")
    session.add(organisation)
    session.add(OrganisationMember(user=user, organisation=organisation))
    session.flush()
    audit.record(
        session,
        "organisation_registered",
        object_type="organisation",
        object_id=organisation.id,
        actor_id=user.id,
        actor_role="organisation",
    )
    return Registration(user=user, existing=None)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=CONFIRMATION_SALT)


def confirmation_token(user: User) -> str:
    return _serializer().dumps({"user": user.id, "email": user.email})


def confirm_email(session: Session, token: str) -> User | None:
    """Mark the address confirmed; None when the link is wrong or older than a week."""
    try:
        data = _serializer().loads(token, max_age=CONFIRMATION_DAYS * 86400)
    except (BadSignature, SignatureExpired):
        return None
    user = session.get(User, data.get("user"))
    if user is None or user.email != data.get("email"):
        return None
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
        audit.record(
            session,
            "email_confirmed",
            object_type="user",
            object_id=user.id,
            actor_id=user.id,
            actor_role=user.role,
        )
    return user


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The user with this email and password, or None; both cases take the same time."""
    user = find_user(session, email)
    if user is None:
        passwords.verify_password(passwords.DUMMY_HASH, password)
        return None
    if not passwords.verify_password(user.password_hash, password) or not user.active:
        return None
    user.last_signed_in_at = utcnow()
    return user


def end_all_sessions(user: User) -> None:
    """Every cookie issued before now stops working."""
    user.session_token = new_session_token()


def change_password(session: Session, user: User, current: str, new: str) -> None:
    if not passwords.verify_password(user.password_hash, current):
        raise ValidationFailed([("current_password", "Your current password is not right")])
    _check_password(new, user.email, field="new_password")
    user.password_hash = passwords.hash_password(new)
    end_all_sessions(user)
    audit.record(session, "password_changed", object_type="user", object_id=user.id)


def deactivate(session: Session, user: User) -> None:
    user.active = False
    end_all_sessions(user)
    audit.record(session, "account_deactivated", object_type="user", object_id=user.id)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_reset_token() -> str:
    return secrets.token_urlsafe(32)


def start_password_reset(
    session: Session,
    email: str,
    hours: int | None = None,
    token: str | None = None,
    ip_address: str | None = None,
) -> tuple[User, str] | None:
    """A single-use reset token for the account, or None when there is no such account.

    It lasts ``PASSWORD_RESET_HOURS`` unless ``hours`` says otherwise (an imported student's first
    link lasts as long as an invitation). ``token`` is made here unless the caller made it already
    (the reset page makes one for every address, so known and unknown ones cost the same), and
    ``ip_address`` is the asker's when this runs after the response.
    """
    user = find_user(session, email)
    if user is None or not user.active:
        return None
    token = token or new_reset_token()
    hours = hours or current_app.config["PASSWORD_RESET_HOURS"]
    session.add(
        PasswordResetToken(
            user=user, token_hash=_token_hash(token), expires_at=utcnow() + timedelta(hours=hours)
        )
    )
    audit.record(
        session,
        "password_reset_requested",
        object_type="user",
        object_id=user.id,
        actor_id=user.id,
        actor_role=user.role,
        ip_address=ip_address,
    )
    return user, token


def reset_token_user(session: Session, token: str) -> PasswordResetToken | None:
    row = session.execute(
        select(PasswordResetToken).where(PasswordResetToken.token_hash == _token_hash(token))
    ).scalar_one_or_none()
    if row is None or row.used_at is not None or row.expires_at < utcnow():
        return None
    return row


def reset_password(session: Session, token: str, new_password: str) -> User | None:
    """Set a new password with a reset token; None when the link is used, wrong or expired."""
    row = reset_token_user(session, token)
    if row is None:
        return None
    _check_password(new_password, row.user.email)
    # A conditional update makes the link single-use even when two requests race.
    used = session.execute(
        update(PasswordResetToken)
        .where(PasswordResetToken.id == row.id, PasswordResetToken.used_at.is_(None))
        .values(used_at=utcnow())
    )
    if used.rowcount != 1:
        return None
    user = row.user
    user.password_hash = passwords.hash_password(new_password)
    user.email_confirmed_at = user.email_confirmed_at or utcnow()
    end_all_sessions(user)
    audit.record(
        session,
        "password_reset",
        object_type="user",
        object_id=user.id,
        actor_id=user.id,
        actor_role=user.role,
    )
    return user


def create_coordinator(session: Session, email: str, password: str) -> User:
    _check_password(password, email)
    if find_user(session, email):
        raise ValidationFailed([("email", "An account with this email address already exists")])
    user = _new_user(session, email, password, "coordinator")
    user.email_confirmed_at = utcnow()
    audit.record(session, "coordinator_created", object_type="user", object_id=user.id)
    return user


def invite(
    session: Session, email: str, role: str, organisation: Organisation | None = None
) -> tuple[Invitation, str]:
    """An emailed invitation to join; the token is returned once and stored only as a hash."""
    token = secrets.token_urlsafe(32)
    days = current_app.config["INVITATION_DAYS"]
    invitation = Invitation(
        email=normalise_email(email),
        role=role,
        organisation=organisation,
        token_hash=_token_hash(token),
        expires_at=utcnow() + timedelta(days=days),
    )
    session.add(invitation)
    session.flush()
    audit.record(
        session,
        "invitation_sent",
        object_type="invitation",
        object_id=invitation.id,
        detail={"role": role},
    )
    return invitation, token


def open_invitation(session: Session, token: str) -> Invitation | None:
    invitation = session.execute(
        select(Invitation).where(Invitation.token_hash == _token_hash(token))
    ).scalar_one_or_none()
    if invitation is None or invitation.accepted_at or invitation.expires_at < utcnow():
        return None
    return invitation


def accept_invitation(session: Session, token: str, password: str) -> User | None:
    """Create the invited account; None when the invitation is used, wrong or expired."""
    invitation = open_invitation(session, token)
    if invitation is None:
        return None
    _check_password(password, invitation.email)
    if find_user(session, invitation.email):
        raise ValidationFailed(
            [("password", "An account with this email address already exists: sign in instead")]
        )
    accepted = session.execute(
        update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.accepted_at.is_(None))
        .values(accepted_at=utcnow())
    )
    if accepted.rowcount != 1:
        return None
    user = _new_user(session, invitation.email, password, invitation.role)
    user.email_confirmed_at = utcnow()
    if invitation.role == "organisation" and invitation.organisation is not None:
        session.add(OrganisationMember(user=user, organisation=invitation.organisation))
    elif invitation.role == "student":
        session.add(StudentProfile(user=user))
    audit.record(
        session,
        "invitation_accepted",
        object_type="invitation",
        object_id=invitation.id,
        actor_id=user.id,
        actor_role=user.role,
    )
    return user
