"""The national-size path: candidate graph, sparse optimum, certificate; no students x roles array.

Rounds of more than :data:`NATIONAL_CELLS` student-role pairs take this path (programme-size
rounds keep the exact dense path of engine 1.1 unchanged). See docs/round-format.md, "National
size".
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

from .blocks import Scorer, build_scorer
from .candidates import DEFAULT_K, Candidates, collect, unique_pairs
from .certificate import pair_value, scan
from .formats import SnapshotError
from .lottery import draw_order
from .problem import Problem, build_problem

NATIONAL_CELLS = 20_000_000  # student-role pairs above which a round takes the national path
MAX_STUDENTS = 90_000  # objective sums stay below 2**53 up to here (see objective_bound)
MAX_ROLES = 90_000
MAX_K = 1_000
DEFAULT_REPAIRS = 3  # certificate rounds without --exact before the gap is reported instead
SCORE_UNIT = 10**6
NEAR_MISS = 100_000  # pairs within 0.1 of a score point of pricing out join a repair too


def objective_bound(n_students: int) -> int:
    """Largest total value an assignment of ``n_students`` can reach, in the engine's units.

    Each placed pair is worth at most ``n * 10**6 + 1 + 10**6`` (objective ``placements``) or
    ``(n + 1) * 10**6 + 1`` (objective ``score``); at most ``n`` pairs are placed.

    Examples
    --------
    >>> objective_bound(MAX_STUDENTS) < 2**53 < objective_bound(95_000)
    True
    """
    per_pair = max(n_students * SCORE_UNIT + 1 + SCORE_UNIT, (n_students + 1) * SCORE_UNIT + 1)
    return n_students * per_pair


def check_size(n_students: int, n_roles: int, k: int = DEFAULT_K) -> None:
    """Refuse, early and in plain words, a round larger than the documented limits."""
    if n_students > MAX_STUDENTS:
        message = f"{n_students:,} students is more than the engine's limit of {MAX_STUDENTS:,}"
        raise SnapshotError("students", message)
    if n_roles > MAX_ROLES:
        message = f"{n_roles:,} roles is more than the engine's limit of {MAX_ROLES:,}"
        raise SnapshotError("roles", message)
    if not 1 <= k <= MAX_K:
        raise SnapshotError("k", f"must be a whole number from 1 to {MAX_K:,}, not {k}")


def is_national(n_students: int, n_roles: int) -> bool:
    """Whether a round of this size takes the national path.

    Examples
    --------
    >>> is_national(1_000, 430), is_national(50_000, 21_500)
    (False, True)
    """
    return n_students * n_roles > NATIONAL_CELLS


@dataclass
class Stages:
    """Wall time and peak traced memory of each stage, for the benchmark."""

    seconds: dict[str, float] = field(default_factory=dict)
    hook: Callable[[str], None] | None = None
    outcome: Outcome | None = None  # the optimal path's outcome, kept for the benchmark

    def mark(self, name: str, started: float) -> float:
        now = time.perf_counter()
        self.seconds[name] = self.seconds.get(name, 0.0) + now - started
        if self.hook:
            self.hook(name)
        return now


@dataclass
class Outcome:
    """The national optimum and how it was certified."""

    pairs: list[tuple[int, int]]
    candidates: Candidates
    certified: bool
    gap: float
    repairs: int
    scorer: Scorer
    prices: np.ndarray  # each role's dual v in the last solve (a warm start for another)


def _lp_sets(problem: Problem) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n_students, n_roles = problem.shape
    locked_rows = np.zeros(n_students, dtype=bool)
    locked_rows[[s for s, _ in problem.locked]] = True
    taken = np.bincount([r for _, r in problem.locked], minlength=n_roles).astype(np.int64)
    free = problem.places - taken
    return ~locked_rows, free > 0, free


class GraphSolver:
    """The optimum on the candidate graph, warm-started after each certificate round.

    Students are rows and roles columns in the round's lottery order (which decides between equal
    optima); a role takes at most its free places, and every student may stay unmatched. See
    :class:`matching.transport.Transport`.
    """

    def __init__(
        self, problem: Problem, free: np.ndarray, objective: str, prices: np.ndarray | None = None
    ) -> None:
        """``prices``: role duals ``v`` of another solve of the round to start from."""
        from .transport import Transport  # numba loads only when a national round is solved

        n_students, n_roles = problem.shape
        seed = problem.snapshot["parameters"]["seed"]
        self.row_of = np.empty(n_students, dtype=np.int64)
        self.row_of[draw_order(problem.student_ids, seed, "student")] = np.arange(n_students)
        self.col_of = np.empty(n_roles, dtype=np.int64)
        self.col_of[draw_order(problem.role_ids, seed, "role")] = np.arange(n_roles)
        capacity = np.zeros(n_roles, dtype=np.int64)
        capacity[self.col_of] = np.maximum(free, 0)
        self.transport = Transport(n_students, n_roles, capacity)
        if prices is not None:
            self.transport.v[self.col_of] = -prices
        self.objective, self.n_students = objective, n_students

    def solve(self, candidates: Candidates) -> list[tuple[int, int]]:
        """Optimal pairs (student, role) on ``candidates``, a superset of the last call's."""
        values = pair_value(candidates.units, self.objective, self.n_students)
        rows, cols = self.row_of[candidates.students], self.col_of[candidates.roles]
        self.transport.solve(rows, cols, values)
        chosen = self.transport.assignment[self.row_of]
        students = np.flatnonzero(chosen >= 0)
        role_at = np.empty_like(self.col_of)
        role_at[self.col_of] = np.arange(self.col_of.size)
        return list(zip(students.tolist(), role_at[chosen[students]].tolist(), strict=True))

    def duals(self, candidates: Candidates) -> tuple[np.ndarray, np.ndarray]:
        """Optimal LP duals ``(u, v)`` per student and role, checked on every candidate pair."""
        u, v = self.transport.duals()
        u, v = u[self.row_of], v[self.col_of]
        values = pair_value(candidates.units, self.objective, self.n_students)
        if (u[candidates.students] + v[candidates.roles] < values).any():
            raise RuntimeError("the solver's duals are not feasible on the candidate graph")
        return u, v


