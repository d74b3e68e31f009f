"""The round as arrays: one fixed order for students and roles, ids only at the edges."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np

from .formats import WORK_MODES
from .geography import BOROUGH_IDS

LEVELS = 5  # skill levels 1..5; skill encoding uses LEVELS columns per skill
MODE_BITS = {mode: 1 << i for i, mode in enumerate(WORK_MODES)}
BOROUGH_INDEX = {borough: i for i, borough in enumerate(BOROUGH_IDS)}


@dataclass(frozen=True)
class Problem:
    """A validated round as numpy arrays; student ``i`` is ``student_ids[i]``, role ``j`` likewise.

    Attributes
    ----------
    student_levels : ndarray, shape (n_students, n_skills), int8
        Skill level 1-5 of each student, 0 when the student does not have the skill.
    role_levels, role_weights : ndarray, shape (n_roles, n_skills), int8
        Asked level (0 = not asked) and weight 1-3 of each skill.
    role_required : ndarray, shape (n_roles, n_skills), bool
    student_pref_rank : ndarray, shape (n_students, n_roles), int16
        1-based rank of the role in the student's list, 0 when not listed.
    role_pref_rank : ndarray, shape (n_students, n_roles), int32
        1-based rank of the student in the role's list, 0 when not listed.
    student_prefs, role_prefs : ndarray, shape (n_entries, 3), int64
        The same ranks as rows ``(student, role, rank)``.
    forbidden : ndarray, shape (n_students, n_roles), bool
    locked : list of (student_index, role_index)

    Built with ``dense=False`` (the national path), ``student_pref_rank``, ``role_pref_rank`` and
    ``forbidden`` are :class:`PairTable` lookups instead of students x roles arrays.
    """

    snapshot: dict[str, Any]
    student_ids: tuple[str, ...]
    role_ids: tuple[str, ...]
    skill_ids: tuple[str, ...]
    student_levels: np.ndarray
    role_levels: np.ndarray
    role_weights: np.ndarray
    role_required: np.ndarray
    rqf_level: np.ndarray
    right_to_work: np.ndarray
    available_from: np.ndarray
    available_until: np.ndarray
    student_hours: np.ndarray
    student_borough: np.ndarray
    student_modes: np.ndarray
    student_sectors: np.ndarray
    has_sectors: np.ndarray
    min_rqf_level: np.ndarray
    start: np.ndarray
    end: np.ndarray
    role_hours: np.ndarray
    role_borough: np.ndarray
    role_mode: np.ndarray
    role_sector: np.ndarray
    places: np.ndarray
    student_prefs: np.ndarray
    role_prefs: np.ndarray
    student_pref_rank: np.ndarray
    role_pref_rank: np.ndarray
    role_pref_length: np.ndarray
    forbidden: np.ndarray
    locked: tuple[tuple[int, int], ...]

    @property
    def shape(self) -> tuple[int, int]:
        """``(n_students, n_roles)``."""
        return len(self.student_ids), len(self.role_ids)


class PairTable:
    """A sparse stand-in for a students x roles array: ``table[s, r]`` is the value or 0.

    Only scalar lookups are supported; the national path never needs a whole row or column.
    """

    def __init__(self, entries: np.ndarray, shape: tuple[int, int]) -> None:
        self.shape = shape
        self._values = {(int(s), int(r)): int(v) for s, r, v in entries.tolist()}

    def __getitem__(self, pair: tuple[int, int]) -> int:
        return self._values.get((int(pair[0]), int(pair[1])), 0)

    def __len__(self) -> int:
        return len(self._values)


def _ordinal(day: str) -> int:
    return dt.date.fromisoformat(day).toordinal()


def _vector(values: list, dtype: Any) -> np.ndarray:
    return np.asarray(values, dtype=dtype)


def _level_matrix(entities: list[dict], skill_index: dict[str, int], field: str) -> np.ndarray:
    rows, cols, values = [], [], []
    for row, entity in enumerate(entities):
        for skill, value in entity["skills"].items():
            rows.append(row)
            cols.append(skill_index[skill])
            values.append(value if field == "" else value[field])
    matrix = np.zeros((len(entities), len(skill_index)), dtype=np.int8)
    matrix[rows, cols] = values
    return matrix


def _rank_entries(lists: list[list[str]], index: dict[str, int]) -> np.ndarray:
    """Rows ``(owner, listed, rank)`` for every entry of every preference list."""
    entries = [
        (row, index[i], rank) for row, ids in enumerate(lists) for rank, i in enumerate(ids, 1)
    ]
    return np.array(entries, dtype=np.int64).reshape(-1, 3)


def _rank_matrix(entries: np.ndarray, shape: tuple[int, int], dtype) -> np.ndarray:
    matrix = np.zeros(shape, dtype=dtype)
    matrix[entries[:, 0], entries[:, 1]] = entries[:, 2]
    return matrix


def _pair_matrix(pairs: list[dict], s_index: dict, r_index: dict, shape: tuple[int, int]):
    matrix = np.zeros(shape, dtype=bool)
    if pairs:
        rows = [s_index[p["student"]] for p in pairs]
        cols = [r_index[p["role"]] for p in pairs]
        matrix[rows, cols] = True
    return matrix


def student_arrays(students: list[dict], skill_index: dict, sector_index: dict) -> dict:
    """The student-side fields of :class:`Problem`, skills and sectors numbered by the indexes."""
    sectors = np.zeros((len(students), len(sector_index)), dtype=bool)
    for row, student in enumerate(students):
        sectors[row, [sector_index[s] for s in student["sectors"]]] = True
    return {
        "student_levels": _level_matrix(students, skill_index, ""),
        "rqf_level": _vector([s["rqf_level"] for s in students], np.int16),
        "right_to_work": _vector([s["right_to_work"] for s in students], bool),
        "available_from": _vector([_ordinal(s["available_from"]) for s in students], np.int64),
        "available_until": _vector([_ordinal(s["available_until"]) for s in students], np.int64),
        "student_hours": _vector([s["hours_per_week"] for s in students], np.int16),
        "student_borough": _vector(
            [-1 if s["borough"] is None else BOROUGH_INDEX[s["borough"]] for s in students],
            np.int16,
        ),
        "student_modes": _vector(
            [sum(MODE_BITS[m] for m in s["work_modes"]) for s in students], np.uint8
        ),
        "student_sectors": sectors,
        "has_sectors": sectors.any(axis=1),
    }


def _role_arrays(roles: list[dict], skill_index: dict, sector_index: dict) -> dict:
    return {
        "role_levels": _level_matrix(roles, skill_index, "level"),
        "role_weights": _level_matrix(roles, skill_index, "weight"),
        "role_required": _level_matrix(roles, skill_index, "required").astype(bool),
        "min_rqf_level": _vector([r["min_rqf_level"] for r in roles], np.int16),
        "start": _vector([_ordinal(r["start"]) for r in roles], np.int64),
        "end": _vector([_ordinal(r["end"]) for r in roles], np.int64),
        "role_hours": _vector([r["hours_per_week"] for r in roles], np.int16),
        "role_borough": _vector([BOROUGH_INDEX[r["borough"]] for r in roles], np.int16),
        "role_mode": _vector([MODE_BITS[r["work_mode"]] for r in roles], np.uint8),
        "role_sector": _vector([sector_index[r["sector"]] for r in roles], np.int64),
        "places": _vector([r["places"] for r in roles], np.int64),
        "role_pref_length": _vector([len(r["preferences"]) for r in roles], np.int64),
    }


def _forbidden_entries(pairs: list[dict], s_index: dict, r_index: dict) -> np.ndarray:
    entries = [(s_index[p["student"]], r_index[p["role"]], 1) for p in pairs]
    return np.array(entries, dtype=np.int64).reshape(-1, 3)


def build_problem(snapshot: dict[str, Any], *, dense: bool = True) -> Problem:
    """Turn a normalised snapshot (from :func:`matching.validate_snapshot`) into a :class:`Problem`.

    Students and roles keep the snapshot's order (sorted by id after validation). With
    ``dense=False`` no students x roles array is built (see :class:`PairTable`).
    """
    students, roles = snapshot["students"], snapshot["roles"]
    student_ids = tuple(s["id"] for s in students)
    role_ids = tuple(r["id"] for r in roles)
    s_index = {sid: i for i, sid in enumerate(student_ids)}
    r_index = {rid: j for j, rid in enumerate(role_ids)}
    skills = sorted({k for e in students + roles for k in e["skills"]})
    skill_index = {skill: i for i, skill in enumerate(skills)}
    sectors = sorted({r["sector"] for r in roles} | {x for s in students for x in s["sectors"]})
    sector_index = {sector: i for i, sector in enumerate(sectors)}
    shape = (len(students), len(roles))
    student_prefs = _rank_entries([s["preferences"] for s in students], r_index)
    role_prefs = _rank_entries([r["preferences"] for r in roles], s_index)[:, [1, 0, 2]]
    return Problem(
        snapshot=snapshot,
        student_ids=student_ids,
        role_ids=role_ids,
        skill_ids=tuple(skills),
        **student_arrays(students, skill_index, sector_index),
        **_role_arrays(roles, skill_index, sector_index),
        student_prefs=student_prefs,
        role_prefs=role_prefs,
        student_pref_rank=_rank_matrix(student_prefs, shape, np.int16)
        if dense
        else PairTable(student_prefs, shape),
        role_pref_rank=_rank_matrix(role_prefs, shape, np.int32)
        if dense
        else PairTable(role_prefs, shape),
        forbidden=_pair_matrix(snapshot["forbidden"], s_index, r_index, shape)
        if dense
        else PairTable(_forbidden_entries(snapshot["forbidden"], s_index, r_index), shape),
        locked=tuple((s_index[p["student"]], r_index[p["role"]]) for p in snapshot["locked"]),
    )
