"""CSV imports for coordinators: students from a university's list, roles from an organisation's.

The whole file is checked first and every problem is reported (row, column, what to fix); nothing
is imported unless the file is clean. Importing the same file twice creates nothing twice.
The columns are documented in docs/csv-import.md; blank templates are in fixtures/templates/.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask import current_app, url_for
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from placement import reference
from placement.errors import ServiceError
from placement.models import (
    WORK_MODES,
    Organisation,
    PlacementRole,
    RoleSkill,
    Skill,
    StudentProfile,
    StudentSkill,
    User,
)
from placement.models._types import utcnow
from placement.services import accounts, audit, mail

MAX_ROWS = 2000
STUDENT_COLUMNS = (
    "email",
    "given_name",
    "family_name",
    "university",
    "course",
    "rqf_level",
    "expected_graduation",
    "skills",
)
STUDENT_REQUIRED = ("email", "given_name", "family_name", "university", "course", "rqf_level")
ROLE_COLUMNS = (
    "companies_house_number",
    "title",
    "description",
    "places",
    "start_date",
    "end_date",
    "hours_per_week",
    "borough",
    "work_mode",
    "sector",
    "pay_per_hour",
    "min_rqf_level",
    "required_skills",
    "desired_skills",
)
ROLE_REQUIRED = (
    "companies_house_number",
    "title",
    "places",
    "start_date",
    "end_date",
    "hours_per_week",
    "borough",
    "work_mode",
    "sector",
    "pay_per_hour",
)
REQUIRED_SKILL_WEIGHT = 2
DESIRED_SKILL_WEIGHT = 1


@dataclass(frozen=True)
class Problem:
    """One thing to fix: row is the spreadsheet row (the header is row 1)."""

    row: int | None
    column: str | None
    message: str


class FileRejected(ServiceError):
    """The file has problems; nothing was imported."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


@dataclass
class Outcome:
    kind: str
    rows: int
    created: int = 0
    skipped: list[tuple[int, str]] = field(default_factory=list)
    # (email, single-use token) for each imported student: sent after the commit, never logged.
    invitations: list[tuple[str, str]] = field(default_factory=list)
    event_id: int | None = None


# ---------------------------------------------------------------------------------------------
# Reading the file


