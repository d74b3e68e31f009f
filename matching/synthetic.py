"""Seeded generator of realistic synthetic rounds, for tests and benchmarks."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from .formats import ROUND_FORMAT, WORK_MODES
from .geography import BOROUGH_IDS

SKILLS: tuple[str, ...] = (
    "python",
    "sql",
    "excel",
    "javascript",
    "typescript",
    "react",
    "java",
    "csharp",
    "r",
    "statistics",
    "machine-learning",
    "data-visualisation",
    "tableau",
    "power-bi",
    "cloud-aws",
    "cloud-azure",
    "linux",
    "networking",
    "cyber-security",
    "ux-research",
    "ui-design",
    "figma",
    "content-design",
    "accessibility",
    "agile-delivery",
    "product-management",
    "user-support",
    "copywriting",
    "seo",
    "social-media",
    "crm",
    "project-management",
    "testing",
    "devops",
    "git",
    "api-design",
    "geospatial",
    "finance-modelling",
    "digital-marketing",
    "video-editing",
)
SECTORS: tuple[str, ...] = (
    "charity",
    "creative",
    "education",
    "energy",
    "finance",
    "health",
    "public-sector",
    "retail",
    "technology",
    "transport",
)
SUMMER = dt.date(2026, 6, 1)


def _day(base: dt.date, days: int) -> str:
    return (base + dt.timedelta(days=days)).isoformat()


def _modes(rng: random.Random) -> list[str]:
    if rng.random() < 0.6:
        return list(WORK_MODES)
    return sorted(rng.sample(WORK_MODES, rng.randint(1, 2)))


def _student(rng: random.Random, index: int, role_ids: list[str]) -> dict[str, Any]:
    skills = rng.sample(SKILLS, rng.randint(3, 8))
    start = rng.choice((-14, -7, 0, 0, 0, 7, 14))
    preferences = rng.sample(role_ids, min(len(role_ids), rng.choice((0, 2, 3, 5, 5))))
    return {
        "id": f"s{index:05d}",
        "rqf_level": rng.choices((6, 7, 8), weights=(6, 3, 1))[0],
        "skills": {skill: rng.randint(1, 5) for skill in skills},
        "available_from": _day(SUMMER, start),
        "available_until": _day(SUMMER, 120 + rng.choice((-21, 0, 0, 14, 30))),
        "hours_per_week": rng.choice((15, 20, 25, 30, 35, 37, 40)),
        "borough": None if rng.random() < 0.05 else rng.choice(BOROUGH_IDS),
        "work_modes": _modes(rng),
        "right_to_work": rng.random() < 0.97,
        "sectors": rng.sample(SECTORS, rng.randint(0, 3)),
        "preferences": preferences,
    }


def _role_skills(rng: random.Random) -> dict[str, dict[str, Any]]:
    return {
        skill: {
            "level": rng.randint(1, 4),
            "weight": rng.randint(1, 3),
            "required": rng.random() < 0.25,
        }
        for skill in rng.sample(SKILLS, rng.randint(2, 6))
    }


def _role(rng: random.Random, index: int, student_ids: list[str]) -> dict[str, Any]:
    start = rng.choice((0, 7, 14, 21))
    return {
        "id": f"r{index:04d}",
        "organisation": f"Organisation {index // 3 + 1}",
        "places": rng.choices((1, 2, 3, 4, 5), weights=(3, 3, 2, 1, 1))[0],
        "min_rqf_level": rng.choices((6, 7, 8), weights=(14, 5, 1))[0],
        "skills": _role_skills(rng),
        "start": _day(SUMMER, start),
        "end": _day(SUMMER, start + rng.choice((56, 70, 84, 98))),
        "hours_per_week": rng.choice((15, 20, 25, 30, 35)),
        "borough": rng.choice(BOROUGH_IDS),
        "work_mode": rng.choices(WORK_MODES, weights=(3, 5, 2))[0],
        "sector": rng.choice(SECTORS),
        "preferences": rng.sample(student_ids, min(len(student_ids), rng.choice((0, 0, 2, 4)))),
    }


def synthetic_round(
    n_students: int, n_roles: int, seed: int = 0, **parameters: Any
) -> dict[str, Any]:
    """A realistic random round: London boroughs, skills, dates, preferences; valid by construction.

    Parameters
    ----------
    n_students, n_roles : int
        Sizes; roles have 1-5 places (2.3 on average).
    seed : int
        Seeds the generator and the round's own lottery.
    **parameters
        Overrides for the round's ``parameters`` (``objective``, ``min_score``, ``weights``).

    Examples
    --------
    >>> round_ = synthetic_round(3, 2, seed=4)
    >>> len(round_["students"]), len(round_["roles"])
    (3, 2)
    """
    rng = random.Random(seed)
    student_ids = [f"s{i:05d}" for i in range(n_students)]
    role_ids = [f"r{j:04d}" for j in range(n_roles)]
    roles = [_role(rng, j, student_ids) for j in range(n_roles)]
    students = [_student(rng, i, role_ids) for i in range(n_students)]
    return {
        "format": ROUND_FORMAT,
        "parameters": {"seed": seed, **parameters},
        "students": students,
        "roles": roles,
    }


def tied_round(n_students: int, n_roles: int, seed: int = 0, **parameters: Any) -> dict[str, Any]:
    """A round in which every student and every role look alike, so many assignments tie.

    Students differ only in id, roles only in id and number of places; nobody states preferences.
    Useful to check that ties are broken by the seeded lottery and not by input or id order.
    """
    rng = random.Random(seed)
    snapshot = synthetic_round(1, 1, seed=seed, **parameters)
    student, role = snapshot["students"][0], snapshot["roles"][0]
    role.update(min_rqf_level=6, preferences=[], start="2026-07-01", end="2026-08-31")
    role["skills"] = {skill: dict(asked, required=False) for skill, asked in role["skills"].items()}
    student.update(
        rqf_level=7,
        right_to_work=True,
        preferences=[],
        available_from="2026-06-01",
        available_until="2026-09-30",
        hours_per_week=40,
        work_modes=list(WORK_MODES),
    )
    snapshot["students"] = [dict(student, id=f"t{i:03d}") for i in range(n_students)]
    snapshot["roles"] = [
        dict(role, id=f"q{j:03d}", places=rng.randint(1, 3)) for j in range(n_roles)
    ]
    return snapshot


def student_profile(student_id: str = "s1", **overrides: Any) -> dict[str, Any]:
    """A student who meets every hard rule of :func:`role_profile`, with fields overridden."""
    student = {
        "id": student_id,
        "rqf_level": 7,
        "skills": {"python": 3, "sql": 2},
        "available_from": "2026-06-01",
        "available_until": "2026-09-30",
        "hours_per_week": 35,
        "borough": "camden",
        "work_modes": list(WORK_MODES),
        "right_to_work": True,
        "sectors": ["technology"],
        "preferences": [],
    }
    return {**student, **overrides}


def role_profile(role_id: str = "r1", **overrides: Any) -> dict[str, Any]:
    """A role that :func:`student_profile` can take, with fields overridden."""
    role = {
        "id": role_id,
        "organisation": "Example Ltd",
        "places": 1,
        "min_rqf_level": 6,
        "skills": {"python": {"level": 3, "weight": 2, "required": True}},
        "start": "2026-07-01",
        "end": "2026-08-31",
        "hours_per_week": 30,
        "borough": "camden",
        "work_mode": "on-site",
        "sector": "technology",
        "preferences": [],
    }
    return {**role, **overrides}


def round_of(
    students: list[dict[str, Any]], roles: list[dict[str, Any]], **sections: Any
) -> dict[str, Any]:
    """A snapshot of these students and roles; ``sections`` sets parameters, locked, forbidden."""
    return {"format": ROUND_FORMAT, "students": students, "roles": roles, **sections}
