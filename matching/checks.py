"""Validity checker for a result, independent of the solver."""

from __future__ import annotations

from collections import Counter
from typing import Any

from .formats import RESULT_FORMAT, SnapshotError, result_digest, sha256_of
from .reference import POINTS, all_pairs, budgets, pair_is_feasible, pair_points, pair_score
from .snapshot import validate_snapshot

# Scores are whole points (millionths) and must agree to the point; breakdowns are rounded to 6
# decimals, so they may differ from the exact values by half a point. Allow that and float noise.
TOLERANCE = 5.1e-7


def _close(a: Any, b: float) -> bool:
    return isinstance(a, int | float) and not isinstance(a, bool) and abs(a - b) <= TOLERANCE


def _check_header(snapshot: dict, result: dict) -> list[str]:
    problems = []
    if result.get("format") != RESULT_FORMAT:
        problems.append(f"The result format is {result.get('format')!r}, not {RESULT_FORMAT!r}.")
    if result.get("input_sha256") != sha256_of(snapshot):
        problems.append("input_sha256 does not match the round snapshot.")
    if result.get("result_sha256") != result_digest(result):
        problems.append("result_sha256 does not match the result's content.")
    if result.get("parameters") != snapshot["parameters"]:
        problems.append("The parameters differ from the snapshot's (with defaults filled in).")
    return problems


def _check_pair(entry: Any, index: int, context: dict) -> list[str]:
    where = f"Assignment {index}"
    if not isinstance(entry, dict):
        return [f"{where} is not an object."]
    student = context["students"].get(entry.get("student"))
    role = context["roles"].get(entry.get("role"))
    if student is None or role is None:
        return [
            f"{where} names an unknown student or role "
            f"({entry.get('student')!r}, {entry.get('role')!r})."
        ]
    pair = (student["id"], role["id"])
    forbidden = pair in context["forbidden"]
    problems = []
    if forbidden:
        problems.append(f"{where} uses the forbidden pair {pair[0]} - {pair[1]}.")
    if not pair_is_feasible(student, role, forbidden):
        problems.append(f"{where} breaks a hard rule: {pair[0]} cannot take {pair[1]}.")
    score, breakdown = pair_score(student, role, context["weights"])
    if not _close(entry.get("score"), score):
        problems.append(f"{where} has score {entry.get('score')!r}; recomputed {score:.6f}.")
    given = entry.get("breakdown")
    if not isinstance(given, dict) or any(
        not _close(given.get(name), value) for name, value in breakdown.items()
    ):
        problems.append(f"{where} has a breakdown that does not match the recomputed components.")
    is_locked = pair in context["locked"]
    if entry.get("locked") is not is_locked:
        problems.append(f"{where} is marked locked={entry.get('locked')!r}, should be {is_locked}.")
    if not is_locked and score < context["min_score"] - TOLERANCE:
        problems.append(f"{where} scores {score:.6f}, below min_score {context['min_score']}.")
    return problems


def _check_assignments(snapshot: dict, assignments: list, context: dict) -> list[str]:
    problems = []
    for index, entry in enumerate(assignments):
        problems.extend(_check_pair(entry, index, context))
    pairs = [(e.get("student"), e.get("role")) for e in assignments if isinstance(e, dict)]
    for student, count in Counter(s for s, _ in pairs).items():
        if count > 1:
            problems.append(f"Student {student} is assigned {count} times.")
    per_role = Counter(r for _, r in pairs)
    for role_id, count in sorted(per_role.items(), key=str):
        role = context["roles"].get(role_id)
        if role is not None and count > role["places"]:
            problems.append(f"Role {role_id} has {count} students but {role['places']} places.")
    for student, role in sorted(context["locked"] - set(pairs)):
        problems.append(f"The locked pair {student} - {role} is missing.")
    return problems


