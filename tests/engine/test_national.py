"""The national path: pruned, solved sparse and certified, it gives the full exact optimum."""

import copy
import json
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import matching
from matching import check_result, national, solve_round, validate_snapshot
from matching.national import (
    MAX_ROLES,
    MAX_STUDENTS,
    NATIONAL_CELLS,
    check_size,
    national_optimum,
    objective_bound,
)
from matching.problem import build_problem
from matching.reference import pair_is_feasible
from matching.rounds import explained, round_path
from matching.synthetic import synthetic_round, tied_round

SETTINGS = settings(max_examples=120, deadline=None)


def with_locks_and_forbidden(data, seed):
    """Lock up to two feasible pairs and forbid up to three others, chosen by ``seed``."""
    snapshot = validate_snapshot(data)
    rng = random.Random(seed)
    feasible = [
        (s["id"], r["id"])
        for s in snapshot["students"]
        for r in snapshot["roles"]
        if pair_is_feasible(s, r, False)
    ]
    rng.shuffle(feasible)
    locked, used_students, used_roles = [], set(), set()
    for student, role in feasible[:2]:
        if student not in used_students and role not in used_roles:
            locked.append({"student": student, "role": role})
            used_students.add(student)
            used_roles.add(role)
    forbidden = [{"student": s, "role": r} for s, r in feasible[2:5] if s not in used_students]
    return dict(data, locked=locked, forbidden=forbidden)


rounds = st.builds(
    lambda n, m, seed, objective, min_score, tied: (
        tied_round(n, m, seed=seed, objective=objective, min_score=min_score)
        if tied
        else synthetic_round(n, m, seed=seed, objective=objective, min_score=min_score)
    ),
    st.integers(0, 30),
    st.integers(0, 12),
    st.integers(0, 10**6),
    st.sampled_from(["placements", "score"]),
    st.sampled_from([0.0, 0.0, 0.3, 0.45]),
    st.sampled_from([False, False, False, True]),
)


@SETTINGS
@given(data=rounds, k=st.integers(1, 6), extra_seed=st.integers(0, 10**6))
def test_the_pruned_and_certified_optimum_equals_the_full_exact_optimum(data, k, extra_seed):
    data = with_locks_and_forbidden(data, extra_seed)
    full = solve_round(data, path="programme")
    pruned = solve_round(data, path="national", k=k, exact=True)
    assert pruned["objective"] == full["objective"]
    assert pruned["solver"]["certified"] is True
    assert check_result(data, pruned) == []


@settings(max_examples=60, deadline=None)
@given(data=rounds, k=st.integers(1, 4), extra_seed=st.integers(0, 10**6))
def test_deferred_acceptance_with_paged_lists_gives_the_dense_stable_matching(data, k, extra_seed):
    data = with_locks_and_forbidden(data, extra_seed)
    dense = solve_round(data, algorithm="stable", path="programme")
    paged = solve_round(data, algorithm="stable", path="national", k=k)
    assert paged["assignments"] == dense["assignments"]
    assert paged["unmatched"] == dense["unmatched"]
    assert paged["stability"] == dense["stability"]
    assert paged["stability"]["blocking_pairs"] == 0


@settings(max_examples=40, deadline=None)
@given(data=rounds, extra_seed=st.integers(0, 10**6))
def test_the_block_by_block_audit_and_reasons_match_the_dense_ones_for_the_same_assignment(
    data, extra_seed
):
    data = with_locks_and_forbidden(data, extra_seed)
    full = solve_round(data, path="programme")
    pruned = solve_round(data, path="national", k=50)
    if pruned["assignments"] == full["assignments"]:
        assert pruned["unmatched"] == full["unmatched"]
        assert pruned["stability"] == full["stability"]
        assert pruned["unfilled"] == full["unfilled"]


def test_a_pruning_miss_with_k_1_is_caught_by_the_certificate_and_repaired():
    # Seed 4 with one candidate per student and per role: the candidate optimum places 11
    # students, the round's optimum 14. The duals expose the pruned pairs that matter.
    snapshot = validate_snapshot(synthetic_round(40, 10, seed=4))
    problem = build_problem(snapshot, dense=False)
    first = national_optimum(problem, k=1, repairs=0)
    repaired = national_optimum(problem, k=1, exact=True)
    full = solve_round(snapshot, path="programme")
    assert not first.certified and first.gap > 0
    assert len(first.pairs) < full["objective"]["placed"]
    assert repaired.certified and repaired.repairs >= 1
    assert len(repaired.pairs) == full["objective"]["placed"]


