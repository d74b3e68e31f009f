"""The result document at national size: the same fields, every count made block by block."""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import scipy

from .blocks import (
    PAIRS_PER_CHUNK,
    Scorer,
    block_entries,
    block_units,
    fold_blocks,
    score_pairs,
)
from .formats import MAX_STUDENT_PREFERENCES, RESULT_FORMAT, result_digest, sha256_of
from .reasons import pair_reasons, unmatched_text
from .scoring import SCORE_UNIT, pair_breakdown, travel_table
from .stability import STATED, ranks_achieved

MAX_EXAMPLES = 5
ROWS_PER_CHUNK = 256


class RankTable:
    """Stated ranks of one side as sorted pair keys, for scattering into blocks."""

    def __init__(self, entries: np.ndarray, n_students: int, n_roles: int) -> None:
        keys = entries[:, 0] * n_roles + entries[:, 1]
        order = np.argsort(keys)
        self.keys, self.ranks = keys[order], entries[order, 2]
        self.indptr = np.searchsorted(self.keys, np.arange(n_students + 1) * n_roles)


def rank_tables(problem) -> tuple[RankTable, RankTable]:
    """The students' and the roles' stated ranks, built once per round."""
    return (
        RankTable(problem.student_prefs, *problem.shape),
        RankTable(problem.role_prefs, *problem.shape),
    )


def preference_blocks(scorer: Scorer, tables, rows, cols, units):
    """Both sides' preference keys for a block (as :func:`matching.stability.preference_keys`)."""
    problem, n_roles = scorer.problem, scorer.shape[1]
    student_key, role_key = units.astype(np.int64), units.astype(np.int64)
    students, roles = tables
    i, j, e = block_entries(students.keys, students.indptr, rows, cols, n_roles)
    student_key[i, j] = STATED * (MAX_STUDENT_PREFERENCES + 1 - students.ranks[e])
    i, j, e = block_entries(roles.keys, roles.indptr, rows, cols, n_roles)
    role_key[i, j] = STATED * (problem.role_pref_length[cols[j]] + 1 - roles.ranks[e])
    return student_key, role_key


def _pair_key_values(scorer: Scorer, pairs: list[tuple[int, int]]):
    """Preference keys of given pairs, both sides (pairs assumed acceptable)."""
    s, r = np.array(pairs, dtype=np.int64).reshape(-1, 2).T
    _, units = score_pairs(scorer, s, r)
    problem = scorer.problem
    s_rank = np.array([problem.student_pref_rank[a, b] for a, b in pairs], dtype=np.int64)
    r_rank = np.array([problem.role_pref_rank[a, b] for a, b in pairs], dtype=np.int64)
    student_key = np.where(s_rank > 0, STATED * (MAX_STUDENT_PREFERENCES + 1 - s_rank), units)
    length = problem.role_pref_length[r]
    role_key = np.where(r_rank > 0, STATED * (length + 1 - r_rank), units)
    return s, r, student_key, role_key


def audit(scorer: Scorer, pairs: list[tuple[int, int]], candidates=None) -> dict[str, Any]:
    """Blocking pairs counted exactly, in blocks (as :func:`matching.stability.blocking_pairs`).

    With ``candidates`` (:class:`matching.candidates.Candidates`), candidate pairs are checked
    from their list, and a pruned pair (never a stated choice: those are candidates) only where
    its points, at most the floors of both lists, could beat what the student and the role hold.

    Returns the result's ``stability`` section.
    """
    problem = scorer.problem
    n_students, n_roles = problem.shape
    current = np.full(n_students, -1, dtype=np.int64)
    filled = np.zeros(n_roles, dtype=np.int64)
    threshold = np.full(n_roles, np.iinfo(np.int64).max, dtype=np.int64)
    locked = np.zeros(n_students, dtype=bool)
    locked[[s for s, _ in problem.locked]] = True
    if pairs:
        s, r, student_key, role_key = _pair_key_values(scorer, pairs)
        current[s] = student_key
        np.add.at(filled, r, 1)
        movable = ~locked[s]
        np.minimum.at(threshold, r[movable], role_key[movable])
    threshold = np.where(filled < problem.places, -1, threshold)
    count, examples, tables = 0, [], rank_tables(problem)
    state = (current, threshold, locked)
    skip = None
    if candidates is not None:
        count, examples = _candidate_blocking(scorer, tables, candidates, state)
        skip = _table(candidates, n_students, n_roles)

    def work(found, rows, cols, by_signature):
        if candidates is not None:
            rows, cols = _could_block(rows, cols, candidates, state)
            if not rows.size or not cols.size:
                return
        units = block_units(scorer, rows, cols, by_signature)
        acceptable = units >= scorer.min_units
        if skip is not None:
            i, j, _ = block_entries(*skip, rows, cols, n_roles)
            acceptable[i, j] = False
        if not (acceptable & ~locked[rows, None]).any():
            return
        student_key, role_key = preference_blocks(scorer, tables, rows, cols, units)
        blocking = acceptable & (student_key > current[rows, None])
        blocking &= role_key > threshold[None, cols]
        blocking &= ~locked[rows, None]
        if blocking.any():
            found[0] += int(blocking.sum())
            i, j = np.nonzero(blocking)
            order = np.lexsort((cols[j], rows[i]))[:MAX_EXAMPLES]
            found[1].extend(zip(rows[i][order].tolist(), cols[j][order].tolist(), strict=True))
            found[1][:] = sorted(found[1])[:MAX_EXAMPLES]

    for share_count, share_examples in fold_blocks(problem, work, lambda: [0, []]):
        count += share_count
        examples.extend(share_examples)
    examples = sorted(examples)[:MAX_EXAMPLES]
    return {
        "blocking_pairs": count,
        "examples": [
            {"student": problem.student_ids[s], "role": problem.role_ids[r]} for s, r in examples
        ],
        "ranks_achieved": ranks_achieved(problem.student_pref_rank, pairs),
    }


