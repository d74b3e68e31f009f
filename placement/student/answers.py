"""The student's answers as GOV.UK summary list rows, for check-your-answers and read-only pages."""

from __future__ import annotations

from typing import Any

from flask import url_for
from markupsafe import Markup, escape

from placement import reference
from placement.models import StudentProfile
from placement.services import students
from placement.student.helpers import (
    RETURN_TO_CHECK,
    TASK_ENDPOINTS,
    long_date,
    month_year,
    skill_level_name,
)

NOT_GIVEN = "Not given"


def _list(items: list[str]) -> Markup:
    if not items:
        return Markup(NOT_GIVEN)
    lines = Markup("").join(Markup("<li>{}</li>").format(item) for item in items)
    return Markup('<ul class="govuk-list">{}</ul>').format(lines)


def _text(value: object) -> Markup:
    return escape(value) if value not in (None, "") else Markup(NOT_GIVEN)


def _about(profile: StudentProfile) -> list[tuple[str, Markup]]:
    return [
        ("First name", _text(profile.given_name)),
        ("Last name", _text(profile.family_name)),
        ("Telephone number", _text(profile.phone)),
    ]


def _course(profile: StudentProfile) -> list[tuple[str, Markup]]:
    level = reference.RQF_LEVELS.get(profile.rqf_level or 0)
    return [
        ("University", _text(reference.universities().get(profile.university_id or ""))),
        ("Course", _text(profile.course)),
        ("Level", _text(level)),
        ("Expected graduation", _text(month_year(profile.expected_graduation))),
    ]


def _skills(profile: StudentProfile) -> list[tuple[str, Markup]]:
    rows = sorted(profile.skills, key=lambda row: row.skill.label.lower())
    return [
        (
            "Skills",
            _list(
                [f"{row.skill.label}: {row.level} {skill_level_name(row.level)}" for row in rows]
            ),
        )
    ]


def _availability(profile: StudentProfile) -> list[tuple[str, Markup]]:
    hours = f"{profile.hours_per_week} hours a week" if profile.hours_per_week else None
    return [
        ("First day you can start", _text(long_date(profile.available_from))),
        ("Last day you can work", _text(long_date(profile.available_until))),
        ("Hours a week", _text(hours)),
    ]


def _where(profile: StudentProfile) -> list[tuple[str, Markup]]:
    modes = [reference.WORK_MODE_LABELS[mode] for mode in profile.work_modes or []]
    borough = reference.boroughs().get(profile.borough or "")
    if not borough and list(profile.work_modes or []) == ["remote"]:
        borough = "Not given (remote work only)"
    return [("Ways of working", _list(modes)), ("Home borough", _text(borough))]


def _right_to_work(profile: StudentProfile) -> list[tuple[str, Markup]]:
    answer = {True: "Yes", False: "No", None: None}[profile.right_to_work]
    return [("Right to work in the UK", _text(answer))]


def _sectors(profile: StudentProfile) -> list[tuple[str, Markup]]:
    names = reference.sectors()
    return [("Sectors", _list([names.get(key, key) for key in profile.sectors or []]))]


_ROWS = {
    "about": _about,
    "course": _course,
    "skills": _skills,
    "availability": _availability,
    "where": _where,
    "right_to_work": _right_to_work,
    "sectors": _sectors,
}


def summary_rows(profile: StudentProfile, task: str, *, change: bool) -> list[dict[str, Any]]:
    """govukSummaryList rows for one task, with 'Change' links when the profile may be edited."""
    rows = []
    for key, value in _ROWS[task](profile):
        row: dict[str, Any] = {"key": {"text": key}, "value": {"html": value}}
        if change:
            href = url_for(TASK_ENDPOINTS[task], return_to=RETURN_TO_CHECK)
            row["actions"] = {
                "items": [{"href": href, "text": "Change", "visuallyHiddenText": key.lower()}]
            }
        rows.append(row)
    return rows


def all_sections(profile: StudentProfile, *, change: bool) -> list[dict[str, Any]]:
    return [
        {"key": task, "title": title, "rows": summary_rows(profile, task, change=change)}
        for task, title in students.TASKS.items()
    ]
