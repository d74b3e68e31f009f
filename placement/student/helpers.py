"""What every page of the student area shares: the signed-in student's profile and wording."""

from __future__ import annotations

from datetime import date

from flask import request, url_for
from flask_login import current_user

from placement import reference
from placement.extensions import db
from placement.models import StudentProfile
from placement.services import students
from placement.student import bp

TASK_ENDPOINTS = {
    "about": "student.about",
    "course": "student.course",
    "skills": "student.skills",
    "availability": "student.availability",
    "where": "student.where",
    "right_to_work": "student.right_to_work",
    "sectors": "student.sectors",
}
STATUS_NAMES = {
    "draft": "Draft",
    "submitted": "Submitted for matching",
    "withdrawn": "Withdrawn from matching",
}
RETURN_TO_CHECK = "check"


def current_profile() -> StudentProfile:
    """The signed-in student's own profile: the only profile any page here reads or writes."""
    user = current_user._get_current_object()
    created = user.student_profile is None
    profile = students.profile_for(db.session, user)
    if created:
        db.session.commit()
    return profile


def returning_to_check() -> bool:
    return request.args.get("return_to") == RETURN_TO_CHECK


def after_task() -> str:
    """Where a saved task page goes: back to check your answers if it came from there."""
    if returning_to_check():
        return url_for("student.check_answers")
    return url_for("student.dashboard")


def task_back_link() -> str:
    return after_task()


def long_date(day: date | None) -> str:
    return f"{day.day} {day:%B %Y}" if day else ""


def month_year(day: date | None) -> str:
    return f"{day:%B %Y}" if day else ""


def pounds(pence: int) -> str:
    return f"£{pence // 100}.{pence % 100:02d}"


def skill_level_name(level: int) -> str:
    return reference.skill_levels()[level][0]


def ordinal(number: int) -> str:
    if 10 <= number % 100 <= 20:
        return f"{number}th"
    return f"{number}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(number % 10, 'th') }"


@bp.context_processor
def _wording() -> dict[str, object]:
    return {
        "long_date": long_date,
        "month_year": month_year,
        "pounds": pounds,
        "skill_level_name": skill_level_name,
        "ordinal": ordinal,
        "borough_name": lambda key: reference.boroughs().get(key or "", ""),
        "sector_name": lambda key: reference.sectors().get(key or "", key or ""),
        "work_mode_name": lambda key: reference.WORK_MODE_LABELS.get(key or "", key or ""),
        "university_name": lambda key: reference.universities().get(key or "", ""),
        "status_name": lambda key: STATUS_NAMES.get(key, key),
    }
