"""Benchmarks: ``python -m matching bench [--sizes 100,500,...]``; prints figures and ratios."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from scipy.optimize import linear_sum_assignment

from .assignment import pair_values
from .feasibility import feasible_mask, rule_masks, skill_products
from .problem import Problem, build_problem
from .reference import budgets, pair_is_feasible, pair_points
from .rounds import optimal_pairs, solve_round, stable_pairs
from .scoring import SCORE_UNIT, component_points, score_factors, score_units, score_units_matrix
from .snapshot import prepare, validate_snapshot
from .synthetic import synthetic_round

ROLES_PER_STUDENT = 0.43  # about one place per student (2.3 places per role on average)
LOOP_FULL_LIMIT = 1000  # above this, the per-pair loop is timed on a sample and extrapolated
LOOP_SAMPLE_STUDENTS = 100


def best_time(function: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Fastest of ``repeat`` runs in seconds, and the last return value."""
    best, value = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        value = function()
        best = min(best, time.perf_counter() - started)
    return best, value


def arrays_to_scores(problem: Problem, weights: dict[str, float]) -> np.ndarray:
    """Every pair's score in points: the factors, their float32 product and the preferences."""
    return score_units_matrix(problem, weights)


def arrays_to_rules(problem: Problem) -> np.ndarray:
    """Every pair's hard rules: the required-skill product and the masks."""
    return feasible_mask(problem, rule_masks(problem, skill_products(problem)))


def reference_loop(snapshot: dict[str, Any]) -> int:
    """The same work pair by pair in Python: hard rules and points of every pair."""
    forbidden = {(p["student"], p["role"]) for p in snapshot["forbidden"]}
    budget = budgets(snapshot["parameters"]["weights"])
    feasible = 0
    for student in snapshot["students"]:
        for role in snapshot["roles"]:
            pair_points(student, role, budget)
            feasible += pair_is_feasible(student, role, (student["id"], role["id"]) in forbidden)
    return feasible


def greedy(scores: np.ndarray, acceptable: np.ndarray, places: np.ndarray) -> tuple[int, float]:
    """Best-first greedy: take pairs by descending score while student and role are free."""
    rows, cols = np.nonzero(acceptable)
    order = np.argsort(-scores[rows, cols], kind="stable")
    free_places = places.copy().tolist()
    taken = [False] * scores.shape[0]
    placed, total = 0, 0.0
    for s, r in zip(rows[order].tolist(), cols[order].tolist(), strict=True):
        if not taken[s] and free_places[r] > 0:
            taken[s], free_places[r] = True, free_places[r] - 1
            placed, total = placed + 1, total + float(scores[s, r])
    return placed, total


def bare_lsa(units: np.ndarray, acceptable: np.ndarray, places: np.ndarray) -> float:
    """Seconds for ``linear_sum_assignment`` alone on the same values expanded to places."""
    values = np.where(acceptable, pair_values(units, "placements", units.shape[0]), 0.0)
    values = values[:, np.repeat(np.arange(len(places)), places)]
    started = time.perf_counter()
    linear_sum_assignment(values, maximize=True)
    return time.perf_counter() - started


def loop_seconds(snapshot: dict[str, Any]) -> tuple[float, str]:
    """Seconds for the per-pair Python loop (:func:`reference_loop`), measured or extrapolated."""
    n_students = len(snapshot["students"])
    if n_students <= LOOP_FULL_LIMIT:
        return best_time(lambda: reference_loop(snapshot), 1)[0], "measured"
    sample = dict(snapshot, students=snapshot["students"][:LOOP_SAMPLE_STUDENTS])
    seconds = best_time(lambda: reference_loop(sample), 1)[0]
    return seconds * n_students / LOOP_SAMPLE_STUDENTS, f"extrapolated from {LOOP_SAMPLE_STUDENTS}"


def scores_and_matmul_seconds(
    problem: Problem, weights: dict[str, float], repeat: int
) -> tuple[float, float]:
    """Best seconds for the scores and for one float32 product of the same shape, interleaved.

    The product multiplies random float32 matrices shaped like :func:`score_factors`' output.
    Runs alternate, so both see the same machine load.
    """
    n_columns = score_factors(problem, component_points(weights))[0].shape[1]
    rng = np.random.default_rng(0)
    left = rng.random((len(problem.student_ids), n_columns), dtype=np.float32)
    right = rng.random((n_columns, len(problem.role_ids)), dtype=np.float32)
    scores = matmul = float("inf")
    for _ in range(repeat):
        scores = min(scores, best_time(lambda: arrays_to_scores(problem, weights), 1)[0])
        matmul = min(matmul, best_time(lambda: left @ right, 1)[0])
    return scores, matmul


