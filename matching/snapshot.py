"""From snapshot to arrays: full validation and the matrices every solve starts from."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np

from .feasibility import feasible_mask, rule_failures, rule_masks, skill_products
from .formats import SnapshotError, sha256_of
from .lottery import draw_order, pair_tickets, tickets
from .problem import Problem, build_problem
from .scoring import SCORE_UNIT, pair_breakdown, score_units, score_units_matrix, travel_table
from .validation import validate_structure


def _check_locks(snapshot: dict[str, Any], locked: list[dict[str, str]]) -> None:
    students = {s["id"]: s for s in snapshot["students"]}
    roles = {r["id"]: r for r in snapshot["roles"]}
    forbidden = {(p["student"], p["role"]) for p in snapshot["forbidden"]}
    seen: set[str] = set()
    per_role: Counter[str] = Counter()
    for i, pair in enumerate(locked):
        student_id, role_id = pair["student"], pair["role"]
        if student_id in seen:
            raise SnapshotError(f"locked[{i}].student", f"student {student_id!r} is locked twice")
        seen.add(student_id)
        per_role[role_id] += 1
        if per_role[role_id] > roles[role_id]["places"]:
            places = roles[role_id]["places"]
            message = f"role {role_id!r} has {places} place(s) but more students are locked to it"
            raise SnapshotError(f"locked[{i}].role", message)
        failures = rule_failures(
            students[student_id], roles[role_id], (student_id, role_id) in forbidden
        )
        if failures:
            message = f"{student_id!r} cannot take {role_id!r}: it {'; it '.join(failures)}"
            raise SnapshotError(f"locked[{i}]", message)


def validate_snapshot(data: Any) -> dict[str, Any]:
    """Validate a ``placement-round/1`` snapshot and return it normalised.

    Parameters
    ----------
    data : dict
        Parsed JSON. Unknown fields anywhere are rejected, so no equality data can slip in.

    Returns
    -------
    dict
        The snapshot with every default filled in (parameters, ``work_modes``, ``sectors``,
        ``preferences``, ``locked``, ``forbidden``, role skill ``weight`` 1 and ``required`` false),
        weights normalised to sum 1, and students, roles, locked and forbidden sorted by id.
        Validating the result again returns it unchanged.

    Raises
    ------
    SnapshotError
        With ``path`` naming the field, e.g. ``students[3].rqf_level: must be 6, 7 or 8``.
    """
    snapshot = validate_structure(data)
    locked = snapshot.pop("_locked_order")
    _check_locks(snapshot, locked)
    return snapshot


@dataclass(frozen=True)
class Prepared:
    """Everything computed once per round before any algorithm runs.

    Attributes
    ----------
    masks : dict of str to ndarray, shape (n_students, n_roles), bool
        Pass/fail per hard rule (:func:`matching.feasibility.rule_masks`).
    feasible, acceptable : ndarray, shape (n_students, n_roles), bool
        Hard rules passed; and additionally score >= ``min_score``.
    travel : ndarray, shape (34, n_roles), float64
        Travel component per (student borough, role), for breakdowns.
    scores : ndarray, shape (n_students, n_roles), float64
        Points / 10**6.
    units : ndarray, shape (n_students, n_roles), int64
        Scores in points (whole millionths).
    """

    snapshot: dict[str, Any]
    input_sha256: str
    problem: Problem
    masks: dict[str, np.ndarray]
    feasible: np.ndarray
    acceptable: np.ndarray
    travel: np.ndarray
    scores: np.ndarray
    units: np.ndarray

    def breakdown(self, student: int, role: int) -> dict[str, float]:
        """The component values of one pair (the result's ``breakdown``)."""
        return pair_breakdown(self.problem, self.travel, student, role)

    @property
    def parameters(self) -> dict[str, Any]:
        """The normalised parameters."""
        return self.snapshot["parameters"]

    def draw_orders(self) -> tuple[np.ndarray, np.ndarray]:
        """Student and role indices in seeded lottery order."""
        seed = self.parameters["seed"]
        rows = draw_order(self.problem.student_ids, seed, "student")
        return rows, draw_order(self.problem.role_ids, seed, "role")

    def pair_tickets(self) -> np.ndarray:
        """Lottery ticket of every pair, shape (n_students, n_roles), uint64."""
        seed = self.parameters["seed"]
        student = tickets(self.problem.student_ids, seed, "student")
        return pair_tickets(student, tickets(self.problem.role_ids, seed, "role"))


def prepare(snapshot: Any, *, normalised: bool = False) -> Prepared:
    """Validate (unless ``normalised``) and build masks and scores for a round."""
    snapshot = snapshot if normalised else validate_snapshot(snapshot)
    problem = build_problem(snapshot)
    masks = rule_masks(problem, skill_products(problem))
    feasible = feasible_mask(problem, masks)
    units = score_units_matrix(problem, snapshot["parameters"]["weights"])
    scores = units / SCORE_UNIT
    min_units = int(score_units(np.array(snapshot["parameters"]["min_score"])))
    return Prepared(
        snapshot=snapshot,
        input_sha256=sha256_of(snapshot),
        problem=problem,
        masks=masks,
        feasible=feasible,
        acceptable=feasible & (units >= min_units),
        travel=travel_table(problem),
        scores=scores,
        units=units,
    )
