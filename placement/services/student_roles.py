"""Open roles as a student sees them: filters, the engine's fit and reasons, and ranked choices."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from placement import reference
from placement.errors import ValidationFailed
from placement.models import (
    Organisation,
    PlacementRole,
    RoleSkill,
    Skill,
    StudentPreference,
    StudentProfile,
)
from placement.services import audit, snapshot, students

MAX_CHOICES = 5
GOOD_FIT = 0.7
POSSIBLE_FIT = 0.4
FILTERS = ("skill", "sector", "borough", "work_mode")
NOT_MATCHABLE_MESSAGE = (
    "You cannot add this role to your choices: you do not meet every rule it has, so you "
    "would never be matched to it"
)


@dataclass(frozen=True)
class Fit:
    """How well one role fits the student, in the engine's words (skill labels, not ids)."""

    feasible: bool
    score: float = 0.0
    breakdown: dict[str, float] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    @property
    def percent(self) -> int:
        return round(self.score * 100)

    @property
    def label(self) -> str:
        if not self.feasible:
            return "Does not meet the role's rules"
        if self.score >= GOOD_FIT:
            return "Good fit"
        return "Possible fit" if self.score >= POSSIBLE_FIT else "Weak fit"


def _matches(role: PlacementRole, filters: dict[str, str], with_skill: set[int] | None) -> bool:
    if with_skill is not None and role.id not in with_skill:
        return False
    return all(
        not filters.get(name) or getattr(role, name) == filters[name]
        for name in ("sector", "borough", "work_mode")
    )


def open_roles(session: Session, filters: dict[str, str] | None = None) -> list[PlacementRole]:
    """Roles a student may see and choose (snapshot.ready_roles), narrowed by the filters."""
    filters = filters or {}
    with_skill = None
    if filters.get("skill"):
        query = select(RoleSkill.role_id).where(RoleSkill.skill_id == filters["skill"])
        with_skill = set(session.execute(query).scalars())
    roles = [role for role in snapshot.ready_roles(session) if _matches(role, filters, with_skill)]
    organisation_ids = {role.organisation_id for role in roles}
    if organisation_ids:
        # One query fills the identity map, so role.organisation needs no query of its own.
        session.execute(select(Organisation).where(Organisation.id.in_(organisation_ids))).all()
    return roles


def open_role(session: Session, role_id: int) -> PlacementRole | None:
    """The role if it is open (published, organisation verified, a place left); else None."""
    return snapshot.ready_role(session, role_id)


def fits(session: Session, profile: StudentProfile, roles: list[PlacementRole]) -> dict[int, Fit]:
    """The engine's fit for each role, best first; empty until the profile can be matched."""
    entries = snapshot.fit_for_student(session, profile, roles)
    if not entries:
        return {}
    labels = skill_labels(session, _skill_ids(session, profile, roles))
    return {role_id: _fit(entry, labels) for role_id, entry in entries.items()}


def in_fit_order(roles: list[PlacementRole], fit: dict[int, Fit]) -> list[PlacementRole]:
    """Roles in the engine's order (best fit first), or by start date without a fit."""
    if not fit:
        return sorted(roles, key=lambda role: (role.start_date, role.title.lower(), role.id))
    position = {role_id: number for number, role_id in enumerate(fit)}
    return sorted(roles, key=lambda role: (position.get(role.id, len(position)), role.id))


def _skill_ids(session: Session, profile: StudentProfile, roles: list[PlacementRole]) -> set[str]:
    ids = {skill.skill_id for skill in profile.skills}
    role_ids = [role.id for role in roles]
    query = select(RoleSkill.skill_id).where(RoleSkill.role_id.in_(role_ids)).distinct()
    ids.update(session.execute(query).scalars())
    return ids


def skill_labels(session: Session, ids: set[str]) -> dict[str, str]:
    if not ids:
        return {}
    rows = session.execute(select(Skill.id, Skill.label).where(Skill.id.in_(ids))).all()
    return dict(rows)


def _fit(entry: dict[str, Any], labels: dict[str, str]) -> Fit:
    if not entry["feasible"]:
        return Fit(False, failures=[readable(text, labels) for text in entry["failures"]])
    return Fit(
        True,
        score=float(entry["score"]),
        breakdown=dict(entry["breakdown"]),
        reasons=[readable(text, labels) for text in entry["reasons"]],
    )