def _table(candidates, n_students: int, n_roles: int) -> tuple[np.ndarray, np.ndarray]:
    keys = np.sort(candidates.students * n_roles + candidates.roles)
    return keys, np.searchsorted(keys, np.arange(n_students + 1) * n_roles)


def _could_block(rows, cols, candidates, state):
    """Rows and columns of a block where a pruned pair could block (see :func:`audit`)."""
    current, threshold, locked = state
    floor_s, floor_r = candidates.student_floor[rows], candidates.role_floor[cols]
    rows = rows[(floor_s >= 0) & (floor_s > current[rows]) & ~locked[rows]]
    cols = cols[(floor_r >= 0) & (floor_r > threshold[cols])]
    return rows, cols


def _candidate_blocking(scorer, tables, candidates, state) -> tuple[int, list]:
    """Blocking pairs among the candidates, and the first few."""
    current, threshold, locked = state
    s, r, units = candidates.students, candidates.roles, candidates.units
    n_roles = scorer.shape[1]
    student_key, role_key = units.copy(), units.copy()
    keys = s * n_roles + r
    students, roles = tables
    position, ranked = _find(students.keys, keys)
    student_key[ranked] = STATED * (MAX_STUDENT_PREFERENCES + 1 - students.ranks[position[ranked]])
    position, ranked = _find(roles.keys, keys)
    length = scorer.problem.role_pref_length[r[ranked]]
    role_key[ranked] = STATED * (length + 1 - roles.ranks[position[ranked]])
    blocking = (student_key > current[s]) & (role_key > threshold[r]) & ~locked[s]
    order = np.lexsort((r[blocking], s[blocking]))[:MAX_EXAMPLES]
    first = list(zip(s[blocking][order].tolist(), r[blocking][order].tolist(), strict=True))
    return int(blocking.sum()), first


