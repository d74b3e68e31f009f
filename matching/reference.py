"""A plain per-pair reference implementation of the hard rules and the score.

Deliberately written pair by pair in pure Python, sharing no code with the vectorised engine, so
that :func:`matching.check_result` and the tests can check the engine against it.
"""

from __future__ import annotations

from typing import Any

from .geography import travel_km

NEUTRAL = 0.5
POINTS = 10**6  # a perfect score
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


def split_points(total: int, shares: list[int]) -> list[int]:
    """Largest remainder: ``total`` points in proportion to ``shares``, ties to the earlier one."""
    whole = sum(shares)
    if whole == 0:
        return [0] * len(shares)
    points = [total * share // whole for share in shares]
    by_remainder = sorted(range(len(shares)), key=lambda i: (-(total * shares[i] % whole), i))
    for i in by_remainder[: total - sum(points)]:
        points[i] += 1
    return points


def budgets(weights: dict[str, float]) -> dict[str, int]:
    """Each component's points out of 10**6, in proportion to its weight."""
    names = list(weights)
    points = split_points(POINTS, [round(weights[n] * 10**12) for n in names])
    return dict(zip(names, points, strict=True))


def skill_points(student: dict, role: dict, budget: int) -> int:
    """Each asked skill's share (by weight x level) of the budget, earned in proportion to level."""
    if not role["skills"]:
        return budget
    asked = sorted(role["skills"].items())
    shares = split_points(budget, [a["weight"] * a["level"] for _, a in asked])
    return sum(
        share * min(student["skills"].get(skill, 0), a["level"]) // a["level"]
        for share, (skill, a) in zip(shares, asked, strict=True)
    )


def travel_points(student: dict, role: dict, budget: int) -> int:
    if role["work_mode"] != "remote" and student["borough"] is None:
        return budget // 2
    return round(budget * travel_fit(student, role))


def preference_points(student: dict, role: dict, budget: int) -> int:
    half = budget // 2
    points = 0
    if role["id"] in student["preferences"]:
        points += half * (5 - student["preferences"].index(role["id"])) // 5
    if student["id"] in role["preferences"]:
        length = max(5, len(role["preferences"]))
        points += (budget - half) * (length - role["preferences"].index(student["id"])) // length
    return points


def sector_points(student: dict, role: dict, budget: int) -> int:
    if not student["sectors"]:
        return budget // 2
    return budget if role["sector"] in student["sectors"] else 0


def pair_points(student: dict, role: dict, budget: dict[str, int]) -> int:
    """Points (out of 10**6) for one pair, given the components' budgets (:func:`budgets`)."""
    return (
        skill_points(student, role, budget["skills"])
        + travel_points(student, role, budget["travel"])
        + preference_points(student, role, budget["preferences"])
        + sector_points(student, role, budget["sector"])
    )


def pair_score(student: dict, role: dict, weights: dict[str, float]) -> tuple[float, dict]:
    """Score (points / 10**6) and its breakdown (component values) for one pair."""
    points = pair_points(student, role, budgets(weights))
    breakdown = {
        "skills": skill_fit(student, role),
        "travel": travel_fit(student, role),
        "preferences": preference_fit(student, role),
        "sector": sector_fit(student, role),
    }
    return points / POINTS, breakdown


def all_pairs(snapshot: dict[str, Any]) -> dict[tuple[str, str], float]:
    """Score of every feasible pair, by ``(student_id, role_id)``: the per-pair Python loop."""
    forbidden = {(p["student"], p["role"]) for p in snapshot["forbidden"]}
    budget = budgets(snapshot["parameters"]["weights"])
    scores = {}
    for student in snapshot["students"]:
        for role in snapshot["roles"]:
            key = (student["id"], role["id"])
            if pair_is_feasible(student, role, key in forbidden):
                scores[key] = pair_points(student, role, budget) / POINTS
    return scores
