"""Demo data: the taxonomy, a generated programme, and one account for each role."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, func, inspect, select, text
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
from placement.services import taxonomy


@dataclass(frozen=True)
class DemoAccount:
    label: str
    email: str
    password: str
    role: str


DEMO_ACCOUNTS = (
    DemoAccount("Student", "student@demo.example.org", "demo student passphrase", "student"),
    DemoAccount(
        "Organisation member",
        "organisation@demo.example.org",
        "demo organisation passphrase",
        "organisation",
    ),
    DemoAccount(
        "Programme coordinator",
        "coordinator@demo.example.org",
        "demo coordinator passphrase",
        "coordinator",
    ),
)


def holds_data(engine: Engine) -> bool:
    """Whether any of the service's tables already has a row."""
    tables = set(inspect(engine).get_table_names()) - {"alembic_version"}
    with engine.connect() as connection:
        return any(
            connection.execute(text(f'SELECT 1 FROM "{table}" LIMIT 1')).first() for table in tables
        )


def _student(session: Session, student: demo_data.DemoStudent, user: User) -> StudentProfile:
    profile = StudentProfile(
        user=user,
        given_name=student.given_name,
        family_name=student.family_name,
        university_id=student.university_id,
        course=student.course,
        rqf_level=student.rqf_level,
        expected_graduation=student.expected_graduation,
        available_from=student.available_from,
        available_until=student.available_until,
        hours_per_week=student.hours_per_week,
        borough=student.borough,
        work_modes=list(student.work_modes),
        right_to_work=student.right_to_work,
        sectors=list(student.sectors),
        status="submitted" if student.submitted and student.rqf_level >= 6 else "draft",
        submitted_at=utcnow() if student.submitted and student.rqf_level >= 6 else None,
    )
    profile.skills = [
        StudentSkill(skill_id=skill, level=level) for skill, level in student.skills.items()
    ]
    if student.equality is not None:
        answers = student.equality
        session.add(
            EqualityMonitoring(
                user=user,
                gender=answers.gender,
                age_band=answers.age_band,
                ethnicity=answers.ethnicity,
                disability=answers.disability,
                first_in_family=answers.first_in_family,
                free_school_meals=answers.free_school_meals,
            )
        )
    session.add(profile)
    return profile


def _organisation(organisation: demo_data.DemoOrganisation) -> Organisation:
    return Organisation(
        name=organisation.name,
        companies_house_number=organisation.companies_house_number,
        headcount=organisation.headcount,
        is_startup=organisation.startup,
        sector=organisation.sector,
        borough=organisation.borough,
        address=organisation.address,
        contact_name=organisation.contact_name,
        contact_email=organisation.contact_email,
        status="verified" if organisation.verified else "pending",
        verified_at=utcnow() if organisation.verified else None,
    )


def _role(role: demo_data.DemoRole, organisation: Organisation) -> PlacementRole:
    placement_role = PlacementRole(
        organisation=organisation,
        title=role.title,
        description=role.description,
        places=role.places,
        start_date=role.start,
        end_date=role.end,
        hours_per_week=role.hours_per_week,
        borough=role.borough,
        work_mode=role.work_mode,
        sector=organisation.sector,
        pay_pence_per_hour=role.pay_pence_per_hour,
        min_rqf_level=role.min_rqf_level,
        status=role.status if organisation.status == "verified" else "draft",
    )
    placement_role.skills = [
        RoleSkill(skill_id=skill, level=level, weight=weight, required=required)
        for skill, (level, weight, required) in role.skills.items()
    ]
    return placement_role


def _demo_accounts(session: Session, first_student: User, first_member: User) -> None:
    """Give the first generated student and organisation member a known email and password."""
    by_role = {account.role: account for account in DEMO_ACCOUNTS}
    for user in (first_student, first_member):
        user.email = by_role[user.role].email
        user.password_hash = passwords.hash_password(by_role[user.role].password)
    coordinator = by_role["coordinator"]
    session.add(
        User(
            email=coordinator.email,
            role="coordinator",
            email_confirmed_at=utcnow(),
            password_hash=passwords.hash_password(coordinator.password),
        )
    )


