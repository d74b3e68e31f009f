"""Scores: whole points out of 10**6, for every pair at once, as one float32 matrix product.

Each component has a budget of points (its weight's share of 10**6). A pair earns whole points
from each budget, and every point value is a small integer that sits in one of two matrices, so the
score of every pair is the single product ``L @ R``: ``L`` says what each student has (skill levels,
borough, sectors), ``R`` what each of those is worth to each role. All entries and partial sums are
integers below 2**24, so the float32 product is exact whatever order the BLAS library adds in, and
the same snapshot gives the same scores on any machine. Preferences, a few per student, are added
afterwards where a rank exists.
"""

from __future__ import annotations

from itertools import pairwise

import numpy as np

from .feasibility import SkillProducts, skill_products
from .formats import COMPONENTS, MAX_STUDENT_PREFERENCES, SCORE_DECIMALS
from .geography import distance_table_km
from .problem import LEVELS, MODE_BITS, Problem

SCORE_UNIT = 10**SCORE_DECIMALS  # points in a perfect score; scores are points / SCORE_UNIT
TRAVEL_LIMIT_KM = 40.0  # on-site travel credit falls to 0 at this distance
NEUTRAL = 0.5  # component value when the data to judge it is missing
N_BOROUGH_ROWS = len(distance_table_km()) + 1  # the 33 areas, then "borough unknown"
AT_LEAST = (np.arange(LEVELS + 1)[:, None] >= np.arange(1, LEVELS + 1)).astype(np.float32)


