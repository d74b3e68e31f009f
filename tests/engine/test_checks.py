"""check_result accepts every genuine result and catches tampering."""

import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching import check_result, solve_round
from matching.formats import result_digest
from matching.synthetic import role_profile, round_of, student_profile, synthetic_round


def rehash(result):
    result["result_sha256"] = result_digest(result)
    return result


def small_round():
    students = [
        student_profile("s1"),
        student_profile("s2", skills={"python": 4}),
        student_profile("s3", rqf_level=6),
    ]
    roles = [
        role_profile("r1", places=1),
        role_profile("r2", places=1, min_rqf_level=7, sector="health"),
        role_profile("r3", places=1, min_rqf_level=8),
    ]
    return round_of(students, roles, locked=[{"student": "s1", "role": "r1"}])


def test_a_genuine_result_is_valid_with_and_without_scores():
    data = small_round()
    assert check_result(data, solve_round(data)) == []
    assert check_result(data, solve_round(data, include_scores=True)) == []
    assert check_result(data, solve_round(data, algorithm="stable")) == []


def test_moving_a_student_to_an_infeasible_role_is_caught():
    data = small_round()
    result = solve_round(data)
    moved = next(a for a in result["assignments"] if a["student"] == "s2")
    moved["role"] = "r3"
    problems = check_result(data, rehash(result))
    assert any("breaks a hard rule: s2 cannot take r3" in p for p in problems)


def test_exceeding_a_roles_capacity_is_caught():
    data = small_round()
    result = solve_round(data)
    result["assignments"].append(dict(result["assignments"][0], student="s3", locked=False))
    problems = check_result(data, rehash(result))
    assert "Role r1 has 2 students but 1 places." in problems


def test_a_wrong_result_hash_is_caught():
    data = small_round()
    result = solve_round(data)
    result["result_sha256"] = "0" * 64
    assert check_result(data, result) == ["result_sha256 does not match the result's content."]


def test_a_result_for_another_round_is_caught_by_the_input_hash():
    data = small_round()
    result = solve_round(data)
    other = copy.deepcopy(data)
    other["roles"][0]["places"] = 2
    assert "input_sha256 does not match the round snapshot." in check_result(other, result)


@pytest.mark.parametrize(
    ("tamper", "expected"),
    [
        (lambda r: r["assignments"][0].update(score=0.1), "has score 0.1"),
        (lambda r: r["assignments"].pop(0), "The locked pair s1 - r1 is missing."),
        (lambda r: r["assignments"][0].update(locked=False), "is marked locked=False"),
        (lambda r: r["objective"].update(placed=9), "objective.placed is 9"),
        (lambda r: r["unmatched"].clear(), "The unmatched list is not exactly"),
        (lambda r: r["unfilled"].clear(), "The unfilled list does not match"),
        (lambda r: r["parameters"].update(seed=99), "The parameters differ"),
        (lambda r: r["assignments"].append(dict(r["assignments"][1])), "assigned 2 times"),
        (lambda r: r["assignments"][1].update(student="nobody"), "unknown student or role"),
    ],
)
def test_each_kind_of_tampering_is_reported_in_a_plain_sentence(tamper, expected):
    data = small_round()
    result = solve_round(data)
    tamper(result)
    problems = check_result(data, rehash(result))
    assert any(expected in p for p in problems), problems


def test_using_a_forbidden_pair_is_caught():
    data = small_round()
    result = solve_round(data)
    pair = next(a for a in result["assignments"] if not a["locked"])
    data["forbidden"] = [{"student": pair["student"], "role": pair["role"]}]
    problems = check_result(data, result)
    assert any("uses the forbidden pair" in p for p in problems)


def test_a_pair_below_min_score_is_caught():
    data = small_round()
    result = solve_round(data)
    data["parameters"] = {"min_score": 0.99}
    problems = check_result(data, result)
    assert any("below min_score 0.99" in p for p in problems)


def test_an_invalid_snapshot_is_reported_not_raised():
    assert check_result({"format": "nope"}, {}) == [
        "The round snapshot is not valid: format: must be 'placement-round/1' (got 'nope')."
    ]


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 10**6),
    n=st.integers(2, 12),
    m=st.integers(1, 5),
    which=st.integers(0, 1000),
)
def test_moving_any_assigned_student_to_a_role_they_cannot_take_is_caught(seed, n, m, which):
    data = synthetic_round(n, m, seed=seed)
    result = solve_round(data, include_scores=True)
    if not result["assignments"]:
        assert check_result(data, result) == []
        return
    entry = result["assignments"][which % len(result["assignments"])]
    feasible_roles = {s["role"] for s in result["scores"] if s["student"] == entry["student"]}
    impossible = [r["id"] for r in data["roles"] if r["id"] not in feasible_roles]
    entry["role"] = impossible[0] if impossible else entry["role"]
    entry["score"] = -1.0  # always wrong, so tampering is caught even without an infeasible role
    assert check_result(data, rehash(result)) != []


@pytest.mark.parametrize("moved", [-1, 1])
def test_a_score_one_point_off_is_caught(moved):
    data = small_round()
    result = solve_round(data, include_scores=True)
    entry = result["assignments"][0]
    entry["score"] = round(entry["score"] + moved / 10**6, 6)
    problems = check_result(data, rehash(result))
    assert any(f"has score {entry['score']!r}" in p for p in problems)
    listed = result["scores"][0]
    listed["score"] = round(listed["score"] + moved / 10**6, 6)
    assert any("listed scores differ" in p for p in check_result(data, rehash(result)))
