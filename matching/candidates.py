"""The candidate graph: each student's best k roles and each role's best k students, in one pass.

Blocks of exact scores (:mod:`matching.blocks`) stream through a running top-k for every student
and every role, so memory holds ``(n_students + n_roles) * k`` entries, never all feasible pairs.
Ties at the k-th place are broken by the seeded lottery's order of roles (for a student's list) or
of students (for a role's list), so the graph does not depend on input order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .blocks import Scorer, block_units, fold_blocks, score_pairs
from .lottery import draw_order

RANK_BITS = 21  # a lottery rank below 2**21 sits under the points in one int64 key
DEFAULT_K = 50


@dataclass(frozen=True)
class Candidates:
    """Candidate pairs with their points, and per-student counts over every pair.

    Attributes
    ----------
    students, roles, units : ndarray, shape (n_candidates,), int64
        Unique pairs, sorted by student then role.
    feasible, acceptable : ndarray, shape (n_students,), int64
        How many roles meet every hard rule for each student; and also score at least
        ``min_score``.
    student_floor, role_floor : ndarray, int64
        The points of each student's (role's) k-th best usable pair when it has more than k,
        else -1. A pair that is not a candidate scores at most both floors (and a student or
        role at -1 has no such pair): the certificate and the audit skip what cannot matter.
    """

    students: np.ndarray
    roles: np.ndarray
    units: np.ndarray
    feasible: np.ndarray
    acceptable: np.ndarray
    student_floor: np.ndarray
    role_floor: np.ndarray

    def __len__(self) -> int:
        return int(self.students.size)

    def extended(self, students, roles, units) -> Candidates:
        """These candidates plus more pairs (duplicates dropped)."""
        return unique_pairs(
            np.concatenate([self.students, students]),
            np.concatenate([self.roles, roles]),
            np.concatenate([self.units, units]),
            self.feasible,
            self.acceptable,
            (self.student_floor, self.role_floor),
        )


def unique_pairs(students, roles, units, feasible, acceptable, floors) -> Candidates:
    """:class:`Candidates` from possibly repeated pairs; ``floors`` as in :class:`Candidates`."""
    n_roles = int(roles.max(initial=0)) + 1
    keys = students.astype(np.int64) * n_roles + roles
    _, first = np.unique(keys, return_index=True)
    return Candidates(
        students[first].astype(np.int64),
        roles[first].astype(np.int64),
        units[first].astype(np.int64),
        feasible,
        acceptable,
        *floors,
    )


def _ranks(ids, seed: int, side: str) -> np.ndarray:
    order = draw_order(ids, seed, side)
    rank = np.empty(len(ids), dtype=np.int64)
    rank[order] = np.arange(len(ids))[::-1]  # the first drawn ranks highest
    return rank


class _TopK:
    """A running top-k of int64 keys (-1 = none) with an item per key, for each of n owners."""

    def __init__(self, n_owners: int, k: int, extra: bool = False) -> None:
        self.keys = np.full((n_owners, k), -1, dtype=np.int64)
        self.items = np.zeros((n_owners, k), dtype=np.int64)
        self.extra = np.zeros((n_owners, k), dtype=np.int64) if extra else None
        self.k = k

    def merge(self, owners: np.ndarray, keys: np.ndarray, items: np.ndarray, extra=None) -> None:
        """Merge rows of candidate ``keys`` (shape (len(owners), m)) for ``owners``.

        ``items`` (and ``extra``, when kept) have the same shape and travel with their keys.
        """
        payload = [items] if extra is None else [items, extra]
        if keys.shape[1] > self.k:
            top = np.argpartition(keys, keys.shape[1] - self.k, axis=1)[:, -self.k :]
            keys = np.take_along_axis(keys, top, axis=1)
            payload = [np.take_along_axis(a, top, axis=1) for a in payload]
        all_keys = np.concatenate([self.keys[owners], keys], axis=1)
        stores = [self.items] if extra is None else [self.items, self.extra]
        merged = [
            np.concatenate([s[owners], a], axis=1) for s, a in zip(stores, payload, strict=True)
        ]
        top = np.argpartition(all_keys, all_keys.shape[1] - self.k, axis=1)[:, -self.k :]
        self.keys[owners] = np.take_along_axis(all_keys, top, axis=1)
        for store, values in zip(stores, merged, strict=True):
            store[owners] = np.take_along_axis(values, top, axis=1)

    def absorb(self, other: _TopK) -> None:
        """Merge another top-k of the same owners into this one."""
        owners = np.flatnonzero((other.keys >= 0).any(axis=1))
        extra = None if other.extra is None else other.extra[owners]
        self.merge(owners, other.keys[owners], other.items[owners], extra)

    def floor(self) -> np.ndarray:
        """The smallest kept key of each owner whose k places are all taken, else -1."""
        lowest = self.keys.min(axis=1, initial=np.iinfo(np.int64).max)
        return np.where(lowest >= 0, lowest, -1) if self.k else np.full(len(self.keys), -1)

    def pairs(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(owner, item, key)`` of every kept entry."""
        owner, slot = np.nonzero(self.keys >= 0)
        return owner, self.items[owner, slot], self.keys[owner, slot]


