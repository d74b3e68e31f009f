"""Questions the service asks about one student or one role."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np

from .feasibility import RULES, feasible_mask, rule_failures
from .problem import build_problem
from .reasons import pair_reasons
from .scoring import SCORE_UNIT
from .snapshot import Prepared, prepare, validate_snapshot


def _national(snapshot: dict[str, Any]) -> bool:
    from .national import is_national

    return is_national(len(snapshot["students"]), len(snapshot["roles"]))


def _role_entry(prepared: Prepared, student: int, role: int) -> dict[str, Any]:
    s_data, r_data = prepared.snapshot["students"][student], prepared.snapshot["roles"][role]
    entry: dict[str, Any] = {
        "role": r_data["id"],
        "organisation": r_data["organisation"],
        "feasible": bool(prepared.feasible[student, role]),
    }
    if not entry["feasible"]:
        forbidden = bool(prepared.problem.forbidden[student, role])
        entry["failures"] = rule_failures(s_data, r_data, forbidden)
        return entry
    entry["score"] = int(prepared.units[student, role]) / SCORE_UNIT
    entry["meets_min_score"] = bool(prepared.acceptable[student, role])
    entry["breakdown"] = prepared.breakdown(student, role)
    entry["reasons"] = pair_reasons(s_data, r_data)
    return entry


def explain_student(snapshot: dict[str, Any], student_id: str) -> dict[str, Any]:
    """How well every role fits one student, and why.

    Parameters
    ----------
    snapshot : dict
        A ``placement-round/1`` snapshot (validated here).
    student_id : str

    Returns
    -------
    dict
        ``{"student": id, "roles": [...]}``. Each role entry has ``role``, ``organisation`` and
        ``feasible``; a feasible one adds ``score``, ``meets_min_score``, ``breakdown`` and
        ``reasons``, an infeasible one adds ``failures`` (plain English, e.g. "needs Level 7 or
        above (you are Level 6)", "needs python at level 3 (you have 2)"). Sorted best first:
        feasible roles by score, then infeasible ones by fewest failures, ties by role id.

    Raises
    ------
    KeyError
        If ``student_id`` is not in the snapshot.
    """
    normalised = validate_snapshot(snapshot)
    ids = [s["id"] for s in normalised["students"]]
    if student_id not in ids:
        raise KeyError(f"unknown student id {student_id!r}")
    student = ids.index(student_id)
    if _national(normalised):
        from .national_explain import StudentView

        prepared = StudentView(normalised, student)
    else:
        prepared = prepare(normalised, normalised=True)
    entries = [_role_entry(prepared, student, r) for r in range(len(normalised["roles"]))]
    entries.sort(
        key=lambda e: (
            not e["feasible"],
            -e.get("score", 0.0),
            len(e.get("failures", ())),
            e["role"],
        )
    )
    return {"student": student_id, "roles": entries}


def _one_role_count(snapshot: dict[str, Any], role: dict[str, Any]) -> int:
    """Students meeting every hard rule for ``role`` (maybe relaxed), by the solver's own code."""
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
    return int(feasible_mask(build_problem(single)).sum())


def _skill_relaxations(snapshot: dict[str, Any], role: dict[str, Any]) -> list[dict[str, Any]]:
    relaxations = []
    for skill, asked in sorted(role["skills"].items()):
        if not asked["required"]:
            continue
        relaxed = copy.deepcopy(role)
        relaxed["skills"][skill]["required"] = False
        relaxations.append(
            {
                "rule": f"skill:{skill}",
                "description": f"if {skill} were desired rather than required",
                "feasible": _one_role_count(snapshot, relaxed),
            }
        )
    return relaxations


def _dropped_rule(masks: dict[str, np.ndarray], role: int, dropped: str) -> int:
    column = np.ones(next(iter(masks.values())).shape[0], dtype=bool)
    for rule in RULES:
        if rule != dropped:
            column &= masks[rule][:, role]
    return int(column.sum())


def pool_size(snapshot: dict[str, Any], role_id: str) -> dict[str, Any]:
    """How many students meet every hard rule for a role, and how many would if one rule relaxed.

    Returns
    -------
    dict
        ``{"role": id, "feasible": n, "relaxations": [{"rule", "description", "feasible"}]}`` with
        one ``skill:<id>`` entry per required skill (that skill made desired rather than
        required), ``min_rqf_level`` (Level 6 students admitted; only when the role asks for
        more), then ``hours_per_week``, ``work_mode`` and ``dates`` (that rule dropped). Counts
        come from the solver's own feasibility code (:func:`matching.feasibility.rule_masks`).

    Raises
    ------
    KeyError
        If ``role_id`` is not in the snapshot.
    """
    normalised = validate_snapshot(snapshot)
    role_ids = [r["id"] for r in normalised["roles"]]
    if role_id not in role_ids:
        raise KeyError(f"unknown role id {role_id!r}")
    role_index = role_ids.index(role_id)
    role = normalised["roles"][role_index]
    if _national(normalised):
        from .national_explain import one_role_prepared

        prepared, role_index = one_role_prepared(normalised, role_index), 0
    else:
        prepared = prepare(normalised, normalised=True)
    relaxations = _skill_relaxations(normalised, role)
    if role["min_rqf_level"] > 6:
        relaxed = dict(role, min_rqf_level=6)
        relaxations.append(
            {
                "rule": "min_rqf_level",
                "description": "if Level 6 students could apply",
                "feasible": _one_role_count(normalised, relaxed),
            }
        )
    descriptions = {
        "hours_per_week": f"if students offering fewer than {role['hours_per_week']} hours a "
        "week could apply",
        "work_mode": f"if students who did not choose {role['work_mode']} work could apply",
        "dates": f"if students not available for all of {role['start']} to {role['end']} "
        "could apply",
    }
    for rule, description in descriptions.items():
        count = _dropped_rule(prepared.masks, role_index, rule)
        relaxations.append({"rule": rule, "description": description, "feasible": count})
    feasible = int(prepared.feasible[:, role_index].sum())
    return {"role": role_id, "feasible": feasible, "relaxations": relaxations}