def test_without_exact_a_result_that_is_not_certified_says_how_large_the_gap_can_be():
    snapshot = validate_snapshot(synthetic_round(40, 10, seed=4))
    result = solve_round(snapshot, path="national", k=1)
    solver = result["solver"]
    assert solver["certificate_rounds"] <= national.DEFAULT_REPAIRS
    if not solver["certified"]:
        assert solver["max_gap"]["value"] > 0
    capped = national_optimum(build_problem(snapshot, dense=False), k=1, repairs=0)
    assert capped.gap > 0


def test_the_gap_bound_is_never_smaller_than_the_true_gap():
    for seed in range(6):
        snapshot = validate_snapshot(synthetic_round(40, 10, seed=seed, objective="score"))
        problem = build_problem(snapshot, dense=False)
        first = national_optimum(problem, k=1, repairs=0)
        best = national_optimum(problem, k=1, exact=True)
        value = national._total_value(first, problem)
        assert national._total_value(best, problem) - value <= first.gap


def test_programme_size_rounds_keep_the_dense_path_and_large_ones_take_the_national_path():
    small = validate_snapshot(synthetic_round(30, 12, seed=1))
    assert round_path(small) == "programme"
    assert "certified" not in solve_round(small)["solver"]
    side = int(NATIONAL_CELLS**0.5) + 1
    assert national.is_national(side, side)
    assert not national.is_national(1000, 1000)


def test_objective_sums_stay_exact_up_to_the_largest_supported_round():
    assert objective_bound(MAX_STUDENTS) < 2**53
    assert objective_bound(MAX_STUDENTS) + 1.0 != float(objective_bound(MAX_STUDENTS))
    # the limit is close to the encoding's reach: twice the limit would not be exact
    assert objective_bound(2 * MAX_STUDENTS) > 2**53


def test_a_round_over_the_limits_is_refused_naming_its_size_and_the_limit():
    with pytest.raises(matching.SnapshotError, match=r"90,001 students .* limit of 90,000"):
        check_size(MAX_STUDENTS + 1, 10)
    with pytest.raises(matching.SnapshotError, match=r"roles .* limit of 90,000"):
        check_size(10, MAX_ROLES + 1)
    with pytest.raises(matching.SnapshotError, match="k: must be a whole number"):
        check_size(10, 10, k=0)
    huge = {"format": "placement-round/1", "students": [{}] * (MAX_STUDENTS + 1), "roles": []}
    with pytest.raises(matching.SnapshotError, match="limit of 90,000"):
        solve_round(huge)


def test_scores_at_national_size_list_the_candidate_pairs_and_say_so():
    data = synthetic_round(25, 10, seed=3)
    result = solve_round(data, path="national", k=2, include_scores=True)
    assert result["scores_cover"] == "candidates"
    assert len(result["scores"]) == result["solver"]["candidates"]
    assert check_result(data, result) == []
    wrong = copy.deepcopy(result)
    wrong["scores"][0]["score"] += 0.001
    wrong["result_sha256"] = matching.formats.result_digest(wrong)
    assert any("differ" in p for p in check_result(data, wrong))


def test_explain_pool_size_and_alternatives_agree_on_both_paths(monkeypatch):
    data = synthetic_round(60, 25, seed=8, min_score=0.1)
    data["forbidden"] = [{"student": "s00003", "role": "r0004"}]
    dense = (
        matching.explain_student(data, "s00003"),
        matching.pool_size(data, "r0004"),
        matching.alternatives(data, "s00007"),
    )
    monkeypatch.setattr(national, "NATIONAL_CELLS", 0)
    assert round_path(validate_snapshot(data)) == "national"
    sparse = (
        matching.explain_student(data, "s00003"),
        matching.pool_size(data, "r0004"),
        matching.alternatives(data, "s00007"),
    )
    assert sparse[0] == dense[0]
    assert sparse[1] == dense[1]
    assert sparse[2]["objective"] == dense[2]["objective"]
    costs = [(a["role"], a["cost"]) for a in sparse[2]["alternatives"]]
    assert costs == [(a["role"], a["cost"]) for a in dense[2]["alternatives"]]