def read_rows(
    data: bytes, columns: tuple[str, ...]
) -> tuple[list[tuple[int, dict[str, str]]], list[Problem]]:
    """(spreadsheet row, cells) for every non-blank row, or the problems with the file's shape."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [Problem(None, None, "Save the file as 'CSV UTF-8' and upload it again")]
    if not text.strip():
        return [], [Problem(None, None, "The file is empty: use the template, with its header")]
    try:
        table = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error:
        return [], [Problem(None, None, "The file is not a valid CSV file")]
    header = [name.strip() for name in table[0]]
    problems = _header_problems(header, columns)
    if problems:
        return [], problems
    rows: list[tuple[int, dict[str, str]]] = []
    for number, cells in enumerate(table[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(header):
            problems.append(
                Problem(number, None, "The row has more cells than the header: remove them")
            )
            continue
        padded = [*cells, *[""] * (len(header) - len(cells))]
        rows.append(
            (number, {name: cell.strip() for name, cell in zip(header, padded, strict=True)})
        )
    if not rows and not problems:
        problems.append(Problem(None, None, "The file has no rows under the header"))
    if len(rows) > MAX_ROWS:
        problems.append(
            Problem(
                None,
                None,
                f"The file has {len(rows)} rows: split it into files of {MAX_ROWS} rows or fewer",
            )
        )
    return rows, problems


def _header_problems(header: list[str], columns: tuple[str, ...]) -> list[Problem]:
    problems = []
    for name in columns:
        if name not in header:
            problems.append(Problem(1, name, f"Add the column '{name}' (see the template)"))
    for name in header:
        if name not in columns:
            problems.append(
                Problem(1, name or None, f"Remove the column '{name}': it is not in the template")
            )
    seen = set()
    for name in header:
        if name in seen and name in columns:
            problems.append(Problem(1, name, f"The column '{name}' appears twice: keep one"))
        seen.add(name)
    return problems


# ---------------------------------------------------------------------------------------------
# Checking cells


class _Row:
    """Cells of one row, with parsers that record a problem instead of raising."""

    def __init__(self, number: int, cells: dict[str, str], problems: list[Problem]) -> None:
        self.number = number
        self.cells = cells
        self.problems = problems

    def problem(self, column: str | None, message: str) -> None:
        self.problems.append(Problem(self.number, column, message))

    def text(self, column: str, max_length: int, required: bool = True) -> str:
        value = self.cells.get(column, "")
        if required and not value:
            self.problem(column, f"Enter the {column.replace('_', ' ')}")
        elif len(value) > max_length:
            self.problem(column, f"{column} must be {max_length} characters or fewer")
        return value

    def whole_number(self, column: str, low: int, high: int, required: bool = True) -> int | None:
        value = self.cells.get(column, "")
        if not value:
            if required:
                self.problem(column, f"Enter the {column.replace('_', ' ')}")
            return None
        if not re.fullmatch(r"\d{1,4}", value) or not low <= int(value) <= high:
            self.problem(column, f"{column} must be a whole number from {low} to {high}")
            return None
        return int(value)

    def day(self, column: str, required: bool = True) -> date | None:
        value = self.cells.get(column, "")
        if not value:
            if required:
                self.problem(column, f"Enter the {column.replace('_', ' ')}")
            return None
        for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
            try:
                return datetime.strptime(value, pattern).date()
            except ValueError:
                continue
        self.problem(column, f"{column} must be a real date, like 2027-07-01 or 01/07/2027")
        return None

    def choice(self, column: str, allowed: dict[str, str] | tuple[str, ...], what: str) -> str:
        value = self.cells.get(column, "")
        if not value:
            self.problem(column, f"Enter the {column.replace('_', ' ')}")
        elif value not in allowed:
            self.problem(column, f"'{value}' is not a known {what}: use an id from {_where(what)}")
        return value

    def skills(self, column: str, known: set[str]) -> dict[str, int]:
        """'python:3;sql:2' -> {'python': 3, 'sql': 2}."""
        found: dict[str, int] = {}
        for part in filter(
            None, (piece.strip() for piece in self.cells.get(column, "").split(";"))
        ):
            skill, _, level = (text.strip() for text in part.partition(":"))
            if skill not in known:
                self.problem(column, f"'{skill}' is not a skill id from fixtures/skills.csv")
            elif not re.fullmatch(r"[1-5]", level):
                self.problem(column, f"Give {skill} a level from 1 to 5, like {skill}:3")
            elif skill in found:
                self.problem(column, f"{skill} is listed twice: keep one")
            else:
                found[skill] = int(level)
        return found


def _where(what: str) -> str:
    return {
        "university": "fixtures/universities.csv",
        "borough": "fixtures/london-boroughs.csv",
        "sector": "fixtures/sectors.csv",
        "work mode": "on-site, hybrid or remote",
    }.get(what, "the template")


def _email(row: _Row) -> str:
    value = row.text("email", 254)
    if not value:
        return ""
    try:
        return validate_email(value, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        row.problem("email", "Enter an email address in the correct format, like name@example.com")
        return ""


def _known_skills(session: Session) -> set[str]:
    return set(session.execute(select(Skill.id)).scalars())


# ---------------------------------------------------------------------------------------------
# Students


@dataclass
class StudentRow:
    row: int
    email: str
    values: dict[str, Any]
    skills: dict[str, int]


def _check_students(
    session: Session, rows: list[tuple[int, dict[str, str]]], problems: list[Problem]
) -> list[StudentRow]:
    known = _known_skills(session)
    universities = reference.universities()
    first_row: dict[str, int] = {}
    students = []
    for number, cells in rows:
        row = _Row(number, cells, problems)
        email = _email(row)
        if email in first_row:
            row.problem("email", f"This email address is also on row {first_row[email]}: keep one")
        elif email:
            first_row[email] = number
        values = {
            "given_name": row.text("given_name", 100),
            "family_name": row.text("family_name", 100),
            "university_id": row.choice("university", universities, "university"),
            "course": row.text("course", 200),
            "rqf_level": row.whole_number("rqf_level", 6, 8),
            "expected_graduation": row.day("expected_graduation", required=False),
        }
        students.append(StudentRow(number, email, values, row.skills("skills", known)))
    return students


def check_students(
    session: Session, rows: list[tuple[int, dict[str, str]]]
) -> tuple[list[StudentRow], list[Problem]]:
    """Every row checked against the import's rules: the students, or every problem found."""
    problems: list[Problem] = []
    students = _check_students(session, rows, problems)
    return students, problems


