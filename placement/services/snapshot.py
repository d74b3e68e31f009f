"""The one adapter between the database and the matching engine.

Rows become a `placement-round/1` snapshot here, and nowhere else; engine ids are turned back into
rows here too. Equality monitoring is never read: the snapshot has no field for it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Text, and_, cast, exists, func, inspect, select
from sqlalchemy.orm import Session, selectinload

import matching
from placement.models import (
    Offer,
    Organisation,
    OrganisationInterest,
    PlacementRole,
    RoleSkill,
    StudentProfile,
    StudentSkill,
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


def _skill_ask(level: int, weight: int, required: bool) -> dict[str, Any]:
    return {"level": level, "weight": weight, "required": required}


def role_entry(
    role: PlacementRole,
    places: int,
    student_preferences: Sequence[str],
    skills: dict[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The role's snapshot entry; `skills` (from `role_skills`) saves loading role.skills."""
    if skills is None:
        skills = {
            skill.skill_id: _skill_ask(skill.level, skill.weight, skill.required)
            for skill in role.skills
        }
    return {
        "id": role_key(role.id),
        "organisation": organisation_key(role.organisation_id),
        "places": places,
        "min_rqf_level": role.min_rqf_level,
        "skills": skills,
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


# One definition of each, used by the readiness page, the rounds and the dashboard's funnel.
ELIGIBLE_IN_WORDS = "a course at Level 6 or above and the right to work in the UK"
READY_IN_WORDS = (
    "eligible, with a submitted and complete profile, and holding no offer or placement"
)


def eligible():  # type: ignore[no-untyped-def]
    """The programme's eligibility, as a condition on student profiles."""
    return and_(StudentProfile.rqf_level >= 6, StudentProfile.right_to_work.is_(True))


def _ready_where():  # type: ignore[no-untyped-def]
    """The part of "ready" that SQL decides; :func:`missing_for_matching` decides the rest."""
    return and_(StudentProfile.status == "submitted", eligible(), ~_has_live_offer())


def ready_students(session: Session) -> list[StudentProfile]:
    """Submitted, eligible students who hold no live offer or placement."""
    query = (
        select(StudentProfile)
        .where(_ready_where())
        .options(selectinload(StudentProfile.skills), selectinload(StudentProfile.preferences))
        .order_by(StudentProfile.id)
    )
    return [
        profile for profile in session.execute(query).scalars() if not missing_for_matching(profile)
    ]


def _work_modes_chosen():  # type: ignore[no-untyped-def]
    """Whether the student's JSON list of work modes has an item (is neither null nor [])."""
    # The column is written by SQLAlchemy's JSON type (json.dumps): an empty list is stored as
    # exactly "[]" and None as "null", on SQLite and in PostgreSQL's json alike; a SQL NULL
    # (written by hand) counts as none chosen, so the condition is never NULL.
    return func.coalesce(cast(StudentProfile.work_modes, Text), "[]").not_in(("null", "[]"))


def complete_for_matching():  # type: ignore[no-untyped-def]
    """:func:`missing_for_matching` in SQL: true when nothing is missing, never NULL.

    ``tests/web/test_readiness_in_sql.py`` holds the two equal on varied profiles.
    """
    return and_(
        StudentProfile.rqf_level.is_not(None),
        exists().where(StudentSkill.student_id == StudentProfile.id),
        StudentProfile.available_from.is_not(None),
        StudentProfile.hours_per_week.is_not(None),
        _work_modes_chosen(),
        StudentProfile.right_to_work.is_not(None),
    )


def ready_where():  # type: ignore[no-untyped-def]
    """Whether :func:`ready_students` would give the student, as one SQL condition."""
    return and_(_ready_where(), complete_for_matching())


def ready_role_where():  # type: ignore[no-untyped-def]
    """A role ready for matching, as a condition on roles joined to their organisation."""
    return and_(
        PlacementRole.status == "published",
        Organisation.status == "verified",
        PlacementRole.places_taken < PlacementRole.places,
    )


def ready_roles_query():  # type: ignore[no-untyped-def]
    return (
        select(PlacementRole)
        .join(Organisation)
        .where(ready_role_where())
        .order_by(PlacementRole.id)
    )


def ready_roles(session: Session) -> list[PlacementRole]:
    """Published roles of verified organisations with a place left.

    role.skills is not loaded with them (it is the costly part): build_snapshot reads the skills
    with one query of its own, and role_skills gives them without loading objects.
    """
    return list(session.execute(ready_roles_query()).scalars())


def ready_role(session: Session, role_id: int) -> PlacementRole | None:
    """One role if ready_roles would list it, else None."""
    query = ready_roles_query().where(PlacementRole.id == role_id)
    return session.execute(query).scalars().first()


def _skills_unloaded(role: PlacementRole) -> bool:
    state = inspect(role)
    return state.has_identity and "skills" in state.unloaded


def role_skills(session: Session, role_ids: Iterable[int]) -> dict[int, dict[str, dict[str, Any]]]:
    """Role id -> its snapshot skills {skill id: {level, weight, required}}, in one query."""
    ids = list(role_ids)
    found: dict[int, dict[str, dict[str, Any]]] = {role_id: {} for role_id in ids}
    if not ids:
        return found
    rows = session.execute(
        select(
            RoleSkill.role_id,
            RoleSkill.skill_id,
            RoleSkill.level,
            RoleSkill.weight,
            RoleSkill.required,
        )
        .where(RoleSkill.role_id.in_(ids))
        .order_by(RoleSkill.role_id, RoleSkill.skill_id)
    )
    for role_id, skill_id, level, weight, required in rows:
        found[role_id][skill_id] = _skill_ask(level, weight, required)
    return found


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
    # Skills already in memory (or of a role not saved) are used as they are.
    unloaded = [role.id for role in roles if _skills_unloaded(role)]
    skills = role_skills(session, unloaded)
    places = places or {}
    return {
        "format": FORMAT,
        "parameters": dict(parameters or {}),
        "students": [student_entry(profile, role_keys) for profile in students],
        "roles": [
            role_entry(
                role,
                places.get(role.id, role.places_left),
                role_preferences[role.id],
                skills.get(role.id),
            )
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


def roles_met_by_variants(
    session: Session,
    profile: StudentProfile,
    roles: Sequence[PlacementRole],
    variants: Sequence[dict[str, Any]],
) -> list[set[int]]:
    """For each variant of the student's matching data, the ids of the roles it would meet.

    A variant replaces fields of the student's snapshot entry (``{"skills": {...}}``,
    ``{"work_modes": [...]}``); the hard rules are the engine's own (``matching.feasible_mask``),
    applied to every variant in one pass.
    """
    if not roles or missing_for_matching(profile) or (profile.rqf_level or 0) < 6:
        return [set() for _ in variants]
    role_keys = {role_key(role.id) for role in roles}
    base = dict(student_entry(profile, role_keys), preferences=[])
    document = build_snapshot(session, [], roles, places={role.id: 1 for role in roles})
    document["students"] = [
        dict(base, **variant, id=f"variant-{number:06d}") for number, variant in enumerate(variants)
    ]
    problem = matching.build_problem(matching.validate_snapshot(document))
    mask = matching.feasible_mask(problem)
    role_ids = [row_id(key) for key in problem.role_ids]
    return [
        {role_ids[column] for column in mask[number].nonzero()[0]}
        for number in range(len(variants))
    ]


def pool_for_role(session: Session, role: PlacementRole) -> dict[str, Any]:
    """How many ready students meet every hard rule for the role, and which relaxations help."""
    students = ready_students(session)
    snapshot = build_snapshot(session, students, [role], places={role.id: max(role.places, 1)})
    return matching.pool_size(snapshot, role_key(role.id))


# Rounds: the snapshot a coordinator's round runs on, the engine's answer turned back into rows.

SnapshotError = matching.SnapshotError
DEFAULT_PARAMETERS = matching.DEFAULT_PARAMETERS
# Fields of a snapshot entry that may drift without making a round's proposal stale: places move
# with every approval, and ranking lists only nudge the score, never a hard rule.
DRIFTING_FIELDS = frozenset({"places", "preferences"})
_SKILL_ITEM = re.compile(r"([a-z0-9][a-z0-9.+#-]*) \((?=level|you have|asked)")


def round_places(
    roles: Sequence[PlacementRole], locked: Iterable[tuple[int, int]]
) -> dict[int, int]:
    """Places each role offers a round: the places left, plus those its locked pairs hold."""
    held: dict[int, int] = {}
    for _, role_id in locked:
        held[role_id] = held.get(role_id, 0) + 1
    return {role.id: role.places - role.places_taken + held.get(role.id, 0) for role in roles}


def validate(document: dict[str, Any]) -> dict[str, Any]:
    """The snapshot normalised by the engine; SnapshotError names the field at fault."""
    return matching.validate_snapshot(document)


def solve(document: dict[str, Any], algorithm: str = "optimal") -> dict[str, Any]:
    return matching.solve_round(document, algorithm=algorithm)


def check(document: dict[str, Any], result: dict[str, Any]) -> list[str]:
    return matching.check_result(document, result)


def assignments(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The result's assignments with database ids (student profile id, role id)."""
    return [
        {
            "student_id": row_id(entry["student"]),
            "role_id": row_id(entry["role"]),
            "score": entry["score"],
            "breakdown": entry["breakdown"],
            "reasons": entry["reasons"],
            "locked": entry["locked"],
        }
        for entry in result["assignments"]
    ]


def unmatched(result: dict[str, Any]) -> list[tuple[int, str]]:
    return [(row_id(entry["student"]), entry["reason"]) for entry in result["unmatched"]]


def unfilled(result: dict[str, Any]) -> list[tuple[int, int]]:
    return [(row_id(entry["role"]), entry["places_left"]) for entry in result["unfilled"]]


def alternatives(document: dict[str, Any], profile_id: int, limit: int = 5) -> dict[str, Any]:
    """Other roles for a student and what choosing each would cost the round, by database id."""
    report = matching.alternatives(document, student_key(profile_id), limit=limit)
    current = report["current"]
    return {
        "current": None if current is None else {**current, "role_id": row_id(current["role"])},
        "locked": report["locked"],
        "objective": report["objective"],
        "alternatives": [
            {**entry, "role_id": row_id(entry["role"])} for entry in report["alternatives"]
        ],
    }


def ranks(document: dict[str, Any]) -> dict[tuple[int, int], tuple[int | None, int | None]]:
    """(student id, role id) -> (the student's rank of the role, the role's rank of the student)."""
    roles = {entry["id"]: entry for entry in document["roles"]}
    found: dict[tuple[int, int], tuple[int | None, int | None]] = {}
    for student in document["students"]:
        for role in roles.values():
            mine = student.get("preferences", [])
            theirs = role.get("preferences", [])
            student_rank = mine.index(role["id"]) + 1 if role["id"] in mine else None
            role_rank = theirs.index(student["id"]) + 1 if student["id"] in theirs else None
            if student_rank or role_rank:
                found[(row_id(student["id"]), row_id(role["id"]))] = (student_rank, role_rank)
    return found


def label_skills(reason: str, labels: dict[str, str]) -> str:
    """An engine reason with skill ids replaced by their taxonomy labels."""
    if not reason.startswith("Skills"):
        return reason
    return _SKILL_ITEM.sub(lambda found: f"{labels.get(found[1], found[1])} (", reason)


def _stable_part(entry: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in entry.items() if key not in DRIFTING_FIELDS}


def _stored_entry(document: dict[str, Any], side: str, key: str) -> dict[str, Any] | None:
    return next((entry for entry in document[side] if entry["id"] == key), None)


def changed_since(
    document: dict[str, Any], profile: StudentProfile, role: PlacementRole
) -> list[str]:
    """What of the student's or role's matching data differs from the round's snapshot."""
    changed = []
    role_keys = {entry["id"] for entry in document["roles"]}
    stored_student = _stored_entry(document, "students", student_key(profile.id))
    unusable = missing_for_matching(profile) or profile.available_until is None
    if (
        stored_student is None
        or unusable
        or _stable_part(student_entry(profile, role_keys)) != _stable_part(stored_student)
    ):
        changed.append("student")
    stored_role = _stored_entry(document, "roles", role_key(role.id))
    if stored_role is None or _stable_part(role_entry(role, 1, [])) != _stable_part(stored_role):
        changed.append("role")
    return changed