def _check_totals(snapshot: dict, result: dict, assignments: list, context: dict) -> list[str]:
    problems = []
    placed = {e.get("student") for e in assignments if isinstance(e, dict)}
    scores = [e.get("score", 0) for e in assignments if isinstance(e, dict)]
    objective = result.get("objective") or {}
    if objective.get("placed") != len(assignments):
        problems.append(f"objective.placed is {objective.get('placed')!r}, not {len(assignments)}.")
    total = sum(s for s in scores if isinstance(s, int | float))
    if not _close(objective.get("total_score"), total):
        problems.append(
            f"objective.total_score is {objective.get('total_score')!r}, not {total:.6f}."
        )
    unmatched = {e.get("student") for e in result.get("unmatched", []) if isinstance(e, dict)}
    if unmatched != set(context["students"]) - placed:
        problems.append("The unmatched list is not exactly the students without a role.")
    filled = Counter(e.get("role") for e in assignments if isinstance(e, dict))
    expected = {
        role_id: role["places"] - filled[role_id]
        for role_id, role in context["roles"].items()
        if role["places"] > filled[role_id]
    }
    given = {
        e.get("role"): e.get("places_left")
        for e in result.get("unfilled", [])
        if isinstance(e, dict)
    }
    if given != expected:
        problems.append("The unfilled list does not match the places left.")
    return problems


def _check_scores(snapshot: dict, listed: Any, candidates_only: bool, context: dict) -> list[str]:
    if not isinstance(listed, list):
        return ["scores is not a list."]
    given = {
        (e.get("student"), e.get("role")): e.get("score") for e in listed if isinstance(e, dict)
    }
    expected = _listed_pairs(given, context) if candidates_only else all_pairs(snapshot)
    problems = []
    if set(given) != set(expected):
        what = "feasible pairs it names" if candidates_only else "feasible pairs"
        problems.append(f"scores does not list exactly the {what}.")
    wrong = [
        pair for pair, score in expected.items() if pair in given and not _close(given[pair], score)
    ]
    if wrong:
        problems.append(
            f"{len(wrong)} listed scores differ from the recomputed ones, e.g. {wrong[0]}."
        )
    return problems


def _listed_pairs(given: dict, context: dict) -> dict[tuple[str, str], float]:
    """Recomputed scores of the listed pairs that exist and are feasible (candidate lists)."""
    budget = budgets(context["weights"])
    expected = {}
    for student_id, role_id in given:
        student = context["students"].get(student_id)
        role = context["roles"].get(role_id)
        if student is None or role is None:
            continue
        if pair_is_feasible(student, role, (student_id, role_id) in context["forbidden"]):
            expected[(student_id, role_id)] = pair_points(student, role, budget) / POINTS
    return expected


def check_result(snapshot: dict[str, Any], result: dict[str, Any]) -> list[str]:
    """Check a result against its round, without running the solver.

    Parameters
    ----------
    snapshot : dict
        The ``placement-round/1`` snapshot the result claims to solve.
    result : dict
        A ``placement-result/1`` document.

    Returns
    -------
    list of str
        Empty when valid; otherwise one plain sentence per problem.

    Notes
    -----
    Checks the hashes, the parameters, ids, every hard rule per pair, forbidden pairs, capacities
    (locks included), locks kept, ``min_score`` (locked pairs exempt), each student at most once,
    every score recomputed by :mod:`matching.reference` to the point and every breakdown value
    within half a point, the objective totals, the unmatched and unfilled lists, and ``scores``
    when present (only the listed pairs when ``scores_cover`` is ``"candidates"``, the national
    path's candidate graph). It does not judge optimality or stability. Memory and time grow
    with the number of assignments, never with students x roles.
    """
    try:
        snapshot = validate_snapshot(snapshot)
    except SnapshotError as error:
        return [f"The round snapshot is not valid: {error}."]
    if not isinstance(result, dict):
        return ["The result is not a JSON object."]
    assignments = result.get("assignments")
    if not isinstance(assignments, list):
        return ["The result has no assignments list."]
    context = {
        "students": {s["id"]: s for s in snapshot["students"]},
        "roles": {r["id"]: r for r in snapshot["roles"]},
        "forbidden": {(p["student"], p["role"]) for p in snapshot["forbidden"]},
        "locked": {(p["student"], p["role"]) for p in snapshot["locked"]},
        "weights": snapshot["parameters"]["weights"],
        "min_score": snapshot["parameters"]["min_score"],
    }
    problems = _check_header(snapshot, result)
    problems += _check_assignments(snapshot, assignments, context)
    problems += _check_totals(snapshot, result, assignments, context)
    if "scores" in result:
        candidates_only = result.get("scores_cover") == "candidates"
        problems += _check_scores(snapshot, result["scores"], candidates_only, context)
    return problems
