"""Optimality certificate for the candidate graph: LP duals and a scan of every pruned pair.

The assignment LP (maximise the total value; each student at most once, each role at most its free
places) has duals ``u`` per student and ``v`` per role, both >= 0, with ``u[s] + v[r] >= w[s, r]``
on every pair. The solver of the candidate graph ends with such duals for the candidate pairs
(:meth:`matching.transport.Transport.duals`). If no pruned pair has a positive reduced cost
``w - u - v``, the duals are feasible for the whole round and the candidate optimum is the
round's optimum; otherwise those pairs are added and the graph solved again (column generation).
Raising each ``u[s]`` by its largest positive reduced cost makes the duals feasible, so that sum
bounds the gap.
"""

from __future__ import annotations

import numpy as np

from .blocks import Scorer, block_units, fold_blocks

ROLE_BITS = 17  # a role index (below 90,000) in a scan key's low bits; the reduced cost above it


def value_terms(objective: str, n_students: int) -> tuple[float, float]:
    """``(scale, offset)``: placing a pair worth ``points`` is worth ``points * scale + offset``.

    Examples
    --------
    >>> value_terms("placements", 3), value_terms("score", 3)
    ((1.0, 3000001.0), (4.0, 1.0))
    """
    if objective == "placements":
        return 1.0, float(n_students * 10**6 + 1)
    return float(n_students + 1), 1.0


def pair_value(units, objective: str, n_students: int) -> np.ndarray:
    """Integer value of placing pairs (float64); see :func:`matching.assignment.pair_values`.

    Examples
    --------
    >>> pair_value(np.array([0, 10**6]), "placements", 3).tolist()
    [3000001.0, 4000001.0]
    """
    scale, offset = value_terms(objective, n_students)
    return np.asarray(units, dtype=np.float64) * scale + offset


def _could_price_out(rows, cols, duals, floors, objective, n_students, margin):
    """The rows and columns of a block where a pruned pair could have a reduced cost > -margin."""
    u, v = duals
    student_floor, role_floor = floors
    rows = rows[student_floor[rows] >= 0]
    cols = cols[role_floor[cols] >= 0]
    if not rows.size or not cols.size:
        return rows[:0], cols[:0]
    best_row = pair_value(student_floor[rows], objective, n_students) - u[rows] + margin
    rows = rows[best_row > v[cols].min()]
    if not rows.size:
        return rows, cols[:0]
    best_col = pair_value(role_floor[cols], objective, n_students) - v[cols] + margin
    return rows, cols[best_col > u[rows].min()]


def scan(
    scorer: Scorer,
    duals: tuple[np.ndarray, np.ndarray],
    objective: str,
    lp: tuple[np.ndarray, np.ndarray],
    k: int,
    margin: float = 0.0,
    floors: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Usable pairs with a reduced cost above ``-margin``: up to ``k`` per student, best first.

    Parameters
    ----------
    margin : float
        Pairs that nearly price out are added too, so that the next solve is less likely to
        need yet another round (they cannot change the verdict: only positive ones do).
    floors : (student_floor, role_floor), optional
        From :class:`matching.candidates.Candidates`: a pruned pair scores at most both, so a
        student or role whose bound ``value(floor) - u - v`` cannot be positive is skipped
        before any score is computed.

    Returns
    -------
    students, roles, units : ndarray of int64
        Pairs to add to the candidate graph (none when certified).
    gap : float
        Sum over students of their largest positive reduced cost: no assignment of the whole
        round is worth more than the candidate optimum plus this (0 = certified).
    """
    from .topk import Heaps, scan_block  # numba loads only when a national round is solved

    u, v = duals
    lp_students, lp_roles = lp
    n_students = scorer.shape[0]
    value = value_terms(objective, n_students)

    def work(found, rows, cols, by_signature):
        if floors is not None:
            rows, cols = _could_price_out(rows, cols, duals, floors, objective, n_students, margin)
            if not rows.size or not cols.size:
                return
        units = block_units(scorer, rows, cols, by_signature)
        # The role in a key's low bits makes each student's keys unique, so which pairs are
        # kept does not depend on how the blocks were shared among processes.
        usable = (lp_students, lp_roles)
        lists = (found.keys, found.items)
        reduced = (u, v, float(margin))
        scan_block(units, rows, cols, *usable, scorer.min_units, value, reduced, *lists)

    found = Heaps(n_students, k)
    for share in fold_blocks(scorer.problem, work, lambda: Heaps(n_students, k)):
        found.absorb(share)
    best = found.keys.max(axis=1, initial=-1)
    gap = float((np.where(best >= 0, best >> ROLE_BITS, -1) - margin).clip(min=0).sum())
    if gap == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty, 0.0
    students, items, _ = found.pairs()
    return students, items >> 21, items & ((1 << 21) - 1), gap
