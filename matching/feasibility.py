"""Hard rules: which student-role pairs may be matched at all."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .problem import LEVELS, Problem

RULES: tuple[str, ...] = (
    "min_rqf_level",
    "right_to_work",
    "dates",
    "hours_per_week",
    "work_mode",
    "skills",
    "forbidden",
)


@dataclass(frozen=True)
class SkillProducts:
    """Results of the one float32 matrix product shared by scoring and feasibility.

    Attributes
    ----------
    levels_met : ndarray, shape (n_students, n_roles), float32
        ``sum_k weight[r, k] * min(level[s, k], asked[r, k])`` (exact small integers).
    required_met : ndarray, shape (n_students, n_roles), float32
        Number of the role's required skills the student has at the asked level or above.
    """

    levels_met: np.ndarray
    required_met: np.ndarray


def student_encoding(levels: np.ndarray) -> np.ndarray:
    """Cumulative "has at least level L" encoding.

    Parameters
    ----------
    levels : ndarray, shape (n_students, n_skills), int
        Level 1-5, 0 for a missing skill.

    Returns
    -------
    ndarray, shape (n_students, n_skills * 5), float32
        Column ``5 k + L - 1`` is 1 when the student has skill ``k`` at level ``L`` or above.

    Examples
    --------
    >>> student_encoding(np.array([[2]])).tolist()
    [[1.0, 1.0, 0.0, 0.0, 0.0]]
    """
    thresholds = np.arange(1, LEVELS + 1, dtype=levels.dtype)
    encoded = levels[:, :, None] >= thresholds
    return encoded.reshape(levels.shape[0], levels.shape[1] * LEVELS).astype(np.float32)


def role_encoding(problem: Problem) -> np.ndarray:
    """Role side of the skill product: weighted cumulative levels, then required-level markers.

    Returns
    -------
    ndarray, shape (n_skills * 5, 2 * n_roles), float32
        Columns ``[:n_roles]`` hold ``weight`` at every level up to the asked one; columns
        ``[n_roles:]`` hold 1 at exactly the asked level of each required skill.
    """
    thresholds = np.arange(1, LEVELS + 1, dtype=problem.role_levels.dtype)
    levels = problem.role_levels[:, :, None]
    weighted = (thresholds <= levels) * problem.role_weights[:, :, None]
    required = (thresholds == levels) & problem.role_required[:, :, None]
    n_roles, width = problem.role_levels.shape[0], problem.role_levels.shape[1] * LEVELS
    stacked = np.concatenate([weighted.reshape(n_roles, width), required.reshape(n_roles, width)])
    return np.ascontiguousarray(stacked.T, dtype=np.float32)


def skill_products(problem: Problem) -> SkillProducts:
    """Compute :class:`SkillProducts` with a single float32 matrix product ``S @ R``."""
    n_roles = problem.role_levels.shape[0]
    product = student_encoding(problem.student_levels) @ role_encoding(problem)
    return SkillProducts(levels_met=product[:, :n_roles], required_met=product[:, n_roles:])


def rule_masks(problem: Problem, products: SkillProducts | None = None) -> dict[str, np.ndarray]:
    """Which pairs pass each hard rule.

    Returns
    -------
    dict of str to ndarray, shape (n_students, n_roles), bool
        One entry per name in :data:`RULES`; True where the pair passes that rule.
    """
    products = products or skill_products(problem)
    shape = problem.shape
    n_required = problem.role_required.sum(axis=1)
    masks = {
        "min_rqf_level": problem.rqf_level[:, None] >= problem.min_rqf_level[None, :],
        "right_to_work": np.broadcast_to(problem.right_to_work[:, None], shape),
        "dates": (problem.available_from[:, None] <= problem.start[None, :])
        & (problem.available_until[:, None] >= problem.end[None, :]),
        "hours_per_week": problem.role_hours[None, :] <= problem.student_hours[:, None],
        "work_mode": (problem.student_modes[:, None] & problem.role_mode[None, :]) != 0,
        "skills": products.required_met >= n_required[None, :],
        "forbidden": ~problem.forbidden,
    }
    return {rule: np.broadcast_to(mask, shape) for rule, mask in masks.items()}


def feasible_mask(problem: Problem, masks: dict[str, np.ndarray] | None = None) -> np.ndarray:
    """Pairs that pass every hard rule.

    Returns
    -------
    ndarray, shape (n_students, n_roles), bool

    Notes
    -----
    A pair is infeasible when the student's level is below the role's ``min_rqf_level``, the student
    has no right to work, the availability window does not cover the role's dates, the role's hours
    exceed the student's, the work mode is not one the student accepts, a required skill is missing
    or below its level, or the pair is forbidden.
    """
    masks = masks or rule_masks(problem)
    feasible = np.ones(problem.shape, dtype=bool)
    for mask in masks.values():
        feasible &= mask
    return feasible


def rule_failures(student: dict, role: dict, forbidden: bool = False) -> list[str]:
    """Plain-English list of the hard rules a pair fails (empty when feasible).

    Parameters
    ----------
    student, role : dict
        Entries of a normalised snapshot.
    forbidden : bool
        Whether the pair is listed in ``forbidden``.

    Examples
    --------
    >>> from matching.synthetic import role_profile, student_profile
    >>> rule_failures(student_profile(rqf_level=6), role_profile(min_rqf_level=7))
    ['needs Level 7 or above (you are Level 6)']
    """
    failures = []
    if student["rqf_level"] < role["min_rqf_level"]:
        level, own = role["min_rqf_level"], student["rqf_level"]
        failures.append(f"needs Level {level} or above (you are Level {own})")
    if not student["right_to_work"]:
        failures.append("needs the right to work in the UK")
    if student["available_from"] > role["start"] or student["available_until"] < role["end"]:
        failures.append(
            f"runs {role['start']} to {role['end']}; you are available "
            f"{student['available_from']} to {student['available_until']}"
        )
    if role["hours_per_week"] > student["hours_per_week"]:
        hours, own = role["hours_per_week"], student["hours_per_week"]
        failures.append(f"needs {hours} hours a week (you offer {own})")
    if role["work_mode"] not in student["work_modes"]:
        failures.append(f"is {role['work_mode']} work; you did not choose {role['work_mode']}")
    failures.extend(_missing_required(student, role))
    if forbidden:
        failures.append("this pairing is excluded by the coordinator")
    return failures


def _missing_required(student: dict, role: dict) -> list[str]:
    missing = []
    for skill, asked in sorted(role["skills"].items()):
        have = student["skills"].get(skill, 0)
        if asked["required"] and have < asked["level"]:
            own = f"you have {have}" if have else "you do not have it"
            missing.append(f"needs {skill} at level {asked['level']} ({own})")
    return missing