def solve_graph(
    problem: Problem, candidates: Candidates, free: np.ndarray, objective: str
) -> list[tuple[int, int]]:
    """The optimum on the candidate graph from scratch (the benchmark's one-solve timing)."""
    return GraphSolver(problem, free, objective).solve(candidates)


def national_optimum(
    problem: Problem,
    *,
    k: int = DEFAULT_K,
    exact: bool = False,
    repairs: int = DEFAULT_REPAIRS,
    stages: Stages | None = None,
    extra_locked: tuple[tuple[int, int], ...] = (),
    start: Outcome | None = None,
) -> Outcome:
    """Optimal assignment of a round built with ``dense=False``, certified where possible.

    Parameters
    ----------
    k : int
        Best roles kept per student and best students per role (default 50).
    exact : bool
        Repeat the certificate until certified, however many rounds it takes.
    repairs : int
        Without ``exact``: certificate rounds before stopping with a gap bound.
    extra_locked : tuple of (student, role)
        Pairs forced as if locked (the what-if questions of :func:`matching.alternatives`).
    start : Outcome, optional
        A solve of the same round to start from: its candidate graph (the certificate completes
        it) and its prices.
    """
    stages = stages or Stages()
    parameters = problem.snapshot["parameters"]
    objective = parameters["objective"]
    started = time.perf_counter()
    scorer = build_scorer(problem, parameters)
    locked = list(problem.locked) + list(extra_locked)
    lp_students, lp_roles, free = _lp_sets(problem if not extra_locked else _with(problem, locked))
    started = stages.mark("blocking", started)
    if start is None:
        candidates = collect(scorer, k, lp_students, lp_roles)
    else:
        candidates = start.candidates
        keep = lp_students[candidates.students] & lp_roles[candidates.roles]
        candidates = unique_pairs(
            candidates.students[keep],
            candidates.roles[keep],
            candidates.units[keep],
            candidates.feasible,
            candidates.acceptable,
            (candidates.student_floor, candidates.role_floor),
        )
    started = stages.mark("candidates", started)
    rounds, gap = 0, 0.0
    solver = GraphSolver(problem, free, objective, None if start is None else start.prices)
    while True:
        pairs = solver.solve(candidates)
        started = stages.mark("solve", started)
        duals = solver.duals(candidates)
        margin = NEAR_MISS * (1 if objective == "placements" else problem.shape[0] + 1)
        floors = (candidates.student_floor, candidates.role_floor)
        found = scan(scorer, duals, objective, (lp_students, lp_roles), k, margin, floors)
        started = stages.mark("certificate", started)
        gap = found[3]
        if not found[0].size or (not exact and rounds >= repairs):
            break
        candidates = candidates.extended(*found[:3])
        rounds += 1
    return Outcome(
        pairs=sorted(set(locked) | set(pairs)),
        candidates=candidates,
        certified=gap == 0,
        gap=gap,
        repairs=rounds,
        scorer=scorer,
        prices=duals[1],
    )