def measure(n_students: int, seed: int = 0) -> dict[str, Any]:
    """All figures for one round size."""
    raw = synthetic_round(n_students, max(1, round(n_students * ROLES_PER_STUDENT)), seed=seed)
    repeat = 7 if n_students <= 1000 else 1
    snapshot = validate_snapshot(raw)
    total, result = best_time(lambda: solve_round(raw), repeat)
    problem_s, problem = best_time(lambda: build_problem(snapshot), repeat)
    weights = snapshot["parameters"]["weights"]
    scores_s, matmul_s = scores_and_matmul_seconds(problem, weights, 5 * repeat)
    rules_s, _ = best_time(lambda: arrays_to_rules(problem), repeat)
    prepared = prepare(snapshot, normalised=True)
    solve_s, _ = best_time(lambda: optimal_pairs(prepared), repeat)
    stable_s, stable = best_time(lambda: stable_pairs(prepared), 1)
    problem = prepared.problem
    units = score_units(prepared.scores)
    greedy_placed, greedy_total = greedy(prepared.scores, prepared.acceptable, problem.places)
    loop_s, loop_note = loop_seconds(snapshot)
    return {
        "students": n_students,
        "roles": len(problem.role_ids),
        "places": int(problem.places.sum()),
        "feasible_pairs": int(prepared.feasible.sum()),
        "total_s": total,
        "problem_s": problem_s,
        "scores_s": scores_s,
        "rules_s": rules_s,
        "solve_s": solve_s,
        "bare_lsa_s": bare_lsa(units, prepared.acceptable, problem.places),
        "matmul_s": matmul_s,
        "loop_s": loop_s,
        "loop_note": loop_note,
        "placed": result["objective"]["placed"],
        "total_score": result["objective"]["total_score"],
        "blocking": result["stability"]["blocking_pairs"],
        "greedy_placed": greedy_placed,
        "greedy_total": greedy_total,
        "stable_s": stable_s,
        "stable_placed": len(stable),
        "stable_total": sum(int(units[s, r]) for s, r in stable) / SCORE_UNIT,
    }


def format_rows(row: dict[str, Any]) -> list[str]:
    """Human-readable lines for one size."""
    ms = {key: 1000 * value for key, value in row.items() if key.endswith("_s")}
    return [
        f"{row['students']} students x {row['roles']} roles ({row['places']} places, "
        f"{row['feasible_pairs']} feasible pairs)",
        f"  snapshot -> result {ms['total_s']:.1f} ms | snapshot -> arrays "
        f"{ms['problem_s']:.1f} ms | arrays -> scores {ms['scores_s']:.1f} ms | hard rules "
        f"{ms['rules_s']:.1f} ms | "
        f"solve {ms['solve_s']:.1f} ms | bare LSA {ms['bare_lsa_s']:.1f} ms | "
        f"stable (DA) {ms['stable_s']:.1f} ms",
        f"  total / bare LSA = {row['total_s'] / row['bare_lsa_s']:.2f}x | scores and rules vs "
        f"per-pair loop = {row['loop_s'] / (row['scores_s'] + row['rules_s']):.0f}x faster "
        f"(loop {row['loop_s']:.2f} s, "
        f"{row['loop_note']}) | scores / one float32 matmul = "
        f"{row['scores_s'] / row['matmul_s']:.2f}x",
        f"  optimal: {row['placed']} placed, total {row['total_score']:.3f}, "
        f"{row['blocking']} blocking pairs | greedy: {row['greedy_placed']} placed, total "
        f"{row['greedy_total']:.3f} | stable: {row['stable_placed']} placed, total "
        f"{row['stable_total']:.3f}",
    ]


def run_benchmarks(sizes: Sequence[int], seed: int = 0) -> list[dict[str, Any]]:
    """Measure and print every size; returns the rows."""
    rows = []
    for n_students in sizes:
        row = measure(n_students, seed)
        print("\n".join(format_rows(row)), flush=True)
        rows.append(row)
    return rows
