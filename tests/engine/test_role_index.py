"""RoleIndex: one student ranked against prepared roles, in explain_student's order."""

import copy
import random
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching import SnapshotError, explain_student, role_index, validate_snapshot
from matching.reference import pair_is_feasible
from matching.role_index import RoleIndex
from matching.synthetic import role_profile, round_of, student_profile, synthetic_round, tied_round

SETTINGS = settings(max_examples=200, deadline=None)
WEIGHTS = [
    None,
    {"skills": 1, "travel": 0, "preferences": 0, "sector": 0},  # many ties in score
    {"skills": 0.2, "travel": 0.2, "preferences": 0.5, "sector": 0.1},
]
rounds = st.builds(
    lambda n, m, seed, min_score, weights: synthetic_round(
        n, m, seed=seed, min_score=min_score, **({"weights": weights} if weights else {})
    ),
    st.integers(1, 8),
    st.integers(0, 10),
    st.integers(0, 10**6),
    st.sampled_from([0.0, 0.3, 0.6]),
    st.sampled_from(WEIGHTS),
)


def explained_order(snapshot, student_id):
    entries = explain_student(snapshot, student_id)["roles"]
    return [e["role"] for e in entries], sum(1 for e in entries if e["feasible"])


def with_extras(data, seed):
    """A role asking no skill, some pairs forbidden and one feasible pair locked."""
    rng = random.Random(seed)
    if data["roles"]:
        data = copy.deepcopy(data)
        rng.choice(data["roles"])["skills"] = {}
    snapshot = validate_snapshot(data)
    pairs = [(s["id"], r["id"]) for s in snapshot["students"] for r in snapshot["roles"]]
    forbidden = rng.sample(pairs, len(pairs) // 5)
    feasible = [
        (s["id"], r["id"])
        for s in snapshot["students"]
        for r in snapshot["roles"]
        if pair_is_feasible(s, r, (s["id"], r["id"]) in forbidden)
    ]
    data = dict(data, forbidden=[{"student": s, "role": r} for s, r in forbidden])
    if feasible:
        student, role = rng.choice(feasible)
        data["locked"] = [{"student": student, "role": role}]
    return data


@SETTINGS
@given(data=rounds, extras_seed=st.integers(0, 10**6), part=st.sampled_from([1, 3, 1024]))
def test_the_index_ranks_every_student_in_explain_students_order_with_its_feasible_count(
    data, extras_seed, part
):
    data = with_extras(data, extras_seed)
    with mock.patch.object(role_index, "ROLES_PER_PART", part):
        index = RoleIndex(data)
    for student in data["students"]:
        ranking = index.rank(student)
        assert (list(ranking.roles), ranking.feasible) == explained_order(data, student["id"])


@SETTINGS
@given(data=rounds, marks_seed=st.integers(0, 10**6))
def test_an_index_of_roles_alone_ranks_a_student_with_lists_given_for_that_ranking(
    data, marks_seed
):
    rng = random.Random(marks_seed)
    roles = [dict(role, preferences=[]) for role in data["roles"]]
    index = RoleIndex(dict(data, students=[], roles=roles))
    for student in data["students"]:
        marked = {r["id"] for r in roles if rng.random() < 0.4}
        lists = {role_id: [student["id"]] for role_id in marked}
        one = copy.deepcopy(dict(data, students=[student], roles=roles))
        for role in one["roles"]:
            role["preferences"] = lists.get(role["id"], [])
        ranking = index.rank(student, role_preferences=lists)
        assert (list(ranking.roles), ranking.feasible) == explained_order(one, student["id"])


def test_lists_given_for_a_ranking_replace_the_snapshots_own_and_count_their_length():
    student = student_profile("s1")
    others = [student_profile(f"s{i}") for i in range(2, 8)]
    roles = [role_profile("r1", preferences=["s1"]), role_profile("r2")]
    data = round_of([student, *others], roles)
    index = RoleIndex(data)
    assert index.rank(student).roles == ("r1", "r2")  # first of a short list: r1 scores more
    longer = {"r1": ["s2", "s3", "s4", "s5", "s6", "s7", "s1"], "r2": ["s1"]}
    assert index.rank(student, role_preferences=longer).roles == ("r2", "r1")


@settings(max_examples=20, deadline=None)
@given(n=st.integers(1, 6), m=st.integers(1, 8), seed=st.integers(0, 10**6))
def test_roles_that_tie_are_listed_by_id(n, m, seed):
    data = tied_round(n, m, seed=seed)
    data["roles"].reverse()
    ranking = RoleIndex(data).rank(data["students"][0])
    assert list(ranking.roles) == sorted(r["id"] for r in data["roles"])
    assert ranking.feasible == m


def test_a_student_with_no_role_they_meet_gets_the_roles_by_fewest_failures_then_id():
    roles = [
        role_profile("r-a", min_rqf_level=8, hours_per_week=40),
        role_profile("r-b", skills={"figma": {"level": 2, "required": True}}, min_rqf_level=8),
        role_profile("r-c", work_mode="remote"),
    ]
    student = student_profile("s1", work_modes=["on-site"], rqf_level=6)
    ranking = RoleIndex(round_of([], roles)).rank(student)
    assert ranking == role_index.RoleRanking(("r-c", "r-a", "r-b"), 0)


def test_an_index_of_no_roles_ranks_nothing():
    assert RoleIndex(round_of([], [])).rank(student_profile()) == role_index.RoleRanking((), 0)


@pytest.mark.parametrize(
    ("student", "lists", "path"),
    [
        (student_profile(preferences=["r9"]), None, "student.preferences[0]"),
        (student_profile(rqf_level=5), None, "student.rqf_level"),
        ("s1", None, "student"),
        (student_profile(), {"r9": ["s1"]}, "role_preferences.r9"),
        (student_profile(), {"r1": ["s1", "s1"]}, "role_preferences.r1"),
    ],
)
def test_a_student_or_list_that_does_not_fit_the_index_is_refused_with_its_path(
    student, lists, path
):
    index = RoleIndex(round_of([], [role_profile("r1")]))
    with pytest.raises(SnapshotError) as raised:
        index.rank(student, role_preferences=lists)
    assert raised.value.path == path