def largest_remainder(total: int, shares: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Split ``total`` whole points within each group in proportion to integer ``shares``.

    Each entry gets ``floor(total * share / group sum)``; the points left over in a group go one
    each to its entries with the largest remainders, ties to the earlier entry. Exact integers.

    Parameters
    ----------
    total : int
    shares : ndarray of int, shape (k,)
        Non-negative, with a positive sum in every group.
    groups : ndarray of int, shape (k,)
        The group (for example the role) of each entry.

    Returns
    -------
    ndarray of int64, shape (k,); each group's entries sum to ``total``.

    Examples
    --------
    >>> largest_remainder(10, np.array([1, 1, 1, 2]), np.array([0, 0, 0, 1])).tolist()
    [4, 3, 3, 10]
    """
    shares = np.asarray(shares, dtype=np.int64)
    whole = np.bincount(groups, weights=shares).astype(np.int64)  # exact: sums far below 2**53
    points, remainder = np.divmod(total * shares, whole[groups])
    left = total - np.bincount(groups, weights=points, minlength=len(whole)).astype(np.int64)
    # Order by group, then largest remainder, then position (a stable sort on one integer key).
    order = np.argsort(groups * (whole.max(initial=0) + 1) - remainder, kind="stable")
    first = np.searchsorted(groups[order], groups[order])  # where each entry's group begins
    points[order] += np.arange(len(order)) - first < left[groups[order]]
    return points


def component_points(weights: dict[str, float]) -> dict[str, int]:
    """Each component's budget: its weight's share of 10**6 points, summing to exactly 10**6.

    Examples
    --------
    >>> component_points({"skills": 1 / 3, "travel": 1 / 3, "preferences": 1 / 3, "sector": 0})
    {'skills': 333334, 'travel': 333333, 'preferences': 333333, 'sector': 0}
    """
    micro = np.array([round(weights[name] * SCORE_UNIT**2) for name in COMPONENTS])
    points = largest_remainder(SCORE_UNIT, micro, np.zeros(len(micro), dtype=np.int64))
    return dict(zip(COMPONENTS, points.tolist(), strict=True))


def skill_step_points(problem: Problem, budget: int, out: np.ndarray) -> np.ndarray:
    """Points for each level step of each asked skill: the skill rows of the role side.

    Each asked skill gets a share of the budget in proportion to ``weight * asked level``
    (:func:`largest_remainder`); a student with the skill at level ``h`` earns
    ``floor(share * min(h, asked) / asked)``, so step ``L`` is worth the difference between
    levels ``L`` and ``L - 1``.

    Parameters
    ----------
    out : ndarray, shape (n_skills * 5, n_roles)
        Filled and returned: row ``5 k + L - 1`` holds step ``L`` of skill ``k``, matching
        :func:`matching.feasibility.student_encoding`.
    """
    roles, skills = np.nonzero(problem.role_levels)  # a role asks a few skills: work on those
    level = problem.role_levels[roles, skills].astype(np.int64)[:, None]
    weight = problem.role_weights[roles, skills].astype(np.int64)[:, None]
    share = largest_remainder(budget, (weight * level)[:, 0], roles)[:, None]
    # floor(share * min(L, asked) / asked): exact in float64, as every value is below 2**53
    earned = np.floor(share * np.minimum(np.arange(LEVELS + 1), level) / level)
    out[...] = 0
    out[(LEVELS * skills)[:, None] + np.arange(LEVELS), roles[:, None]] = np.diff(earned)
    return out


def travel_points(problem: Problem, budget: int) -> np.ndarray:
    """Travel points per (student borough, role), the last row for an unknown borough.

    ``rint(budget * travel)`` with travel as in :func:`travel_table`; the unknown borough gets half
    the budget, rounded down, for on-site and hybrid roles.

    Returns
    -------
    ndarray, shape (34, n_roles), int64
    """
    points = np.rint(travel_table(problem)[:-1] * budget).astype(np.int64)
    unknown = np.where(problem.role_mode == MODE_BITS["remote"], budget, budget // 2)
    return np.vstack([points, unknown])


def _factor_slices(problem: Problem) -> tuple[list[slice], int]:
    """Where the skills, boroughs, sectors, "no sector" and ones columns sit, and the width K."""
    n_sectors = problem.student_sectors.shape[1]
    widths = (problem.student_levels.shape[1] * LEVELS, N_BOROUGH_ROWS, n_sectors, 1, 1)
    bounds = np.cumsum((0, *widths)).tolist()
    return [slice(a, b) for a, b in pairwise(bounds)], bounds[-1]


def student_factors(problem: Problem) -> np.ndarray:
    """The student side of :func:`score_factors` alone, shape (n_students, K), float32."""
    (skills, boroughs, sectors, no_sector, ones), width = _factor_slices(problem)
    n_students, n_skills = problem.student_levels.shape
    student_side = np.zeros((n_students, width), dtype=np.float32)
    levels = student_side[:, skills].reshape(n_students, n_skills, LEVELS)  # a view
    levels[...] = np.take(AT_LEAST, problem.student_levels, axis=0)
    borough = boroughs.start + problem.student_borough % N_BOROUGH_ROWS  # -1 (unknown): the last
    student_side[np.arange(n_students), borough] = 1
    student_side[:, sectors] = problem.student_sectors
    student_side[:, no_sector] = ~problem.has_sectors[:, None]
    student_side[:, ones] = 1
    return student_side


def score_factors(problem: Problem, points: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
    """The two float32 matrices whose product is every pair's points, preferences aside.

    Returns
    -------
    student_side : ndarray, shape (n_students, K), float32
        0/1 columns: "has skill k at level L or above" (5 per skill, as
        :func:`matching.feasibility.student_encoding`), the student's borough (34, the last for
        unknown), each sector the student listed, "listed no sector", and a column of ones.
    role_side : ndarray, shape (K, n_roles), float32
        The points each of those is worth to each role.
    """
    (skills, boroughs, sectors, no_sector, ones), width = _factor_slices(problem)
    n_roles, n_sectors = problem.shape[1], problem.student_sectors.shape[1]
    role_side = np.empty((width, n_roles), dtype=np.float32)
    skill_step_points(problem, points["skills"], out=role_side[skills])
    role_side[boroughs] = travel_points(problem, points["travel"])
    role_side[sectors] = (np.arange(n_sectors)[:, None] == problem.role_sector) * points["sector"]
    role_side[no_sector] = points["sector"] // 2
    no_skills = problem.role_levels.sum(axis=1) == 0
    role_side[ones] = np.where(no_skills, points["skills"], 0)
    return student_factors(problem), role_side


def preference_points(problem: Problem, budget: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Preference points where a rank exists, as ``(students, roles, points)``.

    Half the budget (rounded down) is the student's: ``floor(half * (6 - rank) / 5)``; the rest is
    the role's: ``floor(rest * (P + 1 - rank) / P)`` with ``P = max(5, length of its list)``.
    """
    student_half = budget // 2
    rows, cols, rank = problem.student_prefs.T
    s_points = student_half * (MAX_STUDENT_PREFERENCES + 1 - rank) // MAX_STUDENT_PREFERENCES
    r_rows, r_cols, r_rank = problem.role_prefs.T
    length = np.maximum(MAX_STUDENT_PREFERENCES, problem.role_pref_length[r_cols])
    r_points = (budget - student_half) * (length + 1 - r_rank) // length
    return (
        np.concatenate([rows, r_rows]),
        np.concatenate([cols, r_cols]),
        np.concatenate([s_points, r_points]),
    )


