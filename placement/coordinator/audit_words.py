"""Audit events in words for the log page and its CSV: who, what happened, to what, with links."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import url_for
from sqlalchemy.orm import Session, defer

from placement.models import (
    AuditEvent,
    MatchingRound,
    Offer,
    Organisation,
    Placement,
    PlacementRole,
    Proposal,
    StudentProfile,
    User,
)
from placement.templating import long_date

# Where the plain "proposal approved" form of a code would read oddly.
ACTION_WORDS = {
    "signed_in": "Signed in",
    "offers_published": "Offers published",
    "round_run": "Round run",
    "stable_result_adopted": "Stable result adopted as the proposals",
    "proposal_swapped": "Proposal changed to another role",
    "personal_data_exported": "Personal data downloaded",
    "password_reset_requested": "Password reset asked for",
    "api_token_issued": "API token issued",
    "api_token_revoked": "API token revoked",
    "api_token_refused": "API request refused: token not valid",
    "api_scope_refused": "API request refused: token lacks the scope",
    "api_students_invited": "Students invited through the API",
    "email_resent": "Email sent again",
    "messages_given_up": "Emails given up (delivery unknown)",
    "change_request_sent": "Student asked a coordinator for a change",
    "change_request_answered": "Coordinator answered a student's request",
    "university_partner_added": "University partner added",
    "university_sharing_given": "Student agreed to share progress with their university",
    "university_sharing_withdrawn": "Student stopped sharing progress with their university",
}
DETAIL_WORDS = {
    "round": "round",
    "student": "student",
    "role": "role",
    "from": "from",
    "to": "to",
    "reason": "reason",
    "before_the_role_starts": "reason for acting before the role starts",
    "proposals": "proposals",
    "side": "side",
    "rating": "rating (1 to 5)",
}


@dataclass(frozen=True)
class EventInWords:
    when: str
    who: str
    what: str
    object_text: str
    object_link: str | None
    detail: str


def action_words(action: str) -> str:
    return ACTION_WORDS.get(action, action.replace("_", " ").capitalize())


def _whole(value: object) -> int | None:
    text = str(value)
    return int(text) if text.isascii() and text.isdigit() and len(text) < 11 else None


class _Names:
    """Looks up the names the events point at, once each."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.cache: dict[tuple[type, int], Any] = {}

    def get(self, model: type, value: object) -> Any:
        number = _whole(value)
        if number is None:
            return None
        key = (model, number)
        if key not in self.cache:
            # A round's snapshot and result run to tens of megabytes at national size: only its
            # name and id are shown here.
            light = [defer(MatchingRound.snapshot), defer(MatchingRound.result)]
            options = light if model is MatchingRound else []
            self.cache[key] = self.session.get(model, number, options=options)
        return self.cache[key]

    def who(self, event: AuditEvent) -> str:
        user = self.get(User, event.actor_id) if event.actor_id else None
        if user is None:
            return "The service" if not event.actor_id else f"A {event.actor_role or 'user'}"
        if user.role == "student" and user.student_profile:
            return f"Student {user.student_profile.full_name}"
        if user.role == "organisation" and user.membership:
            return f"{user.email} ({user.membership.organisation.name})"
        return f"{user.role.capitalize()} {user.email}"

    def student(self, value: object) -> str:
        profile = self.get(StudentProfile, value)
        return profile.full_name if profile else f"a student no longer here ({value})"

    def role(self, value: object) -> str:
        role = self.get(PlacementRole, value)
        return f"{role.title} at {role.organisation.name}" if role else f"a role ({value})"

    def round(self, value: object) -> str:
        found = self.get(MatchingRound, value)
        return found.name if found else f"round {value}"


def _object(names: _Names, event: AuditEvent) -> tuple[str, str | None]:
    kind, value = event.object_type, event.object_id
    if kind == "round" and (found := names.get(MatchingRound, value)):
        return f"Round {found.name}", url_for("coordinator.round_detail", round_id=found.id)
    if kind == "proposal" and (proposal := names.get(Proposal, value)):
        text = f"Proposal of {proposal.student.full_name} for {names.role(proposal.role_id)}"
        link = url_for(
            "coordinator.round_student",
            round_id=proposal.round_id,
            student_id=proposal.student_id,
        )
        return text, link
    if kind == "organisation" and (organisation := names.get(Organisation, value)):
        link = url_for("coordinator.organisation", organisation_id=organisation.id)
        return f"Organisation {organisation.name}", link
    if kind == "role" and (role := names.get(PlacementRole, value)):
        link = url_for("coordinator.organisation", organisation_id=role.organisation_id)
        return f"Role {names.role(role.id)}", link
    if kind == "placement" and (placement := names.get(Placement, value)):
        text = f"Placement of {placement.student.full_name} at {names.role(placement.role_id)}"
        return text, url_for("coordinator.placements_list")
    if kind == "offer" and (offer := names.get(Offer, value)):
        text = f"Offer to {offer.student.full_name} for {names.role(offer.role_id)}"
        return text, url_for("coordinator.offers")
    if kind == "user" and (user := names.get(User, value)):
        return f"Account {user.email}", None
    if kind:
        return f"{kind.replace('_', ' ').capitalize()} {value or ''}".strip(), None
    return "", None


def _detail(names: _Names, detail: dict[str, Any]) -> str:
    parts = []
    for key, value in (detail or {}).items():
        if key == "round":
            shown = names.round(value)
        elif key == "student":
            shown = names.student(value)
        elif key in ("role", "from", "to"):
            shown = names.role(value)
        elif isinstance(value, list | tuple):
            shown = ", ".join(str(item) for item in value)
        elif isinstance(value, dict):
            shown = "; ".join(f"{k.replace('_', ' ')} {v}" for k, v in value.items())
        else:
            shown = str(value)
        label = DETAIL_WORDS.get(key, key.replace("_", " "))
        parts.append(f"{label.capitalize()}: {shown}")
    return "; ".join(parts)


def in_words(session: Session, events: list[AuditEvent]) -> list[EventInWords]:
    names = _Names(session)
    found = []
    for event in events:
        object_text, link = _object(names, event)
        found.append(
            EventInWords(
                when=long_date(event.at),
                who=names.who(event),
                what=action_words(event.action),
                object_text=object_text,
                object_link=link,
                detail=_detail(names, event.detail),
            )
        )
    return found
