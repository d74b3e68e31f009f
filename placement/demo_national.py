"""National-size demo data: 50,000 students, about 21,000 roles and their organisations, in bulk.

The records come from the programme demo's generator (`demo_data.generate`) at national counts and
go into the configured database with bulk inserts (`session.execute(insert(Model), rows)`, a few
thousand rows a statement), never one ORM object per row. Hashing 50,000 real passwords would take
longer than everything else together, so generated accounts get no password (they cannot sign in
until someone uses "Forgot your password?"); only the printed demo accounts get real hashes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from placement import FIXTURES_DIR, demo_data, passwords
from placement.models import (
    EqualityMonitoring,
    Organisation,
    OrganisationMember,
    PlacementRole,
    RoleSkill,
    StudentPreference,
    StudentProfile,
    StudentSkill,
    User,
)
from placement.models._types import utcnow
from placement.models.accounts import new_session_token
from placement.services import demo, taxonomy

NATIONAL = {"students": 50_000, "organisations": 8_000, "roles": 21_000}
CHUNK = 2_000

Progress = Callable[[int], None]


def sizes(scale: float = 1.0) -> dict[str, int]:
    """How many students, organisations and roles a national demo at ``scale`` makes."""
    return {name: max(1, round(count * scale)) for name, count in NATIONAL.items()}


class Clock:
    """How long each part took, in the order the parts ran."""

    def __init__(self) -> None:
        self.parts: list[tuple[str, float]] = []

    @contextmanager
    def part(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        yield
        self.parts.append((name, time.perf_counter() - started))


def _chunks(rows: Sequence[dict[str, Any]]) -> Iterator[Sequence[dict[str, Any]]]:
    for start in range(0, len(rows), CHUNK):
        yield rows[start : start + CHUNK]


def _insert(session: Session, model: type, rows: Sequence[dict[str, Any]], tick: Progress) -> None:
    for chunk in _chunks(rows):
        session.execute(insert(model), list(chunk))
        tick(len(chunk))


def _insert_ids(
    session: Session, model: Any, rows: Sequence[dict[str, Any]], tick: Progress
) -> list[int]:
    """Insert the rows and return their new ids, in the order of the rows."""
    ids: list[int] = []
    statement = insert(model).returning(model.id, sort_by_parameter_order=True)
    for chunk in _chunks(rows):
        ids.extend(session.execute(statement, list(chunk)).scalars())
        tick(len(chunk))
    return ids


def _unique(addresses: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for number, address in enumerate(addresses):
        address = address.lower()
        if address in seen:
            local, _, domain = address.partition("@")
            address = f"{local}.{number}@{domain}"
        seen.add(address)
        out.append(address)
    return out


def _users(emails: list[str], role: str) -> list[dict[str, Any]]:
    now = utcnow()
    return [
        {
            "email": email,
            "role": role,
            "password_hash": None,
            "active": True,
            "session_token": new_session_token(),
            "email_confirmed_at": now,
            "created_at": now,
        }
        for email in emails
    ]


def _profile(student: demo_data.DemoStudent, user_id: int) -> dict[str, Any]:
    submitted = student.submitted and student.rqf_level >= 6
    now = utcnow()
    return {
        "user_id": user_id,
        "given_name": student.given_name,
        "family_name": student.family_name,
        "university_id": student.university_id,
        "course": student.course,
        "rqf_level": student.rqf_level,
        "expected_graduation": student.expected_graduation,
        "available_from": student.available_from,
        "available_until": student.available_until,
        "hours_per_week": student.hours_per_week,
        "borough": student.borough,
        "work_modes": list(student.work_modes),
        "right_to_work": student.right_to_work,
        "sectors": list(student.sectors),
        "status": "submitted" if submitted else "draft",
        "submitted_at": now if submitted else None,
        "updated_at": now,
    }


def _organisation(organisation: demo_data.DemoOrganisation, email: str) -> dict[str, Any]:
    now = utcnow()
    return {
        "name": organisation.name,
        "companies_house_number": organisation.companies_house_number,
        "headcount": organisation.headcount,
        "is_startup": organisation.startup,
        "sector": organisation.sector,
        "borough": organisation.borough,
        "address": organisation.address,
        "contact_name": organisation.contact_name,
        "contact_email": email,
        "status": "verified" if organisation.verified else "pending",
        "verified_at": now if organisation.verified else None,
        "created_at": now,
    }


def _role(role: demo_data.DemoRole, organisation_id: int, verified: bool, sector: str) -> dict:
    now = utcnow()
    return {
        "organisation_id": organisation_id,
        "title": role.title,
        "description": role.description,
        "places": role.places,
        "places_taken": 0,
        "start_date": role.start,
        "end_date": role.end,
        "hours_per_week": role.hours_per_week,
        "borough": role.borough,
        "work_mode": role.work_mode,
        "sector": sector,
        "pay_pence_per_hour": role.pay_pence_per_hour,
        "min_rqf_level": role.min_rqf_level,
        "status": role.status if verified else "draft",
        "publish_on_verification": False,
        "created_at": now,
        "updated_at": now,
    }


def _unique_numbers(organisations: list[demo_data.DemoOrganisation]) -> list[str]:
    """Companies House numbers, made unique where the generator drew one twice."""
    seen: set[str] = set()
    out = []
    for number, organisation in enumerate(organisations):
        candidate = organisation.companies_house_number
        while candidate in seen:
            candidate = f"N{number:07d}"[-8:]
            number += 1_000_000
        seen.add(candidate)
        out.append(candidate)
    return out


def row_count(data: demo_data.DemoData) -> int:
    """How many rows loading ``data`` inserts: the progress bar's length."""
    students = len(data.students)
    equality = sum(1 for student in data.students if student.equality is not None)
    skills = sum(len(student.skills) for student in data.students)
    organisations = len(data.organisations)
    role_skills = sum(len(role.skills) for role in data.roles)
    return (
        2 * students
        + skills
        + equality
        + 3 * organisations
        + len(data.roles)
        + role_skills
        + len(data.preferences)
    )


