"""National size: hard rules by blocking, exact scores a block at a time, no students x roles array.

Students who could take some role are grouped by the rules that exclude most pairs: their RQF
level and the work modes they accept (a *class*); the roles a class may take are those asking no
higher level and offering one of those modes. Within a class, roles that require skills are grouped
by their most selective required skill at its asked level (the *signature*), and only students of
the class holding that skill at that level meet them: an inverted index from (skill, level) to
students. Pairs outside these blocks fail a hard rule and are never scored. Inside a block every
hard rule is checked exactly and the scores are the same float32 product as
:func:`matching.scoring.score_units_matrix`, so a block's scores equal the dense matrix's entries.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

from .feasibility import role_encoding
from .lottery import _splitmix64, tickets
from .problem import LEVELS, Problem
from .scoring import component_points, preference_points, score_factors, score_units

CELLS_PER_BLOCK = 1 << 21  # cells of one block product (about 8 MB of float32)
ROWS_PER_BLOCK = 4096
PAIRS_PER_CHUNK = 1 << 16  # pairs scored at once by :func:`score_pairs`
SMALL_CLASS_CELLS = 1 << 19  # a class of students with at most this many pairs is one block
# Processes sharing the blocks: the cores this process may use (all of them where the system
# cannot say, as on macOS), at most 4.
PROCESSES = min(
    4,
    len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1,
)
FORK_CELLS = 5_000_000  # student-role pairs below which forking costs more than it saves


@dataclass(frozen=True)
class Scorer:
    """What scoring any pair needs, all of it linear in students plus roles.

    Attributes
    ----------
    student_side : ndarray, shape (n_students, K), float32
    role_rows : ndarray, shape (n_roles, K), float32
        The two factors of :func:`matching.scoring.score_factors`, the role side transposed so
        that a block's roles are contiguous rows.
    required_side : ndarray, shape (5 * n_skills, n_roles), float32
        1 at the asked level of each required skill (the student side is the first
        ``5 * n_skills`` columns of ``student_side``).
    n_required : ndarray, shape (n_roles,), float32
    pref_keys, pref_points : ndarray, shape (n_ranked,), int64
        ``student * n_roles + role`` of every ranked pair, sorted, and its preference points.
    pref_indptr : ndarray, shape (n_students + 1,), int64
        Where each student's entries begin in ``pref_keys``.
    forbidden_keys, forbidden_indptr : ndarray, int64
        The same for forbidden pairs.
    min_units : int
        ``min_score`` in points.
    student_tickets, role_tickets : ndarray, uint64
        The lottery's tickets (:mod:`matching.lottery`), for pair tickets.
    """

    problem: Problem
    student_side: np.ndarray
    role_rows: np.ndarray
    required_side: np.ndarray
    n_required: np.ndarray
    pref_keys: np.ndarray
    pref_points: np.ndarray
    pref_indptr: np.ndarray
    forbidden_keys: np.ndarray
    forbidden_indptr: np.ndarray
    min_units: int
    student_tickets: np.ndarray
    role_tickets: np.ndarray

    @property
    def shape(self) -> tuple[int, int]:
        """``(n_students, n_roles)``."""
        return self.problem.shape

    def pair_keys(self, students: np.ndarray, roles: np.ndarray) -> np.ndarray:
        """``student * n_roles + role`` as int64."""
        return students.astype(np.int64) * self.shape[1] + roles


def build_scorer(problem: Problem, parameters: dict) -> Scorer:
    """The :class:`Scorer` of a problem built with ``dense=False``."""
    points = component_points(parameters["weights"])
    student_side, role_side = score_factors(problem, points)
    n_roles = len(problem.role_ids)
    rows, cols, extra = preference_points(problem, points["preferences"])
    keys = rows.astype(np.int64) * n_roles + cols
    pref_keys, inverse = np.unique(keys, return_inverse=True)
    forbidden = [(s, r) for (s, r) in problem.forbidden._values]
    forbidden_keys = np.sort(
        np.array([s * n_roles + r for s, r in forbidden], dtype=np.int64).reshape(-1)
    )
    seed = parameters["seed"]
    n_students = len(problem.student_ids)
    return Scorer(
        problem=problem,
        student_side=student_side,
        role_rows=np.ascontiguousarray(role_side.T),
        required_side=np.ascontiguousarray(role_encoding(problem)[:, n_roles:]),
        n_required=problem.role_required.sum(axis=1).astype(np.float32),
        pref_keys=pref_keys,
        pref_points=np.bincount(inverse, weights=extra, minlength=len(pref_keys)).astype(np.int64),
        pref_indptr=np.searchsorted(pref_keys, np.arange(n_students + 1) * n_roles),
        forbidden_keys=forbidden_keys,
        forbidden_indptr=np.searchsorted(forbidden_keys, np.arange(n_students + 1) * n_roles),
        min_units=int(score_units(np.array(parameters["min_score"]))),
        student_tickets=tickets(problem.student_ids, seed, "student"),
        role_tickets=tickets(problem.role_ids, seed, "role"),
    )


def pair_tickets_of(scorer: Scorer, students: np.ndarray, roles: np.ndarray) -> np.ndarray:
    """The lottery ticket of each pair, as :func:`matching.lottery.pair_tickets` (uint64)."""
    mixed = _splitmix64(scorer.student_tickets[students]) ^ scorer.role_tickets[roles]
    return _splitmix64(mixed)


def _lookup(sorted_keys: np.ndarray, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each key sits in ``sorted_keys`` and whether it is there."""
    if not sorted_keys.size:
        return np.zeros(keys.shape, dtype=np.int64), np.zeros(keys.shape, dtype=bool)
    position = np.minimum(np.searchsorted(sorted_keys, keys), sorted_keys.size - 1)
    return position, sorted_keys[position] == keys


