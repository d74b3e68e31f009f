"""Requests from students whose profile a matching round uses, and the coordinators' answers."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from placement.errors import Conflict, ValidationFailed
from placement.models import ChangeRequest, StudentProfile
from placement.models._types import utcnow
from placement.services import audit

MAX_MESSAGE = 1000
MAX_OPEN = 3
OUTCOMES = {"done": "Done", "declined": "Not possible"}


def ask(session: Session, profile: StudentProfile, message: str) -> ChangeRequest:
    """Send a student's request to the coordinators."""
    text = (message or "").strip()
    if not text:
        raise ValidationFailed([("message", "Enter what you would like to change")])
    if len(text) > MAX_MESSAGE:
        raise ValidationFailed(
            [("message", f"Your request must be {MAX_MESSAGE} characters or fewer")]
        )
    if len(open_for(session, profile)) >= MAX_OPEN:
        raise ValidationFailed(
            [
                (
                    "message",
                    f"You already have {MAX_OPEN} requests waiting for an answer: wait for a "
                    "coordinator to answer one before you send another",
                )
            ]
        )
    request = ChangeRequest(student_id=profile.id, message=text, status="open")
    session.add(request)
    session.flush()
    audit.record(session, "change_request_sent", object_type="change_request", object_id=request.id)
    return request


def answer(
    session: Session, request: ChangeRequest, outcome: str, reply: str, actor_id: int
) -> None:
    """A coordinator closes a request as done or not possible, with a reply for the student."""
    if outcome not in OUTCOMES:
        raise ValidationFailed([("outcome", "Select whether the change was made")])
    text = (reply or "").strip()
    if len(text) > MAX_MESSAGE:
        raise ValidationFailed([("reply", f"Your reply must be {MAX_MESSAGE} characters or fewer")])
    if outcome == "declined" and not text:
        raise ValidationFailed([("reply", "Tell the student why the change is not possible")])
    if request.status != "open":
        raise Conflict("This request has already been answered")
    request.status = outcome
    request.reply = text or None
    request.answered_at = utcnow()
    request.answered_by_id = actor_id
    session.flush()
    audit.record(
        session,
        "change_request_answered",
        object_type="change_request",
        object_id=request.id,
        detail={"outcome": outcome},
    )


def open_for(session: Session, profile: StudentProfile) -> list[ChangeRequest]:
    return [request for request in for_student(session, profile) if request.status == "open"]


def for_student(session: Session, profile: StudentProfile) -> list[ChangeRequest]:
    """The student's requests, newest first."""
    query = (
        select(ChangeRequest)
        .where(ChangeRequest.student_id == profile.id)
        .order_by(ChangeRequest.created_at.desc(), ChangeRequest.id.desc())
    )
    return list(session.execute(query).scalars())


def waiting(session: Session) -> list[ChangeRequest]:
    """Every request still waiting for a coordinator, oldest first."""
    query = (
        select(ChangeRequest)
        .where(ChangeRequest.status == "open")
        .order_by(ChangeRequest.created_at, ChangeRequest.id)
        .options(selectinload(ChangeRequest.student).selectinload(StudentProfile.preferences))
    )
    return list(session.execute(query).scalars())


def answered(session: Session, limit: int = 20) -> list[ChangeRequest]:
    """The requests answered most recently."""
    query = (
        select(ChangeRequest)
        .where(ChangeRequest.status != "open")
        .order_by(ChangeRequest.answered_at.desc(), ChangeRequest.id.desc())
        .limit(limit)
    )
    return list(session.execute(query).scalars())
