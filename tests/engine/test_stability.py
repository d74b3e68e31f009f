"""The stability audit and student-proposing deferred acceptance."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from matching import blocking_pairs, prepare, solve_round
from matching.rounds import optimal_pairs, stable_pairs
from matching.stability import preference_keys
from matching.synthetic import role_profile, round_of, student_profile, synthetic_round


def keys_of(prepared):
    problem = prepared.problem
    ranks = (problem.student_pref_rank, problem.role_pref_rank, problem.role_pref_length)
    return preference_keys(ranks, prepared.units, prepared.acceptable)


def blocking_by_definition(student_key, role_key, pairs, places, locked):
    """Blocking pairs written out pair by pair."""
    role_of = dict(pairs)
    locked_students = {s for s, _ in locked}
    members = {r: [s for s, r2 in pairs if r2 == r] for r in range(len(places))}
    found = []
    for s in range(student_key.shape[0]):
        for r in range(student_key.shape[1]):
            if student_key[s, r] < 0 or s in locked_students or role_of.get(s) == r:
                continue
            current = student_key[s, role_of[s]] if s in role_of else -1
            if student_key[s, r] <= current:
                continue
            if len(members[r]) < places[r]:
                found.append((s, r))
                continue
            movable = [role_key[t, r] for t in members[r] if t not in locked_students]
            if movable and role_key[s, r] > min(movable):
                found.append((s, r))
    return found


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10**6), n=st.integers(1, 15), m=st.integers(1, 6))
def test_the_vectorised_audit_finds_exactly_the_blocking_pairs_by_definition(seed, n, m):
    data = synthetic_round(n, m, seed=seed)
    prepared = prepare(data)
    problem = prepared.problem
    locked = list(problem.locked)
    student_key, role_key = keys_of(prepared)
    for pairs in (optimal_pairs(prepared), stable_pairs(prepared)):
        found = blocking_pairs(student_key, role_key, pairs, problem.places, locked)
        expected = blocking_by_definition(student_key, role_key, pairs, problem.places, locked)
        assert [tuple(p) for p in found.tolist()] == expected


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10**6), n=st.integers(1, 25), m=st.integers(1, 10))
def test_deferred_acceptance_leaves_no_blocking_pair(seed, n, m):
    result = solve_round(synthetic_round(n, m, seed=seed, min_score=0.2), algorithm="stable")
    assert result["stability"]["blocking_pairs"] == 0
    assert result["solver"]["name"] == "student-proposing deferred acceptance"


def test_stated_preferences_outrank_scores_in_the_completed_lists():
    students = [student_profile("s1", preferences=["r2"])]
    roles = [role_profile("r1"), role_profile("r2", sector="health")]
    result = solve_round(round_of(students, roles), algorithm="stable")
    assert [(a["student"], a["role"]) for a in result["assignments"]] == [("s1", "r2")]
    assert result["stability"]["ranks_achieved"]["1"] == 1


def test_the_optimal_and_stable_results_can_be_compared_side_by_side():
    data = synthetic_round(60, 25, seed=11)
    optimal = solve_round(data)
    stable = solve_round(data, algorithm="stable")
    assert optimal["objective"]["placed"] >= stable["objective"]["placed"]
    assert stable["stability"]["blocking_pairs"] == 0
    for result in (optimal, stable):
        ranks = result["stability"]["ranks_achieved"]
        assert sum(ranks.values()) == result["objective"]["placed"]


def test_a_locked_student_never_forms_a_blocking_pair():
    students = [student_profile("s1"), student_profile("s2", preferences=["r2"])]
    roles = [role_profile("r1"), role_profile("r2")]
    data = round_of(students, roles, locked=[{"student": "s2", "role": "r1"}])
    result = solve_round(data)
    assert all(e["student"] != "s2" for e in result["stability"]["examples"])
    assert isinstance(np.int64(result["stability"]["blocking_pairs"]), np.integer)