def load(session: Session, *, seed: int = 2026) -> dict[str, int]:
    """Load the taxonomy and a generated programme; returns how many of each were made."""
    skills = taxonomy.load_skills(session)
    data = demo_data.generate(demo_data.load_fixtures(FIXTURES_DIR), seed=seed)
    confirmed = utcnow()

    profiles: dict[str, StudentProfile] = {}
    users: list[User] = []
    for student in data.students:
        user = User(email=student.email.lower(), role="student", email_confirmed_at=confirmed)
        users.append(user)
        profiles[student.email] = _student(session, student, user)

    organisations: dict[str, Organisation] = {}
    members: list[User] = []
    for organisation in data.organisations:
        row = _organisation(organisation)
        member = User(
            email=organisation.contact_email.lower(),
            role="organisation",
            email_confirmed_at=confirmed,
        )
        session.add(OrganisationMember(user=member, organisation=row))
        organisations[organisation.key] = row
        members.append(member)

    roles = [_role(role, organisations[role.organisation_key]) for role in data.roles]
    session.add_all(roles)
    session.flush()
    for preference in data.preferences:
        role = roles[preference.role_index]
        if role.status == "published":
            session.add(
                StudentPreference(
                    student=profiles[preference.student_email], role=role, rank=preference.rank
                )
            )
    _demo_accounts(session, users[0], _member_with_candidates(members, data))
    session.flush()
    return {
        "skills": skills,
        "students": len(data.students),
        "organisations": len(data.organisations),
        "roles": len(roles),
    }


def _member_with_candidates(members: list[User], data: demo_data.DemoData) -> User:
    """A member of the verified organisation whose published roles most students ranked.

    The demo organisation account then opens on a published role with candidates to look at.
    """
    ranked: dict[str, int] = {}
    for preference in data.preferences:
        role = data.roles[preference.role_index]
        if role.status == "published":
            ranked[role.organisation_key] = ranked.get(role.organisation_key, 0) + 1
    keys = {organisation.name: organisation.key for organisation in data.organisations}
    verified = [member for member in members if member.organisation.status == "verified"]
    return max(verified, key=lambda member: ranked.get(keys[member.organisation.name], 0))


def demo_user(session: Session, role: str) -> User:
    email = next(account.email for account in DEMO_ACCOUNTS if account.role == role)
    return session.execute(select(User).where(User.email == email)).scalar_one()


DEMO_SHARING_STUDENTS = 12


def university_partner(session: Session) -> tuple[str, str]:
    """Make the university with most demo students an API partner, with a token holding every
    scope and some of its students sharing their progress; returns (university, token)."""
    from placement.models import API_SCOPES
    from placement.services import universities

    counts = session.execute(
        select(StudentProfile.university_id, func.count())
        .where(StudentProfile.university_id.is_not(None))
        .group_by(StudentProfile.university_id)
        .order_by(func.count().desc(), StudentProfile.university_id)
    ).first()
    university_id = counts[0] if counts else "ucl"
    partner = universities.add_partner(session, university_id)
    universities.add_contact(
        session, partner, "Demo Placement Office", "placements@demo.example.ac.uk", "Placements"
    )
    sharing = session.execute(
        select(StudentProfile)
        .where(StudentProfile.university_id == university_id)
        .order_by(StudentProfile.id)
        .limit(DEMO_SHARING_STUDENTS)
    ).scalars()
    for profile in sharing:
        profile.shares_with_university = True
        profile.sharing_changed_at = utcnow()
    issued = universities.issue_token(session, partner, "Demo", list(API_SCOPES), days=365)
    session.flush()
    return universities.university_name(partner), issued.plain_text
