"""Stability: preference keys, the blocking-pair audit and student-proposing deferred acceptance."""

from __future__ import annotations

import heapq
from collections import deque

import numpy as np

from .assignment import Pair
from .formats import MAX_STUDENT_PREFERENCES

STATED = 10**7  # any stated rank outranks every score (scores are at most 10**6 millionths)


def preference_keys(
    problem_ranks: tuple[np.ndarray, np.ndarray, np.ndarray],
    units: np.ndarray,
    acceptable: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Completed preference lists as comparable integer keys (higher = preferred).

    Parameters
    ----------
    problem_ranks : (student_pref_rank, role_pref_rank, role_pref_length)
        Shapes (n_students, n_roles), (n_students, n_roles), (n_roles,); ranks are 1-based and
        0 means unstated.
    units : ndarray, shape (n_students, n_roles), int64
        Scores in millionths.
    acceptable : ndarray, shape (n_students, n_roles), bool
        Feasible pairs scoring at least ``min_score``; only these may appear in a list.

    Returns
    -------
    student_key, role_key : ndarray, shape (n_students, n_roles), int64
        -1 for unacceptable pairs.

    Notes
    -----
    Each side ranks its stated, acceptable choices first, in the stated order, then every other
    acceptable partner by score, best first. Equal scores are indifference here (the audit counts a
    pair as blocking only under strict preference on both sides); deferred acceptance breaks such
    ties with the seeded lottery.
    """
    student_rank, role_rank, role_length = problem_ranks
    student_key = np.where(
        student_rank > 0,
        STATED * (MAX_STUDENT_PREFERENCES + 1 - student_rank.astype(np.int64)),
        units,
    )
    role_key = np.where(role_rank > 0, STATED * (role_length[None, :] + 1 - role_rank), units)
    return np.where(acceptable, student_key, -1), np.where(acceptable, role_key, -1)


def blocking_pairs(
    student_key: np.ndarray,
    role_key: np.ndarray,
    pairs: list[Pair],
    places: np.ndarray,
    locked: list[Pair],
) -> np.ndarray:
    """Pairs that would both rather be matched to each other than keep their assignment.

    Parameters
    ----------
    student_key, role_key : ndarray, shape (n_students, n_roles), int64
        From :func:`preference_keys`.
    pairs : list of (student, role)
        The assignment, locked pairs included.
    places : ndarray, shape (n_roles,), int
    locked : list of (student, role)
        Locked students never move and locked places are never given up.

    Returns
    -------
    ndarray, shape (n_blocking, 2), int64
        Rows ``(student, role)`` in lexicographic order.

    Notes
    -----
    ``(s, r)`` blocks when it is acceptable, ``s`` is not locked, ``s`` strictly prefers ``r`` to
    its role (any acceptable role beats none), and ``r`` has a free place or strictly prefers ``s``
    to the least preferred of its unlocked students. Vectorised: O(n_students * n_roles).
    """
    n_students, n_roles = student_key.shape
    current = np.full(n_students, -1, dtype=np.int64)
    filled = np.zeros(n_roles, dtype=np.int64)
    threshold = np.full(n_roles, np.iinfo(np.int64).max, dtype=np.int64)
    locked_students = np.zeros(n_students, dtype=bool)
    locked_students[[s for s, _ in locked]] = True
    if pairs:
        s_idx, r_idx = np.array(pairs, dtype=np.int64).T
        current[s_idx] = student_key[s_idx, r_idx]
        np.add.at(filled, r_idx, 1)
        movable = ~locked_students[s_idx]
        np.minimum.at(threshold, r_idx[movable], role_key[s_idx[movable], r_idx[movable]])
    threshold = np.where(filled < places, -1, threshold)
    blocking = (student_key > current[:, None]) & (role_key > threshold[None, :])
    blocking &= ~locked_students[:, None]
    return np.argwhere(blocking)


def _ranked_roles(student_key: np.ndarray, ticket: np.ndarray) -> np.ndarray:
    return np.lexsort((~ticket, -student_key), axis=1)


def deferred_acceptance(
    student_key: np.ndarray,
    role_key: np.ndarray,
    ticket: np.ndarray,
    places: np.ndarray,
    locked: list[Pair],
) -> list[Pair]:
    """Student-proposing deferred acceptance with capacities (Gale and Shapley, 1962).

    Parameters
    ----------
    student_key, role_key : ndarray, shape (n_students, n_roles), int64
        From :func:`preference_keys`; -1 marks unacceptable pairs.
    ticket : ndarray, shape (n_students, n_roles), uint64
        Lottery tickets; among equal keys, the higher ticket is preferred (both sides).
    places : ndarray, shape (n_roles,), int
    locked : list of (student, role)

    Returns
    -------
    list of (student, role)
        Sorted, locked pairs included. The result has no blocking pairs (:func:`blocking_pairs`).
    """
    n_students, _ = student_key.shape
    free_places = np.asarray(places, dtype=np.int64).copy()
    is_locked = np.zeros(n_students, dtype=bool)
    for s, r in locked:
        free_places[r] -= 1
        is_locked[s] = True
    order = _ranked_roles(student_key, ticket).tolist()
    list_length = (student_key >= 0).sum(axis=1).tolist()
    held: dict[int, list[tuple[int, int, int]]] = {}
    next_choice = [0] * n_students
    waiting = deque(s for s in range(n_students) if not is_locked[s])
    while waiting:
        student = waiting.popleft()
        while next_choice[student] < list_length[student]:
            role = order[student][next_choice[student]]
            next_choice[student] += 1
            if free_places[role] <= 0:
                continue
            entry = (int(role_key[student, role]), int(ticket[student, role]), student)
            heap = held.setdefault(role, [])
            if len(heap) < free_places[role]:
                heapq.heappush(heap, entry)
                break
            if entry > heap[0]:
                waiting.append(heapq.heapreplace(heap, entry)[2])
                break
    proposed = [(student, role) for role, heap in held.items() for _, _, student in heap]
    return sorted(list(locked) + proposed)


def ranks_achieved(student_rank: np.ndarray, pairs: list[Pair]) -> dict[str, int]:
    """How many placed students got their 1st ... 5th stated choice, or a role they did not rank."""
    counts = {str(rank): 0 for rank in range(1, MAX_STUDENT_PREFERENCES + 1)}
    counts["unranked"] = 0
    for s, r in pairs:
        rank = int(student_rank[s, r])
        counts[str(rank) if rank else "unranked"] += 1
    return counts
