"""One student ranked against every role of a round: the role side prepared once, reused for each.

:func:`matching.explain_student` validates the whole snapshot and writes reasons for every role, so
ranking one student against national numbers of roles takes seconds. A :class:`RoleIndex` does the
role-side work once (validation, the role arrays of :func:`matching.build_problem`, the role sides
of the skill and score products, kept sparse); ranking a student then validates only the student,
builds that one student's row and runs the engine's own :func:`matching.feasibility.rule_masks` and
score products over it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import sparse

from .feasibility import (
    RULES,
    SkillProducts,
    feasible_mask,
    role_encoding,
    rule_masks,
    student_encoding,
)
from .formats import ROUND_FORMAT, SnapshotError
from .problem import Problem, build_problem, student_arrays
from .scoring import component_points, preference_points, score_factors, student_factors
from .snapshot import validate_snapshot
from .validation import validate_structure

ROLES_PER_PART = 1024  # roles whose dense role side is built at once before it is kept sparse
# The fields of Problem with one entry per role, cut together into parts.
ROLE_FIELDS = (
    "role_ids",
    "role_levels",
    "role_weights",
    "role_required",
    "min_rqf_level",
    "start",
    "end",
    "role_hours",
    "role_borough",
    "role_mode",
    "role_sector",
    "places",
    "role_pref_length",
)


@dataclass(frozen=True)
class RoleRanking:
    """Role ids best first; the first ``feasible`` of them meet every hard rule for the student."""

    roles: tuple[str, ...]
    feasible: int


class RoleIndex:
    """The roles of a round prepared once, to rank any number of students against all of them.

    Parameters
    ----------
    snapshot : dict
        A ``placement-round/1`` snapshot, validated here once. Its students are not ranked; they are
        there so that the roles' preference lists and the forbidden pairs may name them.

    Notes
    -----
    :meth:`rank` gives :func:`matching.explain_student`'s order for a student entry as if it stood
    in the snapshot in place of the student with its id (or beside the others): roles the student
    meets by score, highest first, then the others by fewest failures (each hard rule failed counts
    one, each missing required skill one), ties by role id. Scores are the engine's points: the
    student's row of :func:`matching.scoring.score_factors` times the role side, in float32 (every
    partial sum an integer below 2**24, so exact), plus :func:`matching.scoring.preference_points`.
    Locked pairs do not change the order and are only validated.

    Examples
    --------
    >>> from matching.synthetic import role_profile, round_of, student_profile
    >>> roles = [role_profile("r1"), role_profile("r2", min_rqf_level=8), role_profile("r3")]
    >>> roles[2]["borough"] = "havering"
    >>> RoleIndex(round_of([], roles)).rank(student_profile("s1"))
    RoleRanking(roles=('r1', 'r3', 'r2'), feasible=2)
    """

    def __init__(self, snapshot: Any) -> None:
        normalised = validate_snapshot(snapshot)
        roles = normalised["roles"]
        self.parameters: dict[str, Any] = normalised["parameters"]
        self.role_ids: tuple[str, ...] = tuple(role["id"] for role in roles)
        self._position = {role_id: j for j, role_id in enumerate(self.role_ids)}
        # Any valid role entry: a student's listed roles are validated against copies of it.
        self._stand_in = dict(roles[0], preferences=[]) if roles else None
        self._list_lengths = np.array([len(role["preferences"]) for role in roles], dtype=np.int64)
        self._listed, self._forbidden = _by_student(normalised)
        bare = [dict(role, preferences=[]) for role in roles]
        problem = build_problem(
            {**normalised, "students": [], "roles": bare, "locked": [], "forbidden": []},
            dense=False,
        )
        self._problem = dataclasses.replace(problem, snapshot={})  # the roles' dicts can go
        # build_problem numbers sectors in sorted order: with no students, the roles' sectors.
        self._sector_index = {s: i for i, s in enumerate(sorted({r["sector"] for r in roles}))}
        self._skill_index = {skill: k for k, skill in enumerate(problem.skill_ids)}
        self._points = component_points(self.parameters["weights"])
        self._n_required = problem.role_required.sum(axis=1).astype(np.float32)
        self._score_rows, self._weighted_rows, self._required_rows = _role_sides(
            problem, self._points
        )

    def rank(
        self, student: Any, role_preferences: Mapping[str, Sequence[str]] | None = None
    ) -> RoleRanking:
        """Every role, best fit for ``student`` first.

        Parameters
        ----------
        student : dict
            A student entry of a ``placement-round/1`` snapshot (validated here); its preferences
            must name roles of the index.
        role_preferences : dict of str to list of str, optional
            Preference lists of some roles (role id to student ids, best first) to use for this
            ranking instead of the ones in the snapshot.

        Returns
        -------
        RoleRanking

        Raises
        ------
        SnapshotError
            If the student entry or ``role_preferences`` is not valid against the index's roles.
        """
        entry = self._validated(student)
        if not self.role_ids:
            return RoleRanking((), 0)
        one = self._one_student(entry, role_preferences or {})
        encoding = student_encoding(one.student_levels)[0]
        products = SkillProducts(
            levels_met=(self._weighted_rows @ encoding)[None, :],
            required_met=(self._required_rows @ encoding)[None, :],
        )
        masks = rule_masks(one, products)
        units = (self._score_rows @ student_factors(one)[0]).astype(np.int64)[None, :]
        rows, cols, extra = preference_points(one, self._points["preferences"])
        np.add.at(units, (rows, cols), extra)
        failed = sum((~masks[rule][0]).astype(np.int64) for rule in RULES if rule != "skills")
        missing = np.maximum(self._n_required - products.required_met[0], 0).astype(np.int64)
        return _ranking(self.role_ids, feasible_mask(one, masks)[0], units[0], failed + missing)

    def _validated(self, student: Any) -> dict[str, Any]:
        if not isinstance(student, dict):
            raise SnapshotError("student", "must be a JSON object")
        listed = student.get("preferences")
        named = {r for r in listed if isinstance(r, str)} if isinstance(listed, list) else set()
        roles = [dict(self._stand_in, id=r) for r in sorted(named & self._position.keys())]
        try:
            checked = validate_structure(
                {"format": ROUND_FORMAT, "students": [student], "roles": roles}
            )
        except SnapshotError as error:  # the path names the student, not a snapshot of one
            raise SnapshotError(
                error.path.replace("students[0]", "student"), error.message
            ) from None
        return checked["students"][0]

    def _one_student(
        self, entry: dict[str, Any], overrides: Mapping[str, Sequence[str]]
    ) -> Problem:
        """The index's problem with this one student: what rule_masks and scoring read."""
        n_roles = len(self.role_ids)
        known = dict(
            entry,
            skills={k: v for k, v in entry["skills"].items() if k in self._skill_index},
            sectors=[s for s in entry["sectors"] if s in self._sector_index],
        )
        arrays = student_arrays([known], self._skill_index, self._sector_index)
        # A sector no role is in still counts as listing one (the sector score is then 0, not 0.5).
        arrays["has_sectors"] = np.array([bool(entry["sectors"])])
        own = [(0, self._position[r], rank) for rank, r in enumerate(entry["preferences"], 1)]
        lengths, ranked_by = self._role_lists(entry["id"], overrides)
        theirs = [(0, j, rank) for j, rank in sorted(ranked_by.items())]
        forbidden = np.zeros((1, n_roles), dtype=bool)
        forbidden[0, self._forbidden.get(entry["id"], [])] = True
        student_prefs, role_prefs = _entries(own), _entries(theirs)
        return dataclasses.replace(
            self._problem,
            student_ids=(entry["id"],),
            **arrays,
            student_prefs=student_prefs,
            role_prefs=role_prefs,
            student_pref_rank=_rank_row(student_prefs, n_roles, np.int16),
            role_pref_rank=_rank_row(role_prefs, n_roles, np.int32),
            role_pref_length=lengths,
            forbidden=forbidden,
            locked=(),
        )

    def _role_lists(
        self, student_id: str, overrides: Mapping[str, Sequence[str]]
    ) -> tuple[np.ndarray, dict[int, int]]:
        """Every role's list length, and the rank each role listing the student gives them."""
        ranked_by = dict(self._listed.get(student_id, ()))
        if not overrides:
            return self._list_lengths, ranked_by
        lengths = self._list_lengths.copy()
        for role_id, students in overrides.items():
            path = f"role_preferences.{role_id}"
            if role_id not in self._position:
                raise SnapshotError(path, f"unknown role id {role_id!r}")
            if not all(isinstance(s, str) for s in students) or len(set(students)) < len(students):
                raise SnapshotError(path, "must be a list of student ids without repeats")
            j = self._position[role_id]
            lengths[j] = len(students)
            ranked_by.pop(j, None)
            if student_id in students:
                ranked_by[j] = list(students).index(student_id) + 1
        return lengths, ranked_by


