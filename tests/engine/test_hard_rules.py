"""Worked cases for each hard rule: a broken rule makes the pair infeasible and never proposed."""

import pytest

from matching import build_problem, feasible_mask, rule_masks, solve_round, validate_snapshot
from matching.feasibility import rule_failures
from matching.reference import pair_is_feasible
from matching.synthetic import role_profile, round_of, student_profile

# (name, student overrides, role overrides, rule that fails, expected failure text)
CASES = [
    (
        "below the role's level",
        {"rqf_level": 6},
        {"min_rqf_level": 7},
        "min_rqf_level",
        "needs Level 7 or above (you are Level 6)",
    ),
    (
        "no right to work",
        {"right_to_work": False},
        {},
        "right_to_work",
        "needs the right to work in the UK",
    ),
    (
        "available too late",
        {"available_from": "2026-07-02"},
        {},
        "dates",
        "runs 2026-07-01 to 2026-08-31; you are available 2026-07-02 to 2026-09-30",
    ),
    (
        "leaves too early",
        {"available_until": "2026-08-30"},
        {},
        "dates",
        "runs 2026-07-01 to 2026-08-31; you are available 2026-06-01 to 2026-08-30",
    ),
    (
        "too few hours",
        {"hours_per_week": 29},
        {},
        "hours_per_week",
        "needs 30 hours a week (you offer 29)",
    ),
    (
        "work mode not chosen",
        {"work_modes": ["remote"]},
        {"work_mode": "hybrid"},
        "work_mode",
        "is hybrid work; you did not choose hybrid",
    ),
    (
        "required skill below level",
        {"skills": {"python": 2}},
        {},
        "skills",
        "needs python at level 3 (you have 2)",
    ),
    (
        "required skill missing",
        {"skills": {"sql": 5}},
        {},
        "skills",
        "needs python at level 3 (you do not have it)",
    ),
]

BOUNDARIES = [
    ("same level as asked", {"rqf_level": 7}, {"min_rqf_level": 7}),
    (
        "window exactly the role's dates",
        {"available_from": "2026-07-01", "available_until": "2026-08-31"},
        {},
    ),
    ("hours exactly as asked", {"hours_per_week": 30}, {}),
    ("required skill exactly at level", {"skills": {"python": 3}}, {}),
    (
        "a desired skill may be missing",
        {"skills": {"python": 3}},
        {
            "skills": {
                "python": {"level": 3, "weight": 1, "required": True},
                "sql": {"level": 5, "weight": 3, "required": False},
            }
        },
    ),
]


def pair_round(student_overrides, role_overrides, **sections):
    student = student_profile("s1", **student_overrides)
    return round_of([student], [role_profile("r1", **role_overrides)], **sections)


@pytest.mark.parametrize(
    ("case", "student", "role", "rule", "text"), CASES, ids=[c[0] for c in CASES]
)
def test_a_pair_breaking_one_hard_rule_is_infeasible_and_never_proposed(
    case, student, role, rule, text
):
    snapshot = validate_snapshot(pair_round(student, role))
    problem = build_problem(snapshot)
    masks = rule_masks(problem)
    assert [name for name, mask in masks.items() if not mask[0, 0]] == [rule]
    assert not feasible_mask(problem)[0, 0]
    assert rule_failures(snapshot["students"][0], snapshot["roles"][0]) == [text]
    assert not pair_is_feasible(snapshot["students"][0], snapshot["roles"][0], False)
    result = solve_round(snapshot)
    assert result["assignments"] == []
    assert result["unmatched"][0]["student"] == "s1"


@pytest.mark.parametrize(("case", "student", "role"), BOUNDARIES, ids=[c[0] for c in BOUNDARIES])
def test_a_pair_on_the_boundary_of_every_rule_is_feasible(case, student, role):
    snapshot = validate_snapshot(pair_round(student, role))
    assert feasible_mask(build_problem(snapshot))[0, 0]
    assert rule_failures(snapshot["students"][0], snapshot["roles"][0]) == []
    assert [(a["student"], a["role"]) for a in solve_round(snapshot)["assignments"]] == [
        ("s1", "r1")
    ]


def test_a_student_below_the_roles_level_is_never_proposed():
    students = [student_profile("s6", rqf_level=6), student_profile("s7", rqf_level=7)]
    snapshot = round_of(students, [role_profile("r1", min_rqf_level=7, places=2)])
    result = solve_round(snapshot)
    assert [a["student"] for a in result["assignments"]] == ["s7"]


def test_a_forbidden_pair_is_never_proposed_even_when_it_is_the_only_option():
    snapshot = pair_round({}, {}, forbidden=[{"student": "s1", "role": "r1"}])
    result = solve_round(snapshot)
    assert result["assignments"] == []
    assert "excluded for you by the coordinator" in result["unmatched"][0]["reason"]


def test_the_unmatched_reason_counts_the_roles_each_rule_excludes():
    roles = [
        role_profile("r1", work_mode="remote"),
        role_profile("r2", work_mode="remote", min_rqf_level=8),
        role_profile("r3", min_rqf_level=8),
    ]
    student = student_profile("s1", work_modes=["on-site"], rqf_level=7)
    reason = solve_round(round_of([student], roles))["unmatched"][0]["reason"]
    assert reason == (
        "no role meets every rule: 2 roles need a level above your Level 7; "
        "2 roles need a work mode you did not choose (you chose on-site)"
    )


def test_the_unmatched_reason_says_when_places_went_to_others():
    students = [student_profile("s1"), student_profile("s2", skills={"python": 3})]
    skills = {
        "python": {"level": 3, "weight": 2, "required": True},
        "sql": {"level": 2, "weight": 1, "required": False},
    }
    result = solve_round(round_of(students, [role_profile("r1", skills=skills)]))
    assert result["unmatched"] == [
        {
            "student": "s2",
            "reason": "1 suitable role had no place left for you in the best overall assignment",
        }
    ]


def test_the_unmatched_reason_says_when_feasible_roles_scored_below_the_minimum():
    snapshot = pair_round({"sectors": ["health"]}, {}, parameters={"min_score": 0.99})
    result = solve_round(snapshot)
    assert result["unmatched"][0]["reason"] == "1 feasible role scored below the minimum score 0.99"
