"""explain_student, pool_size and alternatives."""

import pytest

from matching import alternatives, explain_student, pool_size, solve_round
from matching.synthetic import role_profile, round_of, student_profile, synthetic_round


def browsing_round():
    student = student_profile("s1", rqf_level=6, skills={"python": 2, "sql": 4})
    roles = [
        role_profile("r-level", min_rqf_level=7, skills={}),
        role_profile("r-skill"),
        role_profile("r-good", skills={"sql": {"level": 3, "weight": 1, "required": True}}),
        role_profile("r-ok", skills={"sql": {"level": 3, "weight": 1}}, borough="havering"),
    ]
    return round_of([student], roles)


def test_explain_student_lists_every_role_best_first_with_reasons_or_failures():
    report = explain_student(browsing_round(), "s1")
    assert [e["role"] for e in report["roles"]] == ["r-good", "r-ok", "r-level", "r-skill"]
    good = report["roles"][0]
    assert good["feasible"] and good["score"] > report["roles"][1]["score"]
    assert set(good["breakdown"]) == {"skills", "travel", "preferences", "sector"}
    assert "Skills matched: sql (level 4, asked 3)" in good["reasons"]
    assert report["roles"][2]["failures"] == ["needs Level 7 or above (you are Level 6)"]
    assert report["roles"][3]["failures"] == ["needs python at level 3 (you have 2)"]


def test_explain_student_rejects_an_unknown_student():
    with pytest.raises(KeyError):
        explain_student(browsing_round(), "nobody")


def test_pool_size_counts_students_for_the_role_and_for_each_relaxation():
    students = [
        student_profile("a"),
        student_profile("b", skills={"python": 2}),
        student_profile("c", rqf_level=6),
        student_profile("d", hours_per_week=20),
        student_profile("e", work_modes=["remote"]),
        student_profile("f", available_until="2026-08-01"),
    ]
    role = role_profile("r1", min_rqf_level=7)
    report = pool_size(round_of(students, [role]), "r1")
    assert report["feasible"] == 1
    assert report["relaxations"] == [
        {
            "rule": "skill:python",
            "description": "if python were desired rather than required",
            "feasible": 2,
        },
        {"rule": "min_rqf_level", "description": "if Level 6 students could apply", "feasible": 2},
        {
            "rule": "hours_per_week",
            "description": "if students offering fewer than 30 hours a week could apply",
            "feasible": 2,
        },
        {
            "rule": "work_mode",
            "description": "if students who did not choose on-site work could apply",
            "feasible": 2,
        },
        {
            "rule": "dates",
            "description": (
                "if students not available for all of 2026-07-01 to 2026-08-31 could apply"
            ),
            "feasible": 2,
        },
    ]


def test_pool_size_agrees_with_the_solvers_feasibility_on_a_synthetic_round():
    data = synthetic_round(80, 10, seed=2)
    result = solve_round(data, include_scores=True)
    for role in data["roles"]:
        feasible = sum(1 for s in result["scores"] if s["role"] == role["id"])
        assert pool_size(data, role["id"])["feasible"] == feasible


def test_alternatives_report_what_forcing_another_role_costs_the_round():
    students = [student_profile("s1", sectors=["health"], rqf_level=8), student_profile("s2")]
    roles = [role_profile("r-health", sector="health", min_rqf_level=8), role_profile("r-tech")]
    report = alternatives(round_of(students, roles), "s1")
    assert report["current"]["role"] == "r-health"
    assert report["objective"]["placed"] == 2
    [alternative] = report["alternatives"]
    assert alternative["role"] == "r-tech"
    assert alternative["cost"]["placed"] == 1  # then s2, who can only take r-tech, is left out
    assert alternative["cost"]["total_score"] > 0


def test_alternatives_of_a_locked_student_are_empty():
    data = round_of(
        [student_profile("s1")],
        [role_profile("r1"), role_profile("r2")],
        locked=[{"student": "s1", "role": "r1"}],
    )
    report = alternatives(data, "s1")
    assert report["locked"] and report["alternatives"] == []


def test_alternatives_are_limited_and_best_first():
    data = synthetic_round(40, 20, seed=4)
    student = next(a["student"] for a in solve_round(data)["assignments"])
    report = alternatives(data, student, limit=3)
    scores = [a["score"] for a in report["alternatives"]]
    assert len(scores) <= 3 and scores == sorted(scores, reverse=True)
    assert all(a["cost"]["placed"] >= 0 for a in report["alternatives"])