@settings(max_examples=60, deadline=None)
@given(data=rounds, extra_seed=st.integers(0, 10**6), pick=st.integers(0, 10**6))
def test_alternatives_started_from_the_rounds_own_solve_cost_what_the_dense_path_says(
    data, extra_seed, pick
):
    data = with_locks_and_forbidden(data, extra_seed)
    if not data["students"]:
        return
    student = data["students"][pick % len(data["students"])]["id"]
    dense = matching.alternatives(data, student)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(national, "NATIONAL_CELLS", -1)
        result, warm = explained(data, student)
    assert result["solver"]["path"] == "national"
    assert warm["objective"] == dense["objective"]
    assert warm["locked"] == dense["locked"]
    # Among equal optima the paths may place the student differently (so list other roles).
    if warm["current"] == dense["current"]:
        assert warm["alternatives"] == dense["alternatives"]
    costs = {a["role"]: (a["score"], a["cost"]) for a in dense["alternatives"]}
    for entry in warm["alternatives"]:
        if entry["role"] in costs:
            assert (entry["score"], entry["cost"]) == costs[entry["role"]]


def test_the_command_line_solves_on_the_national_path_with_exact_and_k(tmp_path, capsys):
    from matching.__main__ import main

    source, target = tmp_path / "round.json", tmp_path / "result.json"
    source.write_text(json.dumps(synthetic_round(40, 10, seed=4)), encoding="utf-8")
    arguments = ["solve", str(source), "-o", str(target), "--path", "national", "--k", "1"]
    assert main([*arguments, "--exact"]) == 0
    result = json.loads(target.read_text(encoding="utf-8"))
    assert result["solver"]["certified"] is True and result["solver"]["k"] == 1
    assert result["solver"]["certificate_rounds"] >= 1
    assert main(["check", str(source), str(target)]) == 0
    assert capsys.readouterr().out.strip().endswith("valid")


def test_the_command_line_refuses_a_round_over_the_limit_with_exit_2_and_no_output(
    tmp_path, capsys
):
    from matching.__main__ import main

    source, target = tmp_path / "round.json", tmp_path / "result.json"
    huge = {"format": "placement-round/1", "students": [{}] * (MAX_STUDENTS + 1), "roles": []}
    source.write_text(json.dumps(huge), encoding="utf-8")
    assert main(["solve", str(source), "-o", str(target)]) == 2
    message = capsys.readouterr().err
    assert "90,001 students is more than the engine's limit of 90,000" in message
    assert not target.exists()
    source.write_text(json.dumps(synthetic_round(5, 2, seed=1)), encoding="utf-8")
    assert main(["solve", str(source), "-o", str(target), "--k", "0"]) == 2
    assert "k: must be a whole number from 1 to 1,000" in capsys.readouterr().err


@pytest.mark.parametrize("small_class_cells", [0, 1 << 19])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_blocks_cover_every_feasible_pair_once_with_the_dense_scores(
    monkeypatch, seed, small_class_cells
):
    # 0 splits every class by signature and hours, as national rounds are split
    import numpy as np

    from matching import blocks as blocking
    from matching.snapshot import prepare

    monkeypatch.setattr(blocking, "SMALL_CLASS_CELLS", small_class_cells)
    data = with_locks_and_forbidden(synthetic_round(300, 130, seed=seed), seed)
    dense = prepare(data)
    problem = build_problem(dense.snapshot, dense=False)
    scorer = blocking.build_scorer(problem, dense.parameters)
    seen, cells = [], 0
    for rows, cols, by_signature in blocking.blocks(problem):
        units = blocking.block_units(scorer, rows, cols, by_signature)
        i, j = np.nonzero(units >= 0)
        seen.extend(zip(rows[i].tolist(), cols[j].tolist(), units[i, j].tolist(), strict=True))
        cells += rows.size * cols.size
    pairs = [(s, r) for s, r, _ in seen]
    assert len(pairs) == len(set(pairs))
    assert set(pairs) == set(zip(*np.nonzero(dense.feasible), strict=True))
    assert all(dense.units[s, r] == u for s, r, u in seen)
    assert cells < dense.feasible.size


@pytest.mark.parametrize("seed", range(6))
def test_rounds_split_as_national_ones_still_give_the_full_optimum(monkeypatch, seed):
    from matching import blocks as blocking

    monkeypatch.setattr(blocking, "SMALL_CLASS_CELLS", 0)
    objective = ["placements", "score"][seed % 2]
    data = synthetic_round(120, 50, seed=seed, objective=objective, min_score=0.1 * (seed % 3))
    data = with_locks_and_forbidden(data, seed)
    full = solve_round(data, path="programme")
    pruned = solve_round(data, path="national", k=1 + seed % 3, exact=True)
    assert pruned["objective"] == full["objective"]
    assert pruned["solver"]["certified"] is True
    stable = solve_round(data, algorithm="stable", path="national", k=2)
    assert stable["assignments"] == solve_round(data, algorithm="stable")["assignments"]
    assert check_result(data, pruned) == []
