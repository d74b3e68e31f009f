"""Running top-k lists for the national path's scoring passes, compiled with numba.

Each owner (a student or a role) keeps its k largest keys in one row of a ``(n_owners, k)`` array
ordered as a binary min-heap, ``-1`` marking an empty slot: a key enters only when it beats the
row's smallest, which it replaces. Most pairs of a large round fail that first comparison, so one
pass over a block of scores costs little more than reading it. Keys are unique per owner (the
callers put a lottery rank or a role index in their low bits), so the k kept are the same whatever
order the pairs arrive in, and so whichever process scored which block.

:func:`matching.candidates.collect` and :func:`matching.certificate.scan` use these kernels; the
modules import this one only when they run, so ``import matching`` does not load numba.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .candidates import RANK_BITS
from .certificate import ROLE_BITS


class Heaps:
    """Top-k keys with an item per key for each of ``n_owners`` (see the module docstring)."""

    def __init__(self, n_owners: int, k: int) -> None:
        self.keys = np.full((n_owners, k), -1, dtype=np.int64)
        self.items = np.zeros((n_owners, k), dtype=np.int64)

    def absorb(self, other: Heaps) -> None:
        """Add another process's lists for the same owners."""
        _absorb(self.keys, self.items, other.keys, other.items)

    def floor(self) -> np.ndarray:
        """The smallest kept key of each owner whose k places are all taken, else -1."""
        if not self.keys.shape[1]:
            return np.full(len(self.keys), -1, dtype=np.int64)
        return self.keys[:, 0].copy()  # the heap's root; -1 while a slot is empty

    def pairs(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(owner, item, key)`` of every kept entry."""
        owner, slot = np.nonzero(self.keys >= 0)
        return owner, self.items[owner, slot], self.keys[owner, slot]


@njit(cache=True)
def _offer(keys, items, owner, key, item):
    """Put ``key`` in ``owner``'s heap if it beats the smallest kept key."""
    k = keys.shape[1]
    if k == 0 or key <= keys[owner, 0]:
        return
    i = 0
    while True:
        child = 2 * i + 1
        if child >= k:
            break
        if child + 1 < k and keys[owner, child + 1] < keys[owner, child]:
            child += 1
        if keys[owner, child] >= key:
            break
        keys[owner, i] = keys[owner, child]
        items[owner, i] = items[owner, child]
        i = child
    keys[owner, i] = key
    items[owner, i] = item


@njit(cache=True)
def _absorb(keys, items, other_keys, other_items):
    for owner in range(other_keys.shape[0]):
        for slot in range(other_keys.shape[1]):
            if other_keys[owner, slot] >= 0:
                _offer(keys, items, owner, other_keys[owner, slot], other_items[owner, slot])


@njit(cache=True)
def collect_block(units, rows, cols, usable_rows, usable_cols, min_units, ranks, counts, lists):
    """Count a block's feasible and acceptable pairs per student and offer the usable ones.

    ``units`` is :func:`matching.blocks.block_units` of ``rows`` x ``cols``; ``ranks`` are
    ``(role_rank, student_rank)``; ``lists`` are the keys and items of the students' and the
    roles' heaps. A pair's key is its points above the other side's lottery rank.
    """
    role_rank, student_rank = ranks
    student_keys, student_items, role_keys, role_items = lists
    for i in range(rows.size):
        s = rows[i]
        feasible = 0
        acceptable = 0
        for j in range(cols.size):
            points = units[i, j]
            if points >= 0:
                feasible += 1
            if points < min_units:
                continue
            acceptable += 1
            r = cols[j]
            if not (usable_rows[s] and usable_cols[r]):
                continue
            high = np.int64(points) << RANK_BITS
            _offer(student_keys, student_items, s, high | role_rank[r], r)
            _offer(role_keys, role_items, r, high | student_rank[s], s)
        counts[0, s] += feasible
        counts[1, s] += acceptable


@njit(cache=True)
def scan_block(units, rows, cols, usable_rows, usable_cols, min_units, value, duals, keys, items):
    """Offer each usable pair of a block whose reduced cost is positive, per student.

    ``value`` is ``(scale, offset)``: a pair's value is ``points * scale + offset`` in float64,
    as :func:`matching.certificate.pair_value`; ``duals`` are ``(u, v, margin)`` and the reduced
    cost is ``value - u - v + margin``. A key is the whole part of the reduced cost above the
    role's index; the item is the role above the pair's points.
    """
    scale, offset = value
    u, v, margin = duals
    for i in range(rows.size):
        s = rows[i]
        if not usable_rows[s]:
            continue
        for j in range(cols.size):
            points = units[i, j]
            r = cols[j]
            if points < min_units or not usable_cols[r]:
                continue
            reduced = float(points) * scale + offset - u[s] - v[r] + margin
            if reduced > 0:
                key = (np.int64(reduced) << ROLE_BITS) | r
                _offer(keys, items, s, key, (np.int64(r) << RANK_BITS) | points)
