"""Optimal assignment on arrays with ``scipy.optimize.linear_sum_assignment``."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

from .scoring import SCORE_UNIT, score_units

Pair = tuple[int, int]
DENSE_LIMIT = 250_000  # cells of the dense matrix above which the sparse solver is faster


def _free_places(places: np.ndarray, locked: list[Pair]) -> np.ndarray:
    taken = np.bincount([r for _, r in locked], minlength=len(places)) if locked else 0
    return np.asarray(places, dtype=np.int64) - taken


def pair_values(units: np.ndarray, objective: str, n_students: int) -> np.ndarray:
    """Integer value of placing each pair, so that sums are exact and lexicographic.

    Parameters
    ----------
    units : ndarray, shape (a, c), int64
        Scores in millionths (0 .. 10**6).
    objective : {"placements", "score"}
    n_students : int
        Upper bound on the number of pairs placed.

    Returns
    -------
    ndarray, shape (a, c), float64
        ``placements``: ``B + units`` with ``B = n_students * 10**6 + 1`` larger than any total
        score, so one more placement always wins. ``score``: ``(n_students + 1) * units + 1``, so
        the total score decides and the number placed only breaks its ties. Every value is >= 1,
        larger than "stay unmatched" (0).
    """
    if objective == "placements":
        return (units + (n_students * SCORE_UNIT + 1)).astype(np.float64)
    if objective == "score":
        return (units * (n_students + 1) + 1).astype(np.float64)
    raise ValueError(f"objective must be 'placements' or 'score', not {objective!r}")


def _active(acceptable: np.ndarray, free: np.ndarray, rows: np.ndarray, cols: np.ndarray):
    usable = acceptable[np.ix_(rows, cols)] & (free[cols] > 0)[None, :]
    keep_rows, keep_cols = usable.any(axis=1), usable.any(axis=0)
    return rows[keep_rows], cols[keep_cols], usable[np.ix_(keep_rows, keep_cols)]


def _solve_dense(values: np.ndarray, usable: np.ndarray, copies: np.ndarray) -> list[Pair]:
    """``linear_sum_assignment`` on the dense (rows x places) matrix; unusable pairs are 0."""
    column_role = np.repeat(np.arange(len(copies)), copies)
    dense = np.where(usable, values, 0.0)[:, column_role]
    chosen_rows, chosen_cols = linear_sum_assignment(dense, maximize=True)
    role_pos = column_role[chosen_cols]
    keep = usable[chosen_rows, role_pos]
    return list(zip(chosen_rows[keep].tolist(), role_pos[keep].tolist(), strict=True))


def _solve_sparse(values: np.ndarray, usable: np.ndarray, copies: np.ndarray) -> list[Pair]:
    """``min_weight_full_bipartite_matching`` on usable edges plus an "unmatched" column per row."""
    n_rows = usable.shape[0]
    rows, roles = np.nonzero(usable)
    repeats = copies[roles]
    first_column = np.concatenate([[0], np.cumsum(copies)[:-1]])
    offsets = np.arange(repeats.sum()) - np.repeat(np.cumsum(repeats) - repeats, repeats)
    n_places = int(copies.sum())
    ceiling = float(values.max()) + 1.0
    edge_rows = np.concatenate([np.repeat(rows, repeats), np.arange(n_rows)])
    edge_cols = np.concatenate(
        [np.repeat(first_column[roles], repeats) + offsets, n_places + np.arange(n_rows)]
    )
    costs = np.concatenate(
        [ceiling - np.repeat(values[rows, roles], repeats), np.full(n_rows, ceiling)]
    )
    graph = csr_matrix((costs, (edge_rows, edge_cols)), shape=(n_rows, n_places + n_rows))
    chosen_rows, chosen_cols = min_weight_full_bipartite_matching(graph)
    column_role = np.repeat(np.arange(len(copies)), copies)
    placed = chosen_cols < n_places
    return list(
        zip(chosen_rows[placed].tolist(), column_role[chosen_cols[placed]].tolist(), strict=True)
    )


def _check_inputs(scores: np.ndarray, feasible: np.ndarray, places: np.ndarray) -> None:
    """Loud checks at the edge, naming the argument at fault."""
    if scores.ndim != 2:
        raise ValueError(f"scores must be 2-D (n_students, n_roles), not shape {scores.shape}")
    if feasible.shape != scores.shape:
        raise ValueError(f"feasible has shape {feasible.shape}, scores {scores.shape}")
    if places.shape != (scores.shape[1],):
        raise ValueError(f"places must have shape ({scores.shape[1]},), not {places.shape}")
    if scores.size and not (np.isfinite(scores).all() and 0 <= scores.min() <= scores.max() <= 1):
        raise ValueError("scores must be finite and within [0, 1]")
    if (places < 0).any():
        raise ValueError("places must not be negative")


def choose_method(n_rows: int, n_places: int) -> str:
    """``dense`` (``linear_sum_assignment``) up to 250,000 cells, else ``sparse``.

    Depends only on the instance, never on timing, so a round always uses the same solver.
    """
    return "dense" if n_rows * n_places <= DENSE_LIMIT else "sparse"


def assign_with_method(
    scores: np.ndarray,
    feasible: np.ndarray,
    places: np.ndarray,
    *,
    locked: Iterable[Pair] = (),
    objective: str = "placements",
    row_order: np.ndarray | None = None,
    col_order: np.ndarray | None = None,
    method: str = "auto",
) -> tuple[list[Pair], str]:
    """:func:`assign`, also returning the method used (``dense`` or ``sparse``)."""
    scores, feasible = np.asarray(scores, dtype=np.float64), np.asarray(feasible, dtype=bool)
    places = np.asarray(places, dtype=np.int64)
    _check_inputs(scores, feasible, places)
    if method not in ("auto", "dense", "sparse"):
        raise ValueError(f"method must be 'auto', 'dense' or 'sparse', not {method!r}")
    locked = sorted(set(locked))
    n_students, n_roles = scores.shape
    free = _free_places(places, locked)
    taken_rows = np.zeros(n_students, dtype=bool)
    taken_rows[[s for s, _ in locked]] = True
    rows = np.arange(n_students) if row_order is None else np.asarray(row_order)
    cols = np.arange(n_roles) if col_order is None else np.asarray(col_order)
    rows, cols, usable = _active(feasible, free, rows[~taken_rows[rows]], cols)
    copies = np.minimum(free[cols], rows.size)
    if method == "auto":
        method = choose_method(rows.size, int(copies.sum()))
    if rows.size == 0:
        return locked, method
    values = pair_values(score_units(scores[np.ix_(rows, cols)]), objective, n_students)
    solve = {"dense": _solve_dense, "sparse": _solve_sparse}[method]
    new = [(int(rows[r]), int(cols[c])) for r, c in solve(values, usable, copies)]
    return sorted(locked + new), method


def assign(
    scores: np.ndarray,
    feasible: np.ndarray,
    places: np.ndarray,
    *,
    locked: Iterable[Pair] = (),
    objective: str = "placements",
    row_order: np.ndarray | None = None,
    col_order: np.ndarray | None = None,
    method: str = "auto",
) -> list[Pair]:
    """Best assignment of students to role places.

    Parameters
    ----------
    scores : ndarray, shape (n_students, n_roles), float
        Pair scores in [0, 1]; compared in whole millionths.
    feasible : ndarray, shape (n_students, n_roles), bool
        Pairs that may be proposed (hard rules passed and score >= min_score).
    places : ndarray, shape (n_roles,), int
        Places per role, locked students included.
    locked : iterable of (student, role)
        Pairs kept as they are; they use up places and are returned unchanged.
    objective : {"placements", "score"}
        Most students placed then highest total score, or highest total score (then most placed).
    row_order, col_order : ndarray of int, optional
        Order in which students and roles are handed to the solver. Among equally good
        assignments the solver's choice depends on this order, so pass a lottery order (see
        :func:`matching.lottery.draw_order`) rather than id order.
    method : {"auto", "dense", "sparse"}
        ``dense``: ``scipy.optimize.linear_sum_assignment`` on a (students x places) matrix.
        ``sparse``: ``scipy.sparse.csgraph.min_weight_full_bipartite_matching`` (LAPJVsp) on the
        feasible edges plus one "stay unmatched" column per student. Both are exact.
        ``auto`` picks by size (:func:`choose_method`).

    Returns
    -------
    list of (student, role)
        Sorted by student index, locked pairs included.

    Notes
    -----
    A role with ``k`` free places becomes ``k`` identical columns. Values are integers (see
    :func:`pair_values`), so float64 sums are exact and the optimum is exact. In the dense form,
    pairs that are not feasible get value 0, the same as staying unmatched, and are dropped from
    the answer: any matching of feasible pairs extends to a full matching at no cost, so no extra
    "unmatched" columns are needed (and the solver runs faster without them).

    Examples
    --------
    >>> assign(np.array([[0.9, 0.5], [0.8, 0.1]]), np.ones((2, 2), bool), np.array([1, 1]))
    [(0, 1), (1, 0)]
    """
    pairs, _ = assign_with_method(
        scores,
        feasible,
        places,
        locked=locked,
        objective=objective,
        row_order=row_order,
        col_order=col_order,
        method=method,
    )
    return pairs