def generate(scale: float = 1.0, seed: int = 2026) -> demo_data.DemoData:
    """The national records, deterministic for a seed."""
    fixtures = demo_data.load_fixtures(FIXTURES_DIR)
    return demo_data.generate(fixtures, seed=seed, **sizes(scale))


def load(
    session: Session,
    data: demo_data.DemoData,
    *,
    progress: Progress | None = None,
    clock: Clock | None = None,
) -> dict[str, int]:
    """Insert generated records in bulk into an empty database; returns how many of each."""
    tick: Progress = progress or (lambda _count: None)
    clock = clock or Clock()
    with clock.part("taxonomy"):
        skills = taxonomy.load_skills(session)
    with clock.part("students"):
        student_ids = _students(session, data.students, tick)
    with clock.part("organisations and members"):
        organisation_ids, member_ids = _organisations(session, data.organisations, tick)
    with clock.part("roles"):
        role_ids = _roles(session, data, organisation_ids, tick)
    with clock.part("preferences"):
        published = set(
            session.execute(
                select(PlacementRole.id).where(PlacementRole.status == "published")
            ).scalars()
        )
        by_email = {student.email: student_ids[n] for n, student in enumerate(data.students)}
        rows = [
            {
                "student_id": by_email[preference.student_email],
                "role_id": role_ids[preference.role_index],
                "rank": preference.rank,
            }
            for preference in data.preferences
            if role_ids[preference.role_index] in published
        ]
        _insert(session, StudentPreference, rows, tick)
        tick(len(data.preferences) - len(rows))
    with clock.part("demo accounts"):
        _demo_accounts(session, student_ids, member_ids, data)
    session.flush()
    return {
        "skills": skills,
        "students": len(data.students),
        "organisations": len(data.organisations),
        "roles": len(data.roles),
        "preferences": len(rows),
    }