def score_units_matrix(problem: Problem, weights: dict[str, float]) -> np.ndarray:
    """Every pair's score in points (whole millionths), shape (n_students, n_roles), int64.

    One float32 product of :func:`score_factors`, exact, plus :func:`preference_points`. The
    budgets sum to 10**6 and no component earns more than its budget, so points are in
    [0, 10**6]. Infeasible pairs are scored too; the caller masks them.
    """
    points = component_points(weights)
    student_side, role_side = score_factors(problem, points)
    units = (student_side @ role_side).astype(np.int64)
    rows, cols, extra = preference_points(problem, points["preferences"])
    np.add.at(units, (rows, cols), extra)
    return units


def score_matrix(problem: Problem, weights: dict[str, float]) -> np.ndarray:
    """Scores of every pair, points / 10**6, shape (n_students, n_roles), float64."""
    return score_units_matrix(problem, weights) / SCORE_UNIT


def score_units(scores: np.ndarray) -> np.ndarray:
    """Scores as whole millionths (int64), so sums and comparisons are exact."""
    return np.rint(np.asarray(scores, dtype=np.float64) * SCORE_UNIT).astype(np.int64)


# The components as values in [0, 1]: what the breakdown shows and the reasons explain.


def skill_component(problem: Problem, products: SkillProducts) -> np.ndarray:
    """Skill fit: weighted share of the asked levels the student reaches.

    Returns
    -------
    ndarray, shape (n_students, n_roles), float64

    Notes
    -----
    ``fit[s, r] = sum_k w[r,k] * min(level[s,k], asked[r,k]) / sum_k w[r,k] * asked[r,k]``, and 1
    for a role that asks for no skills. A skill held below the asked level earns partial credit
    (level 2 of an asked 3 earns 2/3 of that skill's weight); a missing skill earns nothing.
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
    """Every component value for every pair, keyed by the names in ``COMPONENTS``."""
    products = products or skill_products(problem)
    return {
        "skills": skill_component(problem, products),
        "travel": travel_component(problem),
        "preferences": preference_component(problem),
        "sector": sector_component(problem),
    }


def pair_breakdown(problem: Problem, travel: np.ndarray, student: int, role: int) -> dict:
    """The four component values of one pair, rounded to 6 decimals (the result's ``breakdown``).

    Parameters
    ----------
    travel : ndarray
        :func:`travel_table` of the same problem (computed once per round).
    """
    asked = problem.role_levels[role].astype(np.int64)
    weight = problem.role_weights[role].astype(np.int64)
    total = int((weight * asked).sum())
    met = int((weight * np.minimum(problem.student_levels[student], asked)).sum())
    student_rank = int(problem.student_pref_rank[student, role])
    role_rank = int(problem.role_pref_rank[student, role])
    length = max(MAX_STUDENT_PREFERENCES, int(problem.role_pref_length[role]))
    preferences = 0.0
    if student_rank:
        preferences += 0.5 * (MAX_STUDENT_PREFERENCES + 1 - student_rank) / MAX_STUDENT_PREFERENCES
    if role_rank:
        preferences += 0.5 * (length + 1 - role_rank) / length
    sector = NEUTRAL
    if problem.has_sectors[student]:
        sector = float(problem.student_sectors[student, problem.role_sector[role]])
    values = {
        "skills": met / total if total else 1.0,
        "travel": float(travel[problem.student_borough[student], role]),
        "preferences": preferences,
        "sector": sector,
    }
    return {name: round(values[name], SCORE_DECIMALS) for name in COMPONENTS}
