"""A seeded lottery from ids, used wherever equally good choices must be broken fairly.

Nothing here depends on the order of the input lists or on id order: each student and role gets a
64-bit ticket from ``sha256(f"{seed}:{side}:{id}")``; pair tickets mix the two with splitmix64.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

_MASK = (1 << 64) - 1


def tickets(ids: Sequence[str], seed: int, side: str) -> np.ndarray:
    """One ticket per id.

    Returns
    -------
    ndarray, shape (len(ids),), uint64
        First 8 bytes of ``sha256(f"{seed}:{side}:{id}")`` read big-endian.
    """
    values = [
        int.from_bytes(hashlib.sha256(f"{seed}:{side}:{i}".encode()).digest()[:8], "big")
        for i in ids
    ]
    return np.array(values, dtype=np.uint64)


def draw_order(ids: Sequence[str], seed: int, side: str) -> np.ndarray:
    """Indices of ``ids`` in lottery order (ticket, then id for the impossible tie).

    Returns
    -------
    ndarray, shape (len(ids),), int64
        A permutation; ``ids[order[0]]`` drew the first ticket.
    """
    keyed = sorted(zip(tickets(ids, seed, side).tolist(), ids, range(len(ids)), strict=True))
    return np.array([index for _, _, index in keyed], dtype=np.int64)


def _splitmix64(x: np.ndarray) -> np.ndarray:
    x = x + np.uint64(0x9E3779B97F4A7C15)
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def pair_tickets(student_tickets: np.ndarray, role_tickets: np.ndarray) -> np.ndarray:
    """A ticket for every student-role pair.

    Parameters
    ----------
    student_tickets : ndarray, shape (n_students,), uint64
    role_tickets : ndarray, shape (n_roles,), uint64

    Returns
    -------
    ndarray, shape (n_students, n_roles), uint64
        ``splitmix64(splitmix64(student) ^ role)``.
    """
    mixed = _splitmix64(student_tickets.astype(np.uint64))[:, None] ^ role_tickets[None, :]
    return _splitmix64(mixed)