def _by_student(
    normalised: dict[str, Any],
) -> tuple[dict[str, list[tuple[int, int]]], dict[str, list[int]]]:
    """Per student id: ``(role position, rank)`` where a role lists them, and forbidden roles."""
    position = {role["id"]: j for j, role in enumerate(normalised["roles"])}
    listed: dict[str, list[tuple[int, int]]] = {}
    for j, role in enumerate(normalised["roles"]):
        for rank, student_id in enumerate(role["preferences"], 1):
            listed.setdefault(student_id, []).append((j, rank))
    forbidden: dict[str, list[int]] = {}
    for pair in normalised["forbidden"]:
        forbidden.setdefault(pair["student"], []).append(position[pair["role"]])
    return listed, forbidden


def _entries(rows: list[tuple[int, int, int]]) -> np.ndarray:
    return np.array(rows, dtype=np.int64).reshape(-1, 3)


def _rank_row(entries: np.ndarray, n_roles: int, dtype: Any) -> np.ndarray:
    row = np.zeros((1, n_roles), dtype=dtype)
    row[0, entries[:, 1]] = entries[:, 2]
    return row


def _roles_part(problem: Problem, part: slice) -> Problem:
    return dataclasses.replace(
        problem, **{name: getattr(problem, name)[part] for name in ROLE_FIELDS}
    )


