"""The one adapter between the database and the matching engine.

Rows become a `placement-round/1` snapshot here, and nowhere else; engine ids are turned back into
rows here too. Equality monitoring is never read: the snapshot has no field for it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session, selectinload

import matching
from placement.models import (
    Offer,
    Organisation,
    OrganisationInterest,
    PlacementRole,
    StudentProfile,
)

FORMAT = "placement-round/1"
ALL_WORK_MODES = ["on-site", "hybrid", "remote"]


def student_key(profile_id: int) -> str:
    return f"student-{profile_id}"


def role_key(role_id: int) -> str:
    return f"role-{role_id}"


def organisation_key(organisation_id: int) -> str:
    return f"organisation-{organisation_id}"


def row_id(key: str) -> int:
    """The database id behind an engine id such as 'student-12'."""
    return int(key.rsplit("-", 1)[1])


def missing_for_matching(profile: StudentProfile) -> list[str]:
    """What a student still has to fill in before the engine can use the profile."""
    missing = []
    if profile.rqf_level is None:
        missing.append("your course")
    if not profile.skills:
        missing.append("your skills")
    if profile.available_from is None or profile.hours_per_week is None:
        missing.append("when you can work")
    if not profile.work_modes:
        missing.append("where you can work")
    if profile.right_to_work is None:
        missing.append("right to work")
    return missing


def student_entry(profile: StudentProfile, role_keys: set[str]) -> dict[str, Any]:
    return {
        "id": student_key(profile.id),
        "rqf_level": profile.rqf_level,
        "skills": {skill.skill_id: skill.level for skill in profile.skills},
        "available_from": profile.available_from.isoformat(),
        "available_until": profile.available_until.isoformat(),
        "hours_per_week": profile.hours_per_week,
        "borough": profile.borough,
        "work_modes": sorted(profile.work_modes or ALL_WORK_MODES),
        "right_to_work": bool(profile.right_to_work),
        "sectors": sorted(profile.sectors or []),
        "preferences": [
            role_key(preference.role_id)
            for preference in profile.preferences
            if role_key(preference.role_id) in role_keys
        ],
    }


def role_entry(
    role: PlacementRole, places: int, student_preferences: Sequence[str]
) -> dict[str, Any]:
    return {
        "id": role_key(role.id),
        "organisation": organisation_key(role.organisation_id),
        "places": places,
        "min_rqf_level": role.min_rqf_level,
        "skills": {
            skill.skill_id: {
                "level": skill.level,
                "weight": skill.weight,
                "required": skill.required,
            }
            for skill in role.skills
        },
        "start": role.start_date.isoformat(),
        "end": role.end_date.isoformat(),
        "hours_per_week": role.hours_per_week,
        "borough": role.borough,
        "work_mode": role.work_mode,
        "sector": role.sector,
        "preferences": list(student_preferences),
    }


def _has_live_offer():
    return exists().where(
        Offer.student_id == StudentProfile.id, Offer.status.in_(("pending", "accepted"))
    )


def ready_students(session: Session) -> list[StudentProfile]:
    """Submitted, eligible students who hold no live offer or placement."""
    query = (
        select(StudentProfile)
        .where(
            StudentProfile.status == "submitted", StudentProfile.rqf_level >= 6, ~_has_live_offer()
        )
        .options(selectinload(StudentProfile.skills), selectinload(StudentProfile.preferences))
        .order_by(StudentProfile.id)
    )
    return [
        profile for profile in session.execute(query).scalars() if not missing_for_matching(profile)
    ]


def ready_roles(session: Session) -> list[PlacementRole]:
    """Published roles of verified organisations with a place left."""
    query = (
        select(PlacementRole)
        .join(Organisation)
        .where(
            PlacementRole.status == "published",
            Organisation.status == "verified",
            PlacementRole.places_taken < PlacementRole.places,
        )
        .options(selectinload(PlacementRole.skills))
        .order_by(PlacementRole.id)
    )
    return list(session.execute(query).scalars())


def _role_preferences(
    session: Session, roles: Iterable[PlacementRole], student_keys: set[str]
) -> dict[int, list[str]]:
    role_ids = [role.id for role in roles]
    wanted: dict[int, list[str]] = {role_id: [] for role_id in role_ids}
    if not role_ids:
        return wanted
    rows = session.execute(
        select(OrganisationInterest)
        .where(OrganisationInterest.role_id.in_(role_ids))
        .order_by(OrganisationInterest.role_id, OrganisationInterest.rank, OrganisationInterest.id)
    ).scalars()
    for interest in rows:
        key = student_key(interest.student_id)
        if key in student_keys:
            wanted[interest.role_id].append(key)
    return wanted


def build_snapshot(
    session: Session,
    students: Sequence[StudentProfile],
    roles: Sequence[PlacementRole],
    *,
    parameters: dict[str, Any] | None = None,
    places: dict[int, int] | None = None,
    locked: Iterable[tuple[int, int]] = (),
    forbidden: Iterable[tuple[int, int]] = (),
) -> dict[str, Any]:
    """A `placement-round/1` snapshot of these students and roles.

    `places` gives each role's places for the round (by default the places it has left);
    `locked` and `forbidden` are (student profile id, role id) pairs.
    """
    role_keys = {role_key(role.id) for role in roles}
    student_keys = {student_key(profile.id) for profile in students}
    role_preferences = _role_preferences(session, roles, student_keys)
    places = places or {}
    return {
        "format": FORMAT,
        "parameters": dict(parameters or {}),
        "students": [student_entry(profile, role_keys) for profile in students],
        "roles": [
            role_entry(role, places.get(role.id, role.places_left), role_preferences[role.id])
            for role in roles
        ],
        "locked": [{"student": student_key(s), "role": role_key(r)} for s, r in locked],
        "forbidden": [{"student": student_key(s), "role": role_key(r)} for s, r in forbidden],
    }


def fit_for_student(
    session: Session, profile: StudentProfile, roles: Sequence[PlacementRole]
) -> dict[int, dict[str, Any]]:
    """How well each role fits the student, and why, from the engine; keyed by role id."""
    if (
        missing_for_matching(profile)
        or profile.rqf_level is None
        or profile.rqf_level < 6
        or not roles
    ):
        return {}
    snapshot = build_snapshot(session, [profile], roles, places={role.id: 1 for role in roles})
    explained = matching.explain_student(snapshot, student_key(profile.id))
    return {row_id(entry["role"]): entry for entry in explained["roles"]}


def pool_for_role(session: Session, role: PlacementRole) -> dict[str, Any]:
    """How many ready students meet every hard rule for the role, and which relaxations help."""
    students = ready_students(session)
    snapshot = build_snapshot(session, students, [role], places={role.id: max(role.places, 1)})
    return matching.pool_size(snapshot, role_key(role.id))
