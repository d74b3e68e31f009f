"""Factories for the rows most tests need; each returns a committed object."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from placement.extensions import db
from placement.models import (
    Organisation,
    OrganisationMember,
    PlacementRole,
    RoleSkill,
    StudentProfile,
    StudentSkill,
    User,
)
from placement.models._types import utcnow
from placement.passwords import hash_password

PASSWORD = "correct horse battery staple"
_numbers = itertools.count(1)


def create_user(role: str, email: str | None = None, password: str = PASSWORD) -> User:
    number = next(_numbers)
    user = User(
        email=(email or f"{role}{number}@example.org").lower(),
        role=role,
        password_hash=hash_password(password),
        email_confirmed_at=utcnow(),
    )
    db.session.add(user)
    db.session.commit()
    return user


def create_coordinator(email: str | None = None) -> User:
    return create_user("coordinator", email)


def create_student(
    email: str | None = None,
    *,
    submitted: bool = True,
    skills: dict[str, int] | None = None,
    **fields: Any,
) -> StudentProfile:
    user = create_user("student", email)
    values: dict[str, Any] = {
        "given_name": "Ada",
        "family_name": f"Student{user.id}",
        "university_id": "ucl",
        "course": "BSc Computer Science",
        "rqf_level": 6,
        "expected_graduation": date(2028, 7, 1),
        "available_from": date(2027, 6, 1),
        "available_until": date(2027, 9, 30),
        "hours_per_week": 35,
        "borough": "camden",
        "work_modes": ["on-site", "hybrid", "remote"],
        "right_to_work": True,
        "sectors": ["fintech"],
        "status": "submitted" if submitted else "draft",
        "submitted_at": utcnow() if submitted else None,
    }
    values.update(fields)
    profile = StudentProfile(user=user, **values)
    profile.skills = [
        StudentSkill(skill_id=skill, level=level)
        for skill, level in (skills if skills is not None else {"python": 3, "sql": 2}).items()
    ]
    db.session.add(profile)
    db.session.commit()
    return profile


def create_organisation(
    name: str | None = None, *, verified: bool = True, member_email: str | None = None
) -> tuple[Organisation, User]:
    number = next(_numbers)
    organisation = Organisation(
        name=name or f"Example Start-up {number}",
        companies_house_number=f"{number:08d}",
        headcount=12,
        is_startup=True,
        sector="fintech",
        borough="hackney",
        address="1 Example Street, London E8 1AA",
        contact_name="Grace Example",
        contact_email=f"contact{number}@example.com",
        status="verified" if verified else "pending",
        verified_at=utcnow() if verified else None,
    )
    member = create_user("organisation", member_email)
    db.session.add(organisation)
    db.session.add(OrganisationMember(user=member, organisation=organisation))
    db.session.commit()
    return organisation, member


def create_role(
    organisation: Organisation,
    *,
    skills: dict[str, tuple[int, int, bool]] | None = None,
    **fields: Any,
) -> PlacementRole:
    values: dict[str, Any] = {
        "title": "Junior data analyst",
        "description": "Help the team understand its customers.",
        "places": 1,
        "start_date": date(2027, 7, 1),
        "end_date": date(2027, 8, 31),
        "hours_per_week": 30,
        "borough": "hackney",
        "work_mode": "hybrid",
        "sector": organisation.sector,
        "pay_pence_per_hour": 1500,
        "min_rqf_level": 6,
        "status": "published",
    }
    values.update(fields)
    role = PlacementRole(organisation=organisation, **values)
    role.skills = [
        RoleSkill(skill_id=skill, level=level, weight=weight, required=required)
        for skill, (level, weight, required) in (
            skills if skills is not None else {"python": (2, 3, True), "sql": (2, 2, False)}
        ).items()
    ]
    db.session.add(role)
    db.session.commit()
    return role