def _students(session: Session, students: list[demo_data.DemoStudent], tick: Progress) -> list[int]:
    user_ids = _insert_ids(
        session, User, _users(_unique([s.email for s in students]), "student"), tick
    )
    profiles = [_profile(student, user_ids[n]) for n, student in enumerate(students)]
    profile_ids = _insert_ids(session, StudentProfile, profiles, tick)
    skills = [
        {"student_id": profile_ids[n], "skill_id": skill, "level": level}
        for n, student in enumerate(students)
        for skill, level in student.skills.items()
    ]
    _insert(session, StudentSkill, skills, tick)
    now = utcnow()
    equality = [
        {
            "user_id": user_ids[n],
            "gender": student.equality.gender,
            "age_band": student.equality.age_band,
            "ethnicity": student.equality.ethnicity,
            "disability": student.equality.disability,
            "first_in_family": student.equality.first_in_family,
            "free_school_meals": student.equality.free_school_meals,
            "updated_at": now,
        }
        for n, student in enumerate(students)
        if student.equality is not None
    ]
    _insert(session, EqualityMonitoring, equality, tick)
    return profile_ids


def _organisations(
    session: Session, organisations: list[demo_data.DemoOrganisation], tick: Progress
) -> tuple[dict[str, int], list[int]]:
    emails = _unique([organisation.contact_email for organisation in organisations])
    numbers = _unique_numbers(organisations)
    rows = [
        {**_organisation(organisation, emails[n]), "companies_house_number": numbers[n]}
        for n, organisation in enumerate(organisations)
    ]
    ids = _insert_ids(session, Organisation, rows, tick)
    member_ids = _insert_ids(session, User, _users(emails, "organisation"), tick)
    now = utcnow()
    members = [
        {"user_id": member_ids[n], "organisation_id": ids[n], "joined_at": now}
        for n in range(len(organisations))
    ]
    _insert(session, OrganisationMember, members, tick)
    keys = {organisation.key: ids[n] for n, organisation in enumerate(organisations)}
    return keys, member_ids


def _roles(
    session: Session, data: demo_data.DemoData, organisation_ids: dict[str, int], tick: Progress
) -> list[int]:
    about = {organisation.key: organisation for organisation in data.organisations}
    rows = [
        _role(
            role,
            organisation_ids[role.organisation_key],
            about[role.organisation_key].verified,
            about[role.organisation_key].sector,
        )
        for role in data.roles
    ]
    role_ids = _insert_ids(session, PlacementRole, rows, tick)
    skills = [
        {
            "role_id": role_ids[n],
            "skill_id": skill,
            "level": level,
            "weight": weight,
            "required": required,
        }
        for n, role in enumerate(data.roles)
        for skill, (level, weight, required) in role.skills.items()
    ]
    _insert(session, RoleSkill, skills, tick)
    return role_ids


def _demo_accounts(
    session: Session, student_ids: list[int], member_ids: list[int], data: demo_data.DemoData
) -> None:
    """The printed demo accounts: the first submitted student, a member of a verified
    organisation and a coordinator, each with a real password hash."""
    accounts = {account.role: account for account in demo.DEMO_ACCOUNTS}
    student_index = next(
        (n for n, s in enumerate(data.students) if s.submitted and s.rqf_level >= 6), 0
    )
    member_index = next(
        (n for n, organisation in enumerate(data.organisations) if organisation.verified), 0
    )
    student_user = session.execute(
        select(StudentProfile.user_id).where(StudentProfile.id == student_ids[student_index])
    ).scalar_one()
    for user_id, role in ((student_user, "student"), (member_ids[member_index], "organisation")):
        user = session.get(User, user_id)
        user.email = accounts[role].email
        user.password_hash = passwords.hash_password(accounts[role].password)
    coordinator = accounts["coordinator"]
    session.add(
        User(
            email=coordinator.email,
            role="coordinator",
            email_confirmed_at=utcnow(),
            password_hash=passwords.hash_password(coordinator.password),
        )
    )
