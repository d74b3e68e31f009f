"""Optimality certificate for the candidate graph: LP duals and a scan of every pruned pair.

The assignment LP (maximise the total value; each student at most once, each role at most its free
places) has duals ``u`` per student and ``v`` per role, both >= 0, with ``u[s] + v[r] >= w[s, r]``
on every pair. An optimum on the candidate graph gives such duals for the candidate pairs
(:func:`potentials`). If no pruned pair has a positive reduced cost ``w - u - v``, the duals are
feasible for the whole round and the candidate optimum is the round's optimum; otherwise those
pairs are added and the graph solved again (column generation). Raising each ``u[s]`` by its
largest positive reduced cost makes the duals feasible, so that sum bounds the gap.
"""

from __future__ import annotations

import numpy as np

from .blocks import Scorer, block_units, blocks
from .candidates import _TopK

MAX_SWEEPS_FACTOR = 4  # Bellman-Ford sweeps allowed: this many times the number of nodes


def pair_value(units, objective: str, n_students: int) -> np.ndarray:
    """Integer value of placing pairs (float64); see :func:`matching.assignment.pair_values`.

    Examples
    --------
    >>> pair_value(np.array([0, 10**6]), "placements", 3).tolist()
    [3000001.0, 4000001.0]
    """
    units = np.asarray(units, dtype=np.float64)
    if objective == "placements":
        return units + float(n_students * 10**6 + 1)
    return units * float(n_students + 1) + 1.0


def potentials(
    edges: tuple[np.ndarray, np.ndarray, np.ndarray],
    shape: tuple[int, int],
    matched_role: np.ndarray,
    matched_value: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Optimal LP duals from an optimal assignment of the candidate graph.

    Parameters
    ----------
    edges : (students, roles, values)
        Candidate pairs and their values (exact integers in float64).
    shape : (n_students, n_roles)
    matched_role : ndarray, shape (n_students,), int
        Each student's role in the optimum, -1 when unmatched.
    matched_value : ndarray, shape (n_students,), float64
        The value of that pair (0 when unmatched).

    Returns
    -------
    u, v : ndarray of float64
        ``u >= 0``, ``v >= 0``, ``u[s] + v[r] >= w`` on every edge, with equality on matched
        pairs, ``u = 0`` for unmatched students and ``v = 0`` for roles with places left.

    Notes
    -----
    The conditions are difference constraints on ``u`` and ``p = -v``: shortest distances from
    a zero node satisfy them (Bellman-Ford, vectorised: roles from students along every edge,
    matched students from their role), and an optimal assignment leaves no negative cycle.
    """
    students, roles, values = edges
    n_students, n_roles = shape
    order = np.argsort(roles, kind="stable")
    e_s, e_r, e_w = students[order], roles[order], values[order]
    starts = np.flatnonzero(np.r_[True, e_r[1:] != e_r[:-1]]) if e_r.size else np.zeros(0, int)
    present = e_r[starts]
    u = np.where(matched_role < 0, 0.0, np.inf)
    p = np.zeros(n_roles)
    matched = np.flatnonzero(matched_role >= 0)
    via = matched_role[matched]
    for _ in range(MAX_SWEEPS_FACTOR * (n_students + n_roles) + 2):
        if starts.size:
            best = np.minimum.reduceat(u[e_s] - e_w, starts)
            p_new = p.copy()
            p_new[present] = np.minimum(p[present], best)
        else:
            p_new = p
        u_new = u.copy()
        u_new[matched] = np.minimum(u[matched], p_new[via] + matched_value[matched])
        if np.array_equal(p_new, p) and np.array_equal(u_new, u):
            break
        p, u = p_new, u_new
    else:
        raise RuntimeError("the candidate assignment is not optimal (the duals do not converge)")
    v = -p
    if (u < 0).any() or (v < 0).any() or (u[students] + v[roles] < values).any():
        raise RuntimeError("the duals found are not feasible on the candidate graph")
    return u, v


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
    u, v = duals
    lp_students, lp_roles = lp
    n_students = scorer.shape[0]
    found = _TopK(n_students, k)
    for rows, cols, by_signature in blocks(scorer.problem):
        if floors is not None:
            rows, cols = _could_price_out(rows, cols, duals, floors, objective, n_students, margin)
            if not rows.size or not cols.size:
                continue
        units = block_units(scorer, rows, cols, by_signature)
        usable = (units >= scorer.min_units) & lp_students[rows, None] & lp_roles[None, cols]
        if not usable.any():
            continue
        reduced = pair_value(units, objective, n_students) - u[rows, None] - v[None, cols]
        reduced += margin
        positive = usable & (reduced > 0)
        if not positive.any():
            continue
        hit = np.flatnonzero(positive.any(axis=1))
        keys = np.where(positive[hit], reduced[hit], -1).astype(np.int64)
        items = (cols[None, :].astype(np.int64) << 21) | units[hit].astype(np.int64)
        found.merge(rows[hit], keys, np.broadcast_to(items, keys.shape))
    gap = float((found.keys.max(axis=1, initial=-1) - margin).clip(min=0).sum())
    if gap == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty, 0.0
    students, items, keys = found.pairs()
    return students, items >> 21, items & ((1 << 21) - 1), gap