def _pair_entries(table: np.ndarray, indptr: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """The entries of a per-student table (sorted by student) that belong to ``rows``."""
    starts, stops = indptr[rows], indptr[rows + 1]
    lengths = stops - starts
    if not lengths.sum():
        return np.zeros(0, dtype=np.int64)
    offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
    return offsets + np.arange(lengths.sum())


def _local(cols: np.ndarray, n_roles: int) -> np.ndarray:
    position = np.full(n_roles, -1, dtype=np.int64)
    position[cols] = np.arange(cols.size)
    return position


def block_units(
    scorer: Scorer, rows: np.ndarray, cols: np.ndarray, by_signature: bool = False
) -> np.ndarray:
    """Points of every pair of rows x cols, -1 where a hard rule fails; shape (rows, cols), int32.

    Parameters
    ----------
    by_signature : bool
        As yielded by :func:`blocks`: the students hold each role's signature skill.
    """
    p, n_roles = scorer.problem, scorer.shape[1]
    left = scorer.student_side[rows]
    units = (left @ scorer.role_rows[cols].T).astype(np.int32)  # exact: integers below 2**24
    mask = p.available_from[rows, None] <= p.start[None, cols]
    mask &= p.available_until[rows, None] >= p.end[None, cols]
    mask &= p.rqf_level[rows, None] >= p.min_rqf_level[None, cols]
    mask &= p.right_to_work[rows, None]
    mask &= (p.student_modes[rows, None] & p.role_mode[None, cols]) != 0
    mask &= p.role_hours[None, cols] <= p.student_hours[rows, None]
    several = np.flatnonzero(scorer.n_required[cols] >= (2 if by_signature else 1))
    if several.size:
        width = scorer.required_side.shape[0]
        met = left[:, :width] @ scorer.required_side[:, cols[several]]
        mask[:, several] &= met >= scorer.n_required[cols[several]][None, :]
    i, j, entry = block_entries(scorer.pref_keys, scorer.pref_indptr, rows, cols, n_roles)
    units[i, j] += scorer.pref_points[entry]
    i, j, _ = block_entries(scorer.forbidden_keys, scorer.forbidden_indptr, rows, cols, n_roles)
    mask[i, j] = False
    units[~mask] = -1
    return units


def block_entries(keys, indptr, rows, cols, n_roles: int) -> tuple[np.ndarray, ...]:
    """Entries of a sorted pair-key table inside rows x cols: ``(local_row, local_col, entry)``.

    ``keys`` are ``student * n_roles + role``, sorted; ``indptr[s]`` is where student ``s``
    begins. ``rows`` must be sorted.
    """
    entries = _pair_entries(keys, indptr, rows)
    local_row = np.searchsorted(rows, keys[entries] // n_roles)
    local_col = _local(cols, n_roles)[keys[entries] % n_roles]
    inside = local_col >= 0
    return local_row[inside], local_col[inside], entries[inside]


def score_pairs(scorer: Scorer, students: np.ndarray, roles: np.ndarray) -> tuple[np.ndarray, ...]:
    """Feasibility and points of given pairs: ``(feasible, units)``, one entry per pair."""
    students, roles = np.asarray(students, dtype=np.int64), np.asarray(roles, dtype=np.int64)
    feasible = np.zeros(students.size, dtype=bool)
    units = np.zeros(students.size, dtype=np.int64)
    p, width = scorer.problem, scorer.required_side.shape[0]
    for start in range(0, students.size, PAIRS_PER_CHUNK):
        s, r = students[start : start + PAIRS_PER_CHUNK], roles[start : start + PAIRS_PER_CHUNK]
        left = scorer.student_side[s]
        ok = (p.rqf_level[s] >= p.min_rqf_level[r]) & p.right_to_work[s]
        ok &= (p.available_from[s] <= p.start[r]) & (p.available_until[s] >= p.end[r])
        ok &= (p.role_hours[r] <= p.student_hours[s]) & ((p.student_modes[s] & p.role_mode[r]) != 0)
        met = np.einsum("ij,ji->i", left[:, :width], scorer.required_side[:, r])
        ok &= met >= scorer.n_required[r]
        value = np.einsum("ij,ij->i", left, scorer.role_rows[r]).astype(np.int64)
        keys = scorer.pair_keys(s, r)
        if scorer.forbidden_keys.size:
            ok &= ~_lookup(scorer.forbidden_keys, keys)[1]
        position, ranked = _lookup(scorer.pref_keys, keys)
        feasible[start : start + s.size] = ok
        extra = scorer.pref_points[position[ranked]]
        value[ranked] += extra
        units[start : start + s.size] = value
    return feasible, units


def _signatures(problem: Problem, eligible: np.ndarray) -> np.ndarray:
    """Each role's most selective required skill as ``skill * 5 + level - 1``; -1 for none."""
    n_skills = problem.student_levels.shape[1]
    levels = problem.student_levels[eligible].astype(np.int64)
    # holders[k, L - 1]: eligible students with skill k at level L or above
    counts = np.zeros((n_skills, LEVELS + 1), dtype=np.int64)
    for k in range(n_skills):
        counts[k] = np.bincount(levels[:, k], minlength=LEVELS + 1)
    holders = np.cumsum(counts[:, ::-1], axis=1)[:, ::-1][:, 1:]
    roles, skills = np.nonzero(problem.role_required)
    level = problem.role_levels[roles, skills].astype(np.int64)
    code = skills * LEVELS + level - 1
    order = np.lexsort((code, holders[skills, level - 1], roles))
    signature = np.full(len(problem.role_ids), -1, dtype=np.int64)
    first = np.ones(order.size, dtype=bool)
    first[1:] = roles[order][1:] != roles[order][:-1]
    signature[roles[order][first]] = code[order][first]
    return signature


def _split(rows: np.ndarray, cols: np.ndarray) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    row_step = max(1, min(ROWS_PER_BLOCK, CELLS_PER_BLOCK // max(1, cols.size)))
    col_step = max(1, CELLS_PER_BLOCK // row_step)
    for a in range(0, rows.size, row_step):
        for b in range(0, cols.size, col_step):
            yield rows[a : a + row_step], cols[b : b + col_step]


def blocks(problem: Problem) -> Iterator[tuple[np.ndarray, np.ndarray, bool]]:
    """``(rows, cols, by_signature)`` blocks covering every feasible pair exactly once.

    ``by_signature`` says the block's students all hold its roles' signature skill (so a role
    requiring only that skill needs no further skill check). A class small enough for one block
    (:data:`SMALL_CLASS_CELLS`) is not split further.
    """
    eligible = problem.right_to_work
    signature = _signatures(problem, eligible)
    class_of = problem.rqf_level.astype(np.int64) * 256 + problem.student_modes
    for key in np.unique(class_of[eligible]).tolist():
        rows = np.flatnonzero(eligible & (class_of == key))
        level, modes = divmod(key, 256)
        cols = (problem.min_rqf_level <= level) & ((problem.role_mode & modes) != 0)
        cols &= problem.start >= problem.available_from[rows].min()
        cols &= problem.end <= problem.available_until[rows].max()
        cols &= problem.role_hours <= problem.student_hours[rows].max()
        if rows.size * int(cols.sum()) <= SMALL_CLASS_CELLS:
            if cols.any():
                yield rows, np.flatnonzero(cols), False
            continue
        for code in np.unique(signature[cols]).tolist():
            group = cols & (signature == code)
            if code < 0:
                yield from _by_hours(problem, rows, group)
                continue
            skill, step = divmod(code, LEVELS)
            members = rows[problem.student_levels[rows, skill] >= step + 1]
            if members.size:
                for part in _split(members, np.flatnonzero(group)):
                    yield (*part, True)


def _by_hours(problem: Problem, rows: np.ndarray, group: np.ndarray) -> Iterator[tuple]:
    """Students of one class split by the hours they offer, each with the roles asking no more."""
    hours = problem.student_hours[rows]
    for offered in np.unique(hours).tolist():
        members = rows[hours == offered]
        cols = np.flatnonzero(group & (problem.role_hours <= offered))
        if cols.size:
            for part in _split(members, cols):
                yield (*part, True)


_SHARE: tuple | None = None  # what a forked worker of :func:`fold_blocks` runs


def fold_blocks(
    problem: Problem,
    work: Callable[[Any, np.ndarray, np.ndarray, bool], None],
    start: Callable[[], Any],
    processes: int | None = None,
) -> list[Any]:
    """Fold ``work(state, rows, cols, by_signature)`` over every block, shared among processes.

    Block ``i`` of :func:`blocks` goes to share ``i % processes``; each share folds its blocks
    into its own ``start()`` state, and the states come back in share order for the caller to
    combine (which must not depend on how the blocks were shared). Shares past the first run in
    forked processes, so the machine's cores all score (the work is many small numpy calls, which
    threads would serialise on the GIL); without ``fork``, with one core or below
    :data:`FORK_CELLS` pairs it all runs here.
    """
    processes = PROCESSES if processes is None else processes
    # One BLAS thread each: the block products are small, and the cores go to the processes.
    with threadpool_limits(limits=1, user_api="blas"):
        n_students, n_roles = problem.shape
        small = n_students * n_roles < FORK_CELLS
        if small or processes <= 1 or "fork" not in multiprocessing.get_all_start_methods():
            return [_fold(problem, work, start, 0, 1)]
        return _fork_shares(problem, work, start, processes)


def _fork_shares(problem, work, start, processes: int) -> list[Any]:
    global _SHARE
    _SHARE = (problem, work, start, processes)
    try:
        context = multiprocessing.get_context("fork")
        with context.Pool(processes - 1, initializer=_default_signals) as pool:
            others = pool.map_async(_fold_share, range(1, processes))
            first = _fold(problem, work, start, 0, processes)
            return [first, *others.get()]
    finally:
        _SHARE = None


def _default_signals() -> None:
    """A forked share ends on the pool's SIGTERM whatever handler its parent had installed (an
    RQ worker's only asks for a warm shutdown, and the pool would wait for the share forever)."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _fold_share(share: int) -> Any:
    problem, work, start, processes = _SHARE
    return _fold(problem, work, start, share, processes)


def _fold(problem, work, start, share: int, processes: int) -> Any:
    state = start()
    for i, (rows, cols, by_signature) in enumerate(blocks(problem)):
        if i % processes == share:
            work(state, rows, cols, by_signature)
    return state
