"""Solve a round: snapshot in, ``placement-result/1`` out; and what-if alternatives."""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from .assignment import Pair, assign_with_method
from .candidates import DEFAULT_K
from .formats import ALGORITHMS, SnapshotError
from .national import MAX_ROLES, MAX_STUDENTS, Stages, is_national, solve_national
from .results import build_result
from .scoring import SCORE_UNIT
from .snapshot import Prepared, prepare, validate_snapshot
from .stability import deferred_acceptance, preference_keys

PATHS = ("auto", "programme", "national")


def optimal_pairs(prepared: Prepared, extra_locked: tuple[Pair, ...] = ()) -> list[Pair]:
    """The optimal assignment (locked pairs and ``extra_locked`` kept), ties broken by lottery."""
    return optimal_pairs_and_method(prepared, extra_locked)[0]


def optimal_pairs_and_method(
    prepared: Prepared, extra_locked: tuple[Pair, ...] = ()
) -> tuple[list[Pair], str]:
    """:func:`optimal_pairs` and the solver method used (``dense`` or ``sparse``)."""
    problem = prepared.problem
    row_order, col_order = prepared.draw_orders()
    return assign_with_method(
        prepared.scores,
        prepared.acceptable,
        problem.places,
        locked=list(problem.locked) + list(extra_locked),
        objective=prepared.parameters["objective"],
        row_order=row_order,
        col_order=col_order,
    )


def stable_pairs(prepared: Prepared) -> list[Pair]:
    """Student-proposing deferred acceptance on the completed preference lists."""
    problem = prepared.problem
    ranks = (problem.student_pref_rank, problem.role_pref_rank, problem.role_pref_length)
    student_key, role_key = preference_keys(ranks, prepared.units, prepared.acceptable)
    ticket = prepared.pair_tickets()
    return deferred_acceptance(student_key, role_key, ticket, problem.places, list(problem.locked))


def _early_size_check(snapshot: Any) -> None:
    """Refuse an oversized round before validating it (see :func:`matching.national.check_size`)."""
    if not isinstance(snapshot, dict):
        return
    for field, limit in (("students", MAX_STUDENTS), ("roles", MAX_ROLES)):
        entries = snapshot.get(field)
        if isinstance(entries, list) and len(entries) > limit:
            message = f"{len(entries):,} {field} is more than the engine's limit of {limit:,}"
            raise SnapshotError(field, message)


def round_path(snapshot: dict[str, Any], path: str = "auto") -> str:
    """``programme`` or ``national`` for a normalised snapshot (see :data:`NATIONAL_CELLS`)."""
    if path not in PATHS:
        raise ValueError(f"path must be one of {PATHS}, not {path!r}")
    if path != "auto":
        return path
    large = is_national(len(snapshot["students"]), len(snapshot["roles"]))
    return "national" if large else "programme"


def solve_round(
    snapshot: dict[str, Any],
    *,
    algorithm: str = "optimal",
    include_scores: bool = False,
    path: str = "auto",
    k: int = DEFAULT_K,
    exact: bool = False,
    stages: Stages | None = None,
) -> dict[str, Any]:
    """Solve a ``placement-round/1`` snapshot.

    Parameters
    ----------
    snapshot : dict
        Parsed round JSON (validated here; :class:`matching.SnapshotError` on bad input).
    algorithm : {"optimal", "stable"}
        ``optimal``: exact optimum of the round's objective by ``linear_sum_assignment``.
        ``stable``: student-proposing deferred acceptance.
    include_scores : bool
        Add ``scores``: every feasible pair with its score (national size: the candidate pairs).
    path : {"auto", "programme", "national"}
        ``auto`` takes the national path above :data:`matching.national.NATIONAL_CELLS`
        student-role pairs; the others force one (``national`` on a small round is how the
        tests compare the two).
    k : int
        National path: best roles kept per student and best students per role (default 50).
    exact : bool
        National path: repeat the certificate until the result is certified optimal.
    stages : Stages, optional
        Collects per-stage timings (the benchmark).

    Returns
    -------
    dict
        A ``placement-result/1`` document. Two solves of the same snapshot (in any list order)
        have the same ``result_sha256``.

    Examples
    --------
    >>> from matching.synthetic import synthetic_round
    >>> result = solve_round(synthetic_round(20, 8, seed=1))
    >>> result["format"]
    'placement-result/1'
    """
    if algorithm not in ALGORITHMS:
        raise ValueError(f"algorithm must be 'optimal' or 'stable', not {algorithm!r}")
    started = time.perf_counter()
    _early_size_check(snapshot)
    normalised = validate_snapshot(snapshot)
    if round_path(normalised, path) == "national":
        return solve_national(
            normalised,
            algorithm=algorithm,
            include_scores=include_scores,
            k=k,
            exact=exact,
            started=started,
            stages=stages,
        )
    prepared = prepare(normalised, normalised=True)
    if algorithm == "optimal":
        pairs, method = optimal_pairs_and_method(prepared)
    else:
        pairs, method = stable_pairs(prepared), "stable"
    return build_result(
        prepared,
        pairs,
        method=method,
        algorithm=algorithm,
        started=started,
        include_scores=include_scores,
    )


