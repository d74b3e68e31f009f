"""Scores: a weighted sum of four components in [0, 1], for every pair at once."""

from __future__ import annotations

import numpy as np

from .feasibility import SkillProducts, skill_products
from .formats import COMPONENTS, MAX_STUDENT_PREFERENCES, SCORE_DECIMALS
from .geography import distance_table_km
from .problem import MODE_BITS, Problem

SCORE_UNIT = 10**SCORE_DECIMALS  # scores are compared as whole millionths
TRAVEL_LIMIT_KM = 40.0  # on-site travel credit falls to 0 at this distance
NEUTRAL = 0.5  # component value when the data to judge it is missing


def skill_component(problem: Problem, products: SkillProducts) -> np.ndarray:
    """Skill fit: weighted share of the asked levels the student reaches.

    Returns
    -------
    ndarray, shape (n_students, n_roles), float64

    Notes
    -----
    ``fit[s, r] = sum_k w[r,k] * min(level[s,k], asked[r,k]) / sum_k w[r,k] * asked[r,k]``, and 1
    for a role that asks for no skills. A skill held below the asked level earns partial credit
    (level 2 of an asked 3 earns 2/3 of that skill's weight); a missing skill earns nothing. The
    numerator is the float32 product ``S @ R`` (exact: small integers).
    """
    total = (problem.role_weights.astype(np.int64) * problem.role_levels).sum(axis=1)
    no_skills = total == 0
    fit = np.divide(products.levels_met, np.where(no_skills, 1, total).astype(np.float64))
    fit[:, no_skills] = 1.0
    return fit


def travel_table(problem: Problem) -> np.ndarray:
    """Travel component per (student borough, role), the last row for an unknown borough.

    Returns
    -------
    ndarray, shape (34, n_roles), float64
    """
    km = np.array(distance_table_km(), dtype=np.float64)[:, problem.role_borough]
    hybrid = problem.role_mode == MODE_BITS["hybrid"]
    limit = np.where(hybrid, 2 * TRAVEL_LIMIT_KM, TRAVEL_LIMIT_KM)
    table = np.vstack([np.maximum(0.0, 1.0 - km / limit), np.full(len(limit), NEUTRAL)])
    table[:, problem.role_mode == MODE_BITS["remote"]] = 1.0
    return table


def travel_component(problem: Problem) -> np.ndarray:
    """Travel: 1 for remote roles, falling with centroid distance otherwise.

    Notes
    -----
    On-site: ``max(0, 1 - km / 40)``; hybrid: ``max(0, 1 - km / 80)`` (travel counts half); remote:
    1. ``km`` is the haversine distance between the student's and the role's borough centroids. A
    student without a recorded borough gets the neutral 0.5 for on-site and hybrid roles.

    Returns
    -------
    ndarray, shape (n_students, n_roles), float64
    """
    return travel_table(problem)[problem.student_borough]


def preference_component(problem: Problem) -> np.ndarray:
    """Mutual preferences by rank: half from the student's list, half from the role's.

    Notes
    -----
    Student part: ``(6 - rank) / 5`` (1st = 1.0 ... 5th = 0.2), 0 when not listed. Role part:
    ``(P + 1 - rank) / P`` with ``P = max(5, length of the role's list)``, 0 when not listed.
    Lists are short, so the matrix is filled only where a rank exists.

    Returns
    -------
    ndarray, shape (n_students, n_roles), float64
    """
    value = np.zeros(problem.shape, dtype=np.float64)
    rows, cols, rank = problem.student_prefs.T
    value[rows, cols] = 0.5 * ((MAX_STUDENT_PREFERENCES + 1 - rank) / MAX_STUDENT_PREFERENCES)
    rows, cols, rank = problem.role_prefs.T
    length = np.maximum(MAX_STUDENT_PREFERENCES, problem.role_pref_length[cols])
    value[rows, cols] += 0.5 * ((length + 1 - rank) / length)
    return value


def sector_component(problem: Problem) -> np.ndarray:
    """Sector interest: 1 if the role's sector is one the student listed, 0 if not, 0.5 if none.

    Returns
    -------
    ndarray, shape (n_students, n_roles), float64
    """
    values = np.where(problem.has_sectors[:, None], problem.student_sectors, NEUTRAL)
    return values[:, problem.role_sector]


def component_matrices(
    problem: Problem, products: SkillProducts | None = None
) -> dict[str, np.ndarray]:
    """Every score component for every pair, keyed by the names in ``COMPONENTS``."""
    products = products or skill_products(problem)
    return {
        "skills": skill_component(problem, products),
        "travel": travel_component(problem),
        "preferences": preference_component(problem),
        "sector": sector_component(problem),
    }


def weighted_total(
    problem: Problem, weights: dict[str, float], components: dict[str, np.ndarray]
) -> np.ndarray:
    """``sum_c weights[c] * component_c`` before rounding, shape (n_students, n_roles), float64."""
    total = np.zeros(problem.shape, dtype=np.float64) if not any(weights.values()) else None
    buffer = None
    for name in COMPONENTS:
        if not weights[name]:
            continue
        if total is None:
            total = np.multiply(components[name], weights[name])
        else:
            buffer = np.multiply(components[name], weights[name], out=buffer)
            total += buffer
    return total


def score_matrix(
    problem: Problem,
    weights: dict[str, float],
    components: dict[str, np.ndarray] | None = None,
) -> np.ndarray:
    """Scores of every pair, rounded to 6 decimals.

    Parameters
    ----------
    weights : dict of str to float
        Normalised weights (summing to 1) for ``skills``, ``travel``, ``preferences``, ``sector``.
    components : dict of str to ndarray, optional
        From :func:`component_matrices` (computed when omitted).

    Returns
    -------
    ndarray, shape (n_students, n_roles), float64
        ``round(sum_c weights[c] * component_c, 6)`` in [0, 1]. Infeasible pairs are scored too;
        the caller masks them.
    """
    return score_units_matrix(problem, weights, components) / SCORE_UNIT


def score_units_matrix(
    problem: Problem,
    weights: dict[str, float],
    components: dict[str, np.ndarray] | None = None,
) -> np.ndarray:
    """Scores in whole millionths, ``rint(10**6 * weighted total)``, shape (n_students, n_roles).

    Every component is in [0, 1] and the weights sum to 1, so the result is in [0, 10**6].
    """
    components = components or component_matrices(problem)
    total = weighted_total(problem, weights, components)
    total *= SCORE_UNIT
    np.rint(total, out=total)
    return total.astype(np.int64)


def score_units(scores: np.ndarray) -> np.ndarray:
    """Scores as whole millionths (int64), so sums and comparisons are exact."""
    return np.rint(np.asarray(scores, dtype=np.float64) * SCORE_UNIT).astype(np.int64)