_SKILL_ITEM = re.compile(r"(?P<id>[a-z0-9][a-z0-9-]*) \((?P<detail>[^)]*)\)")
_SKILL_LINE = re.compile(r"^(?P<head>Skills [^:]+): (?P<items>.*)$")
_NEEDS_SKILL = re.compile(r"^needs (?P<id>[a-z0-9][a-z0-9-]*) at level (?P<rest>.*)$")
_SECTOR = re.compile(r"^The role is in (?P<id>[a-z0-9-]+), (?P<rest>.*)$")
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def _long_date(match: re.Match[str]) -> str:
    day = date(int(match[1]), int(match[2]), int(match[3]))
    return f"{day.day} {day:%B %Y}"


def readable(text: str, labels: dict[str, str]) -> str:
    """An engine reason with skill and sector labels instead of ids, and dates in words."""
    line = _SKILL_LINE.match(text)
    if line:
        items = _SKILL_ITEM.sub(
            lambda m: f"{labels.get(m['id'], m['id'])} ({m['detail']})", line["items"]
        )
        text = f"{line['head']}: {items}"
    elif needs := _NEEDS_SKILL.match(text):
        text = f"needs {labels.get(needs['id'], needs['id'])} at level {needs['rest']}"
    elif sector := _SECTOR.match(text):
        name = reference.sectors().get(sector["id"], sector["id"])
        text = f"The role is in {name}, {sector['rest']}"
    return _ISO_DATE.sub(_long_date, text)


def _editable_choices(session: Session, profile: StudentProfile) -> None:
    students.check_editable(session, profile)
    if students.is_ineligible(profile):
        raise ValidationFailed([(None, students.INELIGIBLE_MESSAGE)])


def _save_order(session: Session, profile: StudentProfile, role_ids: list[int]) -> None:
    """Rewrite the ranks 1..n: old rows go in one flush, new ones in the next (ranks are unique)."""
    for preference in list(profile.preferences):
        session.delete(preference)
    session.flush()
    session.expire(profile, ["preferences"])
    for rank, role_id in enumerate(role_ids, start=1):
        session.add(StudentPreference(student_id=profile.id, role_id=role_id, rank=rank))
    session.flush()
    session.expire(profile, ["preferences"])


def choice_ids(profile: StudentProfile) -> list[int]:
    return [preference.role_id for preference in profile.preferences]


def add_choice(session: Session, profile: StudentProfile, role: PlacementRole) -> int:
    """Add an open role at the bottom of the student's choices; returns its rank."""
    _editable_choices(session, profile)
    chosen = choice_ids(profile)
    if role.id in chosen:
        return chosen.index(role.id) + 1
    fit = fits(session, profile, [role]).get(role.id)
    if fit is not None and not fit.feasible:
        raise ValidationFailed([(None, NOT_MATCHABLE_MESSAGE)])
    if len(chosen) >= MAX_CHOICES:
        raise ValidationFailed(
            [
                (
                    None,
                    f"You already have {MAX_CHOICES} choices, the most you can have. Remove one "
                    "from your choices before you add another",
                )
            ]
        )
    session.add(StudentPreference(student_id=profile.id, role_id=role.id, rank=len(chosen) + 1))
    session.flush()
    session.expire(profile, ["preferences"])
    audit.record(
        session,
        "choice_added",
        object_type="student_profile",
        object_id=profile.id,
        detail={"role": role.id},
    )
    return len(chosen) + 1


def move_choice(session: Session, profile: StudentProfile, role_id: int, step: int) -> None:
    """Move a choice one place up (step -1) or down (step +1)."""
    _editable_choices(session, profile)
    order = choice_ids(profile)
    if role_id not in order:
        raise ValidationFailed([(None, "That role is not one of your choices")])
    here = order.index(role_id)
    there = here + step
    if step not in (-1, 1) or not 0 <= there < len(order):
        return
    order[here], order[there] = order[there], order[here]
    _save_order(session, profile, order)
    audit.record(
        session,
        "choices_reordered",
        object_type="student_profile",
        object_id=profile.id,
        detail={"role": role_id},
    )


def remove_choice(session: Session, profile: StudentProfile, role_id: int) -> None:
    _editable_choices(session, profile)
    order = choice_ids(profile)
    if role_id not in order:
        raise ValidationFailed([(None, "That role is not one of your choices")])
    order.remove(role_id)
    _save_order(session, profile, order)
    audit.record(
        session,
        "choice_removed",
        object_type="student_profile",
        object_id=profile.id,
        detail={"role": role_id},
    )
