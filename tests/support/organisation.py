"""Helpers for the organisation area's tests: a role form as a browser would post it."""

from __future__ import annotations

from datetime import date
from typing import Any

from placement.services.roles import RoleDetails, SkillAsk


def role_form(
    skills: list[tuple[str, int, int, str]] | None = None, **fields: Any
) -> dict[str, Any]:
    """Form data for the role form; skills are (skill id, level, importance, required|desired)."""
    data: dict[str, Any] = {
        "title": "Junior data analyst",
        "description": "Help the team understand its customers.",
        "places": "2",
        "start_date-day": "1",
        "start_date-month": "7",
        "start_date-year": "2027",
        "end_date-day": "31",
        "end_date-month": "8",
        "end_date-year": "2027",
        "hours_per_week": "30",
        "pay": "15.00",
        "borough": "hackney",
        "work_mode": "hybrid",
        "sector": "fintech",
        "min_rqf_level": "6",
        "action": "draft",
    }
    rows = (
        skills if skills is not None else [("python", 2, 3, "required"), ("sql", 2, 2, "desired")]
    )
    data["skill_choice"] = [skill for skill, *_ in rows]
    for index, (skill, level, weight, required) in enumerate(rows):
        data[f"skills-{index}-skill"] = skill
        data[f"skills-{index}-level"] = str(level)
        data[f"skills-{index}-weight"] = str(weight)
        data[f"skills-{index}-required"] = required
    data.update(fields)
    return data


def role_details(**fields: Any) -> RoleDetails:
    """Sound details for the role services; override any field."""
    values: dict[str, Any] = {
        "title": "Junior data analyst",
        "description": "Help the team understand its customers.",
        "places": 2,
        "start_date": date(2027, 7, 1),
        "end_date": date(2027, 8, 31),
        "hours_per_week": 30,
        "borough": "hackney",
        "work_mode": "hybrid",
        "sector": "fintech",
        "pay_pence_per_hour": 1500,
        "min_rqf_level": 6,
        "skills": [SkillAsk("python", 2, 3, True, 0), SkillAsk("sql", 2, 2, False, 1)],
    }
    values.update(fields)
    return RoleDetails(**values)