def _find(sorted_keys: np.ndarray, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if not sorted_keys.size:
        return np.zeros(keys.size, dtype=np.int64), np.zeros(keys.size, dtype=bool)
    position = np.minimum(np.searchsorted(sorted_keys, keys), sorted_keys.size - 1)
    return position, sorted_keys[position] == keys


def rule_failures_counted(scorer: Scorer, students: np.ndarray) -> dict[int, dict[str, int]]:
    """For each student, how many roles each hard rule excludes (all roles, in row chunks)."""
    p = scorer.problem
    n_roles = p.shape[1]
    width = scorer.required_side.shape[0]
    out: dict[int, dict[str, int]] = {}
    for start in range(0, students.size, ROWS_PER_CHUNK):
        rows = students[start : start + ROWS_PER_CHUNK]
        met = scorer.student_side[rows][:, :width] @ scorer.required_side
        masks = {
            "min_rqf_level": p.rqf_level[rows, None] >= p.min_rqf_level[None, :],
            "right_to_work": np.broadcast_to(p.right_to_work[rows, None], (rows.size, n_roles)),
            "dates": (p.available_from[rows, None] <= p.start[None, :])
            & (p.available_until[rows, None] >= p.end[None, :]),
            "hours_per_week": p.role_hours[None, :] <= p.student_hours[rows, None],
            "work_mode": (p.student_modes[rows, None] & p.role_mode[None, :]) != 0,
            "skills": met >= scorer.n_required[None, :],
        }
        counts = {rule: (~mask).sum(axis=1) for rule, mask in masks.items()}
        counts["forbidden"] = scorer.forbidden_indptr[rows + 1] - scorer.forbidden_indptr[rows]
        for index, student in enumerate(rows.tolist()):
            out[student] = {rule: int(value[index]) for rule, value in counts.items()}
    return out


def unmatched(scorer: Scorer, placed: set[int], counts, algorithm: str) -> list[dict[str, str]]:
    """Unmatched students and their reasons, from the candidate pass's counts."""
    problem = scorer.problem
    feasible, acceptable = counts
    n_roles = problem.shape[1]
    left = np.array([s for s in range(problem.shape[0]) if s not in placed], dtype=np.int64)
    failures = rule_failures_counted(scorer, left[feasible[left] == 0]) if n_roles else {}
    min_score = problem.snapshot["parameters"]["min_score"]
    students = problem.snapshot["students"]
    return [
        {
            "student": problem.student_ids[s],
            "reason": unmatched_text(
                students[s],
                (n_roles, int(feasible[s]), int(acceptable[s]), failures.get(s, {})),
                min_score,
                algorithm,
            ),
        }
        for s in left.tolist()
    ]


def assignments(scorer: Scorer, pairs: list[tuple[int, int]]) -> list[dict[str, Any]]:
    """The assignment entries, with scores, breakdowns and reasons."""
    problem = scorer.problem
    snapshot, locked = problem.snapshot, set(problem.locked)
    travel = travel_table(problem)
    s, r = np.array(pairs, dtype=np.int64).reshape(-1, 2).T
    units = score_pairs(scorer, s, r)[1].tolist()
    out = []
    for (student, role), points in zip(pairs, units, strict=True):
        s_data, r_data = snapshot["students"][student], snapshot["roles"][role]
        is_locked = (student, role) in locked
        out.append(
            {
                "student": s_data["id"],
                "role": r_data["id"],
                "score": points / SCORE_UNIT,
                "locked": is_locked,
                "breakdown": pair_breakdown(problem, travel, student, role),
                "reasons": pair_reasons(s_data, r_data, is_locked),
            }
        )
    return out


def candidate_scores(scorer: Scorer, candidates) -> list[dict[str, Any]]:
    """The candidate pairs with their scores, sorted by student then role id."""
    problem = scorer.problem
    out = []
    for start in range(0, len(candidates), PAIRS_PER_CHUNK):
        chunk = slice(start, start + PAIRS_PER_CHUNK)
        out.extend(
            {
                "student": problem.student_ids[s],
                "role": problem.role_ids[r],
                "score": u / SCORE_UNIT,
            }
            for s, r, u in zip(
                candidates.students[chunk].tolist(),
                candidates.roles[chunk].tolist(),
                candidates.units[chunk].tolist(),
                strict=True,
            )
        )
    return out


def national_document(
    scorer: Scorer,
    pairs: list[tuple[int, int]],
    *,
    algorithm: str,
    counts: tuple[np.ndarray, np.ndarray],
    stability: dict[str, Any],
    solver: dict[str, Any],
    scores: list[dict[str, Any]] | None,
    started: float,
) -> dict[str, Any]:
    """The ``placement-result/1`` document (``result_sha256`` included)."""
    from .results import ENGINE_VERSION

    problem = scorer.problem
    pairs = sorted(pairs)
    entries = assignments(scorer, pairs)
    total_units = sum(round(e["score"] * SCORE_UNIT) for e in entries)
    filled = np.bincount([r for _, r in pairs], minlength=problem.shape[1])
    left = problem.places - filled
    result: dict[str, Any] = {
        "format": RESULT_FORMAT,
        "input_sha256": sha256_of(problem.snapshot),
        "algorithm": algorithm,
        "parameters": problem.snapshot["parameters"],
        "objective": {"placed": len(pairs), "total_score": total_units / SCORE_UNIT},
        "assignments": entries,
        "unmatched": unmatched(scorer, {s for s, _ in pairs}, counts, algorithm),
        "unfilled": [
            {"role": problem.role_ids[r], "places_left": int(left[r])}
            for r in np.flatnonzero(left > 0)
        ],
        "stability": stability,
    }
    if scores is not None:
        result["scores"] = scores
    result["solver"] = {
        **solver,
        "version": f"matching {ENGINE_VERSION}; scipy {scipy.__version__}",
        "seconds": round(time.perf_counter() - started, 6),
    }
    result["result_sha256"] = result_digest(result)
    return result
