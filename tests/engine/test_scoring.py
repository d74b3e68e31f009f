"""Worked cases for each score component, the weights, and vectorised scores against a reference."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching import build_problem, component_matrices, score_matrix, travel_km, validate_snapshot
from matching.checks import TOLERANCE
from matching.reference import pair_score
from matching.synthetic import role_profile, round_of, student_profile, synthetic_round

FULL_ROLE_SKILLS = {
    "python": {"level": 3, "weight": 3, "required": False},
    "sql": {"level": 2, "weight": 1, "required": False},
}


def components_of(student=None, role=None, **sections):
    snapshot = validate_snapshot(
        round_of([student or student_profile()], [role or role_profile()], **sections)
    )
    components = component_matrices(build_problem(snapshot))
    return {name: float(matrix[0, 0]) for name, matrix in components.items()}


@pytest.mark.parametrize(
    ("skills", "expected"),
    [
        ({"python": 3, "sql": 2}, 1.0),
        ({"python": 5, "sql": 5}, 1.0),  # above the asked level earns no extra
        ({"python": 2, "sql": 2}, (3 * 2 + 1 * 2) / (3 * 3 + 1 * 2)),  # partial credit
        ({"python": 3}, 9 / 11),  # missing sql earns nothing
        ({}, 0.0),
        ({"excel": 5}, 0.0),  # skills are compared by id
    ],
)
def test_skill_fit_is_the_weighted_share_of_asked_levels_reached(skills, expected):
    student = student_profile(skills=skills)
    role = role_profile(skills=FULL_ROLE_SKILLS)
    assert components_of(student, role)["skills"] == pytest.approx(expected)


def test_a_role_asking_no_skills_gives_full_skill_fit():
    assert components_of(role=role_profile(skills={}))["skills"] == 1.0


@pytest.mark.parametrize(
    ("student_borough", "work_mode", "role_borough", "expected"),
    [
        ("camden", "on-site", "camden", 1.0),
        ("camden", "on-site", "hackney", 1 - travel_km("camden", "hackney") / 40),
        ("camden", "hybrid", "hackney", 1 - travel_km("camden", "hackney") / 80),
        ("havering", "on-site", "hillingdon", 0.0),  # beyond 40 km
        ("havering", "remote", "hillingdon", 1.0),
        (None, "on-site", "hackney", 0.5),
        (None, "remote", "hackney", 1.0),
    ],
)
def test_travel_falls_with_distance_unless_remote(
    student_borough, work_mode, role_borough, expected
):
    student = student_profile(borough=student_borough)
    role = role_profile(work_mode=work_mode, borough=role_borough)
    assert components_of(student, role)["travel"] == pytest.approx(expected)


@pytest.mark.parametrize(
    ("student_rank", "role_list", "expected"),
    [
        (None, [], 0.0),
        (1, [], 0.5),
        (2, [], 0.4),
        (5, [], 0.1),
        (None, ["s1"], 0.5),
        (1, ["s1"], 1.0),
        (None, ["x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "s1"], 0.5 * 1 / 10),
    ],
)
def test_preferences_count_both_sides_by_rank(student_rank, role_list, expected):
    role_ids = ["a", "b", "c", "d", "e"]
    if student_rank:
        role_ids[student_rank - 1] = "r1"
    others = [role_profile(rid) for rid in role_ids if rid != "r1"]
    fillers = [student_profile(sid) for sid in role_list if sid != "s1"]
    student = student_profile("s1", preferences=role_ids if student_rank else [])
    role = role_profile("r1", preferences=role_list)
    snapshot = validate_snapshot(round_of([student, *fillers], [role, *others]))
    problem = build_problem(snapshot)
    s, r = problem.student_ids.index("s1"), problem.role_ids.index("r1")
    assert component_matrices(problem)["preferences"][s, r] == pytest.approx(expected)


@pytest.mark.parametrize(
    ("sectors", "expected"),
    [(["technology"], 1.0), (["health", "technology"], 1.0), (["health"], 0.0), ([], 0.5)],
)
def test_sector_interest_scores_one_zero_or_neutral(sectors, expected):
    assert components_of(student_profile(sectors=sectors))["sector"] == expected


def test_the_score_is_the_weighted_sum_rounded_to_six_decimals():
    weights = {"skills": 2, "travel": 1, "preferences": 0, "sector": 1}
    snapshot = validate_snapshot(
        round_of(
            [student_profile(borough="hackney", sectors=["health"])],
            [role_profile()],
            parameters={"weights": weights},
        )
    )
    problem = build_problem(snapshot)
    components = component_matrices(problem)
    expected = (
        0.5 * components["skills"] + 0.25 * components["travel"] + 0.25 * components["sector"]
    )
    scores = score_matrix(problem, snapshot["parameters"]["weights"])
    assert scores[0, 0] == round(float(expected[0, 0]), 6)


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 10**6),
    n_students=st.integers(1, 12),
    n_roles=st.integers(1, 8),
    weights=st.fixed_dictionaries(
        {name: st.integers(0, 5) for name in ("skills", "travel", "preferences", "sector")}
    ).filter(lambda w: sum(w.values()) > 0),
)
def test_vectorised_scores_equal_the_per_pair_reference(seed, n_students, n_roles, weights):
    snapshot = validate_snapshot(synthetic_round(n_students, n_roles, seed=seed, weights=weights))
    problem = build_problem(snapshot)
    components = component_matrices(problem)
    scores = score_matrix(problem, snapshot["parameters"]["weights"], components)
    assert scores.min() >= 0.0 and scores.max() <= 1.0
    for i, student in enumerate(snapshot["students"]):
        for j, role in enumerate(snapshot["roles"]):
            score, breakdown = pair_score(student, role, snapshot["parameters"]["weights"])
            assert abs(scores[i, j] - score) <= TOLERANCE
            for name, value in breakdown.items():
                assert components[name][i, j] == pytest.approx(value, abs=1e-9)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10**6), n_students=st.integers(1, 12), n_roles=st.integers(1, 8))
def test_vectorised_feasibility_equals_the_per_pair_reference(seed, n_students, n_roles):
    from matching import feasible_mask
    from matching.feasibility import rule_failures
    from matching.reference import pair_is_feasible

    data = synthetic_round(n_students, n_roles, seed=seed)
    data["forbidden"] = [{"student": data["students"][0]["id"], "role": data["roles"][0]["id"]}]
    snapshot = validate_snapshot(data)
    feasible = feasible_mask(build_problem(snapshot))
    forbidden = {(p["student"], p["role"]) for p in snapshot["forbidden"]}
    for i, student in enumerate(snapshot["students"]):
        for j, role in enumerate(snapshot["roles"]):
            banned = (student["id"], role["id"]) in forbidden
            assert bool(feasible[i, j]) == pair_is_feasible(student, role, banned)
            assert bool(feasible[i, j]) == (rule_failures(student, role, banned) == [])
    assert np.asarray(feasible).dtype == bool
