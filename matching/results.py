"""Assemble a ``placement-result/1`` document from an assignment."""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import scipy

from .assignment import Pair
from .formats import RESULT_FORMAT, result_digest
from .reasons import pair_reasons, unmatched_reason
from .scoring import SCORE_UNIT
from .snapshot import Prepared
from .stability import blocking_pairs, preference_keys, ranks_achieved

ENGINE_VERSION = "1.1"  # 1.1: scores counted in whole points (docs/round-format.md)
SOLVER_NAMES = {
    "dense": "scipy.optimize.linear_sum_assignment",
    "sparse": "scipy.sparse.csgraph.min_weight_full_bipartite_matching",
    "stable": "student-proposing deferred acceptance",
    "transport": "matching.transport: successive shortest paths with role capacities",
}
MAX_EXAMPLES = 5


def _assignment(prepared: Prepared, student: int, role: int, locked: bool) -> dict[str, Any]:
    s_data, r_data = prepared.snapshot["students"][student], prepared.snapshot["roles"][role]
    breakdown = prepared.breakdown(student, role)
    return {
        "student": s_data["id"],
        "role": r_data["id"],
        "score": int(prepared.units[student, role]) / SCORE_UNIT,
        "locked": locked,
        "breakdown": breakdown,
        "reasons": pair_reasons(s_data, r_data, locked),
    }


def _stability(prepared: Prepared, pairs: list[Pair]) -> dict[str, Any]:
    problem = prepared.problem
    ranks = (problem.student_pref_rank, problem.role_pref_rank, problem.role_pref_length)
    student_key, role_key = preference_keys(ranks, prepared.units, prepared.acceptable)
    blocking = blocking_pairs(student_key, role_key, pairs, problem.places, list(problem.locked))
    examples = [
        {"student": problem.student_ids[s], "role": problem.role_ids[r]}
        for s, r in blocking[:MAX_EXAMPLES].tolist()
    ]
    return {
        "blocking_pairs": len(blocking),
        "examples": examples,
        "ranks_achieved": ranks_achieved(problem.student_pref_rank, pairs),
    }


def _unfilled(prepared: Prepared, pairs: list[Pair]) -> list[dict[str, Any]]:
    problem = prepared.problem
    filled = np.bincount([r for _, r in pairs], minlength=len(problem.role_ids))
    left = problem.places - filled
    return [
        {"role": problem.role_ids[r], "places_left": int(left[r])} for r in np.flatnonzero(left > 0)
    ]


def score_list(prepared: Prepared) -> list[dict[str, Any]]:
    """Every feasible pair with its score, sorted by student then role id."""
    problem = prepared.problem
    rows, cols = np.nonzero(prepared.feasible)
    values = (prepared.units[rows, cols] / SCORE_UNIT).tolist()
    return [
        {"student": problem.student_ids[s], "role": problem.role_ids[r], "score": value}
        for s, r, value in zip(rows.tolist(), cols.tolist(), values, strict=True)
    ]


def build_result(
    prepared: Prepared,
    pairs: list[Pair],
    *,
    method: str,
    algorithm: str,
    started: float,
    include_scores: bool = False,
) -> dict[str, Any]:
    """The result document, ``result_sha256`` included.

    Parameters
    ----------
    pairs : list of (student, role)
        Indices into the normalised snapshot's (id-sorted) students and roles.
    method : {"dense", "sparse", "stable"}
        The solver used, named in ``solver.name``.
    started : float
        ``time.perf_counter()`` when the solve began, for ``solver.seconds``.
    """
    problem = prepared.problem
    locked = set(problem.locked)
    placed = {s for s, _ in pairs}
    total_units = int(sum(int(prepared.units[s, r]) for s, r in pairs))
    result: dict[str, Any] = {
        "format": RESULT_FORMAT,
        "input_sha256": prepared.input_sha256,
        "algorithm": algorithm,
        "parameters": prepared.parameters,
        "objective": {"placed": len(pairs), "total_score": total_units / SCORE_UNIT},
        "assignments": [_assignment(prepared, s, r, (s, r) in locked) for s, r in sorted(pairs)],
        "unmatched": [
            {"student": problem.student_ids[s], "reason": unmatched_reason(prepared, s, algorithm)}
            for s in range(len(problem.student_ids))
            if s not in placed
        ],
        "unfilled": _unfilled(prepared, pairs),
        "stability": _stability(prepared, pairs),
    }
    if include_scores:
        result["scores"] = score_list(prepared)
    result["solver"] = {
        "name": SOLVER_NAMES[method],
        "version": f"matching {ENGINE_VERSION}; scipy {scipy.__version__}",
        "seconds": round(time.perf_counter() - started, 6),
    }
    result["result_sha256"] = result_digest(result)
    return result