def import_students(session: Session, data: bytes) -> Outcome:
    """Create a draft profile and an invitation for each new student on a clean list."""
    rows, problems = read_rows(data, STUDENT_COLUMNS)
    students = _check_students(session, rows, problems) if not problems else []
    if problems:
        raise FileRejected(problems)
    outcome = invite_students(session, students, Outcome("students", len(rows)))
    _record(session, outcome, data)
    return outcome


def invite_students(session: Session, students: list[StudentRow], outcome: Outcome) -> Outcome:
    """Create a draft profile and a set-your-password link for each checked student who is new.

    The one way students are invited in bulk (a coordinator's CSV file, a university's API call);
    an address already registered is skipped, so sending the same list twice invites no one twice.
    """
    existing = _existing_emails(session, [student.email for student in students])
    invitation_hours = current_app.config["INVITATION_DAYS"] * 24
    for student in students:
        if student.email in existing:
            outcome.skipped.append((student.row, "already registered"))
            continue
        user = User(email=student.email, role="student", email_confirmed_at=utcnow())
        profile = StudentProfile(user=user, status="draft", **student.values)
        profile.skills = [StudentSkill(skill_id=s, level=lv) for s, lv in student.skills.items()]
        session.add_all([user, profile])
        session.flush()
        started = accounts.start_password_reset(session, student.email, hours=invitation_hours)
        if started is not None:
            outcome.invitations.append((student.email, started[1]))
        outcome.created += 1
    return outcome


def send_invitations(session: Session, outcome: Outcome) -> None:
    """Queue each invited student's set-your-password email in the import's own transaction."""
    days = current_app.config["INVITATION_DAYS"]
    for email, token in outcome.invitations:
        mail.send(
            session,
            email,
            "Complete your profile",
            "import_invitation",
            link=url_for("auth.reset_password", token=token, _external=True),
            forgot=url_for("auth.forgot_password", _external=True),
            days=days,
        )


def _existing_emails(session: Session, emails: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(emails), 500):
        chunk = emails[start : start + 500]
        found |= set(session.execute(select(User.email).where(User.email.in_(chunk))).scalars())
    return found


# ---------------------------------------------------------------------------------------------
# Roles


@dataclass
class _Role:
    row: int
    organisation_id: int | None
    values: dict[str, Any]
    required: dict[str, int]
    desired: dict[str, int]


def _pay_pence(row: _Row) -> int | None:
    value = row.cells.get("pay_per_hour", "").removeprefix("£").strip()
    if not value:
        row.problem("pay_per_hour", "Enter the pay per hour in pounds, like 14.80")
        return None
    if not re.fullmatch(r"\d{1,3}(\.\d{1,2})?", value):
        row.problem("pay_per_hour", "pay_per_hour must be an amount in pounds, like 14.80")
        return None
    pounds, _, pence = value.partition(".")
    return int(pounds) * 100 + int((pence + "00")[:2])


def _check_dates_and_pay(row: _Row, values: dict[str, Any]) -> None:
    start, end, pay = values["start_date"], values["end_date"], values["pay_pence_per_hour"]
    if start and end and end <= start:
        row.problem("end_date", "end_date must be after start_date")
    if start and pay:
        wage = reference.living_wage_on(start)
        if wage and pay < wage.pence_per_hour:
            row.problem(
                "pay_per_hour",
                f"Pay must be at least the London Living Wage on the start date "
                f"(£{wage.pence_per_hour / 100:.2f} an hour)",
            )


def _organisations(session: Session, numbers: set[str]) -> dict[str, int]:
    if not numbers:
        return {}
    rows = session.execute(
        select(Organisation.companies_house_number, Organisation.id).where(
            Organisation.companies_house_number.in_(numbers)
        )
    )
    return dict(rows.all())


