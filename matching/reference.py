"""A plain per-pair reference implementation of the hard rules and the score.

Deliberately written pair by pair in pure Python, sharing no code with the vectorised engine, so
that :func:`matching.check_result` and the tests can check the engine against it.
"""

from __future__ import annotations

from typing import Any

from .geography import travel_km

NEUTRAL = 0.5
TRAVEL_LIMIT_KM = {"on-site": 40.0, "hybrid": 80.0}


def pair_is_feasible(student: dict, role: dict, forbidden: bool) -> bool:
    """Whether a pair passes every hard rule (see ``docs/round-format.md``)."""
    return (
        student["rqf_level"] >= role["min_rqf_level"]
        and student["right_to_work"]
        and student["available_from"] <= role["start"]
        and student["available_until"] >= role["end"]
        and role["hours_per_week"] <= student["hours_per_week"]
        and role["work_mode"] in student["work_modes"]
        and all(
            student["skills"].get(skill, 0) >= asked["level"]
            for skill, asked in role["skills"].items()
            if asked["required"]
        )
        and not forbidden
    )


def skill_fit(student: dict, role: dict) -> float:
    """Weighted share of asked levels reached (1.0 for a role asking no skills)."""
    asked_total = sum(a["weight"] * a["level"] for a in role["skills"].values())
    if asked_total == 0:
        return 1.0
    reached = sum(
        a["weight"] * min(student["skills"].get(skill, 0), a["level"])
        for skill, a in role["skills"].items()
    )
    return reached / asked_total


def travel_fit(student: dict, role: dict) -> float:
    """1 if remote; else linear down to 0 at 40 km (80 km hybrid); 0.5 if the borough is unknown."""
    if role["work_mode"] == "remote":
        return 1.0
    if student["borough"] is None:
        return NEUTRAL
    km = travel_km(student["borough"], role["borough"])
    return max(0.0, 1.0 - km / TRAVEL_LIMIT_KM[role["work_mode"]])


def preference_fit(student: dict, role: dict) -> float:
    """Half the student's rank of the role, half the role's rank of the student."""
    student_part = role_part = 0.0
    if role["id"] in student["preferences"]:
        student_part = (6 - (student["preferences"].index(role["id"]) + 1)) / 5
    if student["id"] in role["preferences"]:
        length = max(5, len(role["preferences"]))
        role_part = (length + 1 - (role["preferences"].index(student["id"]) + 1)) / length
    return 0.5 * student_part + 0.5 * role_part


def sector_fit(student: dict, role: dict) -> float:
    """1 if the role's sector is among the student's, 0 if not, 0.5 if the student listed none."""
    if not student["sectors"]:
        return NEUTRAL
    return 1.0 if role["sector"] in student["sectors"] else 0.0


def pair_score(student: dict, role: dict, weights: dict[str, float]) -> tuple[float, dict]:
    """Score (rounded to 6 decimals) and its breakdown for one pair."""
    breakdown = {
        "skills": skill_fit(student, role),
        "travel": travel_fit(student, role),
        "preferences": preference_fit(student, role),
        "sector": sector_fit(student, role),
    }
    total = 0.0
    for name, value in breakdown.items():
        if weights[name]:
            total += weights[name] * value
    return min(1.0, max(0.0, round(total, 6))), breakdown


def all_pairs(snapshot: dict[str, Any]) -> dict[tuple[str, str], float]:
    """Score of every feasible pair, by ``(student_id, role_id)``: the per-pair Python loop."""
    forbidden = {(p["student"], p["role"]) for p in snapshot["forbidden"]}
    weights = snapshot["parameters"]["weights"]
    scores = {}
    for student in snapshot["students"]:
        for role in snapshot["roles"]:
            key = (student["id"], role["id"])
            if pair_is_feasible(student, role, key in forbidden):
                scores[key] = pair_score(student, role, weights)[0]
    return scores