def _role_sides(problem: Problem, points: dict[str, int]) -> tuple[sparse.csr_matrix, ...]:
    """Role sides of the score and skill products, one sparse row per role.

    Returns
    -------
    score_rows : csr_matrix, shape (n_roles, K), float32
        :func:`matching.scoring.score_factors`' role side, transposed.
    weighted_rows, required_rows : csr_matrix, shape (n_roles, 5 * n_skills), float32
        The two halves of :func:`matching.feasibility.role_encoding`, transposed.
    """
    score, weighted, required = [], [], []
    for start in range(0, len(problem.role_ids), ROLES_PER_PART):
        part = _roles_part(problem, slice(start, start + ROLES_PER_PART))
        size = len(part.role_ids)
        score.append(sparse.csr_matrix(score_factors(part, points)[1].T))
        encoding = role_encoding(part)
        weighted.append(sparse.csr_matrix(encoding[:, :size].T))
        required.append(sparse.csr_matrix(encoding[:, size:].T))
    if not score:
        empty = sparse.csr_matrix((0, 0), dtype=np.float32)
        return empty, empty, empty
    return tuple(sparse.vstack(parts, format="csr") for parts in (score, weighted, required))


def _ranking(
    role_ids: tuple[str, ...], feasible: np.ndarray, units: np.ndarray, failures: np.ndarray
) -> RoleRanking:
    """Feasible roles by points, highest first, then the others by failures; ties by position."""
    met, unmet = np.flatnonzero(feasible), np.flatnonzero(~feasible)
    met = met[np.argsort(-units[met], kind="stable")]
    unmet = unmet[np.argsort(failures[unmet], kind="stable")]
    order = np.concatenate([met, unmet]).tolist()
    return RoleRanking(tuple(map(role_ids.__getitem__, order)), len(met))
