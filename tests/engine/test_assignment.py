"""The optimal assignment against brute force and an independent integer programme."""

import itertools

import numpy as np
import pytest
from scipy.optimize import Bounds, LinearConstraint, milp

from matching import assign, prepare, solve_round
from matching.rounds import optimal_pairs
from matching.synthetic import role_profile, round_of, student_profile, synthetic_round


def objective_key(objective, placed, units):
    return (placed, units) if objective == "placements" else (units, placed)


def brute_force(units, acceptable, places, locked, objective):
    """Best (placed, total units) over every assignment, by enumeration."""
    n_students, n_roles = units.shape
    locked_students = {s for s, _ in locked}
    options = [
        [("locked", r) for s2, r in locked if s2 == s]
        if s in locked_students
        else [None] + [r for r in range(n_roles) if acceptable[s, r]]
        for s in range(n_students)
    ]
    best = None
    for choice in itertools.product(*options):
        roles = [c[1] if isinstance(c, tuple) else c for c in choice]
        taken = [r for r in roles if r is not None]
        if any(taken.count(r) > places[r] for r in set(taken)):
            continue
        placed = len(taken)
        total = sum(int(units[s, r]) for s, r in enumerate(roles) if r is not None)
        key = objective_key(objective, placed, total)
        best = key if best is None or key > best else best
    return best


def integer_programme(units, acceptable, places, locked, objective):
    """Best (placed, total units) by scipy.optimize.milp, solved lexicographically."""
    rows, cols = np.nonzero(acceptable)
    n_students, n_roles = units.shape
    if rows.size == 0:
        return objective_key(objective, 0, 0)
    per_student = np.zeros((n_students, rows.size))
    per_student[rows, np.arange(rows.size)] = 1
    per_role = np.zeros((n_roles, rows.size))
    per_role[cols, np.arange(rows.size)] = 1
    constraints = [LinearConstraint(per_student, 0, 1), LinearConstraint(per_role, 0, places)]
    lower = np.zeros(rows.size)
    for s, r in locked:
        lower[(rows == s) & (cols == r)] = 1
    bounds = Bounds(lower, np.ones(rows.size))
    score = units[rows, cols].astype(float)
    first, second = (
        (np.ones(rows.size), score) if objective == "placements" else (score, np.ones(rows.size))
    )
    options = {"mip_rel_gap": 0}
    stage = milp(-first, constraints=constraints, bounds=bounds, integrality=1, options=options)
    best_first = -stage.fun
    constraints.append(LinearConstraint(first[None, :], best_first - 1e-6, np.inf))
    stage = milp(-second, constraints=constraints, bounds=bounds, integrality=1, options=options)
    x = np.round(stage.x).astype(bool)
    return objective_key(objective, int(x.sum()), int(units[rows[x], cols[x]].sum()))


def solved_key(prepared, pairs, objective):
    units = prepared.units
    return objective_key(objective, len(pairs), sum(int(units[s, r]) for s, r in pairs))


@pytest.mark.parametrize("objective", ["placements", "score"])
@pytest.mark.parametrize("seed", range(25))
def test_the_optimum_equals_brute_force_on_small_rounds(seed, objective):
    rng = np.random.default_rng(seed)
    data = synthetic_round(
        int(rng.integers(1, 7)), int(rng.integers(1, 4)), seed=seed, objective=objective
    )
    data["parameters"]["min_score"] = float(rng.choice([0.0, 0.0, 0.2, 0.35]))
    prepared = prepare(data)
    problem = prepared.problem
    pairs = optimal_pairs(prepared)
    expected = brute_force(prepared.units, prepared.acceptable, problem.places, [], objective)
    assert solved_key(prepared, pairs, objective) == expected


@pytest.mark.parametrize("objective", ["placements", "score"])
@pytest.mark.parametrize("method", ["dense", "sparse"])
@pytest.mark.parametrize("seed", range(4))
def test_the_optimum_equals_an_integer_programme_on_medium_rounds(seed, method, objective):
    prepared = prepare(synthetic_round(30, 15, seed=100 + seed, objective=objective))
    problem = prepared.problem
    pairs = assign(
        prepared.scores, prepared.acceptable, problem.places, objective=objective, method=method
    )
    expected = integer_programme(prepared.units, prepared.acceptable, problem.places, [], objective)
    assert solved_key(prepared, pairs, objective) == expected


@pytest.mark.parametrize("seed", range(10))
def test_locked_pairs_are_kept_and_the_rest_is_still_optimal(seed):
    prepared = prepare(synthetic_round(7, 3, seed=seed))
    rows, cols = np.nonzero(prepared.feasible)
    pick = seed % max(1, rows.size)
    locked = [(int(rows[pick]), int(cols[pick]))] if rows.size else []
    pairs = assign(prepared.scores, prepared.acceptable, prepared.problem.places, locked=locked)
    assert set(locked) <= set(pairs)
    expected = brute_force(
        prepared.units, prepared.acceptable, prepared.problem.places, locked, "placements"
    )
    assert solved_key(prepared, pairs, "placements") == expected


def test_placements_objective_places_more_students_even_at_a_lower_total_score():
    scores = np.array([[0.9, 0.0], [0.8, 0.1]])
    feasible = np.array([[True, False], [True, True]])
    assert assign(scores, feasible, np.array([1, 1])) == [(0, 0), (1, 1)]
    assert assign(scores, feasible, np.array([1, 1]), objective="score") == [(0, 0), (1, 1)]
    scores = np.array([[0.9, 0.0], [0.95, 0.01]])
    assert assign(scores, feasible, np.array([1, 1]), objective="score") == [(1, 0)]


def test_a_role_with_several_places_takes_several_students():
    scores = np.full((3, 1), 0.5)
    pairs = assign(scores, np.ones((3, 1), bool), np.array([2]))
    assert len(pairs) == 2 and {r for _, r in pairs} == {0}


def test_the_objective_score_is_reported_in_the_result():
    students = [student_profile("s1"), student_profile("s2", skills={"python": 4})]
    result = solve_round(round_of(students, [role_profile("r1", places=2)]))
    assert result["objective"]["placed"] == 2
    assert result["objective"]["total_score"] == pytest.approx(
        sum(a["score"] for a in result["assignments"]), abs=1e-9
    )


def test_an_empty_round_solves_to_nothing():
    result = solve_round({"format": "placement-round/1", "students": [], "roles": []})
    assert result["objective"] == {"placed": 0, "total_score": 0.0}
    assert result["assignments"] == [] and result["unmatched"] == [] and result["unfilled"] == []


@pytest.mark.parametrize(
    ("scores", "feasible", "places", "message"),
    [
        (np.zeros(3), np.zeros(3, bool), np.ones(1), "scores must be 2-D"),
        (np.zeros((2, 2)), np.zeros((2, 3), bool), np.ones(2), "feasible has shape"),
        (np.zeros((2, 2)), np.zeros((2, 2), bool), np.ones(3), "places must have shape"),
        (np.full((1, 1), np.nan), np.ones((1, 1), bool), np.ones(1), "finite and within"),
        (np.full((1, 1), 1.5), np.ones((1, 1), bool), np.ones(1), "finite and within"),
        (np.zeros((1, 1)), np.ones((1, 1), bool), -np.ones(1), "must not be negative"),
    ],
)
def test_assign_rejects_malformed_arrays_naming_the_argument(scores, feasible, places, message):
    with pytest.raises(ValueError, match=message):
        assign(scores, feasible, places)
