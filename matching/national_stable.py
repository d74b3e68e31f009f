"""Student-proposing deferred acceptance at national size, preference lists made page by page.

Each student's completed list (:func:`matching.stability.preference_keys`: stated choices, then
every other acceptable role by score; equal keys by the pair's lottery ticket) is produced a page
at a time: the first page (its best ``k`` entries) in one pass over the blocks, later pages from a
fresh score of that student's row only when it runs out. A student skips, in one vectorised step,
every role on its page that would reject it now: a role only ever raises the bar it holds students
to, so those proposals would all be rejected. The outcome is the student-optimal stable matching,
whatever the order of proposals, so it equals :func:`matching.stability.deferred_acceptance` on
the dense lists (ties between equal keys are broken by the top 36 bits of the pair's ticket
instead of all 64: the same order unless two such prefixes collide).
"""

from __future__ import annotations

import heapq
import time
from collections import deque

import numpy as np

from .blocks import Scorer, block_units, blocks, build_scorer, pair_tickets_of
from .candidates import Candidates, _TopK, collect
from .formats import MAX_STUDENT_PREFERENCES
from .national import Stages, _lp_sets
from .national_result import preference_blocks, rank_tables
from .problem import Problem
from .stability import STATED

TICKET_BITS = 36  # the top bits of the pair ticket, under a preference key of at most 27 bits
REFILL = 1000  # entries of a later page
ROWS_PER_REFILL = 256
NONE = np.iinfo(np.int64).max


def _keys(scorer: Scorer, tables, rows, cols, units, usable):
    """Composite student and role keys (key << TICKET_BITS | ticket bits), -1 where unusable."""
    student_key, role_key = preference_blocks(scorer, tables, rows, cols, units)
    i, j = np.nonzero(usable)  # tickets for the usable pairs only: most of a block is not
    ticket = pair_tickets_of(scorer, rows[i], cols[j])
    ticket = (ticket >> np.uint64(64 - TICKET_BITS)).astype(np.int64)
    student = np.full(units.shape, -1, dtype=np.int64)
    role = np.full(units.shape, -1, dtype=np.int64)
    student[i, j] = (student_key[i, j] << TICKET_BITS) | ticket
    role[i, j] = (role_key[i, j] << TICKET_BITS) | ticket
    return student, role


def _first_pages(scorer: Scorer, k: int, lp) -> dict:
    """Every student's best ``k`` usable entries: ``(roles, student keys, role keys, complete)``."""
    problem = scorer.problem
    lp_students, lp_roles = lp
    best = _TopK(problem.shape[0], k, extra=True)
    tables = rank_tables(problem)
    for rows, cols, by_signature in blocks(problem):
        units = block_units(scorer, rows, cols, by_signature)
        usable = (units >= scorer.min_units) & lp_students[rows, None] & lp_roles[None, cols]
        if usable.any():
            student, role = _keys(scorer, tables, rows, cols, units, usable)
            best.merge(rows, student, np.broadcast_to(cols, student.shape), role)
    pages = {}
    for s in np.flatnonzero(lp_students).tolist():
        keep = np.flatnonzero(best.keys[s] >= 0)
        order = keep[np.argsort(-best.keys[s][keep], kind="stable")]
        pages[s] = (best.items[s][order], best.keys[s][order], best.extra[s][order], keep.size < k)
    return pages


def _next_pages(scorer: Scorer, students: list[int], after: np.ndarray, lp_roles) -> dict:
    """For each student, its next :data:`REFILL` usable entries below ``after[student]``."""
    cols = np.flatnonzero(lp_roles)
    pages = {}
    students = np.sort(np.array(students, dtype=np.int64))
    tables = rank_tables(scorer.problem)
    for start in range(0, students.size, ROWS_PER_REFILL):
        rows = students[start : start + ROWS_PER_REFILL]
        units = block_units(scorer, rows, cols)
        usable = (units >= scorer.min_units) & (units >= 0)
        student, role = _keys(scorer, tables, rows, cols, units, usable)
        student = np.where(student < after[rows][:, None], student, -1)
        for i, s in enumerate(rows.tolist()):
            keep = np.flatnonzero(student[i] >= 0)
            order = keep[np.argsort(-student[i][keep], kind="stable")][:REFILL]
            pages[s] = (cols[order], student[i][order], role[i][order], order.size < REFILL)
    return pages


def national_stable(
    problem: Problem, *, k: int, stages: Stages
) -> tuple[Scorer, list[tuple[int, int]], Candidates]:
    """Deferred acceptance on a round built with ``dense=False``; also the candidate graph."""
    started = time.perf_counter()
    scorer = build_scorer(problem, problem.snapshot["parameters"])
    lp_students, lp_roles, free = _lp_sets(problem)
    started = stages.mark("blocking", started)
    candidates = collect(scorer, k, lp_students, lp_roles)
    started = stages.mark("candidates", started)
    pairs = _propose(scorer, _first_pages(scorer, k, (lp_students, lp_roles)), lp_roles, free)
    stages.mark("solve", started)
    return scorer, sorted(list(problem.locked) + pairs), candidates


def _propose(scorer: Scorer, pages: dict, lp_roles, free: np.ndarray) -> list[tuple[int, int]]:
    n_students, n_roles = scorer.shape
    position = dict.fromkeys(pages, 0)
    bar = np.full(n_roles, -1, dtype=np.int64)  # a role key must beat it; -1 while places are left
    held: dict[int, list] = {r: [] for r in range(n_roles)}
    waiting = deque(sorted(pages))
    refill: list[int] = []
    last = np.full(n_students, NONE, dtype=np.int64)
    while waiting or refill:
        if not waiting:
            pages.update(_next_pages(scorer, refill, last, lp_roles))
            position.update(dict.fromkeys(refill, 0))
            waiting.extend(refill)
            refill = []
            continue
        student = waiting.popleft()
        roles, keys, role_keys, complete = pages[student]
        at = position[student]
        accepting = np.flatnonzero(role_keys[at:] > bar[roles[at:]]) if at < roles.size else ()
        if not len(accepting):
            if not complete:
                last[student] = keys[-1]
                refill.append(student)
            continue
        step = at + int(accepting[0])
        role, key = int(roles[step]), int(role_keys[step])
        position[student] = step + 1
        heap = held[role]
        if len(heap) < free[role]:
            heapq.heappush(heap, (key, student))
        else:
            waiting.append(heapq.heapreplace(heap, (key, student))[1])
        if len(heap) >= free[role]:
            bar[role] = heap[0][0]
    return [(s, r) for r, heap in held.items() for _, s in heap]


assert (MAX_STUDENT_PREFERENCES + 1) * STATED < 1 << (63 - TICKET_BITS)