def _company_number(value: str) -> str:
    return re.sub(r"\s+", "", value).upper()


def _check_roles(
    session: Session, rows: list[tuple[int, dict[str, str]]], problems: list[Problem]
) -> list[_Role]:
    known = _known_skills(session)
    numbers = {_company_number(cells.get("companies_house_number", "")) for _, cells in rows}
    organisations = _organisations(session, numbers - {""})
    first_row: dict[tuple[Any, ...], int] = {}
    roles = []
    for number, cells in rows:
        row = _Row(number, cells, problems)
        company = _company_number(row.text("companies_house_number", 8))
        organisation_id = organisations.get(company)
        if company and organisation_id is None:
            row.problem(
                "companies_house_number",
                f"No organisation with Companies House number {company} is registered: "
                "register or invite it first",
            )
        values: dict[str, Any] = {
            "title": row.text("title", 160),
            "description": row.text("description", 5000, required=False),
            "places": row.whole_number("places", 1, 10),
            "start_date": row.day("start_date"),
            "end_date": row.day("end_date"),
            "hours_per_week": row.whole_number("hours_per_week", 1, 48),
            "borough": row.choice("borough", reference.boroughs(), "borough"),
            "work_mode": row.choice("work_mode", WORK_MODES, "work mode"),
            "sector": row.choice("sector", reference.sectors(), "sector"),
            "pay_pence_per_hour": _pay_pence(row),
            "min_rqf_level": row.whole_number("min_rqf_level", 6, 8, required=False) or 6,
        }
        _check_dates_and_pay(row, values)
        required = row.skills("required_skills", known)
        desired = row.skills("desired_skills", known)
        for skill in sorted(set(required) & set(desired)):
            row.problem("desired_skills", f"{skill} is already a required skill: list it once")
        key = (company, values["title"].casefold(), values["start_date"])
        if key in first_row:
            row.problem("title", f"The same role is also on row {first_row[key]}: keep one")
        else:
            first_row[key] = number
        roles.append(_Role(number, organisation_id, values, required, desired))
    return roles


def _role_exists(session: Session, role: _Role) -> bool:
    return (
        session.execute(
            select(PlacementRole.id).where(
                PlacementRole.organisation_id == role.organisation_id,
                func.lower(PlacementRole.title) == role.values["title"].lower(),
                PlacementRole.start_date == role.values["start_date"],
            )
        ).first()
        is not None
    )


def import_roles(session: Session, data: bytes) -> Outcome:
    """Create each new role on a clean list as a draft its organisation then checks."""
    rows, problems = read_rows(data, ROLE_COLUMNS)
    roles = _check_roles(session, rows, problems) if not problems else []
    if problems:
        raise FileRejected(problems)
    outcome = Outcome("roles", len(rows))
    for role in roles:
        if _role_exists(session, role):
            outcome.skipped.append((role.row, "already imported"))
            continue
        created = PlacementRole(organisation_id=role.organisation_id, status="draft", **role.values)
        created.skills = _role_skills(role.required, True) + _role_skills(role.desired, False)
        session.add(created)
        session.flush()
        outcome.created += 1
    _record(session, outcome, data)
    return outcome


def _role_skills(skills: dict[str, int], required: bool) -> list[RoleSkill]:
    weight = REQUIRED_SKILL_WEIGHT if required else DESIRED_SKILL_WEIGHT
    return [
        RoleSkill(skill_id=skill, level=level, weight=weight, required=required)
        for skill, level in skills.items()
    ]


# ---------------------------------------------------------------------------------------------
# The record of an import


def _record(session: Session, outcome: Outcome, data: bytes) -> None:
    event = audit.record(
        session,
        f"{outcome.kind}_imported",
        object_type="import",
        detail={
            "rows": outcome.rows,
            "created": outcome.created,
            "skipped": [[row, reason] for row, reason in outcome.skipped],
            "file_sha256": hashlib.sha256(data).hexdigest(),
        },
    )
    session.flush()
    outcome.event_id = event.id


IMPORT_ACTIONS = ("students_imported", "roles_imported")
