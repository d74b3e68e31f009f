"""National-size demo data: 50,000 students, about 21,000 roles and their organisations, in bulk.

The records come from the programme demo's generator (`demo_data.generate`), run once per region
of about 800 organisations, and go into the configured database with bulk inserts
(`session.execute(insert(table), rows)`, a few thousand rows a statement, ids given by the loader),
never one ORM object per row. Hashing 50,000 real passwords would take longer than everything else
together, so generated accounts get no password (they cannot sign in until someone uses "Forgot
your password?"); only the printed demo accounts get real hashes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import func, insert, select, text
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
# The generator draws each role's organisation from all of them (linear in organisations), so a
# national programme is generated as regions of about 800 organisations each.
ORGANISATIONS_PER_REGION = 800

Progress = Callable[[int], None]


def sizes(scale: float = 1.0) -> dict[str, int]:
    """How many students, organisations and roles a national demo at ``scale`` makes."""
    return {name: max(1, round(count * scale)) for name, count in NATIONAL.items()}


class Clock:
    """How long each part took, in the order the parts first ran (repeats add up)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @property
    def parts(self) -> list[tuple[str, float]]:
        return list(self.seconds.items())

    @contextmanager
    def part(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        yield
        self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - started


def _chunks(rows: Sequence[dict[str, Any]]) -> Iterator[Sequence[dict[str, Any]]]:
    for start in range(0, len(rows), CHUNK):
        yield rows[start : start + CHUNK]


def _insert(session: Session, model: Any, rows: Sequence[dict[str, Any]], tick: Progress) -> None:
    """Insert the rows a few thousand at a time (executemany; no ORM object per row)."""
    for chunk in _chunks(rows):
        session.execute(insert(model.__table__), list(chunk))
        tick(len(chunk))


def _insert_ids(
    session: Session, model: Any, rows: Sequence[dict[str, Any]], tick: Progress
) -> list[int]:
    """Insert the rows with ids given here, after the largest in the table; returns the ids.

    Giving the ids avoids RETURNING, which SQLAlchemy splices batch by batch (slow in bulk);
    `_advance_sequences` then moves PostgreSQL's sequences past them.
    """
    start = (session.execute(select(func.max(model.id))).scalar() or 0) + 1
    ids = list(range(start, start + len(rows)))
    _insert(session, model, [{**row, "id": ids[n]} for n, row in enumerate(rows)], tick)
    return ids


def _advance_sequences(session: Session) -> None:
    if session.get_bind().dialect.name != "postgresql":
        return  # SQLite gives the next row max(id) + 1 by itself
    for model in (User, StudentProfile, Organisation, PlacementRole):
        table = model.__tablename__
        session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
            )
        )


def _unique(addresses: list[str], seen: set[str]) -> list[str]:
    """The addresses, lower-cased, each made unique against ``seen`` (which grows)."""
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


def _unique_numbers(organisations: list[demo_data.DemoOrganisation], seen: set[str]) -> list[str]:
    """Companies House numbers, made unique where the generator drew one twice."""
    out = []
    for number, organisation in enumerate(organisations):
        candidate = organisation.companies_house_number
        while candidate in seen:
            candidate = f"N{number % 10_000_000:07d}"
            number += 7_919
        seen.add(candidate)
        out.append(candidate)
    return out


def row_count(regions: list[demo_data.DemoData]) -> int:
    """How many rows loading the regions inserts: the progress bar's length."""
    return sum(_rows_of(data) for data in regions)


def _rows_of(data: demo_data.DemoData) -> int:
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


def _share(total: int, part: int, parts: int) -> int:
    return total // parts + (1 if part < total % parts else 0)


def generate(scale: float = 1.0, seed: int = 2026) -> list[demo_data.DemoData]:
    """The national records as regions (students choose roles in their region), deterministic."""
    fixtures = demo_data.load_fixtures(FIXTURES_DIR)
    total = sizes(scale)
    parts = max(1, round(total["organisations"] / ORGANISATIONS_PER_REGION))
    return [
        demo_data.generate(
            fixtures,
            seed=seed + part,
            **{name: max(1, _share(count, part, parts)) for name, count in total.items()},
        )
        for part in range(parts)
    ]


def load(
    session: Session,
    regions: list[demo_data.DemoData],
    *,
    progress: Progress | None = None,
    clock: Clock | None = None,
) -> dict[str, int]:
    """Insert generated regions in bulk into an empty database; returns how many of each."""
    tick: Progress = progress or (lambda _count: None)
    clock = clock or Clock()
    with clock.part("taxonomy"):
        skills = taxonomy.load_skills(session)
    seen: dict[str, set[str]] = {"emails": set(), "numbers": set()}
    first: tuple[int, int] | None = None
    preferences = 0
    for data in regions:
        with clock.part("students"):
            student_ids = _students(session, data.students, tick, seen["emails"])
        with clock.part("organisations and members"):
            organisation_ids, member_ids = _organisations(session, data.organisations, tick, seen)
        with clock.part("roles"):
            role_ids = _roles(session, data, organisation_ids, tick)
        with clock.part("preferences"):
            preferences += _preferences(session, data, student_ids, role_ids, tick)
        if first is None:
            first = _demo_people(data, student_ids, member_ids)
    with clock.part("demo accounts"):
        _advance_sequences(session)
        _demo_accounts(session, *(first or (0, 0)))
    session.flush()
    return {
        "skills": skills,
        "students": sum(len(data.students) for data in regions),
        "organisations": sum(len(data.organisations) for data in regions),
        "roles": sum(len(data.roles) for data in regions),
        "preferences": preferences,
    }


def _preferences(
    session: Session,
    data: demo_data.DemoData,
    student_ids: list[int],
    role_ids: list[int],
    tick: Progress,
) -> int:
    verified = {organisation.key for organisation in data.organisations if organisation.verified}
    published = {
        role_ids[n]
        for n, role in enumerate(data.roles)
        if role.status == "published" and role.organisation_key in verified
    }
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
    return len(rows)


def _students(
    session: Session, students: list[demo_data.DemoStudent], tick: Progress, seen: set[str]
) -> list[int]:
    emails = _unique([student.email for student in students], seen)
    user_ids = _insert_ids(session, User, _users(emails, "student"), tick)
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
    session: Session,
    organisations: list[demo_data.DemoOrganisation],
    tick: Progress,
    seen: dict[str, set[str]],
) -> tuple[dict[str, int], list[int]]:
    emails = _unique([organisation.contact_email for organisation in organisations], seen["emails"])
    numbers = _unique_numbers(organisations, seen["numbers"])
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


def _demo_people(
    data: demo_data.DemoData, student_ids: list[int], member_ids: list[int]
) -> tuple[int, int]:
    """The profile id of the first submitted student and the user id of a verified member."""
    student = next((n for n, s in enumerate(data.students) if s.submitted and s.rqf_level >= 6), 0)
    member = next((n for n, o in enumerate(data.organisations) if o.verified), 0)
    return student_ids[student], member_ids[member]


def _demo_accounts(session: Session, student_profile_id: int, member_user_id: int) -> None:
    """The printed demo accounts, each with a real password hash; no other account has one."""
    accounts = {account.role: account for account in demo.DEMO_ACCOUNTS}
    student_user = session.execute(
        select(StudentProfile.user_id).where(StudentProfile.id == student_profile_id)
    ).scalar_one()
    for user_id, role in ((student_user, "student"), (member_user_id, "organisation")):
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