def _objective(prepared: Prepared, pairs: list[Pair]) -> tuple[int, int]:
    return len(pairs), int(sum(int(prepared.units[s, r]) for s, r in pairs))


def _candidates(prepared: Prepared, student: int, current: int | None) -> list[int]:
    """Acceptable roles other than ``current`` with a place not held by a lock, best first."""
    problem = prepared.problem
    locked_count = np.bincount([r for _, r in problem.locked], minlength=len(problem.role_ids))
    open_roles = np.flatnonzero(prepared.acceptable[student] & (locked_count < problem.places))
    roles = [int(r) for r in open_roles if r != current]
    return sorted(roles, key=lambda r: (-int(prepared.units[student, r]), problem.role_ids[r]))


def _forced(prepared: Prepared, student: int, role: int, base: tuple[int, int]) -> dict[str, Any]:
    """Objective when ``(student, role)`` is locked and the rest re-solved, and its cost."""
    placed, units = _objective(prepared, optimal_pairs(prepared, ((student, role),)))
    return {
        "role": prepared.problem.role_ids[role],
        "score": int(prepared.units[student, role]) / SCORE_UNIT,
        "placed": placed,
        "total_score": units / SCORE_UNIT,
        "cost": {"placed": base[0] - placed, "total_score": (base[1] - units) / SCORE_UNIT},
    }


def alternatives(snapshot: dict[str, Any], student_id: str, limit: int = 5) -> dict[str, Any]:
    """The best other roles for a student and what forcing each would cost the round.

    Parameters
    ----------
    student_id : str
    limit : int
        How many alternatives, best score first (ties by role id).

    Returns
    -------
    dict
        ``{"student", "current": {"role", "score"} | None, "locked": bool, "objective":
        {"placed", "total_score"}, "alternatives": [{"role", "score", "placed", "total_score",
        "cost": {"placed", "total_score"}}]}``. ``cost`` is the optimal objective minus the
        objective when the pair is locked and the rest re-solved (0 = free to choose). Only
        feasible roles scoring at least ``min_score`` with a place that is not locked count. A
        locked student has no alternatives.

    Raises
    ------
    KeyError
        If ``student_id`` is not in the snapshot.
    """
    return _alternatives(snapshot, student_id, limit)


def explained(snapshot: dict[str, Any], student_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """``solve_round(snapshot)`` and ``alternatives(snapshot, student_id)``, solved once.

    On the national path the alternatives start from the result's own certified solve (its
    candidate graph, prices and duals) instead of solving the round again.
    """
    stages = Stages()
    result = solve_round(snapshot, stages=stages)
    return result, _alternatives(snapshot, student_id, 5, stages.outcome)


def _alternatives(snapshot, student_id: str, limit: int, base=None) -> dict[str, Any]:
    normalised = validate_snapshot(snapshot)
    student_ids = [s["id"] for s in normalised["students"]]
    if student_id not in student_ids:
        raise KeyError(f"unknown student id {student_id!r}")
    if round_path(normalised) == "national":
        return _national_alternatives(normalised, student_id, limit, base)
    prepared = prepare(normalised, normalised=True)
    problem = prepared.problem
    student = problem.student_ids.index(student_id)
    base = optimal_pairs(prepared)
    objective = _objective(prepared, base)
    current = next((r for s, r in base if s == student), None)
    is_locked = any(s == student for s, _ in problem.locked)
    options = [] if is_locked else _candidates(prepared, student, current)[:limit]
    return {
        "student": student_id,
        "current": None
        if current is None
        else {
            "role": problem.role_ids[current],
            "score": int(prepared.units[student, current]) / SCORE_UNIT,
        },
        "locked": is_locked,
        "objective": {"placed": objective[0], "total_score": objective[1] / SCORE_UNIT},
        "alternatives": [_forced(prepared, student, role, objective) for role in options],
    }


def _national_alternatives(snapshot: dict[str, Any], student_id: str, limit: int, base) -> dict:
    from .national_explain import national_alternatives

    student = [s["id"] for s in snapshot["students"]].index(student_id)
    objective, options, current, scorer = national_alternatives(snapshot, student, limit, base)
    problem = scorer.problem
    current_entry = None
    if current is not None:
        from .blocks import score_pairs

        units = int(score_pairs(scorer, [student], [current])[1][0])
        current_entry = {"role": problem.role_ids[current], "score": units / SCORE_UNIT}
    return {
        "student": student_id,
        "current": current_entry,
        "locked": any(s == student for s, _ in problem.locked),
        "objective": {"placed": objective[0], "total_score": objective[1] / SCORE_UNIT},
        "alternatives": options,
    }