def collect(scorer: Scorer, k: int, lp_students: np.ndarray, lp_roles: np.ndarray) -> Candidates:
    """Score every feasible pair block by block and keep the candidate graph.

    Parameters
    ----------
    k : int
        Best roles kept per student and best students kept per role.
    lp_students, lp_roles : ndarray of bool
        Students and roles the assignment may still use (not locked; places left). Counts
        cover every student and role; only these enter the graph.

    Returns
    -------
    Candidates
        The union of the top-k lists and of every stated preference that is acceptable.
    """
    from .topk import Heaps, collect_block  # numba loads only when a national round is solved

    problem = scorer.problem
    n_students, n_roles = problem.shape
    seed = problem.snapshot["parameters"]["seed"]
    ranks = (_ranks(problem.role_ids, seed, "role"), _ranks(problem.student_ids, seed, "student"))

    def start():
        counts = np.zeros((2, n_students), dtype=np.int64)  # feasible, acceptable
        return Heaps(n_students, k), Heaps(n_roles, k), counts

    def work(state, rows, cols, by_signature):
        by_student, by_role, counts = state
        units = block_units(scorer, rows, cols, by_signature)
        lists = (by_student.keys, by_student.items, by_role.keys, by_role.items)
        usable = (lp_students, lp_roles)
        collect_block(units, rows, cols, *usable, scorer.min_units, ranks, counts, lists)

    # Keys are unique per owner (the lottery rank is in the low bits), so the union of the
    # shares' lists is the same whichever process scored which block.
    by_student, by_role, counts = start()
    for other_student, other_role, other_counts in fold_blocks(problem, work, start):
        by_student.absorb(other_student)
        by_role.absorb(other_role)
        counts += other_counts
    feasible, acceptable = counts
    s1, r1, key1 = by_student.pairs()
    r2, s2, key2 = by_role.pairs()
    ps, pr, pu = _stated(scorer, lp_students, lp_roles)
    return unique_pairs(
        np.concatenate([s1, s2, ps]),
        np.concatenate([r1, r2, pr]),
        np.concatenate([key1 >> RANK_BITS, key2 >> RANK_BITS, pu]),
        feasible,
        acceptable,
        (_points(by_student.floor()), _points(by_role.floor())),
    )


def _points(floor: np.ndarray) -> np.ndarray:
    return np.where(floor >= 0, floor >> RANK_BITS, -1)


def _stated(scorer: Scorer, lp_students, lp_roles) -> tuple[np.ndarray, ...]:
    """Every stated preference (either side's) that is acceptable and usable."""
    n_roles = scorer.shape[1]
    students, roles = scorer.pref_keys // n_roles, scorer.pref_keys % n_roles
    ok, units = score_pairs(scorer, students, roles)
    ok &= (units >= scorer.min_units) & lp_students[students] & lp_roles[roles]
    return students[ok], roles[ok], units[ok]