def _total_value(outcome: Outcome, problem: Problem) -> float:
    """The objective value of an outcome's assignment, in the engine's exact units."""
    from .blocks import score_pairs

    if not outcome.pairs:
        return 0.0
    students, roles = np.array(outcome.pairs, dtype=np.int64).T
    units = score_pairs(outcome.scorer, students, roles)[1]
    objective = problem.snapshot["parameters"]["objective"]
    return float(pair_value(units, objective, problem.shape[0]).sum())


def _with(problem: Problem, locked: list[tuple[int, int]]) -> Problem:
    from dataclasses import replace

    return replace(problem, locked=tuple(locked))


def solve_national(
    snapshot: dict[str, Any],
    *,
    algorithm: str,
    include_scores: bool,
    k: int,
    exact: bool,
    started: float,
    stages: Stages | None = None,
) -> dict[str, Any]:
    """:func:`matching.solve_round` for a normalised snapshot on the national path."""
    stages = stages or Stages()
    problem = build_national_problem(snapshot, k)
    # The block products are small: one BLAS thread, the cores going to fold_blocks' processes.
    with threadpool_limits(limits=1, user_api="blas"):
        return _solve_national(problem, algorithm, include_scores, k, exact, started, stages)


def _solve_national(problem, algorithm, include_scores, k, exact, started, stages):
    from .national_result import audit, candidate_scores, national_document
    from .results import SOLVER_NAMES

    if algorithm == "optimal":
        outcome = national_optimum(problem, k=k, exact=exact, stages=stages)
        stages.outcome = outcome
        scorer, pairs, candidates = outcome.scorer, outcome.pairs, outcome.candidates
        solver = certificate_fields(outcome, k, problem)
        solver = {"name": SOLVER_NAMES["transport"], **solver}
    else:
        from .national_stable import national_stable

        scorer, pairs, candidates = national_stable(problem, k=k, stages=stages)
        solver = {"name": SOLVER_NAMES["stable"], "path": "national", "k": k}
    mark = time.perf_counter()
    stability = audit(scorer, pairs, candidates)
    mark = stages.mark("stability audit", mark)
    scores = candidate_scores(scorer, candidates) if include_scores else None
    document = national_document(
        scorer,
        pairs,
        algorithm=algorithm,
        counts=(candidates.feasible, candidates.acceptable),
        stability=stability,
        solver=solver,
        scores=scores,
        started=started,
    )
    if include_scores:
        document = {**document, "scores_cover": "candidates"}
        from .formats import result_digest

        document["result_sha256"] = result_digest(document)
    stages.mark("reasons", mark)
    return document


def certificate_fields(outcome: Outcome, k: int, problem: Problem) -> dict[str, Any]:
    """``solver`` fields saying how the optimum was found and certified."""
    fields: dict[str, Any] = {
        "path": "national",
        "k": k,
        "candidates": len(outcome.candidates),
        "certificate_rounds": outcome.repairs,
        "certified": outcome.certified,
    }
    if not outcome.certified:
        n_students = problem.shape[0]
        objective = problem.snapshot["parameters"]["objective"]
        unit = n_students * SCORE_UNIT + 1 if objective == "placements" else n_students + 1
        gap = int(outcome.gap)
        fields["max_gap"] = {
            "value": gap,
            "placed": gap // unit if objective == "placements" else None,
            "total_score": gap / SCORE_UNIT
            if objective == "placements"
            else gap / unit / SCORE_UNIT,
        }
    return fields


def build_national_problem(snapshot: dict[str, Any], k: int = DEFAULT_K) -> Problem:
    """The sparse :class:`Problem` of a normalised snapshot, after the size check."""
    check_size(len(snapshot["students"]), len(snapshot["roles"]), k)
    return build_problem(snapshot, dense=False)
