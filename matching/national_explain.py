"""The questions of :mod:`matching.explain` and :func:`matching.alternatives` at national size.

One student's row or one role's column is scored on its own; nothing is students x roles.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .blocks import Scorer, block_units, build_scorer
from .national import Outcome, national_optimum
from .problem import build_problem
from .scoring import SCORE_UNIT, pair_breakdown, travel_table
from .snapshot import prepare


class _Row:
    """``row[s, r]`` for the one student whose row was scored."""

    def __init__(self, values: np.ndarray) -> None:
        self.values = values

    def __getitem__(self, pair: tuple[int, int]):
        return self.values[pair[1]]


class StudentView:
    """What :func:`matching.explain._role_entry` reads, for one student's row only."""

    def __init__(self, snapshot: dict[str, Any], student: int) -> None:
        self.problem = build_problem(snapshot, dense=False)
        self.snapshot = snapshot
        self.scorer = build_scorer(self.problem, snapshot["parameters"])
        units = block_units(
            self.scorer, np.array([student]), np.arange(self.problem.shape[1]), False
        )[0].astype(np.int64)
        self.units = _Row(units)
        self.feasible = _Row(units >= 0)
        self.acceptable = _Row(units >= self.scorer.min_units)
        self._travel = travel_table(self.problem)

    def breakdown(self, student: int, role: int) -> dict[str, float]:
        """The component values of one pair."""
        return pair_breakdown(self.problem, self._travel, student, role)


def one_role_prepared(snapshot: dict[str, Any], role_index: int):
    """:func:`matching.prepare` of the round cut down to one role (students x 1 arrays).

    The students' rankings of other roles and the other roles' lists are dropped; hard rules
    and feasibility do not depend on them.
    """
    role = snapshot["roles"][role_index]
    single = {
        "parameters": snapshot["parameters"],
        "students": [
            dict(s, preferences=[r for r in s["preferences"] if r == role["id"]])
            for s in snapshot["students"]
        ],
        "roles": [role],
        "locked": [],
        "forbidden": [p for p in snapshot["forbidden"] if p["role"] == role["id"]],
    }
    return prepare(single, normalised=True)


def national_alternatives(
    snapshot: dict[str, Any], student: int, limit: int, base: Outcome | None = None
) -> tuple[tuple[int, int], list[dict[str, Any]], int | None, Scorer]:
    """Objective, alternatives and current role of one student (see :func:`matching.alternatives`).

    Each alternative locks the pair and re-solves from the base solve's candidate graph and
    prices; the certificate makes each re-solve exact. ``base``: the round's own solve, when
    already made and certified.
    """
    problem = build_problem(snapshot, dense=False)
    if base is None or not base.certified:
        base = national_optimum(problem, exact=True)
    scorer = base.scorer
    objective = _objective(scorer, base.pairs)
    current = next((r for s, r in base.pairs if s == student), None)
    if any(s == student for s, _ in problem.locked):
        return objective, [], current, scorer
    units = block_units(scorer, np.array([student]), np.arange(problem.shape[1]), False)[0]
    locked_count = np.bincount([r for _, r in problem.locked], minlength=problem.shape[1])
    open_roles = np.flatnonzero((units >= scorer.min_units) & (locked_count < problem.places))
    options = sorted(
        (int(r) for r in open_roles if r != current),
        key=lambda r: (-int(units[r]), problem.role_ids[r]),
    )[:limit]
    alternatives = []
    for role in options:
        forced = national_optimum(problem, exact=True, extra_locked=((student, role),), start=base)
        placed, total = _objective(scorer, forced.pairs)
        alternatives.append(
            {
                "role": problem.role_ids[role],
                "score": int(units[role]) / SCORE_UNIT,
                "placed": placed,
                "total_score": total / SCORE_UNIT,
                "cost": {
                    "placed": objective[0] - placed,
                    "total_score": (objective[1] - total) / SCORE_UNIT,
                },
            }
        )
    return objective, alternatives, current, scorer


def _objective(scorer: Scorer, pairs: list[tuple[int, int]]) -> tuple[int, int]:
    from .blocks import score_pairs

    if not pairs:
        return 0, 0
    s, r = np.array(pairs, dtype=np.int64).T
    return len(pairs), int(score_pairs(scorer, s, r)[1].sum())
